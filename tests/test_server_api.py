"""The HTTP API against a real seeded SQLite demo shop and the real graph (local engine), through TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langgraph.graph.state import CompiledStateGraph
from sqlalchemy import select

import graph.services
from graph.nodes.act import customer_record
from server.__main__ import main as cli
from server.app import create_app
from server.auth import customer_token, verify
from server.config import AgentAccount, ServerSettings
from shop.db import session_scope
from shop.models import AuditEntry, Order, OrderStatus
from tests.support.app import copy_shop, reset_app_caches, use_app_settings
from tools.base import ToolContext
from tools.registry import WRITE_ACTIONS

SHOP_KEY = {"X-Shop-Key": "demo-storefront-key"}
AGENT = "demo-agent-token"
OTHER_AGENT = "other-agent-token"
SUPERVISOR = "demo-supervisor-token"


@dataclass
class Env:
    db_url: str
    data_dir: Path
    server: ServerSettings


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def server_settings(**overrides: Any) -> ServerSettings:
    agents = {
        AGENT: AgentAccount(id="agent-1", name="Alex", role="agent"),
        OTHER_AGENT: AgentAccount(id="agent-2", name="Robin", role="agent"),
        SUPERVISOR: AgentAccount(id="super-1", name="Sam", role="supervisor"),
    }
    return ServerSettings(setup_on_start=False, agent_tokens=agents, **overrides)


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """A private copy of the demo shop (these tests write) and a private checkpoint file."""
    db_url = copy_shop(demo_db_url, tmp_path)
    use_app_settings(monkeypatch, tmp_path / "data", db_url, SHOPDESK_ENGINE="local")
    yield Env(db_url=db_url, data_dir=tmp_path / "data", server=server_settings())
    reset_app_caches()


@pytest.fixture
def client(env: Env) -> Iterator[TestClient]:
    with TestClient(create_app(server_settings=env.server)) as test_client:
        yield test_client


def shipped_order(db_url: str) -> tuple[str, str]:
    with session_scope(db_url) as session:
        order = session.scalars(select(Order).where(Order.status == OrderStatus.shipped).order_by(Order.id)).first()
        assert order is not None
        return order.id, order.customer_id


def expensive_pending_order(db_url: str) -> tuple[str, str]:
    """A pending order above the demo profile's modification limit (500): changing it needs approval."""
    with session_scope(db_url) as session:
        for order in session.scalars(select(Order).where(Order.status == OrderStatus.pending).order_by(Order.id)):
            if order.total > 500:
                return order.id, order.customer_id
    raise AssertionError("the demo shop has no pending order above 500")


async def propose_address_change(
    support_graph: CompiledStateGraph[Any, Any, Any, Any], db_url: str, cid: str, order_id: str, customer_id: str
) -> None:
    """Leave the conversation as the act/confirm nodes would after the customer asked to change the address: a
    previewed write (above the approval limit) awaiting their "yes". The dialogue that leads here is the NLU's
    business, tested there; what matters here is everything from the customer's "yes" on."""
    args = {"order_id": order_id, "address1": "12 Main Street", "address2": "", "city": "Springfield"}
    args |= {"state": "IL", "zip": "62701", "country": "USA"}
    services = graph.services.get_services("demo")
    context = ToolContext(db_url=db_url, profile=services.profile, conversation_id=cid, customer_id=customer_id)
    preview = WRITE_ACTIONS["modify_order_address"].preview(context, args).as_dict()
    assert preview["needs_approval"], preview
    pending = {"call_id": "call_test_address", "name": "modify_order_address", "args": args, "preview": preview}
    await support_graph.aupdate_state(
        {"configurable": {"thread_id": cid}},
        {
            "customer": customer_record(db_url, customer_id, "storefront"),
            "pending_action": pending,
            "status": "awaiting_confirmation",
        },
        as_node="respond",
    )


