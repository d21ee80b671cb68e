"""The quick menu (S14): a user's profiles merged, in order, each link once."""

from __future__ import annotations

from chalicelib.domain.organisation import User
from chalicelib.services import admin, directory, menus
from chalicelib.services.context import Services
from tests.unit.rules.desk import make_template


def _profile(svc: Services, root: User, profile_id: str, **fields: object) -> None:
    admin.put_item(
        svc, root, directory.MENU_PROFILE, profile_id, {"name": profile_id, **fields}, create=True
    )


def test_a_link_in_two_of_a_users_profiles_shows_once_where_it_comes_first(
    svc: Services, people: dict[str, User]
) -> None:
    root = people["admin"]
    make_template(svc, root)
    intranet = {"kind": "url", "target": "https://intranet.example.se/", "label": "Intranät"}
    _profile(svc, root, "roles", roles=["agent"], position=1, links=[
        {"kind": "new_from_template", "target": "faktura"}, intranet,
    ])  # fmt: skip
    _profile(svc, root, "mine", users=["agent1"], position=2, links=[
        intranet,
        {"kind": "url", "target": "https://wiki.example.se/", "label": "Wiki"},
        {"kind": "new_from_template", "target": "faktura"},
    ])  # fmt: skip

    menu = menus.my_menu(svc, people["agent1"])

    assert [(link["label"], link["profile_id"]) for link in menu["links"]] == [
        ("Fakturafrågor", "roles"),
        ("Intranät", "roles"),
        ("Wiki", "mine"),
    ]
    assert menu["profiles"] == ["roles", "mine"]
    # agent2 has only the role's profile.
    assert [link["label"] for link in menus.my_menu(svc, people["agent2"])["links"]] == [
        "Fakturafrågor",
        "Intranät",
    ]
