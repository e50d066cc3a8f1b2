"""Property-based: random bytes and strings into the loaders, the question path, the viewer and the
upload handler. Each may succeed or raise the project's own one-line error (``RagError``); nothing
else may escape, and every error is one line. Example counts are modest to keep the suite fast."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.loading import Article, decode, html_to_text, looks_binary, read_article
from rag.errors import RagError
from rag.models import Answer, SkippedFile
from tests.conftest import TINY_ARTICLES, indexed_assistant

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text with everything a hostile user can send: controls, NUL, lone surrogates, bidi overrides, markup.
HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec=None, exclude_categories=()),
        st.sampled_from(["\x00", "\x1b", "\x07", "\ud800", "\udfff", "\u202e", "[", "]", "/", "\\", "\n", "."]),
    ),
    max_size=300,
)
EXTENSIONS = st.sampled_from([".txt", ".md", ".html", ".htm", ".pdf", "", ".TXT"])


def one_line(exc: RagError) -> None:
    assert str(exc).strip() and "\n" not in str(exc), repr(str(exc))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embedder):
    return indexed_assistant(tmp_path_factory.mktemp("props"), TINY_ARTICLES, embedder, ollama_url="http://127.0.0.1:9")


@FAST
@given(data=st.binary(max_size=4000), ext=EXTENSIONS)
def test_the_loader_reads_or_skips_any_bytes(tmp_path: Path, data: bytes, ext: str) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}{ext}"
    path.write_bytes(data)
    result = read_article(path, tmp_path, 10_000)
    assert isinstance(result, Article | SkippedFile)
    if isinstance(result, Article):
        assert result.text.strip() and not looks_binary(data)


@FAST
@given(text=HOSTILE_TEXT)
def test_decoding_and_html_never_raise(text: str) -> None:
    raw = text.encode("utf-8", errors="surrogatepass")
    decoded, _ = decode(raw)
    assert isinstance(decoded, str)
    body, _ = html_to_text(text)
    assert isinstance(body, str)


@SLOW
@given(question=HOSTILE_TEXT, k=st.one_of(st.none(), st.integers(-5, 200)))
def test_any_question_is_answered_or_refused_in_one_line(assistant, question: str, k: int | None) -> None:
    try:
        answer = assistant.ask(question, backend="extractive", k=k)
    except RagError as exc:
        one_line(exc)
        return
    assert isinstance(answer, Answer)
    answer.model_dump_json()  # every string in it is valid Unicode


@SLOW
@given(question=HOSTILE_TEXT)
def test_any_search_returns_chunks_or_refuses_in_one_line(assistant, question: str) -> None:
    try:
        assert isinstance(assistant.search(question), list)
    except RagError as exc:
        one_line(exc)


@FAST
@given(path=st.one_of(HOSTILE_TEXT, st.text(min_size=300, max_size=6000)))
def test_the_viewer_opens_only_indexed_articles(assistant, path: str) -> None:
    from ui.app import Handlers

    try:
        article = assistant.open_article(path)
    except RagError as exc:
        one_line(exc)
        assert str(assistant.settings.corpus.dir) not in str(exc)
    else:
        assert path in {s.path for s in assistant.sources()} and article.text
    html = Handlers(assistant).view_source(path)
    assert isinstance(html, str) and "Traceback" not in html


def _upload(folder: Path, name: str, data: bytes) -> Path:
    """A file as Gradio saves an upload: the client's name, made storable on this file system."""
    safe = name.replace("/", "_").replace("\x00", "_").encode("utf-8", errors="replace")[:200]
    safe_name = safe.decode("utf-8", errors="ignore").strip() or "upload"
    target = folder / uuid.uuid4().hex / safe_name
    target.parent.mkdir(parents=True)
    try:
        target.write_bytes(data)
    except OSError:  # a name this file system refuses ("." or "..")
        target = target.parent / "upload.txt"
        target.write_bytes(data)
    return target


@SLOW
@given(name=HOSTILE_TEXT, ext=EXTENSIONS, data=st.binary(max_size=2000))
def test_any_upload_is_saved_or_rejected_with_a_reason(
    assistant, tmp_path_factory: pytest.TempPathFactory, name: str, ext: str, data: bytes
) -> None:
    corpus = assistant.settings.corpus.dir
    before = {p.name for p in corpus.rglob("*")}
    upload = _upload(tmp_path_factory.mktemp("up"), name + ext, data)
    try:
        added = assistant.add_articles([upload, Path(name[:100] or "missing")])
    except RagError as exc:
        one_line(exc)
        return
    assert len(added.saved) + len(added.rejected) == 2
    for rejected in added.rejected:
        assert rejected.reason and "\n" not in rejected.reason
    for saved in added.saved:
        assert (corpus / saved).resolve().is_relative_to(corpus.resolve()) and saved not in before
        (corpus / saved).unlink()  # keep the shared corpus as it was
    shutil.rmtree(upload.parent)


@SLOW
@given(name=HOSTILE_TEXT, data=st.binary(max_size=1500))
def test_the_ui_upload_handler_never_raises(assistant, tmp_path_factory: pytest.TempPathFactory, name, data) -> None:
    from ui.app import Handlers

    corpus = assistant.settings.corpus.dir
    before = set(corpus.rglob("*"))
    upload = _upload(tmp_path_factory.mktemp("ui-up"), name + ".txt", data)
    message, _, _, cleared = Handlers(assistant).upload([str(upload)])
    assert isinstance(message, str) and cleared is None
    for path in set(corpus.rglob("*")) - before:
        path.unlink()
