"""The ticket tag in mail subjects, e.g. ``[#10001]`` (S16, threading rule 3)."""

from __future__ import annotations

import re

from chalicelib.domain.errors import ValidationError

DEFAULT_FORMAT = "[#{number}]"
_REPLY_PREFIX = re.compile(r"^\s*((re|sv|aw|vs|antw|fw|fwd|vb|tr)\s*(\[\d+\])?\s*:\s*)+", re.I)


def check_format(fmt: str) -> str:
    if not isinstance(fmt, str) or fmt.count("{number}") != 1 or not 8 < len(fmt) <= 40:
        raise ValidationError("the subject tag format must contain {number} once, e.g. [#{number}]")
    if "\r" in fmt or "\n" in fmt:
        raise ValidationError("the subject tag format cannot hold line breaks")
    return fmt


def format_tag(fmt: str, number: int) -> str:
    return fmt.replace("{number}", str(number))


def _pattern(fmt: str) -> re.Pattern[str]:
    before, _, after = fmt.partition("{number}")
    return re.compile(re.escape(before) + r"\s*(\d{1,12})\s*" + re.escape(after), re.I)


def find_number(fmt: str, subject: str) -> int | None:
    match = _pattern(fmt).search(subject or "")
    return int(match.group(1)) if match else None


def reply_subject(title: str, fmt: str, number: int, *, with_tag: bool) -> str:
    """``Re: <title> [#10001]`` — the tag once, however often the subject went back and forth."""
    base = _REPLY_PREFIX.sub("", title).strip()
    base = _pattern(fmt).sub("", base).strip() if with_tag else base
    subject = f"Re: {base}" if base else "Re:"
    return f"{subject} {format_tag(fmt, number)}" if with_tag else subject
