"""Client-server Chroma: a real `chroma run` server, indexed and searched by URL, as a multi-machine deployment does.

The server is the one the installed chromadb package ships (`.venv/bin/chroma`), on a free local port with its own
folder; nothing of the index touches the local data folder.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import chromadb
import httpx
import pytest
from chromadb.config import Settings as ChromaSettings

from knowledge.embeddings import configured_minilm_name
from knowledge.ingest import IndexReport, index_knowledge
from knowledge.retriever import clear_retrievers, get_retriever
from knowledge.store import collection_name, make_client
from shopdesk.settings import Settings
from tests.support.processes import free_port, running_server

CHROMA = Path(sys.executable).parent / "chroma"
START_TIMEOUT_S = 60
RETURN_WINDOW = "returns-policy#return-window"
RETURN_WINDOW_FAQ = "faq#how-long-do-i-have-to-return-something"
PREFIX = "/chroma"


@dataclass(frozen=True)
class ChromaServer:
    url: str
    port: int
    path: Path


@dataclass(frozen=True)
class Indexed:
    server: ChromaServer
    settings: Settings
    report: IndexReport


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    if not CHROMA.is_file():
        pytest.fail(f"the chroma CLI is missing at {CHROMA}: reinstall chromadb into the venv (make install)")
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    server = ChromaServer(url=f"http://127.0.0.1:{port}", port=port, path=folder / "db")
    command = [str(CHROMA), "run", "--path", str(server.path), "--host", "127.0.0.1", "--port", str(port)]
    heartbeat = f"{server.url}/api/v2/heartbeat"
    with running_server(command, heartbeat, folder / "server.log", timeout_s=START_TIMEOUT_S, start_new_session=True):
        yield server


@pytest.fixture(scope="module")
def indexed(
    chroma_server: ChromaServer, tmp_path_factory: pytest.TempPathFactory, demo_db_url: str
) -> Iterator[Indexed]:
    """The demo shop's documents and catalog indexed into the server through its URL."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("app-data"), database_url=demo_db_url, chroma_url=chroma_server.url
    )
    report = index_knowledge(settings, chroma_url=chroma_server.url, progress=False)
    yield Indexed(chroma_server, settings, report)
    clear_retrievers()


def server_client(server: ChromaServer) -> chromadb.api.ClientAPI:
    """A plain chromadb client of the server, independent of our store code (another machine, say)."""
    return chromadb.HttpClient(host="127.0.0.1", port=server.port, settings=ChromaSettings(anonymized_telemetry=False))


def test_indexing_by_url_puts_the_knowledge_on_the_server(indexed: Indexed) -> None:
    report = indexed.report
    assert report.added == report.chunks > 100, report  # ten documents and 69 products
    assert (report.updated, report.removed, report.unchanged) == (0, 0, 0)

    collection = server_client(indexed.server).get_collection(collection_name("demo"))
    assert collection.count() == report.chunks
    assert collection.metadata["embedder"] == configured_minilm_name() == "all-MiniLM-L6-v2-int8s7"
    hnsw = collection.configuration.get("hnsw")
    assert hnsw is not None and hnsw.get("space") == "cosine", collection.configuration
    stored = collection.get(where={"anchor": RETURN_WINDOW}, include=["documents", "embeddings"])
    documents, vectors = stored["documents"], stored["embeddings"]
    assert stored["ids"] and documents is not None and vectors is not None, f"no chunk of {RETURN_WINDOW} there"
    assert "30 days" in " ".join(documents)
    assert len(vectors[0]) == 384, "MiniLM vectors, computed by us and stored on the server"

    assert (indexed.server.path / "chroma.sqlite3").is_file(), "the server keeps the index in its own folder"
    assert not indexed.settings.chroma_path.exists(), "with a URL nothing may be written to the local data folder"


