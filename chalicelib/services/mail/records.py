"""Config kinds used by the mail services."""

SIGNATURE = "signature"
