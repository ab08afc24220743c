"""The server on PostgreSQL: shop database, conversation registry and checkpoints all in one fresh PG database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.registry import Registry
from tests.support.app import reset_app_caches, use_app_settings
from tests.test_server_api import AGENT, bearer, queue_ids, say, server_settings, start


@pytest.fixture
def pg_env(pg_url: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("pg-data")
    use_app_settings(monkeypatch, data_dir, pg_url, SHOPDESK_CHECKPOINT_URL=pg_url, SHOPDESK_ENGINE="local")
    yield pg_url
    reset_app_caches()


def test_handoff_survives_a_restart_on_postgres(pg_env: str) -> None:
    # No shop data is needed for a customer asking for a person: the graph never looks anything up.
    settings = server_settings()
    with TestClient(create_app(server_settings=settings)) as first:
        cid, headers = start(first)
        turn = say(first, cid, headers, "Please get me a human")
        assert turn["status"] == "waiting_human"
    entry = Registry(pg_env).get(cid)
    assert entry is not None and entry.pending == "handoff" and entry.waiting_since is not None

    with TestClient(create_app(server_settings=settings)) as second:
        assert cid in queue_ids(second)
        reply = second.post(f"/v1/agent/conversations/{cid}/reply", headers=bearer(AGENT), json={"text": "Hello!"})
        assert reply.status_code == 200, reply.text
        view = second.get(f"/v1/conversations/{cid}", headers=headers).json()
        assert [(m["role"], m["text"]) for m in view["messages"]][-1] == ("agent", "Hello!")
        assert cid not in queue_ids(second)
