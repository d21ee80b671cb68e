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


def english_only_texts() -> list[str]:
    """English texts that differ from the Swedish, long enough not to match by chance,
    split at placeholders: seeing one on a Swedish screen means an untranslated string."""
    sv, en = catalogue("sv"), catalogue("en")
    texts: set[str] = set()
    for key, text in en.items():
        if text == sv.get(key):
            continue
        for part in re.split(r"\{\w+\}", text):
            part = part.strip(" .:()–-")
            if len(part) >= 8 and part not in " ".join(sv.values()):
                texts.add(part)
    return sorted(texts)