def start(client: TestClient, customer_token: str | None = None) -> tuple[str, dict[str, str]]:
    body = {"customer_token": customer_token} if customer_token else None
    response = client.post("/v1/conversations", headers=SHOP_KEY, json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return data["conversation_id"], {**SHOP_KEY, **bearer(data["conversation_token"])}


def say(client: TestClient, conversation_id: str, headers: dict[str, str], text: str) -> dict[str, Any]:
    response = client.post(f"/v1/conversations/{conversation_id}/messages", headers=headers, json={"text": text})
    assert response.status_code == 200, response.text
    return dict(response.json())


def queue_ids(client: TestClient) -> list[str]:
    response = client.get("/v1/agent/queue", headers=bearer(AGENT))
    assert response.status_code == 200, response.text
    return [item["conversation_id"] for item in response.json()["items"]]


def test_customer_asks_for_a_human_and_an_agent_takes_over(client: TestClient) -> None:
    cid, headers = start(client)
    turn = say(client, cid, headers, "I want to talk to a human please")
    assert turn["status"] == "waiting_human"
    assert turn["waiting_for_person"] is True
    assert turn["replies"] and turn["replies"][0]["role"] == "bot"

    queue = client.get("/v1/agent/queue", headers=bearer(AGENT)).json()
    item = next(i for i in queue["items"] if i["conversation_id"] == cid)
    assert item["pending"] == "handoff"
    assert item["reasons"], item
    assert item["priority"] in ("low", "normal", "high", "urgent")
    assert "unverified customer" in item["summary"] and "human please" in item["summary"]
    assert item["waiting_seconds"] >= 0 and item["claimed_by"] is None

    detail = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(AGENT)).json()
    assert detail["request"]["type"] == "handoff"
    assert detail["transcript"][0] == {"role": "customer", "text": "I want to talk to a human please"}

    claimed = client.post(f"/v1/agent/conversations/{cid}/claim", headers=bearer(AGENT))
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "agent-1"
    taken = client.post(f"/v1/agent/conversations/{cid}/claim", headers=bearer(OTHER_AGENT))
    assert taken.status_code == 409 and "agent-1" in taken.json()["detail"]
    blocked = client.post(f"/v1/agent/conversations/{cid}/reply", headers=bearer(OTHER_AGENT), json={"text": "Hi"})
    assert blocked.status_code == 409

    reply = client.post(
        f"/v1/agent/conversations/{cid}/reply", headers=bearer(AGENT), json={"text": "Hi, Alex here. How can I help?"}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "human"
    assert reply.json()["replies"] == [
        {"role": "agent", "text": "Hi, Alex here. How can I help?", "author_name": "Alex", "evidence_ids": []}
    ]
    assert cid not in queue_ids(client), "answered: nobody is waiting any more"
    mine = client.get("/v1/agent/conversations", headers=bearer(AGENT), params={"mine": "true"}).json()
    assert [i["conversation_id"] for i in mine["items"]] == [cid] and mine["items"][0]["status"] == "human"
    theirs = client.get("/v1/agent/conversations", headers=bearer(OTHER_AGENT), params={"mine": "true"}).json()
    assert theirs["count"] == 0

    # A second message before the customer answers, and an internal note the customer must never see.
    again = client.post(f"/v1/agent/conversations/{cid}/reply", headers=bearer(AGENT), json={"text": "Still there?"})
    assert again.status_code == 200, again.text
    note = client.post(f"/v1/agent/conversations/{cid}/note", headers=bearer(AGENT), json={"text": "VIP, be kind"})
    assert note.status_code == 200 and note.json()["replies"] == []

    view = client.get(f"/v1/conversations/{cid}", headers=headers).json()
    assert view["status"] == "human"
    assert [(m["role"], m["text"]) for m in view["messages"]][-2:] == [
        ("agent", "Hi, Alex here. How can I help?"),
        ("agent", "Still there?"),
    ]
    assert all("VIP" not in m["text"] for m in view["messages"])
    assert view["messages"][-1]["author_name"] == "Alex"
    newer = client.get(f"/v1/conversations/{cid}", headers=headers, params={"after": view["messages"][-2]["seq"]})
    assert [m["text"] for m in newer.json()["messages"]] == ["Still there?"]

    # The customer answers: the person owes a reply again, the bot stays quiet.
    turn = say(client, cid, headers, "Yes, my parcel never arrived")
    assert turn["status"] == "human" and turn["replies"] == [] and turn["waiting_for_person"] is True
    assert cid in queue_ids(client)
    detail = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(AGENT)).json()
    assert any(n["text"] == "VIP, be kind" for n in detail["notes"])

    resolved = client.post(f"/v1/agent/conversations/{cid}/resolve", headers=bearer(AGENT))
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert resolved.json()["claimed_by"] is None
    assert cid not in queue_ids(client)
    assert client.get("/v1/agent/conversations", headers=bearer(AGENT)).json()["count"] == 0
    late = client.post(f"/v1/agent/conversations/{cid}/reply", headers=bearer(AGENT), json={"text": "one more"})
    assert late.status_code == 409 and "resolved" in late.json()["detail"]


