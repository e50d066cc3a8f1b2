"""The ``rag`` command: a thin Typer + Rich shell over ``rag.assistant.Assistant``.

Heavy libraries load inside the commands that need them, so ``rag --help`` is instant.
Errors print as one line on stderr with a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from rag import prompts
from rag.errors import RagError, first_line
from rag.hygiene import json_line, printable

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.settings import Settings

app = typer.Typer(
    name="rag",
    help="Ask questions about a folder of articles; every answer cites file, lines and quote.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class SafeConsole(Console):
    """A Rich console that drops terminal control characters from every string before rendering it.

    Article text, titles, file names, questions and error messages all reach the terminal
    through ``print``/``Table`` cells/``Text``; Rich's own styling is added after this point.
    """

    def render_str(self, text: str, **kwargs: Any) -> Any:
        return super().render_str(printable(text), **kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(self._clean_text(o) for o in objects), **kwargs)

    def _clean_text(self, obj: Any) -> Any:
        """A ``Text`` built outside ``render_str`` (answers): rebuilt segment by segment, styles kept."""
        from rich.text import Text

        if not isinstance(obj, Text) or printable(obj.plain) == obj.plain:
            return obj
        clean = Text(end=obj.end, justify=obj.justify, no_wrap=obj.no_wrap)
        for segment in obj.render(self, end=""):
            clean.append(printable(segment.text), segment.style)
        return clean


out = SafeConsole(highlight=False, soft_wrap=True)
err = SafeConsole(stderr=True, highlight=False, soft_wrap=True)


class State:
    debug: bool = False
    settings: Settings | None = None
    assistant: Assistant | None = None


STATE = State()


def fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]Error:[/] {escape(message)}")
    raise typer.Exit(code)


@contextmanager
def errors_as_lines() -> Iterator[None]:
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except RagError as exc:
        if STATE.debug:
            raise
        fail(str(exc))
    except KeyboardInterrupt:
        fail("Interrupted", 130)
    except SystemExit:
        raise
    except BaseException as exc:  # also a library's Rust panic, which is no Exception
        if STATE.debug:
            raise
        fail(f"{type(exc).__name__}: {short(exc)} (run with --debug for details)", 2)


def short(exc: BaseException) -> str:
    return first_line(exc, 300)


def settings() -> Settings:
    if STATE.settings is None:
        from pydantic import ValidationError

        from rag.settings import Settings

        try:
            STATE.settings = Settings()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            fail(f"Invalid setting {where}: {first['msg']} (check RAG_* variables and rag.toml)")
    return STATE.settings  # type: ignore[return-value]


def assistant() -> Assistant:
    if STATE.assistant is None:
        from rag.assistant import Assistant

        STATE.assistant = Assistant(settings())
    return STATE.assistant


def ensure_index() -> Assistant:
    a = assistant()
    a.ensure_index(on_build=lambda: err.print(f"No index yet: indexing {a.settings.corpus.dir} first…"))
    return a


def forwarded() -> Any:
    """A server announced on this store that answers now (``rag.client``), else the in-process Assistant."""
    from rag.client import connect

    return connect(settings()) or ensure_index()


def emit_json(data: Any) -> None:
    sys.stdout.write(json_line(data) + "\n")
    sys.stdout.flush()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    STATE.debug = debug


@app.command("index")
def index_cmd(
    path: Annotated[Path | None, typer.Argument(help="Corpus folder (default: RAG_CORPUS_DIR or corpus/).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the store and index from scratch.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Index new or changed articles; remove deleted ones."""
    with errors_as_lines():
        from rag.rendering import progress_bar, progress_callback

        a = assistant()
        with progress_bar(err) as bar:
            summary = a.index(
                path, rebuild=rebuild, progress=progress_callback(bar, "Embedding chunks"),
                on_wait=lambda: err.print("Another `rag index` is running; waiting for it to finish…"),
            )  # fmt: skip
        if as_json:
            emit_json(summary.to_json())
            return
        for warning in summary.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
        out.print(
            f"[bold]Indexed[/] {a.settings.corpus.dir if path is None else path}: "
            f"{len(summary.added)} added, {len(summary.updated)} updated, {len(summary.removed)} removed, "
            f"{len(summary.unchanged)} unchanged, {len(summary.skipped)} skipped; "
            f"{summary.chunks_embedded} chunks embedded in {summary.seconds:.1f} s"
            + (f" ({summary.embedding_precision})" if summary.embedding_precision else "")
            + (f", {summary.duplicates_reused} repeated texts embedded once" if summary.duplicates_reused else "")
            + (f"; {len(summary.undated)} undated (`rag sources` lists them)" if summary.undated else "")
        )
        if summary.repaired_chunks:
            out.print(f"Repaired: removed {summary.repaired_chunks} chunks left by an interrupted run")
        for skipped in summary.skipped:
            out.print(f"  skipped {escape(skipped.file)}: {escape(skipped.reason)}")


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", "--top-k", help="Number of chunks (1-100).")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    as_of: AsOfOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """Show the passages retrieval ranks highest for a query, one per article while enough articles match."""
    from rag.rendering import dateline, window_note

    with errors_as_lines():
        if not query.strip():
            fail("The query is empty")
        a, window = _with_dates(as_of, since, until)
        if window is not None:
            window = a.window_for(query, window)
        hits = a.search(query, k, window=window) if window is not None else a.search(query, k)
        if as_json:
            from rag.rendering import chunk_json

            emit_json(
                {
                    "query": query,
                    "window": window.model_dump(mode="json") if window else None,
                    "results": [chunk_json(h) for h in hits],
                }
            )
            return
        if note := window_note(window):
            out.print(f"[dim]{escape(note)}[/]")
        if not hits:
            out.print("No matching chunks.")
        for rank, hit in enumerate(hits, 1):
            snippet = " ".join(hit.text.split())
            snippet = snippet[:240] + ("…" if len(snippet) > 240 else "")
            out.print(
                f"[bold]{rank}.[/] [cyan]{escape(hit.file)}[/]{_where(hit)}  "
                f"score {hit.score:.3f}  ({'+'.join(hit.retrievers)})  [dim]{escape(dateline(hit))}[/]"
            )
            out.print(f"   {escape(snippet)}")


@app.command("sources")
def sources_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """List the indexed files."""
    with errors_as_lines():
        sources = forwarded().sources()
        if as_json:
            emit_json({"sources": [s.model_dump() for s in sources]})
            return
        from rag.rendering import source_date

        # One line per article (no table): file names are never cut, titles only past 120 characters, at a word.
        for s in sources:
            by = f"by {s.byline}" if s.byline else None
            parts = [source_date(s), s.outlet, by, f"{s.chunks} chunks", f"indexed {s.indexed_at[:16]}"]
            details = " · ".join(p for p in parts if p)
            title = s.title if len(s.title) <= 120 else s.title[:119].rsplit(" ", 1)[0] + "…"
            out.print(f"[cyan]{escape(s.path)}[/]  {escape(title)}  [dim]{escape(details)}[/]")


AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Answer as of this date: nothing published later is used (default today).", show_default=False
    ),
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Only articles published on or after this date.", show_default=False)
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Only articles published on or before this date.", show_default=False)
]


def _with_dates(as_of: str | None, since: str | None, until: str | None) -> tuple[Any, Any]:
    """(assistant, window): the dates as typed, read before anything is indexed so a bad date costs nothing,
    and a server announced on the store (it receives them with each request) or the in-process Assistant."""
    if not (as_of or since or until):
        return forwarded(), None
    from rag.client import connect

    if (remote := connect(settings())) is not None:
        return remote, remote.user_window(as_of, since, until)
    from rag.assistant import Assistant

    window = Assistant.user_window(as_of, since, until)
    return ensure_index(), window


BackendOpt = Annotated[
    str | None, typer.Option("--backend", "-b", help="auto (default), ollama or extractive.", show_default=False)
]


def print_answer(answer: Any) -> None:
    from rich.text import Text

    from rag.rendering import (
        MARKERS_RUN,
        also_reported,
        answer_pieces,
        answer_window_note,
        confidence_note,
        meta_line,
        provenance,
        split_short_answer,
    )

    text = Text()
    lead, rest = split_short_answer(answer)
    if lead:
        text.append("Answer: ", style="bold")
        text.append(lead, style="bold green")
        if sure := confidence_note(answer):
            text.append(f"  ({sure})", style="dim")
        text.append("\n")
    for piece, unsupported in answer_pieces(rest, answer.unsupported_sentences):
        text.append(piece, style="bold red" if answer.abstained else ("yellow" if unsupported else ""))
        if unsupported:
            text.append(" (unsupported)", style="yellow italic")
    text.highlight_regex(MARKERS_RUN.pattern, "bold cyan")
    out.print(text)
    if answer.citations:
        out.print("\n[bold]Sources[/]")
        for c in answer.citations:
            dated = f" [dim]({escape(by_when)})[/]" if (by_when := provenance(c)) else ""
            out.print(
                f"  [bold cyan][{c.n}][/] [cyan]{escape(c.path)}[/]{_where(c)}{dated}  "
                f"“{escape(' '.join(c.quote.split()))}”"
            )
            if c.also_reported_by:
                out.print(f"      [dim]{escape(also_reported(c))}[/]")
    if note := answer_window_note(answer):
        out.print(f"[dim]{escape(note)}[/]")
    # The meta line already says the answer was quoted; the note adds only why (Ollama down) and the fix.
    why = answer.note or ""
    if answer.backend == "extractive":
        why = why.removeprefix(prompts.EXTRACTIVE_NOTE).strip()
    meta = meta_line(answer) + (f" · {why}" if why else "")
    out.print(f"[dim]{escape(meta)}[/]")


def _where(cited: Any) -> str:
    """ ":12-15" as before, or ", p. 3, lines 2-5" for a page of a PDF."""
    from rag.rendering import lines_label

    return f", {lines_label(cited)}" if cited.page is not None else f":{cited.start_line}-{cited.end_line}"


def _answer_json(answer: Any) -> dict[str, Any]:
    return answer.model_dump(mode="json")


@app.command("ask")
def ask_cmd(
    question: Annotated[str, typer.Argument(help="Your question.")],
    backend: BackendOpt = None,
    k: Annotated[int | None, typer.Option("-k", "--top-k", help="Chunks to read (1-100).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as one JSON object.")] = False,
    as_of: AsOfOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """Answer one question with cited sources."""
    with errors_as_lines():
        if not question.strip():
            fail("The question is empty")
        a, window = _with_dates(as_of, since, until)
        dated = {"window": window} if window is not None else {}
        answer = a.ask(question, backend=backend, k=k, **dated)
        if as_json:
            emit_json(_answer_json(answer))
        else:
            print_answer(answer)


@app.command("chat")
def chat_cmd(
    backend: BackendOpt = None,
    k: Annotated[int | None, typer.Option("-k", "--top-k", help="Chunks to read (1-100).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One Answer JSON object per line.")] = False,
    as_of: AsOfOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """Chat with follow-up questions. Piped input: one question per line, one conversation."""
    with errors_as_lines():
        a, window = _with_dates(as_of, since, until)
        interactive = sys.stdin.isatty() and not as_json
        if interactive:
            out.print(
                "[dim]Ask about the articles. /sources shows the last answer's sources, /reset forgets, /quit.[/]"
            )
        history: list[Any] = []
        if hasattr(sys.stdin, "reconfigure"):
            sys.stdin.reconfigure(errors="replace")  # bytes that are not UTF-8 must not end the session
        remote_url = getattr(a, "url", None)
        generator = None if remote_url else a.generator(backend)
        if interactive and remote_url:
            out.print(f"[dim]Answers come from the rag server at {escape(remote_url)}.[/]")
        elif interactive and generator.note:
            out.print(f"[dim]{escape(generator.note)}[/]")
        while True:
            try:
                line = input("you> " if interactive else "")
            except EOFError:
                break
            question = printable(line).strip()  # a line of only NUL or control bytes is no question
            if not question:
                continue
            if question in ("/quit", "/exit"):
                break
            if question == "/reset":
                history.clear()
                if not as_json:
                    out.print("[dim]Conversation reset.[/]")
                continue
            if question == "/sources":
                if history and history[-1].citations:
                    for c in history[-1].citations:
                        out.print(f"[{c.n}] {escape(c.path)}:{c.start_line}-{c.end_line} “{escape(c.quote)}”")
                else:
                    out.print("[dim]No sources yet.[/]")
                continue
            try:
                answer = _chat_turn(a, question, history, generator, backend, k, window, stream=interactive)
            except Exception as exc:  # one bad line never ends the session
                if STATE.debug and not isinstance(exc, RagError):
                    raise
                message = str(exc) if isinstance(exc, RagError) else f"{type(exc).__name__}: {short(exc)}"
                err.print(f"[bold red]Error:[/] {escape(message)}")
                continue
            history.append(answer)
            if as_json:
                emit_json(_answer_json(answer))
            elif not interactive:
                out.print(f"[bold]Q:[/] {escape(question)}")
                print_answer(answer)
                out.print()


def _chat_turn(
    a: Any,
    question: str,
    history: list[Any],
    generator: Any,
    backend: str | None,
    k: int | None,
    window: Any,
    stream: bool,
) -> Any:
    from rich.live import Live
    from rich.text import Text

    from rag.models import Answer

    dated = {"window": window} if window is not None else {}
    if not stream:
        return a.ask(question, history, backend=backend, k=k, generator=generator, **dated)
    shown = Text()
    with Live(shown, console=out, transient=True, refresh_per_second=12) as live:
        for item in a.stream(question, history, backend=backend, k=k, generator=generator, **dated):
            if isinstance(item, Answer):
                answer = item
            else:
                shown.append(printable(item.text))
                live.update(shown)
    print_answer(answer)
    out.print()
    return answer


@app.command("doctor")
def doctor_cmd() -> None:
    """Check the embedding model, each part of the store, Ollama and the Chroma server; print the fix for each."""
    with errors_as_lines():
        checks = assistant().doctor()
    marks = {"ok": "[green]ok  [/]", "fail": "[red]FAIL[/]", "warn": "[yellow]warn[/]"}
    for check in checks:
        fix = f" — fix: {check.fix}" if check.fix else ""
        out.print(f"{marks[check.status]} {check.name}: {escape(check.detail + fix)}")
    raise typer.Exit(1 if any(c.status == "fail" for c in checks) else 0)


@app.command("eval")
def eval_cmd(
    suite: Annotated[
        str,
        typer.Option(
            "--suite", help="seed, realtimeqa, a seed-format .jsonl, or a folder with corpus.jsonl + queries.jsonl."
        ),
    ] = "seed",
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            "-b",
            help="auto, extractive or ollama (default extractive: deterministic, what the CI gate measures).",
        ),
    ] = "extractive",
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the first N items (external suites: first N by qid).")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default eval-results/<suite>-<timestamp>/).")
    ] = None,
    k: Annotated[int | None, typer.Option("-k", "--top-k", min=1, max=50, help="Chunks the answerer reads.")] = None,
    cache: Annotated[
        Path | None, typer.Option("--cache", help="Cache folder for the eval's corpus copy and store.")
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(
            "--thresholds", help="Gate thresholds file (default evals/thresholds.toml or RAG_EVAL_THRESHOLDS)."
        ),
    ] = None,
    no_gate: Annotated[bool, typer.Option("--no-gate", help="Do not compare with the thresholds.")] = False,
    sample: Annotated[
        str, typer.Option("--sample", help="External suites with --limit: first (by qid) or random (fixed seed 0).")
    ] = "first",
    item: Annotated[list[str] | None, typer.Option("--item", help="Seed item id to run (repeatable).")] = None,
    as_of: Annotated[
        bool,
        typer.Option(
            "--as-of/--no-as-of",
            help="External suites: ask each question as of its question_date (default), or as of today.",
        ),
    ] = True,
) -> None:
    """Run an eval suite; write results.jsonl, summary.json and report.html; exit 1 below the gate thresholds."""
    from evals.report import print_summary  # import-graph: dispatch (the CLI hands over to the eval shell)
    from evals.runner import EvalOptions, run  # import-graph: dispatch (the CLI hands over to the eval shell)

    if backend not in ("auto", "extractive", "ollama"):
        fail(f"Unknown backend {backend!r}: use auto, extractive or ollama")
    if sample not in ("first", "random"):
        fail(f"Unknown sample {sample!r}: use first or random")
    with errors_as_lines():
        options = EvalOptions(
            suite=suite, backend=backend, limit=limit, out=out_dir, k=k, cache=cache,
            thresholds=thresholds, gate=not no_gate, ids=list(item or []), sample=sample, as_of=as_of,
        )  # fmt: skip
        try:
            result = run(options, settings=settings(), console=err)
        except (ValueError, FileNotFoundError) as exc:
            fail(str(exc))
        print_summary(result.summary, out)
        if result.exit_code:
            raise typer.Exit(result.exit_code)


@app.command("add")
def add_cmd(
    items: Annotated[list[str], typer.Argument(help="URLs of articles or feeds (http/https), or local files.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
) -> None:
    """Fetch pages and feeds (each item) or copy files into the corpus as articles, then index them."""
    with errors_as_lines():
        from rag.rendering import add_lines, progress_bar, progress_callback

        with progress_bar(err) as bar:
            result = assistant().add(items, progress=progress_callback(bar, "Embedding chunks"))
        if as_json:
            emit_json(result.model_dump(mode="json"))
        else:
            for line in add_lines(result):
                out.print(escape(line))
        if not result.saved:
            raise typer.Exit(1)


@app.command("watch")
def watch_cmd() -> None:
    """Watch the corpus folder and re-index on every change (one line per batch; Ctrl+C to stop)."""
    with errors_as_lines():
        from datetime import datetime

        from rag.rendering import watch_line

        a = ensure_index()
        a.watch(
            lambda batch: out.print(escape(watch_line(batch, datetime.now().strftime("%H:%M:%S")))),
            on_ready=lambda: err.print(f"Watching {a.settings.corpus.dir} (Ctrl+C to stop)…"),
        )


@app.command("ui")
def ui_cmd(
    host: Annotated[
        str | None, typer.Option("--host", help="Interface to bind (default 127.0.0.1: this machine only).")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port (default 7860).")] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Re-index whenever the corpus folder changes.")] = False,
) -> None:
    """Open the chat UI in your browser: streaming answers, clickable citations, source viewer."""
    with errors_as_lines():
        s = settings()
        if host:
            s.ui.host = host
        if port:
            s.ui.port = port
        from ui.app import launch  # import-graph: dispatch (the CLI hands over to the UI shell)

        launch(s, assistant(), watch=watch)


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str | None, typer.Option("--host", help="Interface to bind (default 127.0.0.1; others need RAG_API_TOKEN).")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", min=0, max=65535, help="Port (default 8765).")] = None,
) -> None:
    """Serve the HTTP API (/ask, /search, /sources, /index, /health; docs at /docs); `rag ask` forwards to it."""
    with errors_as_lines():
        from rag.api import serve
        from rag.discovery import check_bind

        s = settings()
        host = s.api.host = host or s.api.host  # the bound host decides whether local URLs may be fetched
        check_bind(host, s.api.token.get_secret_value() if s.api.token else None)
        a = assistant()

        def ready(info: Any) -> None:
            auth = " (bearer token required)" if info.token else ""
            err.print(f"Serving {a.store.location} at {info.url}{auth}; API docs at {info.docs}. Ctrl+C stops.")

        try:
            serve(
                a, host, s.api.port if port is None else port, on_ready=ready,
                on_build=lambda: err.print(f"No index yet: indexing {s.corpus.dir} first…"),
            )  # fmt: skip
        except (KeyboardInterrupt, SystemExit):
            pass
        err.print("Server stopped.")


@app.command("mcp")
def mcp_cmd() -> None:
    """Serve the MCP tools search, ask and sources over stdio (for agents and editors)."""
    with errors_as_lines():
        from rag.mcp_server import run_stdio

        run_stdio(assistant())


def run() -> None:
    app()


if __name__ == "__main__":
    run()
