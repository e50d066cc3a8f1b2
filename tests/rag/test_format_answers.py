"""A corpus with one article per format (PDF, DOCX, saved news page, Markdown with front matter) is
indexed and answered with correct citations, as a user sees them in the CLI and its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.format_fixtures import ask_json, make_pdf, make_zip_bomb, write_format_corpus


@pytest.fixture
def formats_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_format_corpus(tmp_path / "corpus")
    monkeypatch.setenv("RAG_CORPUS_DIR", str(root))
    monkeypatch.setenv("RAG_LLM_OLLAMA_URL", "http://127.0.0.1:9")
    return root


def test_each_format_is_indexed_and_cited(cli, formats_env: Path) -> None:
    make_pdf(formats_env / "scan.pdf", [""])
    make_zip_bomb(formats_env / "bomb.docx")
    code, out, err = cli("index", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert sorted(summary["added"]) == ["ferry.docx", "orchard.md", "seawall.html", "water-report.pdf"]
    assert summary["skipped_reasons"]["scan.pdf"] == "no text layer (scanned?)"
    assert "zip bomb" in summary["skipped_reasons"]["bomb.docx"]

    pdf = ask_json(cli, "How much water did the Kestrel reservoir hold at the end of June?")
    assert "4.2 million cubic metres" in " ".join(pdf["answer"].split())
    cite = pdf["citations"][0]
    assert cite["file"] == "water-report.pdf" and cite["page"] == 2
    assert "Lena Okafor" in cite["quote"]  # the sentence continues across the PDF's line break
    assert cite["end_line"] == cite["start_line"] + cite["quote"].count("\n")
    assert cite["start_line"] >= cite["page_line"]
    assert all(r["page"] in (1, 2, 3) for r in pdf["retrieved"] if r["file"] == "water-report.pdf")

    docx = ask_json(cli, "How often will the Alton ferry crossings run on weekdays?")
    assert "every 40 minutes" in docx["answer"] and docx["citations"][0]["file"] == "ferry.docx"
    assert docx["citations"][0]["page"] is None

    html = ask_json(cli, "How long will the Gullport seawall be?")
    cite = html["citations"][0]
    assert "900-metre" in html["answer"] and cite["file"] == "seawall.html"
    assert (cite["byline"], cite["published"]) == ("Mara Quill", "2024-03-05")

    md = ask_json(cli, "How many visitors did the Greenvale orchard festival draw?")
    cite = md["citations"][0]
    assert "12,000" in md["answer"] and (cite["file"], cite["byline"]) == ("orchard.md", "Tom Becker")
    file_lines = (formats_env / "orchard.md").read_text().splitlines()
    assert cite["quote"] in file_lines[cite["start_line"] - 1]  # front matter does not shift the line numbers


def test_cli_shows_the_page_of_a_pdf_citation(cli, formats_env: Path) -> None:
    code, out, _ = cli("ask", "How much water did the Kestrel reservoir hold at the end of June?", "-b", "extractive")
    assert code == 0
    line = next(line for line in out.splitlines() if line.strip().startswith("[1]"))
    assert "water-report.pdf, p. 2, lines " in line
    code, out, _ = cli("search", "Kestrel reservoir June", "--json")
    hit = next(r for r in json.loads(out)["results"] if r["file"] == "water-report.pdf")
    assert hit["page"] == 2
