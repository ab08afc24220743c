"""A local OpenAI-compatible chat server for tests: real HTTP, scripted like a small, obedient model.

It answers /v1/chat/completions: structured-output requests get an understanding JSON; tool-enabled requests get
the next tool call a careful agent would make (verify by email, then look up the order), and once the tool
results are in, a reply that quotes them; plain chat requests get the next line of a script, if one is given.
Every request is recorded so tests can assert on what was sent.
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


def _understanding(text: str) -> dict[str, Any]:
    lowered = text.lower()
    intent = "order_status" if ("order" in lowered or "where" in lowered) else "greeting_thanks"
    if "human" in lowered or "agent" in lowered:
        intent = "human_agent"
    return {
        "text": text,
        "intent": intent,
        "confidence": 0.93,
        "intents": [],
        "entities": {"order_ids": ORDER.findall(text), "emails": EMAIL.findall(text)},
        "emotion": {},
        "language": "en",
        "critical_keywords": [],
        "human_requested": intent == "human_agent",
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


def _next_step(messages: list[dict[str, Any]], invented: str | None = None) -> dict[str, Any]:
    """The assistant message a careful agent sends next."""
    user_text = " ".join(str(m.get("content", "")) for m in messages if m["role"] == "user")
    called = [c["function"]["name"] for m in messages if m["role"] == "assistant" for c in m.get("tool_calls") or []]
    tool_results = [str(m.get("content", "")) for m in messages if m["role"] == "tool"]
    emails, orders = EMAIL.findall(user_text), ORDER.findall(user_text)
    if emails and "find_customer_by_email" not in called:
        return _tool_call("find_customer_by_email", {"email": emails[-1]}, len(called))
    if orders and "get_order_details" not in called:
        return _tool_call("get_order_details", {"order_id": orders[-1]}, len(called))
    if tool_results:
        last = json.loads(tool_results[-1]) if tool_results[-1].startswith("{") else {}
        if "status" in last:
            shipments = last.get("fulfillments") or [{}]
            tracking = shipments[0].get("tracking_number", "")
            carrier = shipments[0].get("carrier", "")
            text = f"Your order {last.get('order_id')} is {last['status']}."
            if tracking:
                text += f" It ships with {carrier}, tracking number {tracking}."
            if invented:
                text += f" {invented}"
            return {"role": "assistant", "content": text}
    return {"role": "assistant", "content": "Could you give me your email address and order number?"}


def _tool_call(name: str, args: dict[str, Any], index: int) -> dict[str, Any]:
    call = {"id": f"call_stub_{index}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
    return {"role": "assistant", "content": None, "tool_calls": [call]}


@dataclass
class OpenAIStub:
    port: int = field(default_factory=free_port)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # A sentence the "model" adds to its answer that no evidence backs, to exercise critique and rewrite.
    invented: str | None = None
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
        if body.get("response_format"):
            last_user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
            message: dict[str, Any] = {"role": "assistant", "content": json.dumps(_understanding(str(last_user)))}
        elif body.get("tools"):
            message = _next_step(messages, self.invented)
        elif "Rewrite the draft" in str(messages[0].get("content", "")):
            message = {"role": "assistant", "content": _rewrite(str(messages[0]["content"]))}
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
