"""One renderer for answer pieces: the CLI, the UI and the Markdown export split an answer the same way."""

import io

from rich.console import Console

from rag import cli
from rag.models import Answer
from rag.rendering import MARKER_RE, MARKERS_RUN, answer_markdown, answer_pieces, marker_numbers, meta_line

ABBREVIATED = "The U.S. base cost $1.5 million."


def _answer(text: str, unsupported: list[str], backend: str = "extractive") -> Answer:
    return Answer(
        question="q", standalone_question="q", answer=text, abstained=False, backend=backend,
        unsupported_sentences=unsupported, timings_ms={"total": 250.0},
    )  # fmt: skip


def test_pieces_keep_an_abbreviated_sentence_whole() -> None:
    text = f"It opened in May [1]. {ABBREVIATED}"
    pieces = answer_pieces(text, [ABBREVIATED])
    assert pieces == [("It opened in May [1]. ", False), (ABBREVIATED, True)]
    assert "".join(piece for piece, _ in pieces) == text


def test_cli_marks_an_abbreviated_unsupported_sentence(monkeypatch) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=buffer, width=200, no_color=True))
    cli.print_answer(_answer(f"It opened in May [1]. {ABBREVIATED}", [ABBREVIATED]))
    assert f"{ABBREVIATED} (unsupported)" in buffer.getvalue()
    assert "May [1]. (unsupported)" not in buffer.getvalue()


def test_markdown_flags_the_same_sentence() -> None:
    markdown = answer_markdown(_answer(f"It opened in May [1]. {ABBREVIATED}", [ABBREVIATED]))
    assert f"**{ABBREVIATED}** _(unsupported)_" in markdown


def test_one_marker_pattern_for_every_form() -> None:
    text = "a [1] b [2, 3] c [4][5] d [6] [7]"
    assert marker_numbers(text) == [1, 2, 3, 4, 5, 6, 7]
    assert [m.group(0) for m in MARKERS_RUN.finditer(text)] == ["[1]", "[2, 3]", "[4][5]", "[6] [7]"]
    assert MARKER_RE.fullmatch("[12]") and not MARKER_RE.fullmatch("[a]")


def test_meta_line_names_the_backend_and_time() -> None:
    assert meta_line(_answer("x", [])) == "Quoted from the articles (extractive) · 0.2 s"
    ollama = _answer("x", [], backend="ollama").model_copy(update={"model": "llama3.2"})
    assert meta_line(ollama).startswith("Written by ollama · llama3.2")


def test_a_short_answer_shows_its_confidence_in_the_cli_and_the_markdown(monkeypatch) -> None:
    from rag.models import ShortAnswer

    answer = _answer("Calder Bridge [1]. The crews repaired Calder Bridge [1].", [])
    answer.short_answer = ShortAnswer(text="Calder Bridge", citation=1, label="FAC", confidence=0.781)
    buffer = io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=buffer, width=200, no_color=True))
    cli.print_answer(answer)
    assert "Answer: Calder Bridge [1]  (confidence 78%)" in buffer.getvalue()
    assert answer_markdown(answer).startswith("**Calder Bridge** [1] _(confidence 78%)_. The crews")
    answer.short_answer = ShortAnswer(text="Calder Bridge", citation=1)  # a byline or date: read, not guessed
    assert "confidence" not in answer_markdown(answer)


def test_the_dates_line_names_cited_articles_dated_outside_the_question_s_phrase() -> None:
    from datetime import date

    from rag.models import Citation, DateWindow
    from rag.rendering import answer_window_note

    def cite(n: int, published: str | None) -> Citation:
        return Citation(
            n=n, file=f"{n}.md", path=f"{n}.md", title="", start_line=1, end_line=1, quote="Profit fell.",
            quote_start_char=0, quote_end_char=12, content_hash="h", support_score=1.0, published=published,
        )  # fmt: skip

    window = DateWindow(
        as_of=date(2026, 11, 30), phrase="May 2026", phrase_since=date(2026, 5, 1), phrase_until=date(2026, 5, 31)
    )
    answer = Answer(
        question="What happened to Orvane Mills in May 2026?", standalone_question="What happened?",
        answer="Profit fell. [1] Profit fell. [2] [3]",
        abstained=False, backend="extractive", window=window,
        citations=[cite(1, "2026-03-12"), cite(2, "2026-05-20"), cite(3, None)],
    )  # fmt: skip
    note = answer_window_note(answer)
    assert note is not None and note.endswith('dated outside "May 2026": [1] 2026-03-12')
    inside = answer.model_copy(update={"citations": [cite(2, "2026-05-20")]})
    assert "outside" not in (answer_window_note(inside) or "")


def test_a_date_whose_year_was_inferred_says_so_under_the_answer() -> None:
    from rag.models import Citation
    from rag.rendering import provenance, sources_lines

    cited = Citation(
        n=1, file="wire.txt", path="wire.txt", title="Ferries halted", start_line=3, end_line=3,
        quote="Ferries stopped.", quote_start_char=0, quote_end_char=16, content_hash="h", support_score=1.0,
        outlet="Tidewire", published="2026-01-14", date_source="inferred",
    )  # fmt: skip
    assert provenance(cited) == "Tidewire, 2026-01-14 (year inferred)"
    answer = _answer("Ferries stopped. [1]", []).model_copy(update={"citations": [cited]})
    assert "2026-01-14 (year inferred)" in sources_lines(answer)[0]
    stated = cited.model_copy(update={"date_source": "header"})
    assert provenance(stated) == "Tidewire, 2026-01-14"
