"""Which response point a number belongs to, and which contact a number is."""

from __future__ import annotations

from chalicelib.channels import sms
from chalicelib.domain.contact import Contact
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.services import directory, lookup_keys
from chalicelib.services.contacts import create_contact
from chalicelib.services.context import Services


def response_point_for(svc: Services, destination: str) -> ResponsePoint:
    """The response point whose SMS numbers include ``destination`` (E.164), else the
    default response point, else the first one."""
    points = directory.response_points(svc)
    for rp in points:
        if destination in rp.sms_numbers:
            return rp
    default = directory.settings(svc).default_response_point_id
    for rp in points:
        if rp.id == default:
            return rp
    if points:
        return points[0]
    raise ValidationError("no response point is set up to receive texts", code="no_response_point")


def find_contact(svc: Services, e164: str) -> Contact | None:
    """The contact whose card holds the number in any form it may have been typed in
    ('+46701234567', '0046701234567', '0701234567'): one strongly consistent batch read of
    the Lookups items the contact cards keep (contact_phone#...), no Scan."""
    keys = [lookup_keys.contact_phone(form) for form in sms.national_forms(e164)]
    found = svc.lookups.get_many(keys)
    for key in keys:  # E.164 first: the form intake itself writes
        if key in found:
            try:
                return svc.contacts.get(found[key])
            except NotFoundError:
                continue
    return None


def find_or_create_contact(svc: Services, e164: str, rp: ResponsePoint) -> Contact:
    if (found := find_contact(svc, e164)) is not None:
        return found
    try:
        # A new contact speaks the language of the response point texted, until told otherwise.
        return create_contact(svc, {"phones": [e164], "language": rp.language.value})
    except ConflictError:
        # Created by a concurrent text a moment ago: use that card.
        if (found := find_contact(svc, e164)) is not None:
            return found
        raise


def mobile_of(contact: Contact) -> str | None:
    """The contact's first number a text can reach, in E.164; None if none can."""
    for phone in contact.phones:
        try:
            e164 = sms.to_e164(phone)
        except ValidationError:
            continue
        if sms.is_mobile(e164):
            return e164
    return None
