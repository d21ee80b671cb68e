"""The password policy of a new password a user chooses themselves.

The same rules as the Cognito user pool's (infra/gen_resources.py ``PasswordPolicy``), so
that the local stack refuses what AWS would, and a weak password is refused before it costs
a login attempt. Admins may still set a short first password for someone else (the local
demo's ``demo``): that one is temporary or the admin's own risk (services/admin.py).
"""

from __future__ import annotations

from chalicelib.domain.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 256
SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "  # Cognito's list of special characters

RULES = (
    f"at least {MIN_LENGTH} characters, with a lower-case and an upper-case letter, "
    "a digit and a symbol"
)


def check_new_password(password: object) -> str:
    """The password if it meets the policy; ValidationError ``weak_password`` otherwise."""
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationError(f"the new password needs {RULES}", code="weak_password")
    kinds = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in SYMBOLS for c in password),
    )
    if not all(kinds):
        raise ValidationError(f"the new password needs {RULES}", code="weak_password")
    return password
