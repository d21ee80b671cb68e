"""The top-bar search's words (issue 15): how text becomes index tokens and a typed query
becomes terms. Pure: the index adapters (memory, DynamoDB) and the services share it, so a
word is folded the same way when it is stored and when it is looked for.

Folding: NFKD, combining marks dropped, a few letters that do not decompose mapped by hand
(ø, æ, ß, ł, đ, þ, ı), then casefold. So "ostrom" finds "Öström" and "OSTRÖM", "Ŝ" finds
"s", "Иванов" finds "иванов"; and "öström" typed finds the same (the query folds too). The
price: a Swede cannot tell "ö" from "o" in a search; recall matters more in a search box.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from chalicelib.domain.errors import BadRequestError

MIN_TOKEN = 2  # shorter words are not indexed (and a 1-letter last word is no prefix)
MAX_TOKEN = 40  # longer words are cut (URLs, hashes): the first 40 characters still match
MAX_TOKENS_PER_TEXT = 500  # distinct words kept per message (the first ones)
MAX_QUERY_CHARS = 200
MAX_TERMS = 6
PREFIX_FROM = 3  # words this long match as prefixes even when not the last one

_FOLD = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
                       "ß": "ss", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "þ": "th",
                       "Þ": "th", "ð": "d", "Ð": "d", "ı": "i"})  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
_PHONE_LIKE = re.compile(r"\+?[\d\s\-().]+")
_NUMBER = re.compile(r"#?(\d{1,9})")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text`` in order (letters and digits of any script)."""
    return [w[:MAX_TOKEN] for w in _WORD.findall(fold(text))]


def text_tokens(*texts: str, limit: int = MAX_TOKENS_PER_TEXT) -> set[str]:
    """Distinct index tokens of some texts: words of at least MIN_TOKEN characters."""
    found: dict[str, None] = {}
    for text in texts:
        for word in words(text or ""):
            if len(word) >= MIN_TOKEN:
                found[word] = None
                if len(found) >= limit:
                    return set(found)
    return set(found)


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def phone_tokens(e164: str, national: str = "") -> set[str]:
    """A phone number as tokens: its international digits (no + or 00) and its national
    form's digits, so "+46 70", "004670…" and "070-12" typed all find it by prefix."""
    found = {digits(e164)}
    if national:
        found.add(digits(national))
    return {t for t in found if len(t) >= MIN_TOKEN}


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool  # any token starting with it (else only the word itself)

    def matches(self, token: str) -> bool:
        return token == self.text or (self.prefix and token.startswith(self.text))


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]
    number: int | None = None  # "#123" or "123": that ticket number


def parse_query(text: str) -> Query:
    """The terms of what was typed. BadRequestError (HTTP 400) for an empty or too long query."""
    if not isinstance(text, str) or not text.strip():
        raise BadRequestError("type something to search for", code="empty_query")
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequestError(f"at most {MAX_QUERY_CHARS} characters", code="query_too_long")
    typed = text.strip()
    number_match = _NUMBER.fullmatch(typed)
    number = int(number_match.group(1)) if number_match else None
    if _PHONE_LIKE.fullmatch(typed) and len(digits(typed)) >= 5:
        # A phone number in any formatting: one term of its digits, international form
        # without + or 00 (the index holds both the international and the national digits).
        joined = digits(typed)
        if typed.startswith("00"):
            joined = joined[2:]
        return Query((Term(joined, prefix=True),), number)
    found = words(typed)
    still_typing = not text[-1].isspace()
    terms: dict[str, Term] = {}
    for i, word in enumerate(found):
        last = i == len(found) - 1
        if len(word) < MIN_TOKEN:
            continue
        # Words of 3 letters or more match as prefixes wherever they stand: Swedish adds
        # endings ("skrivare" finds "skrivaren", "faktura" "fakturan"); the last word, still
        # being typed, from 2 letters; a finished 2-letter word ("ip") only as itself.
        term = Term(word, prefix=len(word) >= PREFIX_FROM or (last and still_typing))
        if word not in terms or term.prefix:
            terms[word] = term
    chosen = list(terms.values())
    # More words than we look up: the longest say the most.
    if len(chosen) > MAX_TERMS:
        keep = set(sorted(chosen, key=lambda t: -len(t.text))[:MAX_TERMS])
        chosen = [t for t in chosen if t in keep]
    return Query(tuple(chosen), number)


# --- index keys (shared by the memory and DynamoDB adapters) --------------------------

TICKET, CONTACT, ORGANISATION = "t", "c", "o"
KINDS = (TICKET, CONTACT, ORGANISATION)


def partition(kind: str, token: str) -> str:
    """Index items of one kind and one 2-letter start share a partition, so a prefix is one
    Query (begins_with on the sort key) and common starts spread over many partitions."""
    return f"{kind}#{token[:MIN_TOKEN]}"


def sort_key(token: str, entity_id: str) -> str:
    # "|" is outside every token (tokens are letters and digits), so "ann|" ends "ann".
    return f"{token}|{entity_id}"


def sort_prefix(term: Term) -> str:
    return term.text if term.prefix else f"{term.text}|"


def entity_of(sort: str) -> str:
    return sort.rsplit("|", 1)[1]
