"""Signed, expiring tokens for links that must not be guessable (a download handed out on a status
page after the visitor's credentials were checked).

A token is `django.core.signing` output (timestamped, bound to a salt) wrapped once more in URL-safe
base64 without padding: Wagtail routes only letters, digits, "-" and "_" in a path segment, and a
signature separates its parts with ":". Each app keeps its own salt (a token of one kind never
opens another), its maximum age and the shape of the signed value; this module only signs, wraps,
unwraps and checks.
"""

import base64

from django.core import signing


def make_token(value, salt):
    """A path-segment-safe token carrying `value` (anything JSON can hold), signed with `salt`."""
    signed = signing.dumps(value, salt=salt)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def read_token(token, salt, max_age, validate=None):
    """The value of a token from `make_token(value, salt)` made at most `max_age` seconds ago.

    Raises signing.SignatureExpired for a genuine but too old token, and signing.BadSignature for
    anything else: not base64, a wrong signature or salt, or a value `validate(value)` rejects.
    """
    try:
        signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise signing.BadSignature("not a link token") from None
    value = signing.loads(signed, salt=salt, max_age=max_age)
    if validate is not None and not validate(value):
        raise signing.BadSignature("not a link token of this kind")
    return value