def test_bot_turns_write_the_registry_only_when_the_row_changes(client: TestClient) -> None:
    registry = client.app.state.desk.registry  # type: ignore[attr-defined]
    writes: list[dict[str, Any]] = []
    update = registry.update

    def counting_update(conversation_id: str, **values: Any) -> Any:
        writes.append(values)
        return update(conversation_id, **values)

    registry.update = counting_update
    cid, headers = start(client)
    say(client, cid, headers, "Hi")
    say(client, cid, headers, "What is your return policy?")
    assert writes == []  # a bot conversation that stays with the bot: nothing in its row changed
    say(client, cid, headers, "I want to talk to a human")
    assert [w["status"] for w in writes] == ["waiting_human"]
    assert registry.get(cid).pending == "handoff"
    say(client, cid, headers, "are you there?")
    # While people hold it, every customer message counts as activity for their lists.
    assert len(writes) == 2 and registry.get(cid).updated_at >= registry.get(cid).created_at


def test_handback_returns_the_conversation_to_the_bot(client: TestClient) -> None:
    cid, headers = start(client)
    say(client, cid, headers, "Can I speak to a real person?")
    back = client.post(
        f"/v1/agent/conversations/{cid}/handback", headers=bearer(AGENT), json={"text": "The assistant can help now."}
    )
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "bot" and back.json()["pending"] is None
    assert back.json()["replies"][0]["role"] == "agent"
    turn = say(client, cid, headers, "Hello")
    assert turn["status"] == "bot" and turn["replies"][0]["role"] == "bot"
    nothing = client.post(f"/v1/agent/conversations/{cid}/reply", headers=bearer(AGENT), json={"text": "hi"})
    assert nothing.status_code == 409 and "nothing is waiting" in nothing.json()["detail"]


def test_forwarding_keeps_the_case_with_people(client: TestClient) -> None:
    cid, headers = start(client)
    say(client, cid, headers, "I need a human, the parcel arrived damaged")
    forwarded = client.post(
        f"/v1/agent/conversations/{cid}/forward",
        headers=bearer(AGENT),
        json={"text": "check the packing station camera", "team": "warehouse"},
    )
    assert forwarded.status_code == 200, forwarded.text
    assert forwarded.json()["status"] == "forwarded" and forwarded.json()["replies"] == []
    detail = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(AGENT)).json()
    assert any(n.get("forwarded_to") == "warehouse" for n in detail["notes"])
    # The agent can still write to the customer while the warehouse looks into it.
    update = client.post(
        f"/v1/agent/conversations/{cid}/reply", headers=bearer(AGENT), json={"text": "Our warehouse is on it."}
    )
    assert update.status_code == 200 and update.json()["replies"][0]["text"] == "Our warehouse is on it."
    assert client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"][-1]["role"] == "agent"


def test_storefront_login_makes_the_customer_verified(client: TestClient, env: Env) -> None:
    order_id, customer_id = shipped_order(env.db_url)
    token = customer_token(env.server, "demo", customer_id)
    cid, headers = start(client, token)
    turn = say(client, cid, headers, "Where is my order?")
    assert order_id in turn["replies"][0]["text"], turn
    turn = say(client, cid, headers, order_id)
    assert "shipped" in turn["replies"][0]["text"]

    anonymous, anonymous_headers = start(client)
    turn = say(client, anonymous, anonymous_headers, "Where is my order?")
    assert order_id not in turn["replies"][0]["text"]
    assert "verify" in turn["replies"][0]["text"].lower()


