"""Streaming turns (server-sent events) and outgoing webhooks, against the real graph and a local receiver."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

import shopdesk.settings
from server.app import create_app
from server.auth import customer_token
from server.webhooks import verify_signature
from tests.support.openai_stub import OpenAIStub
from tests.test_server_api import (  # noqa: F401  (env is a fixture)
    AGENT,
    Env,
    bearer,
    env,
    server_settings,
    shipped_order,
    start,
)


def sse_events(client: TestClient, url: str, headers: dict[str, str], text: str) -> list[tuple[str, Any]]:
    with client.stream("POST", url, headers=headers, json={"text": text}, params={"stream": "true"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = response.read().decode()
    events = []
    for block in raw.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        events.append((fields["event"], json.loads(fields["data"])))
    return events


@pytest.fixture
def client(env: Env) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(server_settings=env.server)) as test_client:
        yield test_client


def test_a_streamed_turn_reports_progress_then_the_reply(client: TestClient, env: Env) -> None:  # noqa: F811
    order_id, customer_id = shipped_order(env.db_url)
    cid, headers = start(client, customer_token(env.server, "demo", customer_id))
    events = sse_events(client, f"/v1/conversations/{cid}/messages", headers, "Where is my order?")
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "status" and kinds[-1] == "reply"
    nodes = [data["node"] for kind, data in events if kind == "status" and "node" in data]
    assert nodes[:2] == ["understand", "gate"] and "respond" in nodes
    # Tool calls and tool results never reach the customer's stream.
    assert all("tool" not in json.dumps(data).lower() for kind, data in events if kind in ("message", "token"))
    messages = [data for kind, data in events if kind == "message"]
    reply = events[-1][1]
    assert reply["status"] == "bot" and reply["waiting_for_person"] is False
    assert order_id in reply["replies"][0]["text"]
    assert messages and messages[-1]["text"] == reply["replies"][-1]["text"]

    # The streamed turn is a normal turn: it is in the history, and the next (plain JSON) turn follows on.
    view = client.get(f"/v1/conversations/{cid}", headers=headers).json()
    assert [m["role"] for m in view["messages"]] == ["customer", "bot"]


def test_a_streamed_handoff_ends_waiting_for_a_person(client: TestClient) -> None:
    cid, headers = start(client)
    events = sse_events(client, f"/v1/conversations/{cid}/messages", headers, "Let me talk to a human")
    assert ("status", {"stage": "waiting_for_person", "node": "__interrupt__"}) in events
    kind, reply = events[-1]
    assert kind == "reply" and reply["status"] == "waiting_human" and reply["waiting_for_person"] is True
    queue = client.get("/v1/agent/queue", headers=bearer(AGENT)).json()
    assert cid in [item["conversation_id"] for item in queue["items"]]

    # Errors are still plain HTTP errors, before any stream starts.
    url = f"/v1/conversations/{cid}/messages?stream=true"
    assert client.post(url, headers=headers, json={"text": "x" * 2001}).status_code == 413
    assert client.post(url, headers={"X-Shop-Key": "demo-storefront-key"}, json={"text": "hi"}).status_code == 401


def test_a_model_engine_streams_its_answer_as_tokens(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    # The model writes answers from the shop's knowledge (routine replies come from templates): a policy question.
    stub = OpenAIStub(readings=[{"intent": "refund_policy", "general_question": True}]).start()
    try:
        monkeypatch.setenv("SHOPDESK_ENGINE", "openai")
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        shopdesk.settings.get_settings.cache_clear()
        with TestClient(create_app(server_settings=env.server)) as client:
            cid, headers = start(client)
            events = sse_events(
                client, f"/v1/conversations/{cid}/messages", headers, "How long do I have to return something?"
            )
    finally:
        stub.stop()
    tokens = [data for kind, data in events if kind == "token"]
    assert tokens and {t["node"] for t in tokens} <= {"draft", "rewrite"}
    streamed = "".join(t["text"] for t in tokens)
    kind, reply = events[-1]
    assert kind == "reply" and reply["replies"][0]["text"] in streamed
    # The model's structured understanding (JSON) is internal and never streamed to the customer.
    assert all('"intent"' not in t["text"] for t in tokens)
    assert any(request.get("stream") for request in stub.requests)


class Receiver:
    """A local webhook endpoint that records what it is sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                # Signed with a recent timestamp (a replayed old call would fail the check).
                assert verify_signature("hook-secret", body, self.headers["X-ShopDesk-Signature"])
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, event: str, timeout_s: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for body in self.received:
                if body["event"] == event:
                    return body
            time.sleep(0.02)
        raise AssertionError(f"no {event} webhook; got {self.received}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def test_webhooks_on_handoff_and_resolution_and_failures_never_break_a_turn(
    env: Env,  # noqa: F811
    receiver: Receiver,
) -> None:
    # The first URL refuses connections: its failure is logged and must not affect the turn or the other URL.
    settings = server_settings(
        webhook_urls=["http://127.0.0.1:9/down", receiver.url], webhook_timeout_s=2.0, webhook_secret="hook-secret"
    )
    with TestClient(create_app(server_settings=settings)) as client:
        cid, headers = start(client)
        turn = client.post(
            f"/v1/conversations/{cid}/messages", headers=headers, json={"text": "I want to speak to a human"}
        )
        assert turn.status_code == 200 and turn.json()["status"] == "waiting_human"
        handoff = receiver.wait_for("conversation.handoff")
        assert handoff["conversation_id"] == cid and handoff["shop_id"] == "demo"
        assert handoff["reasons"] and handoff["summary"] and handoff["priority"]

        resolved = client.post(f"/v1/agent/conversations/{cid}/resolve", headers=bearer(AGENT))
        assert resolved.status_code == 200
        closed = receiver.wait_for("conversation.resolved")
        assert closed["conversation_id"] == cid and closed["status"] == "resolved"
    assert [body["event"] for body in receiver.received] == ["conversation.handoff", "conversation.resolved"]
