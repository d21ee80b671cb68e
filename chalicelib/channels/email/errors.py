"""Errors raised by the e-mail layer.

Both are ``ValidationError``\\ s: the input reached us intact but is not
something we accept (bytes that are no mail, a header that would smuggle in
another header).
"""

from __future__ import annotations

from chalicelib.domain.errors import ValidationError


class MailParseError(ValidationError):
    """The bytes are not an e-mail at all (empty, no headers, binary data)."""

    code = "mail_unparseable"


class HeaderInjectionError(ValidationError):
    """An outbound header value holds CR or LF and could start a new header."""

    code = "header_injection"
