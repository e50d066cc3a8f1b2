"""The date line a metadata answer quotes: a front-matter date, on no chunk, becomes a passage of its own."""

from __future__ import annotations

from rag.metadata_answers import with_header_lines
from rag.models import RetrievedChunk

FILE = "---\ndate: 2024-03-02\nsource: bayrecord.example\n---\nHarbour Wall Rebuilt\n\nThe wall reopened.\n"


def _chunk(text: str, start: int, **fields: object) -> RetrievedChunk:
    return RetrievedChunk(
        id=f"wall.md:{start}", text=text, file="wall.md", path="wall.md", title="Harbour Wall Rebuilt",
        start_char=start, end_char=start + len(text), start_line=5, end_line=7, content_hash="h", score=0.5,
        published="2024-03-02", date_source="front_matter", **fields,
    )  # fmt: skip


def test_a_front_matter_date_line_is_added_as_a_passage_at_its_line_of_the_file() -> None:
    at = FILE.index("date:")
    chunk = _chunk(
        "Harbour Wall Rebuilt\n\nThe wall reopened.", 32, date_line=2, date_quote="date: 2024-03-02", date_char=at
    )
    hits = with_header_lines([chunk])
    assert hits[0] == chunk and len(hits) == 2
    line = hits[1]
    assert (line.text, line.start_line, line.end_line, line.path) == ("date: 2024-03-02", 2, 2, "wall.md")
    assert FILE[line.start_char : line.end_char] == line.text
    assert line.id != chunk.id and line.published == "2024-03-02"


def test_nothing_is_added_when_a_hit_holds_the_date_line_or_no_line_states_it() -> None:
    dateline = _chunk("Harbour Wall Rebuilt\nBy Jane Roe | March 2, 2024\n\nThe wall reopened.", 0,
                      date_line=2, date_quote="By Jane Roe | March 2, 2024", date_char=21)  # fmt: skip
    undated = _chunk("Harbour Wall Rebuilt\n\nThe wall reopened.", 0)
    assert with_header_lines([dateline]) == [dateline]
    assert with_header_lines([undated]) == [undated]
