"""Table rows read with their header: DOCX rows ("a | b"), web-page and Markdown rows ("| a | b |")."""

from __future__ import annotations

from rag.models import Entity
from rag.tables import column_fit, header_at, sentences, table_rows

DOCX = (
    "Libraries open later\n\nThe council said its libraries will stay open later.\n\n"
    "Library | Old closing time | New closing time\n\nCentral | 18:00 | 20:00\n\nRiverside | 17:00 | 19:30\n\n"
    "Funding comes from the culture budget."
)
MARKDOWN = (
    "# Parks budget\n\nThe council agreed its parks budget.\n\n"
    "| Item | 2025 budget | 2026 budget |\n|---|---:|:-:|\n"
    "| Playgrounds | £120,000 | £150,000 |\n| Signs | | £12,000 |\n"
)


def test_a_docx_row_is_read_with_its_header_and_spans_its_line() -> None:
    rows = table_rows(DOCX)
    assert [r.reading for r in rows] == [
        "Library: Central; Old closing time: 18:00; New closing time: 20:00.",
        "Library: Riverside; Old closing time: 17:00; New closing time: 19:30.",
    ]
    assert DOCX[rows[0].start : rows[0].end] == "Central | 18:00 | 20:00"


def test_a_markdown_row_skips_the_rule_and_leaves_out_empty_cells() -> None:
    rows = table_rows(MARKDOWN)
    assert [r.reading for r in rows] == [
        "Item: Playgrounds; 2025 budget: £120,000; 2026 budget: £150,000.",
        "Item: Signs; 2026 budget: £12,000.",
    ]
    assert MARKDOWN[rows[1].start : rows[1].end] == "| Signs | | £12,000 |"


def test_cell_entities_move_into_the_reading() -> None:
    row = table_rows(DOCX)[0]
    at = DOCX.index("20:00")
    moved = row.entities([Entity(start=at, end=at + 5, label="TIME")])
    assert [row.reading[e.start : e.end] for e in moved] == ["20:00"]
    assert row.column_at(moved[0].start) == 2


def test_a_number_under_a_header_naming_a_currency_is_money() -> None:
    text = "Contractor | Signed value (million marks) | Staff\n\nBrosk & Haller | 410 | 120\n"
    row = table_rows(text)[0]
    ents = [Entity(start=text.index(n), end=text.index(n) + len(n), label="CARDINAL") for n in ("410", "120")]
    assert [(row.reading[e.start : e.end], e.label) for e in row.entities(ents)] == [
        ("410", "MONEY"),
        ("120", "CARDINAL"),
    ]


def test_a_passage_cut_inside_a_table_reads_its_rows_with_the_header_stored_for_it() -> None:
    cut = DOCX.index("Riverside")
    header = header_at(DOCX, cut)
    assert header == ("Library", "Old closing time", "New closing time")
    assert header_at(DOCX, 0) is None and header_at(DOCX, DOCX.index("Library |")) is None
    tail = DOCX[cut:]
    assert table_rows(tail) == []  # one row alone is no table
    assert [r.reading for r in table_rows(tail, header)] == [
        "Library: Riverside; Old closing time: 17:00; New closing time: 19:30."
    ]


def test_sentences_replace_rows_by_their_readings_and_keep_prose() -> None:
    read = sentences(DOCX)
    texts = [s.text for s, _ in read]
    assert "The council said its libraries will stay open later." in texts
    assert "Library: Central; Old closing time: 18:00; New closing time: 20:00." in texts
    assert not any("|" in t for t in texts)
    assert [s.text for s, row in sentences("Plain prose. Two sentences.")] == ["Plain prose.", "Two sentences."]


def test_a_column_fits_the_question_by_its_words_and_its_time() -> None:
    now = "What time does the Central library close now?"
    before = "What time did the Central library close before?"
    assert column_fit("New closing time", now) > column_fit("Old closing time", now)
    assert column_fit("Old closing time", before) > column_fit("New closing time", before)
    assert column_fit("2026 budget", "What is the 2026 budget for signs?") > column_fit(
        "2025 budget", "What is the 2026 budget for signs?"
    )


def test_a_common_word_that_is_also_a_currency_names_no_money_without_a_scale() -> None:
    text = "Club | Games won | Catch (pounds) | Fee (million pounds)\n\nRovers | 11 | 400 | 3\n"
    row = table_rows(text)[0]
    at = [text.index("11"), text.index("400"), text.rindex("3")]
    ents = [Entity(start=a, end=a + len(n), label="CARDINAL") for a, n in zip(at, ("11", "400", "3"), strict=True)]
    assert [e.label for e in row.entities(ents)] == ["CARDINAL", "CARDINAL", "MONEY"]
