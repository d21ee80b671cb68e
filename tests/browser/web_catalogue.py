"""The UI's message catalogues, read from web/src/i18n for the language check."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

I18N = Path(__file__).resolve().parents[2] / "web" / "src" / "i18n"
_ENTRY = re.compile(r'^\s*"([\w.]+)":\s*"((?:[^"\\]|\\.)*)",?\s*$', re.M)


@cache
def catalogue(lang: str) -> dict[str, str]:
    return dict(_ENTRY.findall((I18N / f"{lang}.ts").read_text(encoding="utf-8")))


def only_in(lang: str) -> list[str]:
    """Texts of ``lang``'s catalogue that differ from the other's, long enough not to match by
    chance, split at placeholders: seeing one on a screen in the other language means an
    untranslated string."""
    other = "en" if lang == "sv" else "sv"
    mine, theirs = catalogue(lang), catalogue(other)
    their_words = " ".join(theirs.values())
    texts: set[str] = set()
    for key, text in mine.items():
        if text == theirs.get(key):
            continue
        for part in re.split(r"\{\w+\}", text):
            part = part.strip(" .:()–-")
            if len(part) >= 8 and part not in their_words:
                texts.add(part)
    return sorted(texts)


def english_only_texts() -> list[str]:
    return only_in("en")
