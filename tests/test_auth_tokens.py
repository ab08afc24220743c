"""Token checks remembered between uses: a conversation token seen before is still refused once it has expired."""

from __future__ import annotations

import time

import pytest

from server import auth

SECRET = "a-test-secret-long-enough-for-hs256!"


def token(ttl_s: int, **claims: object) -> str:
    now = int(time.time())
    payload = {"aud": auth.AUDIENCES["conversation"], "shop": "demo", "cid": "c1", "iat": now, "exp": now + ttl_s}
    return auth.sign(payload | claims, SECRET)


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    issued = token(60)
    assert auth.verify(issued, SECRET, "conversation")["cid"] == "c1"
    assert auth.verify(issued, SECRET, "conversation")["cid"] == "c1"  # remembered
    later = time.time() + 60 + auth.LEEWAY_S
    monkeypatch.setattr(auth.time, "time", lambda: later)
    with pytest.raises(auth.TokenError, match="expired"):
        auth.verify(issued, SECRET, "conversation")


def test_a_remembered_token_is_checked_per_kind_and_secret() -> None:
    issued = token(60)
    auth.verify(issued, SECRET, "conversation")
    with pytest.raises(auth.TokenError, match="not a customer token"):
        auth.verify(issued, SECRET, "customer")
    with pytest.raises(auth.TokenError, match="bad signature"):
        auth.verify(issued, SECRET + "x", "conversation")


def test_a_caller_cannot_change_the_remembered_payload() -> None:
    issued = token(60)
    auth.verify(issued, SECRET, "conversation")["cid"] = "someone else's"
    assert auth.verify(issued, SECRET, "conversation")["cid"] == "c1"
