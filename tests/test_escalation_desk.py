"""The agents' console keeps the case (issue #16): a storefront customer escalating on the first message arrives by
name with the order they named, and the order facts and the suggested reply stay after the agent's first reply."""

from __future__ import annotations

from fastapi.testclient import TestClient

from server.auth import customer_token
from tests.test_server_api import AGENT, Env, bearer, client, env, say, shipped_order, start

__all__ = ["client", "env"]  # fixtures used below


def test_the_console_keeps_the_case_after_the_first_reply(client: TestClient, env: Env) -> None:
    order_id, customer_id = shipped_order(env.db_url)
    cid, headers = start(client, customer_token(env.server, "demo", customer_id))
    turn = say(client, cid, headers, f"I'd like a member of staff to look at order {order_id} please")
    assert turn["waiting_for_person"], turn

    queued = client.get("/v1/agent/queue", headers=bearer(AGENT)).json()["items"]
    item = next(i for i in queued if i["conversation_id"] == cid)
    assert item["customer_name"] and order_id in item["summary"] and "unverified" not in item["summary"]

    before = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(AGENT)).json()
    assert [o["order_id"] for o in before["request"]["orders"]] == [order_id]
    assert before["request"]["orders"][0]["items"] and before["request"]["suggested_reply"]
    assert before["customer"]["id"] == customer_id

    reply = client.post(f"/v1/agent/conversations/{cid}/reply", headers=bearer(AGENT), json={"text": "Hi, Alex here."})
    assert reply.status_code == 200, reply.text
    after = client.get(f"/v1/agent/conversations/{cid}", headers=bearer(AGENT)).json()
    assert after["conversation"]["status"] == "human"
    assert after["request"] is not None and [o["order_id"] for o in after["request"]["orders"]] == [order_id]
    assert after["request"]["suggested_reply"] == before["request"]["suggested_reply"]
    assert after["request"]["wants"] == before["request"]["wants"]
