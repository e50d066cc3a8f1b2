"""Facts in tables are answerable: a DOCX, a saved web page and a Markdown file with a table are indexed, and a
question about a row is answered from that row, read with its header, cited at the row as the file writes it,
with the cell of the asked column as the short answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.format_fixtures import ask_json, make_docx, news_page

HOURS = [
    ["Library", "Old closing time", "New closing time"],
    ["Central", "18:00", "20:00"],
    ["Riverside", "17:00", "19:30"],
    ["Northgate", "17:30", "19:00"],
]
BUDGET = """---
title: Parks budget agreed for next year
date: 2026-02-10
---
# Parks budget agreed for next year

The district council agreed its parks budget on Tuesday after a short debate, with more money for playgrounds.

| Item | 2025 budget | 2026 budget |
|---|---:|---:|
| Playgrounds | £120,000 | £150,000 |
| Tree planting | £80,000 | £95,000 |
| Signs | £30,000 | £12,000 |

The leader of the council said the changes follow a survey of park users last summer.
"""
RESULTS = [
    ["Club", "Matches played", "Points"],
    ["Dunmore Rovers", "12", "31"],
    ["Ashgrove Athletic", "12", "24"],
]


@pytest.fixture
def tables_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    make_docx(
        root / "council-release.docx",
        "Council extends library opening hours",
        [
            "Harrowmere District Council said on Monday that its libraries will stay open later on weekdays from "
            "1 March, after a consultation in which most residents asked for evening opening.",
            "The council said the longer hours will be paid for from the culture budget, which was raised this year.",
            "The table below lists the old and new weekday closing times of each library.",
        ],
        HOURS,
    )
    (root / "parks-budget.md").write_text(BUDGET)
    (root / "league.html").write_text(
        news_page(
            "Dunmore Rovers stay top of the league",
            [
                "Dunmore Rovers stayed top of the regional league on Saturday after a narrow win away from home, "
                "their fourth in a row this season.",
                "Ashgrove Athletic lost at home and dropped to second place, the league said in its weekly update.",
            ],
            author="Ines Varga",
            date="2026-03-02",
            site="Valley Sport",
            table=RESULTS,
        )
    )
    monkeypatch.setenv("RAG_CORPUS_DIR", str(root))
    monkeypatch.setenv("RAG_LLM_OLLAMA_URL", "http://127.0.0.1:9")
    return root


def test_table_rows_are_quoted_with_their_header_and_cited_at_the_row(cli, tables_env: Path) -> None:
    code, _, err = cli("index")
    assert code == 0, err

    docx = ask_json(cli, "What time does the Central library close now?")
    cite = docx["citations"][0]
    assert (cite["file"], cite["quote"]) == ("council-release.docx", "Central | 18:00 | 20:00")
    assert cite["start_line"] == cite["end_line"]
    assert "Library: Central; Old closing time: 18:00; New closing time: 20:00. [1]" in docx["answer"]
    assert (docx["short_answer"]["text"], docx["short_answer"]["citation"]) == ("20:00", 1)
    before = ask_json(cli, "What time did the Central library close before?")
    assert before["short_answer"]["text"] == "18:00"

    md = ask_json(cli, "What was the 2026 budget for tree planting?")
    cite = md["citations"][0]
    assert cite["quote"] == "| Tree planting | £80,000 | £95,000 |"
    file_lines = (tables_env / "parks-budget.md").read_text().splitlines()
    assert file_lines[cite["start_line"] - 1] == cite["quote"]  # the row of the file itself
    assert "2026 budget: £95,000" in md["answer"] and "95,000" in md["short_answer"]["text"]

    html = ask_json(cli, "How many points do Ashgrove Athletic have?")
    cite = html["citations"][0]
    assert (cite["file"], cite["quote"]) == ("league.html", "| Ashgrove Athletic | 12 | 24 |")
    assert "Points: 24" in html["answer"] and html["short_answer"]["text"] == "24"


def test_a_row_of_a_long_table_is_read_with_the_header_its_chunk_does_not_hold(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    rows = [["Depot", "Buses in service", "Buses in repair"]]
    rows += [[f"Depot {i}", str(20 + i), str(i % 5 + 1)] for i in range(1, 41)]
    make_docx(
        root / "fleet.docx",
        "Bus fleet report",
        ["The transport authority published the state of its bus fleet on Friday, depot by depot."],
        rows,
    )
    monkeypatch.setenv("RAG_CORPUS_DIR", str(root))
    monkeypatch.setenv("RAG_LLM_OLLAMA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("RAG_INDEX_CHUNK_SIZE", "60")
    monkeypatch.setenv("RAG_INDEX_CHUNK_OVERLAP", "10")
    code, _, err = cli("index")
    assert code == 0, err
    answer = ask_json(cli, "How many buses are in repair at Depot 37?")
    cite = answer["citations"][0]
    assert cite["quote"] == "Depot 37 | 57 | 3"
    assert "Depot: Depot 37; Buses in service: 57; Buses in repair: 3." in answer["answer"]
    cited = [r for r in answer["retrieved"] if cite["quote"] in r["text"]]
    assert cited and all("Buses in repair" not in r["text"] for r in cited)  # the header came from the store
    assert all(r["table_header"] == ["Depot", "Buses in service", "Buses in repair"] for r in cited)
