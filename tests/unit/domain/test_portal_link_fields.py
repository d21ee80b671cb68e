"""Issue 10: the ticket's portal link generation and the contact-change warning, in the
domain and through the DynamoDB codec (no table needed: the codec is pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.adapters.dynamodb.codec import ticket_from_model, ticket_to_model
from chalicelib.domain import portal_token
from chalicelib.domain.statuses import Channel
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = b"s" * 32


def a_ticket() -> Ticket:
    return Ticket.open_new(
        actor="agent1", id="T1", number=1, title="Skrivaren", response_point_id="kundtjanst",
        contact_id="C1", channel=Channel.EMAIL, created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def test_revoking_bumps_the_generation_and_records_it() -> None:
    ticket = a_ticket()
    ticket.revoke_portal_links("admin", NOW)
    ticket.revoke_portal_links("admin", NOW)

    assert ticket.portal_generation == 2
    assert [e.type for e in ticket.pending_events][-2:] == ["portal_links_revoked"] * 2


def test_the_address_warning_lasts_thirty_days() -> None:
    ticket = a_ticket()
    ticket.record_contact_change("agent3", NOW, before=["a@x.se"], after=["b@x.se"])

    assert ticket.address_warning(NOW + timedelta(days=30)) == {
        "at": iso(NOW),
        "by": "agent3",
        "before": ["a@x.se"],
        "after": ["b@x.se"],
    }
    assert ticket.address_warning(NOW + timedelta(days=31)) is None
    assert ticket.pending_events[-1].type == "contact_changed"


def test_the_codec_keeps_the_new_fields() -> None:
    ticket = a_ticket()
    ticket.revoke_portal_links("admin", NOW)
    ticket.record_contact_change("agent3", NOW, before=["a@x.se"], after=["b@x.se"])

    back = ticket_from_model(ticket_to_model(ticket))

    assert back.portal_generation == 1
    assert back.contact_change == ticket.contact_change
    plain = ticket_from_model(ticket_to_model(a_ticket()))
    assert (plain.portal_generation, plain.contact_change) == (0, None)


def test_a_token_carries_its_binding_and_the_address_set_decides_the_hash() -> None:
    grant = portal_token.PortalGrant(
        "T1", "C1", NOW + timedelta(days=30),
        address_hash=portal_token.address_hash(["Kim@X.se"], SECRET), generation=3,
    )  # fmt: skip
    back = portal_token.verify(portal_token.issue(grant, SECRET), SECRET, NOW)

    assert back == grant and not back.legacy
    assert portal_token.address_hash(["kim@x.se "], SECRET) == grant.address_hash
    assert portal_token.address_hash(["kim@x.se", "b@x.se"], SECRET) != grant.address_hash
    assert portal_token.address_hash(["mallory@evil.example"], SECRET) != grant.address_hash