def test_the_retriever_finds_the_return_window_over_http(indexed: Indexed) -> None:
    clear_retrievers()
    retriever = get_retriever(indexed.settings)
    assert "chromadb.api" in type(retriever.store.client).__module__
    assert len(retriever) == indexed.report.chunks

    evidence = retriever.search("how many days do I have to send something back?", 5)
    ids = [item["id"] for item in evidence]
    assert ids[0] in (RETURN_WINDOW, RETURN_WINDOW_FAQ), ids
    assert RETURN_WINDOW in ids, ids
    window = next(item for item in evidence if item["id"] == RETURN_WINDOW)
    assert window["kind"] == "doc" and window["section"] == "Return window"
    assert "30 days" in window["text"]
    # The dense half ran on the server (a failing server would silently leave lexical search only).
    dense = window["metadata"]["dense_score"]
    assert dense is not None and 0.3 < dense <= 1.0, window["metadata"]

    products = retriever.search("waterproof hiking boots", 3, types=["product"])
    assert products and all(item["kind"] == "product" for item in products)
    assert all(item["metadata"]["dense_score"] is not None for item in products)


def test_reindexing_an_unchanged_corpus_by_url_is_a_no_op(indexed: Indexed) -> None:
    again = index_knowledge(indexed.settings, chroma_url=indexed.server.url, progress=False)
    chunks = indexed.report.chunks
    assert (again.added, again.updated, again.removed, again.unchanged, again.chunks) == (0, 0, 0, chunks, chunks)
    # Through the settings alone as well (what `python -m knowledge index` does with SHOPDESK_CHROMA_URL).
    from_settings = index_knowledge(indexed.settings, progress=False)
    assert (from_settings.added, from_settings.updated, from_settings.removed) == (0, 0, 0)
    assert server_client(indexed.server).get_collection(collection_name("demo")).count() == chunks


def test_a_url_without_a_scheme_means_http(indexed: Indexed) -> None:
    client = make_client(chroma_url=f"127.0.0.1:{indexed.server.port}")
    assert collection_name("demo") in {c.name for c in client.list_collections()}


def test_an_unreachable_server_fails_when_the_store_is_opened() -> None:
    with pytest.raises(ValueError, match="Could not connect to a Chroma server"):
        make_client(chroma_url=f"http://127.0.0.1:{free_port()}")


def prefix_proxy(upstream: str) -> tuple[ThreadingHTTPServer, list[str]]:
    """A reverse proxy serving ``upstream`` under PREFIX only, as many deployments do; and the requests it saw."""
    seen: list[str] = []
    skip = {"host", "content-length", "connection", "transfer-encoding"}

    class Proxy(BaseHTTPRequestHandler):
        def forward(self) -> None:
            seen.append(f"{self.command} {self.path}")
            if not self.path.startswith(PREFIX + "/"):
                self.send_error(404, "not under the proxied prefix")
                return
            length = int(self.headers.get("Content-Length") or 0)
            response = httpx.request(
                self.command,
                upstream + self.path[len(PREFIX) :],
                content=self.rfile.read(length) if length else None,
                headers={k: v for k, v in self.headers.items() if k.lower() not in skip},
                timeout=30,
            )
            self.send_response(response.status_code)
            for key, value in response.headers.items():
                if key.lower() not in skip | {"content-encoding"}:  # httpx has already decoded the body
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Proxy), seen


def test_a_url_with_a_path_reaches_a_server_behind_a_reverse_proxy(indexed: Indexed) -> None:
    proxy, seen = prefix_proxy(indexed.server.url)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{proxy.server_address[1]}{PREFIX}"
    try:
        try:
            client = make_client(chroma_url=url)
        except Exception as error:  # chromadb turns the 404 into a ValueError (a plain Exception on other paths)
            pytest.fail(f"make_client({url!r}) dropped {PREFIX!r}: requests went to {seen[:3]} ({error!r:.60})")
        assert collection_name("demo") in {c.name for c in client.list_collections()}
        assert seen and all(request.split(" ", 1)[1].startswith(PREFIX + "/") for request in seen), seen
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=5)
