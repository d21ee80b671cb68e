"""Signatures (S13): registered once, chosen by the most specific scope."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import ValidationError

MAX_SIGNATURE = 10_000


@dataclass
class Signature:
    """``scope`` is ``global``, ``user:<id>``, ``rp:<id>`` or ``user-rp:<user>:<rp>``."""

    id: str
    scope: str
    text: str
    html: str = ""
    logo_key: str = ""  # blob key of the image shown inline (usually the logo)
    logo_content_type: str = ""

    def __post_init__(self) -> None:
        kind, _, rest = self.scope.partition(":")
        valid = (
            (kind == "global" and not rest)
            or (kind in ("user", "rp") and rest)
            or (kind == "user-rp" and rest.count(":") == 1 and all(rest.split(":")))
        )
        if not valid:
            raise ValidationError("scope must be global, user:<id>, rp:<id> or user-rp:<user>:<rp>")
        if len(self.text) > MAX_SIGNATURE or len(self.html) > MAX_SIGNATURE:
            raise ValidationError(f"a signature is at most {MAX_SIGNATURE} characters")


def scope_order(user_id: str, rp_id: str) -> list[str]:
    """Most specific first: personal per response point > response point > user > global."""
    return [f"user-rp:{user_id}:{rp_id}", f"rp:{rp_id}", f"user:{user_id}", "global"]


def resolve(signatures: list[Signature], user_id: str, rp_id: str) -> Signature | None:
    by_scope = {s.scope: s for s in signatures}
    return next((by_scope[s] for s in scope_order(user_id, rp_id) if s in by_scope), None)
