"""The ``rag`` command's entry point: a one-shot question goes to a running server before the CLI loads.

With ``rag serve`` (or ``rag ui``) running on the store, ``rag ask`` costs one round trip; what
is left is this process's own start-up, and Typer and Rich were half of its imports. So the
plain form ``rag [--debug] ask QUESTION [--json] [-k N] [-b NAME]`` is read here first and,
when the store's server answers (``rag.client.connect``), printed as ``rag ask --json`` prints
it; the text form and every error load ``rag.cli`` and use its own printing. Anything else
(other commands, help, dates, forms this reader does not know, no server) goes to the Typer
app in ``rag.cli`` unchanged, so the CLI stays that one app.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

_COUNT = re.compile(r"[0-9]+")


class PlainAsk(NamedTuple):
    question: str
    as_json: bool
    k: int | None
    backend: str | None
    debug: bool


def plain_ask(argv: list[str]) -> PlainAsk | None:
    """``argv`` as ``rag ask`` would read it, or ``None`` for anything but the plain one-question form."""
    args = list(argv)
    debug = False
    while args and args[0] == "--debug":
        debug = True
        args.pop(0)
    if not args or args.pop(0) != "ask":
        return None
    positional: list[str] = []
    as_json, k, backend = False, None, None
    while args:
        arg = args.pop(0)
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg == "--":
            positional += args
            break
        if arg == "--json":
            as_json = True
        elif name in ("-k", "--top-k", "-b", "--backend"):
            if not eq and not args:
                return None
            value = inline if eq else args.pop(0)
            if name in ("-k", "--top-k"):
                if not _COUNT.fullmatch(value):
                    return None
                k = int(value)
            else:
                backend = value
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            positional.append(arg)
    if len(positional) != 1 or not positional[0].strip():
        return None
    return PlainAsk(positional[0], as_json, k, backend, debug)


def forward(request: PlainAsk) -> bool:
    """Answer ``request`` through the store's running server; ``False`` when there is none (nothing printed)."""
    from pydantic import ValidationError

    from rag.client import connect
    from rag.hygiene import json_line
    from rag.settings import Settings

    try:
        settings = Settings()
    except ValidationError:  # rag.cli reports invalid settings in its own words
        return False
    remote = connect(settings)
    if remote is None:
        return False
    with _errors_as_cli(request.debug):
        answer = remote.ask(request.question, backend=request.backend, k=request.k)
        if request.as_json:
            sys.stdout.write(json_line(answer.model_dump(mode="json")) + "\n")
            sys.stdout.flush()
            return True
        from rag.cli import print_answer

        print_answer(answer)
    return True


@contextmanager
def _errors_as_cli(debug: bool) -> Iterator[None]:
    """Any error as ``rag ask`` prints it: ``rag.cli.errors_as_lines`` (one line and its exit code, or the
    traceback with ``--debug``); the CLI is imported only when something failed."""
    try:
        yield
    except BaseException:  # noqa: BLE001 - re-raised below, inside the CLI's own handler
        import typer

        from rag import cli

        cli.STATE.debug = debug
        try:
            with cli.errors_as_lines():
                raise
        except typer.Exit as stop:
            raise SystemExit(stop.exit_code) from None


def main(argv: list[str] | None = None) -> None:
    """The ``rag`` console script and ``python -m rag``."""
    request = plain_ask(sys.argv[1:] if argv is None else argv)
    if request is not None and forward(request):
        return
    from rag.cli import app

    app(args=argv)
