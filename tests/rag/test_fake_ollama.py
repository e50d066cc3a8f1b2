"""Prove tests/fake_ollama.py is faithful enough for the real ollama + llama-index clients."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

try:
    from tests.fake_ollama import FakeOllama
except ImportError:  # tests/ is not a package and rootdir is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.fake_ollama import FakeOllama

import ollama
from llama_index.core.llms import ChatMessage
from llama_index.llms.ollama import Ollama

SOURCES_PROMPT = "Answer using the sources.\n[1] alpha.md: Alpha is first.\n[2] beta.md: Beta is second."


@pytest.fixture()
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


def test_root_version_and_raw_ndjson(fake: FakeOllama) -> None:
    assert httpx.get(fake.url + "/").text == "Ollama is running"
    assert "version" in httpx.get(fake.url + "/api/version").json()
    fake.enqueue("one two three")
    with httpx.stream(
        "POST", fake.url + "/api/generate", json={"model": "llama3.2", "prompt": "hi"}
    ) as r:  # stream defaults true
        assert r.headers["content-type"] == "application/x-ndjson"
        lines = [httpx.Response(200, content=line).json() for line in r.iter_lines()]
    assert [x["response"] for x in lines] == ["one ", "two ", "three", ""]
    assert [x["done"] for x in lines] == [False, False, False, True]
    assert lines[-1]["done_reason"] == "stop" and lines[-1]["eval_count"] == 3
    assert fake.requests[-1]["prompt"] == "hi"


def test_official_client_list_chat_and_stream(fake: FakeOllama) -> None:
    client = ollama.Client(host=fake.url, timeout=10)
    listed = client.list()
    assert [m.model for m in listed.models] == ["llama3.2:latest"]
    assert listed.models[0].details is not None and listed.models[0].details.family == "llama"

    fake.enqueue("Paris is the capital [1].")
    resp = client.chat("llama3.2", messages=[{"role": "user", "content": "Capital of France?"}])
    assert resp.message.role == "assistant"
    assert resp.message.content == "Paris is the capital [1]."
    assert resp.done and resp.done_reason == "stop"
    assert resp.eval_count and resp.prompt_eval_count and resp.total_duration
    assert fake.requests[-1]["stream"] is False

    fake.enqueue("Streamed answer in several words")
    parts = list(client.chat("llama3.2:latest", messages=[{"role": "user", "content": "x"}], stream=True))
    assert len(parts) > 3
    assert "".join(p.message.content or "" for p in parts) == "Streamed answer in several words"
    assert parts[-1].done and not parts[0].done

    # empty queue -> fixed default reply
    assert client.generate("llama3.2", "hello").response == fake.default_reply
    info = client.show("llama3.2")
    assert any("context_length" in k for k in (info.modelinfo or {}))
    assert info.capabilities and "completion" in info.capabilities


def test_llama_index_chat_stream_complete(fake: FakeOllama) -> None:
    llm = Ollama(model="llama3.2", base_url=fake.url, request_timeout=10, temperature=0)
    messages = [
        ChatMessage(role="system", content="You are terse."),
        ChatMessage(role="user", content=SOURCES_PROMPT),
    ]

    fake.enqueue("Alpha comes first [1].")
    assert llm.chat(messages).message.content == "Alpha comes first [1]."
    sent = fake.requests[-1]
    assert sent["model"] == "llama3.2" and sent["stream"] is False
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert "[1] alpha.md" in sent["messages"][1]["content"]
    assert sent["options"]["temperature"] == 0
    assert llm.metadata.context_window == fake.context_length  # via /api/show model_info

    fake.enqueue("Beta comes second [2].")
    chunks = list(llm.stream_chat(messages))
    assert len(chunks) > 1
    assert "".join(c.delta or "" for c in chunks) == "Beta comes second [2]."
    assert chunks[-1].message.content == "Beta comes second [2]."
    assert fake.requests[-1]["stream"] is True

    fake.enqueue("Completed.")
    assert llm.complete("Say done").text == "Completed."
    assert fake.requests[-1]["messages"][-1] == {"role": "user", "content": "Say done"}


def test_unknown_model_is_404(fake: FakeOllama) -> None:
    client = ollama.Client(host=fake.url, timeout=10)
    with pytest.raises(ollama.ResponseError) as err:
        client.chat("nope", messages=[{"role": "user", "content": "hi"}])
    assert err.value.status_code == 404
    assert err.value.error == 'model "nope" not found, try pulling it first'
    with pytest.raises(ollama.ResponseError) as err2:
        list(client.chat("nope", messages=[{"role": "user", "content": "hi"}], stream=True))
    assert err2.value.status_code == 404

    llm = Ollama(model="nope", base_url=fake.url, request_timeout=10, context_window=4096)
    with pytest.raises(ollama.ResponseError):
        llm.chat([ChatMessage(role="user", content="hi")])


def test_streaming_is_incremental_with_delay() -> None:
    with FakeOllama(models=["llama3.2", "qwen2.5:0.5b"], delay_s=0.05) as fake:
        assert fake.models == ["llama3.2:latest", "qwen2.5:0.5b"]
        fake.enqueue("a b c d")
        client = ollama.Client(host=fake.url, timeout=10)
        stamps = [
            time.monotonic()
            for _ in client.chat("qwen2.5:0.5b", messages=[{"role": "user", "content": "x"}], stream=True)
        ]
        assert stamps[-1] - stamps[0] >= 0.1  # chunks arrive over time, not all at once


def test_client_abandoning_stream_does_not_break_server(fake: FakeOllama) -> None:
    fake.delay_s = 0.01
    fake.enqueue(" ".join(f"w{i}" for i in range(200)))
    client = ollama.Client(host=fake.url, timeout=10)
    stream = client.chat("llama3.2", messages=[{"role": "user", "content": "x"}], stream=True)
    assert next(iter(stream)).done is False
    del stream  # abandon mid-stream
    fake.delay_s = 0.0
    fake.enqueue("still alive")
    resp = ollama.Client(host=fake.url, timeout=10).chat("llama3.2", messages=[{"role": "user", "content": "y"}])
    assert resp.message.content == "still alive"
