"""Data safety and robustness of the API (issue #14, items 6-9), against the real graph and a seeded SQLite shop.

Card data typed by a customer reaches no file and no webhook; bad input and bad tokens are 4xx; a locked database
answers 503 within a second while the event loop keeps serving; a failed agent command is refused once and never
replayed; internal notes stay internal; demo secrets are refused off loopback; new conversations are rate limited.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from server.__main__ import main as cli
from server.app import create_app
from server.auth import AUDIENCES, RENEWED_TOKEN_HEADER, conversation_token, customer_token, verify
from server.config import InsecureSettings, ServerSettings
from server.webhooks import SECRET_FILE, verify_signature
from server.workers import Restarts
from shopdesk.learning import export_dataset
from tests.test_server_api import (  # noqa: F401  (env and client are fixtures)
    AGENT,
    SHOP_KEY,
    SUPERVISOR,
    Env,
    bearer,
    client,
    env,
    expensive_pending_order,
    propose_address_change,
    say,
    server_settings,
    shipped_order,
    start,
)

CARD = "4539 1488 0343 6467"  # Luhn-valid, typed with spaces as customers do
CARD_FORMS = [CARD, CARD.replace(" ", ""), CARD.replace(" ", "-")]
CVV = "7373"


class Receiver:
    """A local webhook endpoint that records raw bodies and headers; answers `statuses` in turn, then 204."""

    def __init__(self, statuses: tuple[int, ...] = ()) -> None:
        self.calls: list[tuple[bytes, dict[str, str]]] = []
        calls, queued = self.calls, list(statuses)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                calls.append((body, dict(self.headers)))
                self.send_response(queued.pop(0) if queued else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, event: str, timeout_s: float = 10.0) -> tuple[bytes, dict[str, str]]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for body, headers in self.calls:
                if json.loads(body)["event"] == event and self._accepted(body):
                    return body, headers
            time.sleep(0.02)
        raise AssertionError(f"no {event} webhook; got {[json.loads(b)['event'] for b, _ in self.calls]}")

    def _accepted(self, body: bytes) -> bool:
        # The last call with this body is the one answered 2xx (earlier ones may have been refused on purpose).
        return [b for b, _ in self.calls].count(body) >= 1


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


# --- card data and PII -------------------------------------------------------------------------------------------


def test_a_card_number_typed_by_a_customer_is_nowhere_on_disk_nor_in_webhooks(
    env: Env,  # noqa: F811
    receiver: Receiver,
) -> None:
    settings = server_settings(webhook_urls=[receiver.url])  # no secret configured: one is generated
    with TestClient(create_app(server_settings=settings)) as client:  # noqa: F811
        cid, headers = start(client)
        say(client, cid, headers, f"My card {CARD} was charged twice for one order, the security code is {CVV}")
        turn = say(client, cid, headers, f"I want to talk to a human please, my card is {CARD.replace(' ', '-')}")
        assert turn["status"] == "waiting_human"
        body, signed = receiver.wait_for("conversation.handoff")

        # A person takes over, and even what they type is masked before it is kept.
        agent = bearer(AGENT)
        url = f"/v1/agent/conversations/{cid}"
        assert client.post(f"{url}/reply", headers=agent, json={"text": f"Is it {CARD}?"}).status_code == 200
        assert client.post(f"{url}/note", headers=agent, json={"text": f"card {CARD} cvv {CVV}"}).status_code == 200
        assert client.post(f"{url}/resolve", headers=agent).status_code == 200
        receiver.wait_for("conversation.resolved")

        view = client.get(f"/v1/conversations/{cid}", headers=headers).json()
        texts = [m["text"] for m in view["messages"]]
        assert "[card ending 6467]" in texts[0] and "security code is [removed]" in texts[0]
    exported = env.data_dir / "exports" / "learning.jsonl"
    assert export_dataset(env.db_url, exported) >= 1

    # Webhooks: signed (with the secret generated into the data directory) and free of card data.
    secret = (env.data_dir / SECRET_FILE).read_text().strip()
    assert verify_signature(secret, body, signed["X-ShopDesk-Signature"])
    for sent, _ in receiver.calls:
        assert not any(form.encode() in sent for form in CARD_FORMS) and CVV.encode() not in sent
    assert "[card ending 6467]" in json.loads(body)["summary"]

    # Every file: the shop database and its journal, the checkpoints, the learning export, the secret.
    files = files_under(env.data_dir) + files_under(Path(env.db_url.split("///", 1)[1]).parent)
    assert any(path.name.startswith("checkpoints") for path in files) and exported in files
    for path in files:
        content = path.read_bytes()
        assert not any(form.encode() in content for form in CARD_FORMS), f"card number in {path}"
        assert f"code is {CVV}".encode() not in content and f"cvv {CVV}".encode() not in content, path
    assert any(b"[card ending 6467]" in path.read_bytes() for path in files if "checkpoints" in path.name)

    # Data files are the service user's only.
    for path in [env.data_dir, *files_under(env.data_dir), Path(env.db_url.split("///", 1)[1])]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is {oct(path.stat().st_mode)}"


def test_webhooks_are_retried_with_backoff_from_a_durable_outbox(env: Env) -> None:  # noqa: F811
    flaky = Receiver(statuses=(500,))  # the first delivery fails
    try:
        settings = server_settings(webhook_urls=[flaky.url], webhook_secret="hook-secret")
        with TestClient(create_app(server_settings=settings)) as client:
            cid, headers = start(client)
            say(client, cid, headers, "I want to speak to a human, write to me at jo.doe@example.com")
            webhooks = client.app.state.desk.webhooks  # type: ignore[attr-defined]
            deadline = time.monotonic() + 15
            # The receiver has the call before the sender hears its answer and marks the row delivered: wait for both.
            while (len(flaky.calls) < 2 or webhooks.pending()) and time.monotonic() < deadline:
                time.sleep(0.05)
            rows = webhooks.pending()
        assert len(flaky.calls) == 2, "refused once, delivered on the retry"
        (first, first_headers), (second, second_headers) = flaky.calls
        assert first == second and first_headers["X-ShopDesk-Delivery"] == second_headers["X-ShopDesk-Delivery"]
        assert verify_signature("hook-secret", second, second_headers["X-ShopDesk-Signature"])
        # A captured call replayed ten minutes later is refused by the receiver's check.
        assert not verify_signature(
            "hook-secret", second, second_headers["X-ShopDesk-Signature"], now=time.time() + 600
        )
        assert not verify_signature("other-secret", second, second_headers["X-ShopDesk-Signature"])
        assert rows == [], "the outbox holds nothing undelivered"
        payload = json.loads(second)
        assert payload["conversation_id"] == cid and "jo.doe@example.com" not in payload["summary"]
        assert "[email]" in payload["summary"]
    finally:
        flaky.server.shutdown()
        flaky.server.server_close()


# --- bad input and bad tokens ----------------------------------------------------------------------------------


def test_bad_json_and_bad_tokens_are_4xx_with_a_clear_message(client: TestClient, env: Env) -> None:  # noqa: F811
    cid, headers = start(client)
    json_headers = {**headers, "Content-Type": "application/json"}
    url = f"/v1/conversations/{cid}/messages"
    surrogate = client.post(url, headers=json_headers, content=b'{"text": "hi \\ud800"}')
    assert surrogate.status_code == 422 and "\\ud800" in surrogate.text
    for body in (b'{"text": "\xff\xfe"}', b'{"text": ', b"[1, 2"):
        response = client.post(url, headers=json_headers, content=body)
        assert 400 <= response.status_code < 500 and response.json()["detail"], body
    start_headers = {**SHOP_KEY, "Content-Type": "application/json"}
    assert (
        client.post("/v1/conversations", headers=start_headers, content=b'{"customer_token": "\\udfff"}').status_code
        == 422
    )
    assert client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"] == [], "nothing half-recorded"

    # Customer tokens: standard JWTs that must carry an expiry (a number) and the customer audience.
    secret = env.server.customer_token_secret.get_secret_value()
    _, customer_id = shipped_order(env.db_url)
    claims = {"aud": AUDIENCES["customer"], "shop": "demo", "sub": customer_id}
    for bad, why in (
        (jwt.encode({**claims, "exp": "never"}, secret), "malformed token"),
        (jwt.encode(claims, secret), "no 'exp' claim"),
        (jwt.encode({**claims, "exp": time.time() + 60, "aud": "someone-else"}, secret), "not a customer token"),
        (conversation_token(env.server, "demo", cid), "not a customer token"),
        (jwt.encode({**claims, "exp": time.time() + 60}, "a-guessed-secret-of-thirty-two-bytes!"), "bad signature"),
        ("not-a-token", "malformed token"),
    ):
        response = client.post("/v1/conversations", headers=SHOP_KEY, json={"customer_token": bad})
        assert response.status_code == 401 and why in response.json()["detail"], (why, response.text)


def test_conversation_tokens_slide_and_expire(client: TestClient, env: Env) -> None:  # noqa: F811
    cid, headers = start(client)
    secret = env.server.customer_token_secret.get_secret_value()
    issued = verify(headers["Authorization"].split()[1], secret, "conversation")
    time.sleep(1.1)
    polled = client.get(f"/v1/conversations/{cid}", headers=headers)
    renewed = verify(polled.headers[RENEWED_TOKEN_HEADER], secret, "conversation")
    assert renewed["cid"] == cid and renewed["exp"] > issued["exp"], "each use pushes the expiry back"
    assert renewed["exp"] - time.time() == pytest.approx(env.server.conversation_token_ttl_s, abs=5)
    streamed = client.post(f"/v1/conversations/{cid}/messages?stream=true", headers=headers, json={"text": "hi"})
    assert verify(streamed.headers[RENEWED_TOKEN_HEADER], secret, "conversation")["cid"] == cid

    stale = {"aud": AUDIENCES["conversation"], "shop": "demo", "cid": cid, "exp": int(time.time()) - 120}
    expired = client.get(f"/v1/conversations/{cid}", headers={**SHOP_KEY, **bearer(jwt.encode(stale, secret))})
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    endless = {key: value for key, value in stale.items() if key != "exp"}
    forever = client.get(f"/v1/conversations/{cid}", headers={**SHOP_KEY, **bearer(jwt.encode(endless, secret))})
    assert forever.status_code == 401 and "exp" in forever.json()["detail"]


def test_a_failed_agent_command_is_refused_once_and_never_replayed(client: TestClient, env: Env) -> None:  # noqa: F811
    order_id, customer_id = shipped_order(env.db_url)
    cid, headers = start(client, customer_token(env.server, "demo", customer_id))
    assert say(client, cid, headers, "I want to talk to a human please")["status"] == "waiting_human"
    url = f"/v1/agent/conversations/{cid}"
    agent = bearer(AGENT)
    overflow = {"name": "issue_goodwill_credit", "args": {"amount": "1e400", "reason": "late", "order_id": order_id}}
    refused = client.post(f"{url}/tool", headers=agent, json=overflow)
    assert refused.status_code == 422 and "nothing was changed" in refused.json()["detail"]
    surrogate = client.post(
        f"{url}/tool",
        headers={**agent, "Content-Type": "application/json"},
        content=b'{"name": "get_order_details", "args": {"order_id": "\\ud800"}}',
    )
    assert surrogate.status_code == 422

    # The next actions run as asked: the failed one is not replayed into them.
    details = client.post(
        f"{url}/tool", headers=agent, json={"name": "get_order_details", "args": {"order_id": order_id}}
    )
    assert details.status_code == 200 and details.json()["result"]["order_id"] == order_id
    replied = client.post(f"{url}/reply", headers=agent, json={"text": "Hi, I'm looking at your order now."})
    assert replied.status_code == 200 and replied.json()["replies"][0]["text"].startswith("Hi, I'm looking")
    audit = client.get(url, headers=agent).json()["notes"]
    assert [n["text"] for n in audit if n["text"].startswith("ran ")] == ["ran get_order_details"]


# --- faults ------------------------------------------------------------------------------------------------------


def test_a_locked_database_answers_503_promptly_and_the_loop_stays_free(
    client: TestClient,  # noqa: F811
    env: Env,  # noqa: F811
) -> None:
    cid, headers = start(client)
    holder = sqlite3.connect(env.db_url.split("///", 1)[1], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock (a long migration, a stuck script)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            began = time.monotonic()

            def create() -> tuple[Any, float]:
                response = client.post("/v1/conversations", headers=SHOP_KEY, json={})
                return response, time.monotonic()

            creating = pool.submit(create)
            time.sleep(0.1)
            # Probes while the write waits on the lock: a blocked loop answers none of them until the write gives
            # up; a free one answers them at once (one host hiccup may slow a probe, not all of them).
            probes: list[tuple[float, float]] = []
            while not creating.done() or not probes:
                probe = time.monotonic()
                health = client.get("/health")
                assert health.status_code == 200
                probes.append((probe, time.monotonic()))
                time.sleep(0.01)  # probing without a pause starves the write's thread of the GIL on a loaded host
            created, created_at = creating.result()
            waited_s = created_at - began
        # Only probes answered well before the write's answer count: after a blocked loop frees up, probes are fast.
        during = [end - start for start, end in probes if end < created_at - 0.1]
        assert created.status_code == 503 and created.headers["Retry-After"] == "1", created.text
        assert "try again" in created.json()["detail"]
        # The short busy timeout answers after about half a second; without it sqlite3 waits its default 5 s. The
        # bound leaves room for a loaded host while still telling the two apart.
        assert waited_s < 3.0, f"answered after {waited_s:.2f} s"
        assert during and min(during) < 0.2, (
            f"the event loop was blocked: /health answered {probes}, write {created_at}"
        )

        # A customer already in a conversation still gets their answer; the handoff reaches the queue once the
        # database takes writes again.
        began = time.monotonic()
        turn = say(client, cid, headers, "I want to talk to a human please")
        assert turn["status"] == "waiting_human" and turn["replies"] and time.monotonic() - began < 3
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        queue = client.get("/v1/agent/queue", headers=bearer(AGENT)).json()["items"]
        if any(item["conversation_id"] == cid for item in queue):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the handoff never reached the queue")
    assert client.post("/v1/conversations", headers=SHOP_KEY, json={}).status_code == 201


def test_a_worker_that_keeps_dying_is_replaced_after_growing_pauses_never_given_up() -> None:
    restarts = Restarts(first_s=1, max_s=60, stable_s=60)
    pauses = [restarts.died(ran_s=0.5) for _ in range(10)]
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert restarts.died(ran_s=3600) == 0, "a worker that ran for an hour is replaced at once"
    assert restarts.died(ran_s=1) == 1


# --- internal notes, demo secrets, rate limits -------------------------------------------------------------------


def test_a_rejection_note_stays_internal_and_the_customer_gets_the_reviewers_message(
    client: TestClient,  # noqa: F811
    env: Env,  # noqa: F811
) -> None:
    order_id, customer_id = expensive_pending_order(env.db_url)
    cid, headers = start(client, customer_token(env.server, "demo", customer_id))
    desk = client.app.state.desk  # type: ignore[attr-defined]
    assert client.portal is not None
    client.portal.call(propose_address_change, desk.conversations.graph, env.db_url, cid, order_id, customer_id)
    assert say(client, cid, headers, "yes")["status"] == "awaiting_approval"
    note = "Third redirect this month from this account, looks like parcel fraud"
    decision = {"decision": "reject", "note": note, "customer_message": "Please call us to confirm the new address."}
    decided = client.post(f"/v1/agent/conversations/{cid}/approval", headers=bearer(SUPERVISOR), json=decision)
    assert decided.status_code == 200, decided.text
    told = " ".join(reply["text"] for reply in decided.json()["replies"])
    assert "Please call us to confirm the new address." in told and "fraud" not in told
    view = client.get(f"/v1/conversations/{cid}", headers=headers).json()
    assert all("fraud" not in message["text"] for message in view["messages"])
    audit = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(AGENT)).json()["request"]
    assert audit is None or "fraud" not in json.dumps(audit.get("transcript", []))


def test_demo_secrets_are_refused_unless_a_demo_binds_to_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    ServerSettings().check_secrets()  # the demo on 127.0.0.1
    ServerSettings(host="::1").check_secrets()
    with pytest.raises(InsecureSettings, match=r"0\.0\.0\.0, which is not a loopback address"):
        ServerSettings(host="0.0.0.0").check_secrets()
    with pytest.raises(InsecureSettings, match=r"SHOPDESK_AGENT_TOKENS.*outside demo mode"):
        ServerSettings(demo=False, customer_token_secret="s3cret", storefront_keys={"demo": "k"}).check_secrets()
    ServerSettings(host="0.0.0.0", customer_token_secret="s3cret", storefront_keys={"demo": "k"}, agent_tokens={})
    production = ServerSettings(
        host="0.0.0.0", demo=False, customer_token_secret="s3cret", storefront_keys={"demo": "k"}, agent_tokens={}
    )
    production.check_secrets()

    assert cli(["--host", "0.0.0.0"]) == 2
    assert "refusing to start with the public demo values" in capsys.readouterr().err
    with pytest.raises(InsecureSettings), TestClient(create_app(server_settings=ServerSettings(host="0.0.0.0"))):
        pass


def test_new_conversations_are_rate_limited_per_client(env: Env) -> None:  # noqa: F811
    settings = server_settings(conversations_burst=3, conversations_per_minute=1)
    with TestClient(create_app(server_settings=settings)) as client:  # noqa: F811
        codes = [client.post("/v1/conversations", headers=SHOP_KEY, json={}).status_code for _ in range(3)]
        limited = client.post("/v1/conversations", headers=SHOP_KEY, json={})
    assert codes == [201, 201, 201]
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "too many new conversations" in limited.json()["detail"]
