"""Forwarding: `rag ask/search/sources/chat` use a server announced in the store, and ignore stale files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from rag import cli as cli_module
from rag import discovery
from rag.api import bind, create_app
from rag.client import connect
from rag.errors import RagError

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "How much did the bridge repairs cost?"
HEAVY = ("chromadb", "llama_index", "torch", "onnxruntime", "sentence_transformers", "transformers")


@pytest.fixture
def indexed(assistant_for, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    monkeypatch.setenv("RAG_ANSWER_BACKEND", "extractive")
    a = assistant_for(tiny_corpus, answer__backend="extractive")
    a.index()
    return a


@contextmanager
def live_server(assistant, token: str | None = None) -> Iterator[discovery.ServerInfo]:
    """The API on a free port in a thread, announced in the store as `rag serve` announces it."""
    import uvicorn

    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(assistant, token), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        with discovery.announced(assistant.settings, "127.0.0.1", sock.getsockname()[1], token) as info:
            yield info
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def no_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proof of forwarding: the in-process path is not available to the command."""

    def refuse(*_a, **_k):
        raise AssertionError("ran in-process instead of forwarding")

    monkeypatch.setattr(cli_module, "ensure_index", refuse)


def test_ask_search_sources_forward_to_a_live_server(indexed, cli, no_local) -> None:
    with live_server(indexed) as info:
        served = httpx.post(f"{info.url}/ask", json={"question": QUESTION}).json()
        code, out, err = cli("ask", QUESTION, "--json")
        assert code == 0, err
        forwarded = json.loads(out)
        assert {k: v for k, v in forwarded.items() if k != "timings_ms"} == {
            k: v for k, v in served.items() if k != "timings_ms"
        }
        code, out, _ = cli("ask", QUESTION)
        assert code == 0 and "$42 million" in out and "alpha.txt:6-6" in out
        code, out, _ = cli("search", "orchard festival", "-k", "1", "--json")
        assert code == 0 and json.loads(out)["results"][0]["file"] == "beta.md"
        code, out, _ = cli("sources", "--json")
        assert [s["path"] for s in json.loads(out)["sources"]] == ["alpha.txt", "beta.md", "sub/gamma.txt"]


def test_dates_forward_to_the_server_and_the_answer_records_them(indexed, cli, no_local) -> None:
    with live_server(indexed) as info:
        served = httpx.post(f"{info.url}/ask", json={"question": QUESTION, "as_of": "2024-03-01"}).json()
        code, out, err = cli("ask", QUESTION, "--as-of", "2024-03-01", "--json")
        assert code == 0, err
        forwarded = json.loads(out)
        assert forwarded["window"]["as_of"] == "2024-03-01" and "$42 million" not in forwarded["answer"]
        assert {k: v for k, v in forwarded.items() if k != "timings_ms"} == {
            k: v for k, v in served.items() if k != "timings_ms"
        }
        code, out, err = cli("search", "bridge repairs", "--since", "2024-03-01", "--until", "2024-03-31", "--json")
        assert code == 0, err
        found = json.loads(out)
        assert found["window"]["since"] == "2024-03-01" and [h["file"] for h in found["results"]] == ["alpha.txt"]
        code, out, err = cli("chat", "--json", "--as-of", "2024-03-05", input=f"{QUESTION}\n")
        assert code == 0, err
        assert json.loads(out)["window"]["as_of"] == "2024-03-05" and "$42 million" in json.loads(out)["answer"]
        code, out, err = cli("ask", QUESTION, "--as-of", "not a date at all")
        assert code != 0 and "Could not read the date 'not a date at all'" in err and len(err.strip().splitlines()) == 1


def test_remote_stream_yields_deltas_then_the_answer(indexed) -> None:
    from rag.models import Answer, AnswerDelta

    with live_server(indexed):
        remote = connect(indexed.settings)
        assert remote is not None
        items = list(remote.stream(QUESTION))
        with pytest.raises(RagError, match="The question is empty"):
            list(remote.stream("  "))
    assert isinstance(items[-1], Answer) and "$42 million" in items[-1].answer
    assert items[:-1] and all(isinstance(i, AnswerDelta) for i in items[:-1])
    assert "$42 million" in "".join(i.text for i in items[:-1])


def test_chat_forwards_with_its_history(indexed, cli, no_local) -> None:
    with live_server(indexed):
        code, out, err = cli(
            "chat", "--json", input="Who is the city engineer of Port Elms?\nWhat did she say the repairs cost?\n"
        )
    assert code == 0, err
    first, second = (json.loads(line) for line in out.strip().splitlines())
    assert first["question"] == "Who is the city engineer of Port Elms?" and "citations" in first
    assert second["standalone_question"] != second["question"] and "$42 million" in second["answer"]


