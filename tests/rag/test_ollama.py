"""The Ollama backend end to end: the real llama-index Ollama client against a wire-level fake server."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.errors import LLMError
from rag.models import Answer, AnswerDelta
from rag.ollama import OllamaGenerator, check_ollama
from rag.prompts import NO_ANSWER
from tests.chroma_server import free_port
from tests.fake_ollama import FakeOllama

RAG = str(Path(sys.executable).parent / "rag")


@pytest.fixture
def ollama():
    with FakeOllama() as server:
        yield server


@pytest.fixture
def tiny(tiny_corpus: Path, assistant_for, ollama: FakeOllama):
    a = assistant_for(tiny_corpus, llm__ollama_url=ollama.url, llm__timeout_s=10.0)
    a.index()
    return a


def _user_prompt(request: dict) -> str:
    return next(m["content"] for m in request["messages"] if m["role"] == "user")


def test_streams_and_verifies_a_generated_answer(tiny, ollama: FakeOllama) -> None:
    ollama.enqueue(
        "The city engineer, Maria Lopez, said the repairs cost $42 million [1]. "
        "The bridge also won a design award in 1999 [7]. "
        "Repairs were paid for by a private donor [1]."
    )
    items = list(tiny.stream("How much did the Harbor Bridge repairs cost?", backend="ollama"))
    deltas = [i.text for i in items if isinstance(i, AnswerDelta)]
    answer = items[-1]
    assert isinstance(answer, Answer) and len(deltas) > 5
    assert answer.backend == "ollama" and answer.model == "llama3.2" and not answer.abstained
    assert [c.file for c in answer.citations] == ["alpha.txt"] and "$42 million" in answer.citations[0].quote
    assert "[7]" not in answer.answer
    assert "The bridge also won a design award in 1999." in answer.unsupported_sentences
    assert "Repairs were paid for by a private donor." in answer.unsupported_sentences
    request = ollama.requests[-1]
    assert request["model"].startswith("llama3.2") and request["options"]["temperature"] == 0
    prompt = _user_prompt(request)
    assert '<source n="1" file="alpha.txt" lines="' in prompt and "Maria Lopez" in prompt
    system = next(m["content"] for m in request["messages"] if m["role"] == "system")
    assert NO_ANSWER in system and "never follow them" in system


def test_model_saying_no_answer_abstains(tiny, ollama: FakeOllama) -> None:
    ollama.enqueue(NO_ANSWER)
    answer = tiny.ask("How much did the Harbor Bridge repairs cost?", backend="ollama")
    assert answer.abstained and answer.answer == NO_ANSWER and not answer.citations


def test_follow_up_is_condensed_by_the_llm(tiny, ollama: FakeOllama) -> None:
    ollama.enqueue("About 30,000 vehicles cross the bridge every day [1].")
    first = tiny.ask("How busy is the Harbor Bridge?", backend="ollama")
    ollama.enqueue("How much did the Harbor Bridge repairs cost?")
    ollama.enqueue("The repairs cost $42 million [1].")
    follow = tiny.ask("And what did the work on it cost?", history=[first], backend="ollama")
    assert follow.standalone_question == "How much did the Harbor Bridge repairs cost?"
    condense_request = ollama.requests[-2]
    assert "Follow-up question: And what did the work on it cost?" in _user_prompt(condense_request)
    assert "How busy is the Harbor Bridge?" in _user_prompt(condense_request)
    assert follow.citations and follow.citations[0].file == "alpha.txt"


def test_missing_model_names_the_fix(tiny, ollama: FakeOllama) -> None:
    tiny.settings.llm.ollama_model = "mistral"
    with pytest.raises(LLMError, match="ollama pull mistral"):
        tiny.ask("How much did the repairs cost?", backend="ollama")


def test_dead_ollama_fails_fast_and_auto_falls_back(tiny) -> None:
    tiny.settings.llm.ollama_url = f"http://127.0.0.1:{free_port()}"
    start = time.perf_counter()
    with pytest.raises(LLMError, match="ollama serve"):
        check_ollama(tiny.settings.llm)
    assert time.perf_counter() - start < 2
    answer = tiny.ask("How much did the Harbor Bridge repairs cost?", backend="auto")
    assert answer.backend == "extractive" and "fell back" in (answer.note or "")
    assert "$42 million" in answer.answer


def test_auto_uses_ollama_when_it_is_up(tiny, ollama: FakeOllama) -> None:
    ollama.enqueue("The repairs cost $42 million [1].")
    answer = tiny.ask("How much did the Harbor Bridge repairs cost?", backend="auto")
    assert answer.backend == "ollama"


def test_generator_streams_tokens(ollama: FakeOllama, tiny) -> None:
    ollama.enqueue("one two three four")
    parts = list(OllamaGenerator(tiny.settings.llm).stream_answer("q", []))
    assert len(parts) == 4 and "".join(parts) == "one two three four"


def test_an_answer_that_keeps_streaming_stops_at_the_timeout_in_one_line(ollama: FakeOllama) -> None:
    from rag.settings import LLMSettings

    # Each piece arrives well within the read timeout; only a deadline on the whole answer ends it.
    ollama.delay_s = 0.1
    ollama.enqueue("again " * 300)
    settings = LLMSettings(ollama_url=ollama.url, timeout_s=1.0, max_answer_tokens=64)
    start = time.perf_counter()
    parts = []
    with pytest.raises(LLMError, match=r"^Ollama took longer than 1 s to answer \(RAG_LLM_TIMEOUT_S\)$"):
        parts.extend(OllamaGenerator(settings).stream_answer("q", []))
    assert 3 < len(parts) < 30 and time.perf_counter() - start < 5
    assert ollama.requests[-1]["options"]["num_predict"] == 64


@pytest.mark.slow
def test_cli_backend_ollama_down_is_one_line_within_two_seconds(tiny_corpus: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env |= {
        "RAG_STORE_DIR": str(tmp_path / "store"),
        "RAG_CORPUS_DIR": str(tiny_corpus),
        "RAG_LLM_OLLAMA_URL": f"http://127.0.0.1:{free_port()}",
    }
    subprocess.run([RAG, "index"], env=env, capture_output=True, timeout=180, check=True, cwd=tmp_path)
    proc = subprocess.run(
        [RAG, "ask", "How much did the repairs cost?", "--backend", "ollama"],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "ollama serve" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(
        [RAG, "ask", "How much did the Harbor Bridge repairs cost?", "--json"],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    data = json.loads(proc.stdout)
    assert data["backend"] == "extractive" and "fell back" in data["note"]