def test_an_agent_runs_shop_tools_for_a_verified_customer(client: TestClient, env: Env) -> None:
    order_id, customer_id = shipped_order(env.db_url)
    cid, headers = start(client, customer_token(env.server, "demo", customer_id))
    # The bot looks the storefront's customer up on the first order question; human tools act for that customer.
    say(client, cid, headers, "Where is my order?")
    say(client, cid, headers, "I want to talk to a human")
    tools = client.get("/v1/agent/tools", headers=bearer(AGENT)).json()
    assert "get_order_details" in tools["read"] and "cancel_order" in tools["write"]

    url = f"/v1/agent/conversations/{cid}/tool"
    ran = client.post(url, headers=bearer(AGENT), json={"name": "get_order_details", "args": {"order_id": order_id}})
    assert ran.status_code == 200, ran.text
    assert ran.json()["result"].get("order_id") == order_id, ran.json()
    assert ran.json()["result"]["status"] == "shipped"
    assert ran.json()["replies"] == [] and ran.json()["claimed_by"] == "agent-1"
    refused = client.post(url, headers=bearer(AGENT), json={"name": "get_order_details", "args": {"nope": 1}})
    assert refused.status_code == 200 and "error" in refused.json()["result"]
    unknown = client.post(url, headers=bearer(AGENT), json={"name": "drop_tables", "args": {}})
    assert unknown.status_code == 422 and "drop_tables" in unknown.json()["detail"]
    audit = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(AGENT)).json()["notes"]
    assert any(n["text"] == "ran get_order_details" for n in audit)
    # The customer sees none of it.
    assert all(m["role"] != "agent" for m in client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"])


def test_a_customer_can_only_open_their_own_conversation(client: TestClient, env: Env) -> None:
    mine, my_headers = start(client)
    theirs, their_headers = start(client)
    say(client, theirs, their_headers, "I want to talk to a human, my address is secret")

    assert client.get(f"/v1/conversations/{theirs}", headers=my_headers).status_code == 403
    post = client.post(f"/v1/conversations/{theirs}/messages", headers=my_headers, json={"text": "hi"})
    assert post.status_code == 403
    assert client.get(f"/v1/conversations/{theirs}", headers=SHOP_KEY).status_code == 401
    forged = {**SHOP_KEY, **bearer(my_headers["Authorization"].split()[1][:-2] + "xx")}
    assert client.get(f"/v1/conversations/{mine}", headers=forged).status_code == 401
    wrong_shop = {**my_headers, "X-Shop-Key": "nope"}
    assert client.get(f"/v1/conversations/{mine}", headers=wrong_shop).status_code == 401
    assert client.get(f"/v1/conversations/{mine}", headers=my_headers).status_code == 200

    # Customer tokens: forged, expired, or for another shop are refused; so is a customer the shop doesn't know.
    _, customer_id = shipped_order(env.db_url)
    good = customer_token(env.server, "demo", customer_id)
    for bad in (
        good[:-3] + "abc",
        customer_token(env.server, "demo", customer_id, ttl_s=-120),  # beyond the 30 s allowed for clock skew
        customer_token(env.server, "other-shop", customer_id),
        customer_token(env.server, "demo", "nobody_0000"),
    ):
        response = client.post("/v1/conversations", headers=SHOP_KEY, json={"customer_token": bad})
        assert response.status_code == 401, bad

    # Agent routes want an agent token; a conversation token is not one.
    assert client.get("/v1/agent/queue", headers=my_headers).status_code == 401
    assert client.get("/v1/agent/queue").status_code == 401


def test_bad_input_gets_clear_errors_never_a_500(client: TestClient) -> None:
    cid, headers = start(client)
    url = f"/v1/conversations/{cid}/messages"
    malformed = client.post(url, headers={**headers, "Content-Type": "application/json"}, content=b"{not json")
    assert malformed.status_code == 422
    assert client.post(url, headers=headers, json={"text": ""}).status_code == 422
    assert client.post(url, headers=headers, json={"text": "   "}).status_code == 422
    assert client.post(url, headers=headers, json={}).status_code == 422
    assert client.post(url, headers=headers, json={"text": "hi", "admin": True}).status_code == 422
    too_long = client.post(url, headers=headers, json={"text": "a" * 2001})
    assert too_long.status_code == 413 and "2000" in too_long.json()["detail"]
    # What the widget shows the customer comes from the catalogue, in the browser's language if the shop speaks it.
    assert too_long.json()["message"] == "That message is too long for me. Could you shorten it and send it again?"
    german = client.post(
        url, headers={**headers, "Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}, json={"text": "a" * 2001}
    )
    assert german.json()["message"].startswith("Diese Nachricht ist mir zu lang.")
    assert client.post(url, headers=headers, json={}).json()["message"].startswith("I couldn't read that message.")
    huge = client.post(url, headers=headers, json={"text": "a" * 300_000})
    assert huge.status_code == 413
    # Nothing was lost or half-recorded: the conversation is still empty and usable.
    assert client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"] == []

    agent = bearer(AGENT)
    assert client.get("/v1/agent/conversations/conv_missing", headers=agent).status_code == 404
    assert (
        client.post("/v1/agent/conversations/conv_missing/reply", headers=agent, json={"text": "x"}).status_code == 404
    )
    assert client.post(f"/v1/agent/conversations/{cid}/claim", headers=agent).status_code == 409
    assert client.post(f"/v1/agent/conversations/{cid}/reply", headers=agent, json={"text": "x"}).status_code == 409
    assert client.post(f"/v1/agent/conversations/{cid}/resolve", headers=agent).status_code == 409
    assert client.post(f"/v1/agent/conversations/{cid}/reply", headers=agent, json={"text": ""}).status_code == 422
    approval = f"/v1/agent/conversations/{cid}/approval"
    assert client.post(approval, headers=agent, json={"decision": "approve"}).status_code == 403
    supervisor = bearer(SUPERVISOR)
    no_args = client.post(approval, headers=supervisor, json={"decision": "edit"})
    assert no_args.status_code == 422
    assert client.post(approval, headers=supervisor, json={"decision": "maybe"}).status_code == 422
    none_pending = client.post(approval, headers=supervisor, json={"decision": "approve"})
    assert none_pending.status_code == 409 and "no approval is pending" in none_pending.json()["detail"]


def _awaiting_approval(client: TestClient, env: Env) -> tuple[str, str, dict[str, str]]:
    """A customer's address change above the limit, confirmed by them and waiting for a supervisor."""
    order_id, customer_id = expensive_pending_order(env.db_url)
    cid, headers = start(client, customer_token(env.server, "demo", customer_id))
    desk = client.app.state.desk  # type: ignore[attr-defined]
    assert client.portal is not None
    client.portal.call(propose_address_change, desk.conversations.graph, env.db_url, cid, order_id, customer_id)
    turn = say(client, cid, headers, "yes")
    assert turn["status"] == "awaiting_approval" and turn["waiting_for_person"] is True
    return order_id, cid, headers


def approvals_in(client: TestClient, cid: str) -> list[dict[str, Any]]:
    """The approval decisions in the conversation's own audit trail."""
    desk = client.app.state.desk  # type: ignore[attr-defined]
    assert client.portal is not None
    values = client.portal.call(desk.conversations.values, cid)
    return [entry for entry in values.get("audit") or [] if entry.get("type") == "approval"]


def _shipped_to(db_url: str, order_id: str) -> tuple[str, str]:
    with session_scope(db_url) as session:
        order = session.get(Order, order_id)
        assert order is not None
        return order.ship_line1, order.ship_city


def test_a_supervisor_edits_and_the_customer_agrees_to_the_edited_request(client: TestClient, env: Env) -> None:
    order_id, cid, headers = _awaiting_approval(client, env)
    before = _shipped_to(env.db_url, order_id)
    item = next(
        i for i in client.get("/v1/agent/queue", headers=bearer(AGENT)).json()["items"] if i["conversation_id"] == cid
    )
    assert item["pending"] == "approval" and order_id in item["summary"]
    request = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(AGENT)).json()["request"]
    assert request["type"] == "approval" and request["action"] == "modify_order_address"

    url = f"/v1/agent/conversations/{cid}/approval"
    edit = {"decision": "edit", "args": {"address1": "99 Other Road"}, "note": "the street number looked wrong"}
    assert client.post(url, headers=bearer(AGENT), json=edit).status_code == 403
    decided = client.post(url, headers=bearer(SUPERVISOR), json=edit)
    assert decided.status_code == 200, decided.text
    # The customer agreed to 12 Main Street, not to 99 Other Road: nothing is written before they say yes to it.
    assert decided.json()["status"] == "awaiting_confirmation" and decided.json()["pending"] is None
    assert _shipped_to(env.db_url, order_id) == before
    [proposal] = [r["text"] for r in decided.json()["replies"]]
    assert "changed it" in proposal and "99 Other Road" in proposal and proposal.rstrip().endswith("yes or no.")
    assert "approve this" not in proposal, "the editor has approved it already"
    assert cid not in queue_ids(client)
    assert client.post(url, headers=bearer(SUPERVISOR), json={"decision": "approve"}).status_code == 409

    turn = say(client, cid, headers, "yes, that's right")
    assert turn["status"] == "bot" and not turn["waiting_for_person"], turn
    assert _shipped_to(env.db_url, order_id) == ("99 Other Road", "Springfield")
    with session_scope(env.db_url) as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "modify_order_address")).all()
        # Who asked (the bot, for the customer), who changed the request and approved it.
        assert (entry.actor, entry.edited_by, entry.approved_by) == ("bot", "super-1", "super-1")
        assert entry.details["address1"] == "99 Other Road"
    [edited] = approvals_in(client, cid)
    assert edited["decision"] == "edit" and edited["by"] == "super-1"
    assert edited["changes"] == {"address1": {"from": "12 Main Street", "to": "99 Other Road"}}


