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


def test_a_token_is_signed_as_pyjwt_signs_it() -> None:
    import jwt

    for secret in (SECRET, "ein-geheimnis-mit-umlauten-äöü-und-mehr-als-32-bytes"):
        kinds: tuple[dict[str, str], ...] = (
            {},
            {"shop": "bücher", "cid": 'a "quoted" id'},
            {"sub": "c1", "aud": auth.AUDIENCES["customer"]},
        )
        for claims in kinds:
            now = int(time.time())
            payload = {"aud": auth.AUDIENCES["conversation"], "shop": "demo", "cid": "c1", "iat": now, "exp": now + 60}
            payload |= claims
            assert auth.sign(payload, secret) == jwt.encode(payload, secret, algorithm="HS256")


@pytest.mark.parametrize(
    "key",
    [
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ support@shop",
        '{"kty": "oct", "k": "c2VjcmV0"}',
    ],
)
def test_an_asymmetric_key_is_still_refused_as_a_secret(key: str) -> None:
    import jwt

    # Twice: a refused key is not remembered as a prepared one.
    for _ in range(2):
        with pytest.raises(jwt.InvalidKeyError):
            auth.sign({"aud": auth.AUDIENCES["conversation"], "exp": 1}, key)


def test_a_short_secret_is_signed_with_and_said() -> None:
    from jwt.warnings import InsecureKeyLengthWarning

    with pytest.warns(InsecureKeyLengthWarning):
        auth.sign({"aud": auth.AUDIENCES["conversation"], "exp": 1}, "short-but-unique-secret-7")
