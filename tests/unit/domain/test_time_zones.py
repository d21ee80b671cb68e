"""The organisation's and calendars' time zone check: every listed zone passes, nothing
else does, and checking one never lists them all (20 ms on a cold Lambda, on every path
that reads the Settings)."""

from __future__ import annotations

import zoneinfo

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.organisation import Settings
from chalicelib.domain.timefmt import check_time_zone, time_zones


def test_every_zone_the_forms_offer_is_accepted() -> None:
    offered = time_zones()
    assert {"UTC", "Europe/Stockholm", "America/Argentina/Salta", "Etc/GMT+1"} <= offered
    assert [z for z in sorted(offered) if check_time_zone(z) != z] == []


@pytest.mark.parametrize(
    "bad",
    ["", "Mars/Olympus", "../../etc/passwd", "/etc/passwd", "Europe/../Europe/Stockholm",
     "localtime", "posixrules", "zone.tab", "Europe/Stockholm\n", 5, None],
)  # fmt: skip
def test_anything_else_is_refused_in_words(bad: object) -> None:
    with pytest.raises(ValidationError, match="IANA time zone"):
        check_time_zone(bad)
    assert bad not in time_zones()


def test_reading_the_settings_does_not_list_every_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    def listing() -> set[str]:
        raise AssertionError("available_timezones() called on the Settings path")

    monkeypatch.setattr(zoneinfo, "available_timezones", listing)
    time_zones.cache_clear()
    try:
        assert Settings(time_zone="Europe/Helsinki").time_zone == "Europe/Helsinki"
    finally:
        time_zones.cache_clear()