def test_token_travels_in_the_discovery_file(indexed, cli, no_local) -> None:
    with live_server(indexed, token="file-token") as info:
        assert httpx.get(f"{info.url}/health").status_code == 401
        path = discovery.discovery_path(indexed.settings)
        assert path.stat().st_mode & 0o777 == 0o600
        code, out, err = cli("ask", QUESTION, "--json")
        assert code == 0, err
        assert "$42 million" in json.loads(out)["answer"]


def test_forward_setting_off_runs_in_process(indexed, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_API_FORWARD", "false")
    with live_server(indexed):
        calls = []
        real = cli_module.ensure_index
        monkeypatch.setattr(cli_module, "ensure_index", lambda *a: calls.append(1) or real(*a))
        code, _, _ = cli("ask", QUESTION, "--json")
    assert code == 0 and calls == [1]


def write_file(settings, **fields) -> None:
    info = {"url": "http://127.0.0.1:9", "token": None, "pid": os.getpid(), "hostname": os.uname().nodename}
    info |= {"store": discovery.store_key(settings), "started_at": time.time()} | fields
    path = discovery.discovery_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def free_port() -> int:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.mark.parametrize(
    "stale",
    [
        pytest.param(lambda s: {"pid": dead_pid()}, id="dead-pid"),
        pytest.param(lambda s: {"url": f"http://127.0.0.1:{free_port()}"}, id="connection-refused"),
        pytest.param(lambda s: {"store": "/elsewhere#articles"}, id="other-store"),
        pytest.param(lambda s: "not json", id="garbage"),
    ],
)
def test_stale_discovery_files_are_ignored_quickly(indexed, cli, stale) -> None:
    fields = stale(indexed.settings)
    if isinstance(fields, str):
        discovery.discovery_path(indexed.settings).write_text(fields)
    else:
        write_file(indexed.settings, **fields)
    started = time.perf_counter()
    assert connect(indexed.settings) is None
    assert time.perf_counter() - started < 1.0
    code, out, err = cli("ask", QUESTION, "--json")
    assert code == 0, err
    assert "$42 million" in json.loads(out)["answer"]


def test_a_server_that_accepts_but_never_answers_costs_one_short_wait(indexed, monkeypatch) -> None:
    import socket

    from rag import client

    silent = socket.create_server(("127.0.0.1", 0))  # listens (the kernel accepts), never reads or answers
    try:
        write_file(indexed.settings, url=f"http://127.0.0.1:{silent.getsockname()[1]}")
        probes = []
        health = client.RemoteAssistant.health
        monkeypatch.setattr(client.RemoteAssistant, "health", lambda self: probes.append(1) or health(self))
        started = time.perf_counter()
        assert connect(indexed.settings) is None and connect(indexed.settings) is None
        assert time.perf_counter() - started < 2.5 and len(probes) == 1
    finally:
        silent.close()


def test_forwarded_questions_take_any_k_the_cli_takes_and_bad_fields_are_one_line(indexed) -> None:
    from rag.errors import InputError

    with live_server(indexed):
        remote = connect(indexed.settings)
        assert remote is not None
        assert "$42 million" in remote.ask(QUESTION, k=80).answer
        with pytest.raises(RagError, match=r"^top-k must be a whole number from 1 to 100"):
            remote.ask(QUESTION, k=101)
        with pytest.raises(InputError, match=r"^backend: Input should be 'auto', 'ollama' or 'extractive'$"):
            remote.ask(QUESTION, backend="gpt")


def test_a_wrong_token_in_the_file_means_in_process(indexed) -> None:
    with live_server(indexed, token="right"):
        info = discovery.read(indexed.settings)
        write_file(indexed.settings, url=info.url, token="wrong")
        assert connect(indexed.settings) is None
        write_file(indexed.settings, url=info.url, token="right")
        assert connect(indexed.settings) is not None


def test_file_removed_on_exit_unless_another_server_replaced_it(indexed) -> None:
    path = discovery.discovery_path(indexed.settings)
    with discovery.announced(indexed.settings, "0.0.0.0", 1234, None) as info:
        assert info.url == "http://127.0.0.1:1234" and path.exists()
    assert not path.exists()
    with discovery.announced(indexed.settings, "127.0.0.1", 1234, None):
        write_file(indexed.settings, url="http://127.0.0.1:4321")
    assert json.loads(path.read_text())["url"] == "http://127.0.0.1:4321"


def forwarded_imports(indexed, tmp_path: Path, module: str) -> set[str]:
    """Top-level packages a fresh ``python -m MODULE ask … --json`` imports while a server answers it."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    with live_server(indexed):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", module, "ask", QUESTION, "--json"],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "$42 million" in json.loads(proc.stdout)["answer"]
    return {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}


def test_forwarding_client_imports_no_heavy_library(indexed, tmp_path: Path) -> None:
    imported = forwarded_imports(indexed, tmp_path, "rag.cli")
    assert imported and not imported & set(HEAVY), imported & set(HEAVY)


@pytest.mark.slow
def test_rag_serve_end_to_end(tiny_corpus: Path, tmp_path: Path) -> None:
    """The real command: `rag serve` indexes, announces itself, answers `rag ask`, and cleans up on SIGTERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env |= {"RAG_STORE_DIR": str(tmp_path / "store"), "RAG_CORPUS_DIR": str(tiny_corpus), "PYTHONPATH": str(ROOT)}
    # The server reads one chunk per question, the client's own default is five: `retrieved` shows who answered.
    server = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--port", "0"],
        env=env | {"RAG_RETRIEVAL_TOP_K": "1"}, cwd=tmp_path, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    path = tmp_path / "store" / discovery.FILE_NAME
    try:
        deadline = time.time() + 120
        while not path.exists() and server.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        assert path.exists(), server.stderr.read() if server.poll() is not None else "no discovery file"
        proc = subprocess.run(
            [sys.executable, "-m", "rag.cli", "ask", QUESTION, "--json"],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        answer = json.loads(proc.stdout)
        assert "$42 million" in answer["answer"] and len(answer["retrieved"]) == 1
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr
    assert "Serving" in stderr and "Server stopped." in stderr
    assert not path.exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["ask", "Q?"], ("Q?", False, None, None, False)),
        (["--debug", "ask", "--json", "Q?", "-k", "3", "--backend=extractive"], ("Q?", True, 3, "extractive", True)),
        (["ask", "--top-k=7", "-b", "ollama", "--", "-Q?"], ("-Q?", False, 7, "ollama", False)),
        (["ask", "Q?", "--as-of", "2024-01-01"], None),  # dates: the in-process path
        (["ask", "Q?", "-k", "three"], None),  # Typer reports the bad value
        (["ask", "Q?", "-k"], None),
        (["ask", "Q?", "--help"], None),
        (["ask", "Q?", "more"], None),
        (["ask", "  "], None),
        (["search", "Q?"], None),
        ([], None),
    ],
)
def test_only_the_plain_ask_form_is_read_before_the_cli(argv, expected) -> None:
    from rag.oneshot import plain_ask

    got = plain_ask(argv)
    assert (tuple(got) if got else None) == expected


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    """``rag.oneshot.main`` in-process, as the ``rag`` console script runs it: (exit code, stdout, stderr)."""
    from rag.oneshot import main

    monkeypatch.setattr(cli_module, "STATE", cli_module.State())
    code = 0
    try:
        main(list(argv))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_entry_point_forwards_the_same_json_as_in_process(indexed, cli, monkeypatch, capsys) -> None:
    def drop_timings(answer: dict) -> dict:
        return {k: v for k, v in answer.items() if k != "timings_ms"}

    real = cli_module.ensure_index
    with live_server(indexed):
        monkeypatch.setattr(cli_module, "ensure_index", lambda *a: pytest.fail("ran in-process"))
        code, out, err = run_main(monkeypatch, capsys, "ask", QUESTION, "--json", "-k", "3")
        assert code == 0, err
        forwarded = json.loads(out)
        code, text, err = run_main(monkeypatch, capsys, "ask", QUESTION)
        assert code == 0 and "$42 million" in text and "alpha.txt:6-6" in text
        code, _, bad = run_main(monkeypatch, capsys, "ask", QUESTION, "-k", "500")
        _, _, typer_bad = cli("ask", QUESTION, "-k", "500")
        assert code == 1 and bad.strip() == typer_bad.strip() and bad.startswith("Error: top-k must be a whole")
    monkeypatch.setattr(cli_module, "ensure_index", real)
    monkeypatch.setenv("RAG_API_FORWARD", "false")
    code, out, err = cli("ask", QUESTION, "--json", "-k", "3")
    assert code == 0, err
    assert drop_timings(forwarded) == drop_timings(json.loads(out))


def test_entry_point_runs_in_process_when_the_server_is_dead(indexed, monkeypatch, capsys) -> None:
    write_file(indexed.settings, pid=dead_pid())
    code, out, err = run_main(monkeypatch, capsys, "ask", QUESTION, "--json")
    assert code == 0, err
    assert "$42 million" in json.loads(out)["answer"]


def test_entry_point_forwarding_loads_neither_typer_nor_rich(indexed, tmp_path: Path) -> None:
    imported = forwarded_imports(indexed, tmp_path, "rag")
    assert "rag" in imported and not imported & {"typer", "rich", "click", *HEAVY}
