import json
from pathlib import Path

import pytest

from rag.prompts import NO_ANSWER


@pytest.fixture
def corpus_env(tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    monkeypatch.setenv("RAG_LLM_OLLAMA_URL", "http://127.0.0.1:9")
    return tiny_corpus


def test_ask_json_is_one_answer_object(cli, corpus_env) -> None:
    code, out, err = cli("ask", "How much did the Harbor Bridge repairs cost?", "--json")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert {"question", "answer", "abstained", "backend", "citations", "retrieved", "timings_ms"} <= set(data)
    assert data["backend"] == "extractive" and not data["abstained"] and "$42 million" in data["answer"]
    cit = data["citations"][0]
    assert {"n", "file", "start_line", "end_line", "quote", "support_score"} <= set(cit) and cit["file"] == "alpha.txt"
    assert {"file", "start_line", "end_line", "score"} <= set(data["retrieved"][0])
    assert {"retrieve", "generate", "total"} <= set(data["timings_ms"])


def test_ask_prints_answer_and_sources(cli, corpus_env) -> None:
    code, out, _ = cli("ask", "How many visitors did the orchard festival attract?", "--backend", "extractive")
    assert code == 0
    assert "12,000 visitors" in out and "Sources" in out and "[1] beta.md:" in out
    assert out.count("quoted from the articles") + out.count("Quoted from the articles") == 1  # said once
    code, out, _ = cli("ask", "How much did the Harbor Bridge repairs cost?", "-b", "extractive")
    assert code == 0 and "[1] alpha.txt:" in out and "(by Jane Porter, 2024-03-04)" in out
    code, out, _ = cli("ask", "Who won the football cup final?", "-b", "extractive")
    assert code == 0 and NO_ANSWER in out and "Sources" not in out


def test_chat_reads_piped_questions_as_one_conversation(cli, corpus_env) -> None:
    script = "How much did the Harbor Bridge repairs cost?\nWho said that?\n/reset\nWho said that?\n"
    code, out, err = cli("chat", "--json", input=script)
    assert code == 0, err
    answers = [json.loads(line) for line in out.strip().splitlines()]
    assert len(answers) == 3
    assert "Maria Lopez" in answers[1]["answer"] and "Harbor Bridge" in answers[1]["standalone_question"]
    assert answers[2]["standalone_question"] == "Who said that?"


def test_chat_plain_output_and_sources_command(cli, corpus_env) -> None:
    code, out, _ = cli("chat", input="Who is the head librarian?\n/sources\n/quit\nnever asked\n")
    assert code == 0
    assert "Ana Silva" in out and "sub/gamma.txt" in out and "never asked" not in out


def test_ask_rejects_unknown_backend(cli, corpus_env) -> None:
    code, _, err = cli("ask", "anything", "--backend", "gpt")
    assert code == 1 and "Unknown backend 'gpt'" in err


def test_doctor_reports_each_check(cli, corpus_env) -> None:
    cli("index")
    code, out, _ = cli("doctor")
    assert code == 0
    lines = out.strip().splitlines()
    assert any(line.startswith("ok") and "embedding model" in line for line in lines)
    assert any(line.startswith("ok") and "store" in line and "files" in line for line in lines)
    assert any(line.startswith("warn") and "ollama serve" in line for line in lines)


def test_doctor_fails_when_ollama_is_required(cli, corpus_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_ANSWER_BACKEND", "ollama")
    code, out, _ = cli("doctor")
    assert code == 1 and any(line.startswith("FAIL") and "ollama" in line for line in out.splitlines())