def test_a_customer_who_declines_the_edited_request_keeps_their_order_as_it_was(client: TestClient, env: Env) -> None:
    order_id, cid, headers = _awaiting_approval(client, env)
    before = _shipped_to(env.db_url, order_id)
    url = f"/v1/agent/conversations/{cid}/approval"
    edit = {"decision": "edit", "args": {"city": "Chicago", "zip": "60601"}}
    decided = client.post(url, headers=bearer(SUPERVISOR), json=edit)
    assert decided.status_code == 200 and decided.json()["status"] == "awaiting_confirmation", decided.text
    turn = say(client, cid, headers, "no, I don't want that")
    assert turn["status"] == "bot"
    assert _shipped_to(env.db_url, order_id) == before
    with session_scope(env.db_url) as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "modify_order_address")).all() == []


def test_an_edit_the_policy_refuses_changes_nothing_and_the_customer_is_told(client: TestClient, env: Env) -> None:
    order_id, cid, _headers = _awaiting_approval(client, env)
    before = _shipped_to(env.db_url, order_id)
    url = f"/v1/agent/conversations/{cid}/approval"
    edit = {"decision": "edit", "args": {"order_id": "#W0000000"}}  # an order that is not the customer's
    decided = client.post(url, headers=bearer(SUPERVISOR), json=edit)
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "bot"
    assert "couldn't approve it" in decided.json()["replies"][0]["text"]
    assert _shipped_to(env.db_url, order_id) == before
    [edited] = approvals_in(client, cid)
    assert edited["decision"] == "edit" and edited["refused"]


