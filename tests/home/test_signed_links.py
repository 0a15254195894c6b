"""Signed link tokens: one path segment, readable only with the same salt and only for a while."""

import base64
import re
import time

import pytest
from django.core import signing

from home.signed_links import make_token, read_token

SALT = "tests.signed-links"


def test_a_token_round_trips_and_fits_in_one_path_segment():
    for value in ([12, "result"], {"r": 7, "d": "0123456789abcdef"}, "文件", 3):
        token = make_token(value, SALT)
        assert re.fullmatch(r"[-A-Za-z0-9_]+", token), token
        assert read_token(token, SALT, max_age=600) == value


def test_an_old_token_has_expired(monkeypatch):
    eleven_minutes_ago = time.time() - 11 * 60
    monkeypatch.setattr(signing.time, "time", lambda: eleven_minutes_ago)
    token = make_token([1, 2], SALT)
    monkeypatch.undo()
    with pytest.raises(signing.SignatureExpired):
        read_token(token, SALT, max_age=10 * 60)
    assert read_token(token, SALT, max_age=12 * 60) == [1, 2]


def test_a_tampered_token_is_refused():
    token = make_token([1, 2], SALT)
    signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    value, rest = signed.split(":", 1)
    other = base64.urlsafe_b64encode(signing.JSONSerializer().dumps([1, 3])).decode().rstrip("=")
    for bad in (f"{other}:{rest}", signed[:-1] + ("A" if signed[-1] != "A" else "B")):
        forged = base64.urlsafe_b64encode(bad.encode()).decode().rstrip("=")
        with pytest.raises(signing.BadSignature) as refused:
            read_token(forged, SALT, max_age=600)
        assert not isinstance(refused.value, signing.SignatureExpired)
    # The signed value without the base64 wrapping is not a token either.
    with pytest.raises(signing.BadSignature):
        read_token(signed, SALT, max_age=600)


def test_a_token_of_another_salt_is_refused():
    token = make_token([1, 2], "tests.other-kind")
    with pytest.raises(signing.BadSignature):
        read_token(token, SALT, max_age=600)
    wrapped = base64.urlsafe_b64encode(signing.dumps([1, 2]).encode()).decode().rstrip("=")
    with pytest.raises(signing.BadSignature):
        read_token(wrapped, SALT, max_age=600)


@pytest.mark.parametrize("garbage", ["", "1", "abc", "x" * 41, "!!!!", "文件", "%2F..%2F", "gA", "_-_-"])
def test_garbage_is_a_bad_signature_never_another_error(garbage):
    with pytest.raises(signing.BadSignature):
        read_token(garbage, SALT, max_age=600)


def test_a_value_of_the_wrong_shape_is_refused():
    def is_pair(value):
        return isinstance(value, list) and len(value) == 2

    assert read_token(make_token([1, 2], SALT), SALT, 600, validate=is_pair) == [1, 2]
    with pytest.raises(signing.BadSignature):
        read_token(make_token({"r": 1}, SALT), SALT, 600, validate=is_pair)
