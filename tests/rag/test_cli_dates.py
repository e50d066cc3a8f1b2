"""Dates in the CLI: `rag sources` shows each file's date (or that it has none), `--as-of/--since/--until`
on search and ask bound what is used, and a bad date is one line on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import write_corpus

ARTICLES = {
    "tax_2021.txt": (
        "Harbor Tax Raised\nNorthwire | 2021-03-10\n\nThe Port Elms council raised the harbor tax to 3 percent.\n"
    ),
    "tax_2024.txt": (
        "Harbor Tax Abolished\nBy Ines Marl\nNorthwire | 2024-02-01\n\nThe Port Elms council abolished the tax.\n"
    ),
    "notes.txt": "Harbor Notes\n\nThe harbor tax has a long history in Port Elms.\n",
}


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_corpus(tmp_path / "c", ARTICLES)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(root))
    return root


def test_sources_show_dates_and_say_when_there_is_none(cli, corpus: Path) -> None:
    code, out, _ = cli("sources")
    assert code == 0
    assert "2021-03-10 (article header)" in out and "no date found" in out and "Northwire" in out
    assert "by Ines Marl" in out
    code, out, _ = cli("sources", "--json")
    by_path = {s["path"]: s for s in json.loads(out)["sources"]}
    assert by_path["notes.txt"]["published"] is None and by_path["tax_2024.txt"]["published"] == "2024-02-01"


def test_search_and_ask_within_dates(cli, corpus: Path) -> None:
    code, out, _ = cli("search", "harbor tax council", "--as-of", "2023-01-01", "--json")
    data = json.loads(out)
    assert code == 0 and "tax_2024.txt" not in {r["path"] for r in data["results"]}
    assert data["window"]["as_of"] == "2023-01-01"
    code, out, _ = cli("search", "harbor tax council", "--since", "2024-01-01")
    assert code == 0 and "tax_2024.txt" in out and "tax_2021.txt" not in out and "notes.txt" not in out
    code, out, _ = cli(
        "ask", "What did the council do to the harbor tax?", "-b", "extractive", "--until", "2022-12-31", "--json"
    )
    answer = json.loads(out)
    assert code == 0 and answer["window"]["until"] == "2022-12-31"
    assert {c["path"] for c in answer["citations"]} <= {"tax_2021.txt"}


def test_bad_date_is_one_line(cli, corpus: Path) -> None:
    code, _, err = cli("search", "harbor", "--as-of", "someday soon")
    assert code != 0 and "Could not read the date 'someday soon'" in err and len(err.strip().splitlines()) == 1


def test_index_counts_undated_files_and_sources_say_when_a_year_was_inferred(cli, corpus: Path) -> None:
    # A wire whose dateline and text give no year takes it from the folder's dated articles (2021 and 2024:
    # the median is 2021-03-10, so "March 12" is 2021-03-12).
    (corpus / "wire.txt").write_text(
        "Harbor Tax Protest\n\nPORT ELMS, March 12 (Tidewire) - Shop owners protested the harbor tax on Friday.\n"
    )
    code, out, _ = cli("index", str(corpus))
    assert code == 0 and "; 1 undated (`rag sources` lists them)" in out  # notes.txt states no date
    code, out, _ = cli("sources")
    assert "2021-03-12 (year inferred)" in out
    code, out, _ = cli("search", "shop owners protested", "-k", "1")
    assert "2021-03-12 (year inferred)" in out
    (corpus / "notes.txt").unlink()
    code, out, _ = cli("index", str(corpus))
    assert code == 0 and "undated (`rag sources`" not in out
