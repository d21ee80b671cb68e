"""ULIDs: sortable by time, and in creation order within one millisecond."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.ids import new_ulid

CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
AT = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def millis_of(ulid: str) -> int:
    value = 0
    for char in ulid[:10]:
        value = value * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".index(char)
    return value


def test_a_ulid_is_26_crockford_characters_starting_with_its_time() -> None:
    ulid = new_ulid(AT)

    assert len(ulid) == 26
    assert set(ulid) <= CROCKFORD
    assert millis_of(ulid) == int(AT.timestamp() * 1000)


def test_ulids_made_in_one_millisecond_sort_in_the_order_they_were_made() -> None:
    ids = [new_ulid(AT) for _ in range(2000)]

    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_a_later_millisecond_sorts_after_everything_before_it() -> None:
    earlier = [new_ulid(AT) for _ in range(50)]

    later = new_ulid(AT + timedelta(milliseconds=1))

    assert later > max(earlier)


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=40))
def test_ids_made_at_non_decreasing_times_are_strictly_increasing(steps: list[int]) -> None:
    times = []
    at = AT
    for step in steps:
        at += timedelta(milliseconds=step)
        times.append(at)

    ids = [new_ulid(t) for t in times]

    assert all(a < b for a, b in itertools.pairwise(ids))
