"""The UI's event handlers, called directly: failures become one readable line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from rag.models import Answer
from rag.rendering import conversation_markdown
from ui.app import EMPTY_INDEX, Handlers

CLOSED = "http://127.0.0.1:9"  # nothing listens on the discard port


def run_turn(h: Handlers, question: str, history: list[Answer] | None = None, k: int = 5) -> tuple:
    """The last update of one streamed turn."""
    updates = list(h.ask(question, history or [], k))
    assert len(updates) >= 2
    return updates[-1]


@pytest.fixture
def indexed(assistant_for, tiny_corpus: Path):
    def build(**overrides: object) -> Handlers:
        assistant = assistant_for(tiny_corpus, llm__ollama_url=CLOSED, **overrides)
        assistant.index()
        return Handlers(assistant)

    return build


def test_a_turn_streams_then_renders_the_verified_answer(indexed) -> None:
    h = indexed()
    updates = list(h.ask("How much did the Harbor Bridge repairs cost?", [], 5))
    first_html, first_history, box, _ = updates[0]
    assert "Searching the articles" in first_html and first_history == [] and box == ""
    html, history, box, export = updates[-1]
    assert len(history) == 1 and isinstance(history[0], Answer)
    assert "$42 million" in html and 'class="cite"' in html and 'class="sources"' in html
    assert export.interactive
    exported = h.write_export(history).read_text(encoding="utf-8")
    assert exported.startswith("# News Research Assistant — ")
    assert exported.endswith(conversation_markdown(history).split("\n", 1)[1])


def test_follow_up_passes_the_session_history(indexed) -> None:
    h = indexed()
    _, history, _, _ = run_turn(h, "How much did the Harbor Bridge repairs cost?")
    seen: list[list[Answer]] = []
    real = h.assistant.stream

    def spy(question, history=(), *args, **kwargs):
        seen.append(list(history))
        yield from real(question, history, *args, **kwargs)

    h.assistant.stream = spy
    _, history2, _, _ = run_turn(h, "How many vehicles cross it every day?", history)
    assert seen == [history] and len(history2) == 2 and history2[0] is history[0]
    assert "30,000" in history2[1].answer


def test_ollama_down_is_a_readable_message(indexed) -> None:
    h = indexed(answer__backend="ollama")
    html, history, box, _ = run_turn(h, "How much did the repairs cost?")
    assert "Could not answer" in html and "Ollama is not reachable" in html and "ollama serve" in html
    assert "Traceback" not in html and history == [] and box == "How much did the repairs cost?"
    assert "unavailable" in h.backend() and "Ollama is not reachable" in h.backend()


def test_auto_backend_explains_how_to_enable_ollama(indexed) -> None:
    panel = indexed().backend()
    assert "Extractive" in panel and "ollama serve" in panel


def test_empty_index_is_a_readable_message(assistant_for, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    h = Handlers(assistant_for(empty, llm__ollama_url=CLOSED))
    html, history, _, _ = run_turn(h, "Anything?")
    assert EMPTY_INDEX in html and history == []
    message, status, sources = h.reindex()
    assert "No readable articles" in message and "The index is empty" in status and "No articles" in sources
    _, _, _, welcome = h.load()
    assert EMPTY_INDEX in welcome


def test_unexpected_errors_are_one_line(indexed) -> None:
    h = indexed()

    def broken(*args, **kwargs):
        raise ValueError("boom\n  File 'x.py', line 1")
        yield  # pragma: no cover

    h.assistant.stream = broken
    html, *_ = run_turn(h, "Anything?")
    assert "Unexpected error (ValueError: boom); see the server log." in html and "x.py" not in html


def test_empty_question_changes_nothing(indexed) -> None:
    (update,) = list(indexed().ask("   ", [], 5))
    assert update[1] == [] and update[2] == ""


def test_upload_adds_good_files_indexes_them_and_explains_rejections(indexed, tmp_path: Path) -> None:
    h = indexed()
    good = tmp_path / "up" / "ferry news.txt"
    good.parent.mkdir()
    good.write_text(
        "Ferry Returns\n\nThe Port Elms ferry returned to service on Tuesday after a two-year pause.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "up" / "slides.pdf"
    bad.write_bytes(b"%PDF-1.7 binary")
    message, status, sources, cleared = h.upload([str(good), str(bad)])
    assert "Added ferry_news.txt." in message and "1 added" in message
    assert "slides.pdf" in message and "not a readable PDF" in message
    assert "<dd>4</dd>" in status and 'data-path="ferry_news.txt"' in sources and cleared is None
    html, *_ = run_turn(h, "When did the Port Elms ferry return to service?")
    assert "ferry_news.txt" in html


def test_view_source_serves_only_indexed_articles(indexed) -> None:
    h = indexed()
    ok = h.view_source("sub/gamma.txt", 3, 3)
    assert "Library Extends Opening Hours" in ok and 'class="line hl" data-line="3"' in ok
    for crafted in ("../../etc/passwd", "/etc/passwd", "../corpus/alpha.txt", "sub/../../x.txt"):
        refused = h.view_source(crafted)
        assert "Cannot show this source" in refused and "Refused" in refused and "root:" not in refused
    (h.settings.corpus.dir / "later.txt").write_text("Added after indexing\n", encoding="utf-8")
    assert "not an indexed article" in h.view_source("later.txt")


def test_citation_click_opens_the_cited_passage(indexed) -> None:
    h = indexed()
    _, history, _, _ = run_turn(h, "How much did the Harbor Bridge repairs cost?")
    cited = history[0].citations[0]
    html = h.open_citation(history, gr.EventData(None, {"turn": 0, "n": cited.n}))
    assert f'class="line hl" data-line="{cited.start_line}"' in html and "<mark>" in html
    assert "Citation not found" in h.open_citation(history, gr.EventData(None, {"turn": 5, "n": 1}))
    assert "Citation not found" in h.open_citation([], gr.EventData(None, {}))


def test_viewer_warns_when_the_article_changed_since_indexing(indexed) -> None:
    h = indexed()
    _, history, _, _ = run_turn(h, "How much did the Harbor Bridge repairs cost?")
    cited = history[0].citations[0]
    path = h.settings.corpus.dir / cited.path
    path.write_text("New first line\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert "changed after it was indexed" in h.show_citation(cited)
    path.unlink()
    assert "no longer in the corpus" in h.show_citation(cited)


def test_clear_starts_a_new_conversation(indexed) -> None:
    welcome, history, box, export, viewer = indexed().clear()
    assert "Ask a question about your articles" in welcome and history == [] and box == ""
    assert export.interactive is False
    assert "Source viewer" in viewer


def test_ollama_answers_stream_into_the_page(assistant_for, tiny_corpus: Path) -> None:
    from tests.fake_ollama import FakeOllama

    with FakeOllama(delay_s=0.03) as fake:
        fake.enqueue(
            "The repairs of the Harbor Bridge cost $42 million [1]. About 30,000 vehicles cross the bridge every "
            "day [1]. The mayor called it a triumph of modern engineering."
        )
        assistant = assistant_for(tiny_corpus, llm__ollama_url=fake.url)
        assistant.index()
        h = Handlers(assistant)
        assert "ollama · llama3.2" in h.backend()
        updates = list(h.ask("How much did the Harbor Bridge repairs cost?", [], 5))
    streaming = [u[0] for u in updates if 'class="bubble answer streaming"' in u[0] and "<p>" in u[0]]
    assert len(streaming) >= 2 and len(streaming[0]) < len(streaming[-1])  # the text grew as deltas arrived
    assert "[1]" in streaming[-1] and 'class="cite"' not in streaming[-1]  # raw markers until verified
    html, history, _, _ = updates[-1]
    assert history[0].backend == "ollama" and 'class="cite"' in html and "Written by ollama · llama3.2" in html
    assert '<span class="flag">unsupported</span>' in html and "triumph of modern engineering" in html


def test_a_question_with_invalid_code_points_and_controls_is_answered(indexed) -> None:
    html, history, box, _ = run_turn(indexed(), "How much did the Harbor Bridge\x00 repairs cost?\x1b\ud800")
    html.encode("utf-8")  # the page can be sent: no lone surrogate reached it
    assert "$42 million" in html and "\x1b" not in html and "\x00" not in html and box == ""
    assert history[-1].question == "How much did the Harbor Bridge repairs cost?\ufffd"


def test_a_question_of_only_nul_bytes_changes_nothing(indexed) -> None:
    (update,) = list(indexed().ask("\x00\x00\x00", [], 5))
    assert update[1] == [] and update[2] == ""


def test_a_watch_that_fails_unexpectedly_is_one_line_and_the_ui_goes_on(capsys: pytest.CaptureFixture) -> None:
    import threading

    from ui.app import start_watching

    class BrokenWatch:
        def watch(self, on_batch, stop_event=None) -> None:
            raise OSError("inotify watch limit reached\nsecond line")

    start_watching(BrokenWatch())
    for thread in [t for t in threading.enumerate() if t.name == "rag-watch"]:
        thread.join(5)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == ["Warning: not watching any more (OSError: inotify watch limit reached)"]