def test_conversations_survive_a_restart(env: Env) -> None:
    with TestClient(create_app(server_settings=env.server)) as first:
        cid, headers = start(first)
        say(first, cid, headers, "I need to talk to a human")
    with TestClient(create_app(server_settings=env.server)) as second:
        assert cid in queue_ids(second)
        reply = second.post(f"/v1/agent/conversations/{cid}/reply", headers=bearer(AGENT), json={"text": "Back!"})
        assert reply.status_code == 200, reply.text
        view = second.get(f"/v1/conversations/{cid}", headers=headers).json()
        assert [m["role"] for m in view["messages"]] == ["customer", "bot", "agent"]
        assert view["messages"][-1]["text"] == "Back!"


def test_simultaneous_messages_are_taken_in_turn(client: TestClient) -> None:
    cid, headers = start(client)
    url = f"/v1/conversations/{cid}/messages"
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(lambda text: client.post(url, headers=headers, json={"text": text}), ["Hi", "Hello"]))
    assert [r.status_code for r in responses] == [200, 200]
    roles = [m["role"] for m in client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"]]
    # Serialised per conversation: each message gets its own answer instead of two runs forking the history.
    assert roles == ["customer", "bot", "customer", "bot"]


def test_the_cli_mints_customer_tokens_the_api_accepts(
    client: TestClient, env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    _, customer_id = shipped_order(env.db_url)
    assert cli(["customer-token", customer_id, "--shop", "demo", "--ttl", "60"]) == 0
    token = capsys.readouterr().out.strip()
    payload = verify(token, env.server.customer_token_secret.get_secret_value(), "customer")
    assert payload["sub"] == customer_id and payload["shop"] == "demo"
    created = client.post("/v1/conversations", headers=SHOP_KEY, json={"customer_token": token})
    assert created.status_code == 201 and created.json()["verified"] is True


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/conversations/{conversation_id}/messages" in paths
    assert "/v1/agent/conversations/{conversation_id}/approval" in paths
