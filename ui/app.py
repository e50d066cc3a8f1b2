"""The Gradio chat UI: a thin shell over ``rag.assistant.Assistant``.

``build_app(assistant)`` returns the Blocks app (tests launch it with their own Assistant);
``serve(demo, settings)`` launches it locally (no share link, analytics off); ``launch(settings)``
is what ``rag ui`` runs. Handlers call Assistant methods and render what they return; the
rendering lives in ui/chat_html.py, ui/viewer_html.py and ui/panel.py.

Conversation memory is a ``gr.State`` holding the session's list of ``Answer`` objects, so
two browser sessions never share history. One Assistant (one embedding model, one store) is
shared by every session; the queue runs up to ``settings.ui.concurrency`` answers at once.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported

import contextlib
import logging
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.errors import RagError, error_line, unexpected_line
from rag.models import Answer, Citation, WatchBatch
from rag.rendering import add_lines, conversation_markdown, page_lines, watch_line
from rag.settings import Settings
from ui import assets
from ui.chat_html import Pending, conversation_html
from ui.panel import (
    backend_html,
    checks_html,
    example_questions,
    loading_html,
    messages_html,
    sources_html,
    status_html,
    summary_line,
)
from ui.viewer_html import EMPTY_VIEWER, article_html, viewer_message

log = logging.getLogger("rag.ui")

TITLE = "News Research Assistant"
STREAM_EVERY_S = 0.06
EMPTY_INDEX = (
    "The index is empty: add articles (.txt, .md, .html, .pdf, .docx) or a URL in the sidebar, or click Re-index."
)

THEME = gr.themes.Soft(
    primary_hue="indigo",
    neutral_hue="slate",
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)


def one_line(exc: BaseException) -> str:
    """A user-facing line for an error: the RagError's message, else the unexpected error's first line."""
    line = error_line(exc)
    return line if isinstance(exc, RagError) else f"{line}."


class Handlers:
    """Everything the page's events call; each method renders what the Assistant returns."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.exports: Path | None = None  # a temp folder, made on the first export

    # ---- side panel -------------------------------------------------------------------------
    def backend(self) -> str:
        try:
            gen = self.assistant.generator(None)
        except RagError as exc:
            return backend_html(None, None, None, error=str(exc))
        return backend_html(gen.backend, gen.model, gen.note)

    def index_panel(self) -> tuple[str, str, list[str]]:
        """(status HTML, sources HTML, example questions)."""
        try:
            status = self.assistant.status()
            sources = self.assistant.sources()
        except Exception as exc:
            log.exception("reading the index status failed")
            return status_html(None, error=one_line(exc)), sources_html([]), []
        return status_html(status), sources_html(sources), example_questions(sources)

    def load(self) -> tuple[str, str, str, str]:
        status, sources, examples = self.index_panel()
        welcome = conversation_html([], examples=examples, status=self._welcome_status())
        return self.backend(), status, sources, welcome

    def _welcome_status(self) -> str:
        try:
            empty = self.assistant.is_empty()
        except Exception:  # noqa: BLE001 - the side panel shows the error
            return ""
        return EMPTY_INDEX if empty else ""

    def health(self) -> str:
        """The same checks as ``rag doctor``, one line each with its fix."""
        try:
            return checks_html(self.assistant.doctor())
        except Exception as exc:
            log.exception("health checks failed")
            return messages_html(error=one_line(exc))

    def reindex(self, progress: gr.Progress = gr.Progress()) -> tuple[str, str, str]:  # noqa: B008 - Gradio's idiom
        progress(0, desc="Reading the corpus…")

        def update(done: int, total: int) -> None:
            progress((done, total), desc="Embedding passages", unit="passages")

        try:
            summary = self.assistant.index(progress=update)
            message = messages_html([summary_line(summary)], summary.skipped)
        except Exception as exc:
            if not isinstance(exc, RagError):
                log.exception("re-index failed")
            message = messages_html(error=one_line(exc))
        status, sources, _ = self.index_panel()
        return message, status, sources

    def upload(self, files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[str, str, str, Any]:  # noqa: B008
        if not files:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            added = self.assistant.add_articles(files)
        except Exception as exc:
            if not isinstance(exc, RagError):
                log.exception("upload failed")
            status, sources, _ = self.index_panel()
            return messages_html(error=one_line(exc)), status, sources, None
        lines = [f"Added {', '.join(added.saved)}."] if added.saved else []
        if not added.saved:
            status, sources, _ = self.index_panel()
            return messages_html(lines, added.rejected), status, sources, None
        message, status, sources = self.reindex(progress)
        return messages_html(lines, added.rejected) + message, status, sources, None

    def add_url(self, url: str, progress: gr.Progress = gr.Progress()) -> tuple[str, str, str, str]:  # noqa: B008
        """Fetch a page or feed into the corpus and index it; one line per article or refusal."""
        url = (url or "").strip()
        if not url:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        progress(0, desc="Fetching…")
        try:
            result = self.assistant.add(
                [url], progress=lambda d, t: progress((d, t), desc="Embedding passages"), urls_only=True
            )
            message = messages_html(add_lines(result.model_copy(update={"rejected": []})), result.rejected)
            url = "" if result.saved else url
        except Exception as exc:
            if not isinstance(exc, RagError):
                log.exception("adding %r failed", url)
            message = messages_html(error=one_line(exc))
        status, sources, _ = self.index_panel()
        return message, status, sources, url

    # ---- chat -------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: list[Answer],
        k: float | None,
        as_of: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one turn: (conversation HTML, history, question box, export button). The side panel's
        dates (as-of, default today; since; until) bound what the answer may use."""
        history = list(history or [])
        question = self.assistant.tidy(question or "")  # what is echoed must be valid, printable text
        if not question:
            yield gr.skip(), history, "", gr.skip()
            return
        pending = Pending(question)
        yield conversation_html(history, pending), history, "", gr.skip()
        final: Answer | None = None
        try:
            window = self.assistant.user_window(as_of, since, until)
            if self.assistant.is_empty():
                raise RagError(EMPTY_INDEX)
            last = time.monotonic()
            for item in self.assistant.stream(question, history, k=int(k) if k else None, window=window):
                if isinstance(item, Answer):
                    final = item
                    continue
                pending.text += item.text
                if time.monotonic() - last >= STREAM_EVERY_S:
                    last = time.monotonic()
                    yield conversation_html(history, pending), history, "", gr.skip()
            if final is None:
                raise RagError("The answer pipeline ended without an answer")
        except Exception as exc:
            if not isinstance(exc, RagError):
                log.exception("answering %r failed", question)
            pending.error = one_line(exc)
            yield conversation_html(history, pending), history, question, gr.skip()
            return
        history = [*history, final]
        yield conversation_html(history), history, "", self.export(history)

    def ask_example(
        self,
        history: list[Answer],
        k: float | None,
        as_of: str | None,
        since: str | None,
        until: str | None,
        evt: gr.EventData,
    ) -> Iterator[tuple[Any, ...]]:
        yield from self.ask(str(getattr(evt, "question", "") or ""), history, k, as_of, since, until)

    def export(self, history: list[Answer]) -> Any:
        """The export button: disabled for an empty conversation, else serving a fresh Markdown file."""
        if not history:
            return gr.DownloadButton(value=None, interactive=False)
        return gr.DownloadButton(value=str(self.write_export(history)), interactive=True)

    def write_export(self, history: list[Answer]) -> Path:
        if self.exports is None:
            self.exports = Path(tempfile.mkdtemp(prefix="rag-ui-exports-"))
        folder = self.exports / uuid.uuid4().hex
        folder.mkdir()
        path = folder / "conversation.md"
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        path.write_text(conversation_markdown(history, title=f"{TITLE} — {stamp}"), encoding="utf-8")
        return path

    def clear(self) -> tuple[Any, ...]:
        _, _, examples = self.index_panel()
        welcome = conversation_html([], examples=examples, status=self._welcome_status())
        return welcome, [], "", self.export([]), viewer_message(*EMPTY_VIEWER)

    # ---- source viewer ----------------------------------------------------------------------
    def open_citation(self, history: list[Answer], evt: gr.EventData) -> str:
        try:
            turn, n = int(evt.turn), int(evt.n)
            answer = history[turn]
            citation = next(c for c in answer.citations if c.n == n)
        except (AttributeError, TypeError, ValueError, IndexError, StopIteration):
            return viewer_message("Citation not found", "Ask again: this citation is no longer in the conversation.")
        return self.show_citation(citation)

    def show_citation(self, citation: Citation) -> str:
        try:
            article = self.assistant.open_article(citation.path, indexed_only=False)
        except Exception as exc:  # noqa: BLE001
            return viewer_message("Cannot show this source", one_line(exc), "error")
        note = None
        if article.content_hash != citation.content_hash:
            note = "This article changed after it was indexed, so the highlighted lines may be off: re-index."
        span: tuple[int, int] | None = (citation.quote_start_char, citation.quote_end_char)
        if article.text[span[0] : span[1]] != citation.quote:
            at = article.text.find(citation.quote)
            span = (at, at + len(citation.quote)) if at >= 0 else None
        text, (start, end), page = article.text, page_lines(citation), None
        if citation.page is not None and article.pages:
            # A PDF citation shows its page, with lines counted within the page as the citation says.
            page = citation.page
            text, offset = article.page_text(page)
            span = (span[0] - offset, span[1] - offset) if span else None
        else:
            start, end = citation.start_line, citation.end_line
        return article_html(
            text, article.title, citation.path, start, end, span, label=f"[{citation.n}]", note=note,
            page=page, url=article.url,
        )  # fmt: skip

    def view_source(self, path: str, start_line: int = 0, end_line: int = 0) -> str:
        """HTML of an indexed article (cited lines highlighted); a refusal for any other path."""
        try:
            article = self.assistant.open_article(path)
        except Exception as exc:  # noqa: BLE001
            return viewer_message("Cannot show this source", one_line(exc), "error")
        start, end = int(start_line or 0), int(end_line or start_line or 0)
        return article_html(article.text, article.title, path, start, end, url=article.url)

    def open_path(self, evt: gr.EventData) -> str:
        return self.view_source(str(getattr(evt, "article", "") or ""))


def _heading(text: str) -> None:
    gr.HTML(f'<div class="panel-heading">{text}</div>', apply_default_css=False)


def build_app(assistant: Assistant) -> gr.Blocks:
    """The Blocks app over ``assistant`` (shared by every session), with its queue configured."""
    h = Handlers(assistant)
    settings = assistant.settings
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True, delete_cache=(3600, 86400)) as demo:
        history = gr.State([])
        with gr.Sidebar(width=330, label="Library"):
            _heading("Answering with")
            backend = gr.HTML(loading_html("Checking for Ollama…"), apply_default_css=False)
            _heading("Dates")
            with gr.Row(elem_id="date-range", equal_height=True):
                since = gr.Textbox(label="Since", placeholder="any", max_lines=1, min_width=90, elem_id="date-since")
                until = gr.Textbox(label="Until", placeholder="any", max_lines=1, min_width=90, elem_id="date-until")
            as_of = gr.Textbox(
                label="As of (nothing later is used)", placeholder="today", max_lines=1, elem_id="date-as-of"
            )
            _heading("Index")
            status = gr.HTML(loading_html("Reading the index…"), apply_default_css=False, elem_id="index-status")
            reindex = gr.Button("Re-index", size="sm", variant="secondary", elem_id="reindex")
            with gr.Accordion("Health checks", open=False, elem_id="health-panel"):
                health = gr.HTML(loading_html("Open to run the checks…"), apply_default_css=False, elem_id="health")
                check = gr.Button("Run checks", size="sm", variant="secondary", elem_id="run-checks")
            index_msg = gr.HTML("", apply_default_css=False, elem_id="index-messages")
            _heading("Add articles")
            upload = gr.File(
                label="Drop .txt, .md, .html, .pdf or .docx files",
                file_count="multiple",  # no file_types: Assistant.add_articles says why it refuses a file
                type="filepath",
                height=120,
                elem_id="upload-box",
            )
            with gr.Row(elem_id="url-row"):
                url_box = gr.Textbox(
                    placeholder="https://… article or feed", show_label=False, lines=1, scale=4, elem_id="add-url"
                )
                add_url = gr.Button("Add from URL", size="sm", variant="secondary", scale=1, elem_id="add-url-button")
            upload_msg = gr.HTML("", apply_default_css=False, elem_id="upload-messages")
            _heading("Retrieval")
            top_k = gr.Slider(1, 20, value=settings.retrieval.top_k, step=1, label="Passages to read (top-k)")
            _heading("Indexed articles")
            sources = gr.HTML(
                sources_html([]), js_on_load=assets.SOURCES_JS, css_template=assets.SOURCES_CSS,
                apply_default_css=False, max_height=420, elem_id="source-list",
            )  # fmt: skip

        gr.HTML(
            f'<div class="app-header"><span class="app-title">{TITLE}</span><span class="app-tagline">'
            "Answers from your news articles, offline, with every citation checked against the source.</span></div>",
            apply_default_css=False,
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=7, elem_id="chat-panel"):
                conversation = gr.HTML(
                    conversation_html([]), js_on_load=assets.CONVERSATION_JS, css_template=assets.CONVERSATION_CSS,
                    apply_default_css=False, min_height=360, max_height="calc(100vh - 265px)",
                    elem_id="conversation",
                )  # fmt: skip
                with gr.Row(elem_id="ask-row"):
                    question = gr.Textbox(
                        placeholder="Ask a question about the articles…",
                        show_label=False, lines=1, max_lines=4, scale=8, autofocus=True, elem_id="question",
                    )  # fmt: skip
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="ask")
                with gr.Row():
                    clear = gr.Button("New conversation", size="sm", variant="secondary", elem_id="clear")
                    export = gr.DownloadButton(
                        "Export as Markdown", value=None, size="sm", variant="secondary", interactive=False,
                        elem_id="export",
                    )  # fmt: skip
            with gr.Column(scale=5, elem_id="viewer-panel"):
                viewer = gr.HTML(
                    viewer_message(*EMPTY_VIEWER), js_on_load=assets.VIEWER_JS, css_template=assets.VIEWER_CSS,
                    apply_default_css=False, elem_id="viewer",
                )  # fmt: skip

        dates = [as_of, since, until]
        turn_io = {
            "inputs": [question, history, top_k, *dates],
            "outputs": [conversation, history, question, export],
        }
        ask.click(h.ask, **turn_io, api_name="ask", show_progress="hidden")
        question.submit(h.ask, **turn_io, api_visibility="private", show_progress="hidden")
        conversation.example(
            h.ask_example, inputs=[history, top_k, *dates], outputs=turn_io["outputs"],
            api_visibility="private", show_progress="hidden",
        )  # fmt: skip
        conversation.cite(h.open_citation, inputs=[history], outputs=[viewer], api_visibility="private")
        sources.open(h.open_path, outputs=[viewer], api_visibility="private")
        clear.click(h.clear, outputs=[conversation, history, question, export, viewer], api_name="clear")
        reindex.click(
            h.reindex, outputs=[index_msg, status, sources], api_name="reindex", concurrency_limit=1,
            concurrency_id="index", show_progress_on=[status],
        )  # fmt: skip
        upload.upload(
            h.upload, inputs=[upload], outputs=[upload_msg, status, sources, upload], api_visibility="private",
            concurrency_limit=1, concurrency_id="index", show_progress_on=[status],
        )  # fmt: skip
        url_io = {"inputs": [url_box], "outputs": [upload_msg, status, sources, url_box]}
        for trigger in (add_url.click, url_box.submit):
            trigger(
                h.add_url, **url_io, api_visibility="private", concurrency_limit=1, concurrency_id="index",
                show_progress_on=[status],
            )  # fmt: skip
        demo.load(h.load, outputs=[backend, status, sources, conversation], api_visibility="private")
        check.click(h.health, outputs=[health], api_name="health", concurrency_limit=1, concurrency_id="health")
        gr.api(h.view_source, api_name="view_source")
    demo.queue(default_concurrency_limit=settings.ui.concurrency)
    return demo


def serve(
    demo: gr.Blocks,
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    block: bool = True,
    quiet: bool = False,
) -> tuple[Any, str, str]:
    """Launch locally: bound to ``settings.ui.host`` unless told otherwise, never a share link."""
    return demo.launch(
        server_name=host or settings.ui.host,
        server_port=port or settings.ui.port,
        share=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        quiet=quiet,
        show_error=False,
        footer_links=[],
        max_file_size=settings.corpus.max_file_bytes,
        theme=THEME,
        css=assets.PAGE_CSS,
    )


def start_watching(assistant: Assistant) -> threading.Event:
    """``rag ui --watch``: re-index in a background thread on every change; set the event to stop."""
    stop = threading.Event()

    def report(batch: WatchBatch) -> None:
        print(watch_line(batch, datetime.now().strftime("%H:%M:%S")), flush=True)

    def run() -> None:
        try:
            assistant.watch(report, stop_event=stop)
        except RagError as exc:
            print(f"Warning: not watching: {exc}", flush=True)
        except Exception as exc:  # noqa: BLE001 - the UI goes on; say in one line that changes are not indexed
            print(f"Warning: not watching any more ({unexpected_line(exc)})", flush=True)

    threading.Thread(target=run, name="rag-watch", daemon=True).start()
    return stop


def launch(settings: Settings, assistant: Assistant | None = None, watch: bool = False) -> None:
    """``rag ui``: load the model and store once, index the corpus if the store is empty, serve."""
    assistant = assistant or Assistant(settings)
    try:
        assistant.ensure_index(on_build=lambda: print(f"No index yet: indexing {settings.corpus.dir} first…"))
    except RagError as exc:
        print(f"Warning: {exc} (the UI starts anyway; add articles there)")
    if watch:
        start_watching(assistant)
        print(f"Watching {settings.corpus.dir}: changes are indexed as they happen.")
    demo = build_app(assistant)
    app, _, _ = serve(demo, settings, block=False, quiet=True)
    print(f"Open http://{settings.ui.host}:{demo.server_port} in your browser (Ctrl+C to stop).")
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a stop is a Ctrl+C: the API's file is removed
    with contextlib.ExitStack() as api:
        try:
            info = api.enter_context(assistant.serve_api(app, settings.ui.host, demo.server_port))
            print(f"HTTP API at {info.url} (docs at {info.docs}); `rag ask` forwards to it.")
        except RagError as exc:
            print(f"Warning: {exc} (the UI runs without the HTTP API)")
        demo.block_thread()
