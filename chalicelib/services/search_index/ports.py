"""The SearchIndex port (issue 15): token -> entity items, written per source.

An entity (a ticket, a contact, an organisation) is indexed as sources: a ticket's card
(title and description) and each of its messages and notes; a contact's or organisation's
card. Each source keeps a manifest of its tokens, so it can be replaced (an edited title)
or the whole entity removed (GDPR) without a scan.
"""

from __future__ import annotations

import abc
from typing import Any

from chalicelib.domain.search_index import Term


class SearchIndex(abc.ABC):
    @abc.abstractmethod
    def replace(
        self,
        kind: str,
        entity_id: str,
        source: str,
        tokens: set[str],
        doc: dict[str, Any] | None = None,
    ) -> int:
        """Make ``source`` hold exactly ``tokens`` (its manifest is read: tokens it held
        and no longer does leave the index); ``doc`` is what a result shows. Returns the
        items written or deleted."""

    @abc.abstractmethod
    def add(self, kind: str, entity_id: str, source: str, tokens: set[str]) -> int:
        """A source written once (a message): nothing is read; written again (a redelivered
        stream record), it writes the same items. Returns the items written."""

    @abc.abstractmethod
    def remove(self, kind: str, entity_id: str, *, at: str) -> int:
        """Every source of the entity leaves the index, and a marker keeps ``at`` (ISO
        time): a stream record of a message older than it is not indexed again."""

    @abc.abstractmethod
    def removed_at(self, kind: str, entity_id: str) -> str | None: ...

    @abc.abstractmethod
    def find(self, kind: str, term: Term, *, limit: int) -> list[str]:
        """Ids of entities of ``kind`` with a token the term matches, at most ``limit``
        (for one word: highest id first, and ids are ULIDs: newest first)."""

    @abc.abstractmethod
    def docs(self, kind: str, entity_ids: list[str], source: str = "card") -> dict[str, Any]:
        """id -> the ``doc`` stored with that source (missing ones left out)."""
