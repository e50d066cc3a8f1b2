"""The ``rag`` command: a thin Typer + Rich shell over ``rag.assistant.Assistant``.

Heavy libraries load inside the commands that need them, so ``rag --help`` is instant.
Errors print as one line on stderr with a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from rag.errors import RagError

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
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


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
    except Exception as exc:
        if STATE.debug:
            raise
        fail(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} (run with --debug for details)", 2)


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


def ensure_index(quiet: bool = False) -> Assistant:
    a = assistant()
    a.ensure_index(on_build=lambda: err.print(f"No index yet: indexing {a.settings.corpus.dir} first…"))
    return a


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    STATE.debug = debug


def _progress_bar() -> tuple[Any, Callable[[int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("Embedding chunks"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("embed", total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, update


@app.command("index")
def index_cmd(
    path: Annotated[Path | None, typer.Argument(help="Corpus folder (default: RAG_CORPUS_DIR or corpus/).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the store and index from scratch.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Index new or changed articles; remove deleted ones."""
    with errors_as_lines():
        a = assistant()
        progress, update = _progress_bar()
        with progress:
            summary = a.index(
                path, rebuild=rebuild, progress=update,
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
        )
        if summary.repaired_chunks:
            out.print(f"Repaired: removed {summary.repaired_chunks} chunks left by an interrupted run")
        for skipped in summary.skipped:
            out.print(f"  skipped {escape(skipped.file)}: {escape(skipped.reason)}")


def chunk_json(hit: Any) -> dict[str, Any]:
    return {
        "file": hit.file,
        "path": hit.path,
        "title": hit.title,
        "start_line": hit.start_line,
        "end_line": hit.end_line,
        "score": hit.score,
        "retrievers": hit.retrievers,
        "text": hit.text,
    }


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", "--top-k", min=1, max=100, help="Number of chunks.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show the chunks that retrieval ranks highest for a query."""
    with errors_as_lines():
        if not query.strip():
            fail("The query is empty")
        hits = ensure_index().search(query, k)
        if as_json:
            emit_json({"query": query, "results": [chunk_json(h) for h in hits]})
            return
        if not hits:
            out.print("No matching chunks.")
        for rank, hit in enumerate(hits, 1):
            snippet = " ".join(hit.text.split())
            snippet = snippet[:240] + ("…" if len(snippet) > 240 else "")
            out.print(
                f"[bold]{rank}.[/] [cyan]{escape(hit.file)}[/]:{hit.start_line}-{hit.end_line}  "
                f"score {hit.score:.3f}  ({'+'.join(hit.retrievers)})"
            )
            out.print(f"   {escape(snippet)}")


@app.command("sources")
def sources_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """List the indexed files."""
    with errors_as_lines():
        sources = ensure_index().sources()
        if as_json:
            emit_json({"sources": [s.model_dump() for s in sources]})
            return
        from rich.table import Table

        table = Table("file", "title", "chunks", "indexed at")
        for s in sources:
            table.add_row(escape(s.path), escape(s.title[:70]), str(s.chunks), s.indexed_at)
        out.print(table)


def run() -> None:
    app()
