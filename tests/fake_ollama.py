"""In-process fake of the Ollama HTTP API, for offline tests.

Speaks enough of Ollama's wire protocol (JSON / chunked NDJSON streaming) for the
official ``ollama`` client and ``llama_index.llms.ollama.Ollama`` to work against it.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

DEFAULT_REPLY = "This is a scripted reply from the fake Ollama server."
_DIGEST = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72"
_DETAILS = {
    "parent_model": "",
    "format": "gguf",
    "family": "llama",
    "families": ["llama"],
    "parameter_size": "3.2B",
    "quantization_level": "Q4_K_M",
}


def _now() -> str:
    """Timestamp in the RFC 3339 form Ollama emits, e.g. 2024-07-22T20:33:28.123648Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _full_name(name: str) -> str:
    """Normalise a model name the way Ollama does ("llama3.2" -> "llama3.2:latest")."""
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def split_deltas(text: str) -> list[str]:
    """Split text into word-sized deltas whose concatenation is exactly ``text``."""
    return [p for p in re.split(r"(?<=\s)(?=\S)", text) if p] or [""]


class FakeOllama:
    """Fake Ollama server on 127.0.0.1:<free port>, run in a daemon thread.

    Use as a context manager (or call ``start()`` / ``stop()``). Script replies with
    ``enqueue(text)``; inspect ``requests`` for the JSON bodies of chat/generate calls.
    """

    def __init__(
        self,
        models: list[str] | None = None,
        delay_s: float = 0.0,
        default_reply: str = DEFAULT_REPLY,
        context_length: int = 131072,
        version: str = "0.12.6",
    ) -> None:
        self.models: list[str] = [_full_name(m) for m in (models or ["llama3.2:latest"])]
        self.delay_s = delay_s
        self.default_reply = default_reply
        self.context_length = context_length
        self.version = version
        self.requests: list[dict[str, Any]] = []
        self._replies: deque[str] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- public API ---------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (only valid once started)."""
        if self._server is None:
            raise RuntimeError("FakeOllama is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def enqueue(self, text: str) -> None:
        """Script the next assistant reply (FIFO); the default reply is used when empty."""
        with self._lock:
            self._replies.append(text)

    def start(self) -> Self:
        """Bind a free port and serve in a background thread."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------
    def _next_reply(self) -> str:
        with self._lock:
            return self._replies.popleft() if self._replies else self.default_reply

    def _find(self, name: str) -> str | None:
        full = _full_name(name)
        return full if full in self.models else None


class _Handler(BaseHTTPRequestHandler):
    """Request handler; ``fake`` is injected by ``FakeOllama.start``."""

    fake: FakeOllama
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr noise
        pass

    def _send(self, status: int, body: Any, ctype: str = "application/json; charset=utf-8") -> None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _stream(self, objs: Iterator[dict[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for obj in objs:
                line = json.dumps(obj).encode() + b"\n"
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):  # client stopped reading early
            self.close_connection = True

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        f = self.fake
        if self.path == "/":
            self._send(200, "Ollama is running", "text/plain; charset=utf-8")
        elif self.path == "/api/version":
            self._send(200, {"version": f.version})
        elif self.path == "/api/tags":
            self._send(
                200,
                {
                    "models": [
                        {
                            "name": m,
                            "model": m,
                            "modified_at": _now(),
                            "size": 2019393189,
                            "digest": _DIGEST,
                            "details": _DETAILS,
                        }
                        for m in f.models
                    ]
                },
            )
        else:
            self._send(404, "404 page not found", "text/plain")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError as exc:
            return self._send(400, {"error": f"invalid JSON: {exc}"})
        if self.path not in ("/api/show", "/api/chat", "/api/generate"):
            return self._send(404, "404 page not found", "text/plain")
        name = body.get("model") or body.get("name") or ""
        if self.path != "/api/show":
            with self.fake._lock:
                self.fake.requests.append(body)
        if not name:
            return self._send(400, {"error": "model is required"})
        model = self.fake._find(name)
        if model is None:
            msg = (
                f"model '{name}' not found"
                if self.path == "/api/show"
                else f'model "{name}" not found, try pulling it first'
            )
            return self._send(404, {"error": msg})
        if self.path == "/api/show":
            return self._send(200, self._show())
        self._reply(body, model, chat=self.path == "/api/chat")

    def _show(self) -> dict[str, Any]:
        return {
            "license": "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT",
            "modelfile": "# Modelfile generated by FakeOllama\nFROM llama3.2:latest\n",
            "parameters": 'stop                           "<|eot_id|>"',
            "template": "{{ .Prompt }}",
            "details": _DETAILS,
            "model_info": {
                "general.architecture": "llama",
                "general.parameter_count": 3212749888,
                "llama.context_length": self.fake.context_length,
                "llama.embedding_length": 3072,
                "llama.block_count": 28,
            },
            "capabilities": ["completion", "tools"],
            "modified_at": _now(),
        }

    def _reply(self, body: dict[str, Any], model: str, chat: bool) -> None:
        key = "message" if chat else "response"
        prompt = json.dumps(body.get("messages")) if chat else str(body.get("prompt", ""))
        if not (body.get("messages") if chat else body.get("prompt")):  # Ollama's "load" request
            empty: Any = {"role": "assistant", "content": ""} if chat else ""
            return self._send(
                200,
                {
                    "model": model,
                    "created_at": _now(),
                    key: empty,
                    "done": True,
                    "done_reason": "load",
                },
            )
        started = time.monotonic_ns()
        text = self.fake._next_reply()
        deltas = split_deltas(text)

        def wrap(content: str) -> Any:
            return {"role": "assistant", "content": content} if chat else content

        def final(content: str) -> dict[str, Any]:
            total = max(time.monotonic_ns() - started, 1)
            obj = {
                "model": model,
                "created_at": _now(),
                key: wrap(content),
                "done": True,
                "done_reason": "stop",
                "total_duration": total,
                "load_duration": 1000,
                "prompt_eval_count": max(len(prompt.split()), 1),
                "prompt_eval_duration": total // 4,
                "eval_count": len(deltas),
                "eval_duration": total // 2,
            }
            if not chat:
                obj["context"] = list(range(1, 9))
            return obj

        def chunks() -> Iterator[dict[str, Any]]:
            for d in deltas:
                if self.fake.delay_s:
                    time.sleep(self.fake.delay_s)
                yield {
                    "model": model,
                    "created_at": _now(),
                    key: wrap(d),
                    "done": False,
                }
            yield final("")

        if body.get("stream", True):
            self._stream(chunks())
        else:
            if self.fake.delay_s:
                time.sleep(self.fake.delay_s * len(deltas))
            self._send(200, final(text))
