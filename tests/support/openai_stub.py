"""A local OpenAI-compatible chat server for tests: real HTTP, scripted like a small, obedient model.

It answers /v1/chat/completions. Structured-output requests (the reading of a customer message) get the next
scripted reading, if a test or benchmark gave some (what a model would read in that message), else a plain default
reading; a request to answer from a draft returns that draft (plus `invented`, a claim no evidence backs); a rewrite
request drops the draft's sentences that carry a listed unsupported claim; other chat requests get the next line
of a script, if one is given. It decides nothing about the conversation: what happens with a reading is the graph's
work. With `failing` set, every chat request gets an HTTP 500. Every request is recorded so tests can assert on
what was sent.
"""

from __future__ import annotations

import json
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.processes import free_port

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ORDER = re.compile(r"#W\d{7}")
# What the engine's answer request says before the draft it asks the model to phrase.
DRAFT_MARK = "Draft from the evidence: "


def default_reading(text: str) -> dict[str, Any]:
    """The reading when nothing was scripted: the ids and emails written in the message, and an intent from two
    words (an order or a person asked for), else a greeting."""
    lowered = text.lower()
    intent = "order_status" if ("order" in lowered or "where" in lowered) else "greeting_thanks"
    if "human" in lowered or "agent" in lowered:
        intent = "human_agent"
    return {
        "intent": intent,
        "entities": {"order_ids": ORDER.findall(text), "emails": EMAIL.findall(text)},
        "human_requested": intent == "human_agent",
    }


def _reading(scripted: dict[str, Any]) -> dict[str, Any]:
    """A full reading: the scripted fields over a neutral rest."""
    return {
        "intent": "out_of_scope",
        "confidence": 0.93,
        "intents": [],
        "to_proposal": "none",
        "cancel": False,
        "general_question": False,
        "entities": {},
        "emotion": {},
        "language": "en",
        "critical_keywords": [],
        "human_requested": False,
        **scripted,
    }


def _rewrite(prompt: str) -> str:
    """Follow a rewrite instruction: drop every sentence of the draft that carries a listed unsupported claim."""
    problems = json.loads(prompt.split("Problems: ", 1)[1].split("\n", 1)[0])
    draft = prompt.split("Draft: ", 1)[1]
    sentences = re.split(r"(?<=[.!?])\s+", draft)
    return " ".join(s for s in sentences if not any(c in s for c in problems["unsupported_claims"]))


def hashed_embedding(text: str, dimension: int = 256) -> list[float]:
    """A deterministic bag-of-words vector: texts sharing words are close, as with a real embedding model."""
    vector = [0.0] * dimension
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        vector[zlib.crc32(word.encode()) % dimension] += 1.0
    norm = sum(v * v for v in vector) ** 0.5 or 1.0
    return [v / norm for v in vector]


@dataclass
class OpenAIStub:
    port: int = field(default_factory=free_port)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # A sentence the "model" adds to its answers that no evidence backs, to exercise critique and rewrite.
    invented: str | None = None
    # What the "model" reads in each customer message, a reading per structured-output request (fields of
    # graph.nlu.llm.Reading; the rest neutral); once used up, default_reading.
    readings: list[dict[str, Any]] = field(default_factory=list)
    # The endpoint is down: every chat request gets an HTTP 500.
    failing: bool = False
    # What a scripted chat partner says, a line per plain chat request (one without tools or structured output),
    # e.g. a simulated customer; once it is used up, the default sentence.
    script: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(body)
        messages = body.get("messages", [])
        system = str(messages[0].get("content", "")) if messages else ""
        if body.get("response_format"):
            last_user = str(next((m["content"] for m in reversed(messages) if m["role"] == "user"), ""))
            written = last_user.rsplit("Message to read:\n", 1)[-1]
            reading = _reading(self.readings.pop(0) if self.readings else default_reading(written))
            message: dict[str, Any] = {"role": "assistant", "content": json.dumps(reading)}
        elif DRAFT_MARK in system:
            text = system.split(DRAFT_MARK, 1)[1] + (f" {self.invented}" if self.invented else "")
            message = {"role": "assistant", "content": text}
        elif "Rewrite the draft" in system:
            message = {"role": "assistant", "content": _rewrite(system)}
        else:
            text = self.script.pop(0) if self.script else "Thanks for your patience; here is what I found."
            message = {"role": "assistant", "content": text}
        finish = "tool_calls" if message.get("tool_calls") else "stop"
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "stub"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }

    def embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(body)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": hashed_embedding(str(t))} for i, t in enumerate(inputs)
        ]
        return {
            "object": "list",
            "data": data,
            "model": body.get("model"),
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }

    def start(self) -> OpenAIStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.endswith("/embeddings"):
                    payload = stub.embeddings(body)
                elif self.path.endswith("/chat/completions") and stub.failing:
                    stub.requests.append(body)
                    self.send_error(500, "the model is down")
                    return
                elif self.path.endswith("/chat/completions"):
                    payload = stub.reply(body)
                else:
                    self.send_error(404)
                    return
                if body.get("stream"):
                    self._stream(payload)
                    return
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, payload: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                choice = payload["choices"][0]
                delta = {k: v for k, v in choice["message"].items() if v is not None}
                for index, call in enumerate(delta.get("tool_calls", [])):
                    call["index"] = index
                chunk = {
                    **payload,
                    "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                }
                end = {
                    **payload,
                    "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}],
                }
                for event in (chunk, end):
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
