"""The defects of issue 13, each as a user meets it: through the CLI, the Assistant or the UI handlers."""

from __future__ import annotations

import glob
import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from rag.errors import InputError, RagError, StoreError
from tests.conftest import write_corpus
from tests.readonly import read_only

ESCAPES = "\x1b]0;OWNED TITLE\x07\x1b[2J"
HOSTILE = (
    f"Tunnel Works Finish Early{ESCAPES}\n\n"
    f"The river tunnel in Port Elms opened two weeks early, said engineer Omar Haddad.{ESCAPES}\n"
    "The river tunnel cost $18 million, said the contractor [bold red]Rivet & Sons[/].\n"
)
QUESTION = "How much did the river tunnel in Port Elms cost?"


NOTES = {f"n{i}.txt": f"Note {i}\n\nItem {i} costs {i * 7} coins.\n" for i in range(30)}


def assert_clean(text: str) -> None:
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text), repr(text[:200])
    assert not any(0x7F <= ord(ch) <= 0x9F for ch in text)


@pytest.fixture
def hostile_corpus(tiny_corpus: Path) -> Path:
    (tiny_corpus / f"tunnel{ESCAPES[:4]}.txt").write_text(HOSTILE, encoding="utf-8")
    return tiny_corpus


@pytest.fixture
def indexed_cli(cli, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    monkeypatch.setenv("RAG_LLM_OLLAMA_URL", "http://127.0.0.1:9")
    code, _, err = cli("index")
    assert code == 0, err
    return cli


# 3 -- terminal escape codes from articles never reach the terminal --------------------------------
def test_article_escape_codes_and_markup_never_reach_the_terminal(
    cli, hostile_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_CORPUS_DIR", str(hostile_corpus))
    monkeypatch.setenv("RAG_LLM_OLLAMA_URL", "http://127.0.0.1:9")
    outputs = [cli("index"), cli("ask", QUESTION), cli("search", "river tunnel"), cli("sources")]
    outputs.append(cli("chat", input=f"{QUESTION}\n/sources\n"))
    for code, out, err in outputs:
        assert code == 0, err
        assert_clean(out + err)
    _, answer, _ = outputs[1]
    assert "$18 million" in answer and "[bold red]Rivet & Sons[/]" in answer  # markup shown, not applied
    assert "OWNED TITLE" in outputs[3][1]  # the text stays, only the control characters go
    code, out, _ = cli("ask", QUESTION, "--json")
    assert code == 0 and "\x1b" not in out and ESCAPES in json.loads(out)["retrieved"][0]["text"]


def test_errors_quoting_user_input_are_clean(indexed_cli) -> None:
    code, out, err = indexed_cli("ask", "\x1b[2J" + "x" * 5000)
    assert code == 1 and "too long" in err and len(err.strip().splitlines()) == 1
    assert_clean(out + err)


# 4 and 5 -- read-only store: reading works, indexing says why not, doctor reports ----------------
def test_read_only_store_reads_and_refuses_to_index_in_one_line(indexed_cli, temp_store: Path) -> None:
    with read_only(temp_store):
        code, out, err = indexed_cli("sources")
        assert code == 0 and "alpha.txt" in out, err
        code, out, err = indexed_cli("ask", "How much did the Harbor Bridge repairs cost?")
        assert code == 0 and "$42 million" in out, err
        code, out, err = indexed_cli("search", "orchard festival")
        assert code == 0 and "beta.md" in out, err
        code, out, err = indexed_cli("index")
        assert code == 1 and "read-only" in err and "cannot write" in err
        assert len(err.strip().splitlines()) == 1
        code, out, err = indexed_cli("doctor")
        assert "Traceback" not in out + err
        assert "warn store folder:" in out and "read-only" in out
        assert "FAIL" not in out.replace("FAIL ollama", "")


def _indexed_hnsw_file(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, temp_store: Path, name: str) -> str:
    """Index enough notes that Chroma writes its HNSW files to disk; the path of the one called ``name``."""
    corpus = write_corpus(tmp_path / "many", NOTES)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("RAG_STORE_HNSW_SYNC_THRESHOLD", "10")
    assert cli("index")[0] == 0
    (path,) = glob.glob(str(temp_store / "chroma" / "*" / name))
    return path


def test_doctor_names_an_empty_hnsw_id_map_without_a_traceback(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, temp_store: Path
) -> None:
    pickled = _indexed_hnsw_file(cli, tmp_path, monkeypatch, temp_store, "index_metadata.pickle")
    Path(pickled).write_bytes(b"")
    code, out, err = cli("doctor")
    assert code == 1 and "Traceback" not in out + err
    assert "FAIL hnsw segment:" in out and "index_metadata.pickle is empty" in out and "fix: run `rag index`" in out
    code, out, err = cli("search", "coins")
    assert code == 1 and "index_metadata.pickle is empty" in err and "rag index" in err
    assert len(err.strip().splitlines()) == 1
    code, out, err = cli("index")
    assert code == 0 and "vector index was damaged" in err
    code, out, _ = cli("search", "Item 7 coins")
    assert code == 0 and "n7.txt" in out


# 6 -- corrupt store files: clear errors, and rag index repairs ------------------------------------
def test_zeroed_hnsw_data_is_a_clear_error_and_rag_index_repairs_it(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, temp_store: Path
) -> None:
    data = _indexed_hnsw_file(cli, tmp_path, monkeypatch, temp_store, "data_level0.bin")
    Path(data).write_bytes(bytes(Path(data).stat().st_size))
    code, _, err = cli("ask", "How many coins does item 7 cost?")
    assert code == 1 and "data_level0.bin is damaged" in err and "rag index" in err
    assert "Error executing plan" not in err
    assert cli("index")[0] == 0
    code, out, _ = cli("ask", "How many coins does item 7 cost?")
    assert code == 0 and "49 coins" in out


def test_emptied_bm25_corpus_still_answers_and_rag_index_rebuilds_it(indexed_cli, temp_store: Path) -> None:
    corpus_file = next((temp_store / "bm25" / "articles").glob("g*/ids.json"))  # the chunk ids of the rows
    corpus_file.write_text("")
    code, out, err = indexed_cli("search", "orchard festival")
    assert code == 0 and "beta.md" in out and "bm25" in out, err  # readers rebuild it in memory
    code, out, _ = indexed_cli("doctor")
    assert "FAIL bm25 index:" in out and "corrupt" in out and "fix: run `rag index`" in out
    code, out, err = indexed_cli("index")
    assert code == 0 and "keyword index was corrupt" in err
    assert next((temp_store / "bm25" / "articles").glob("g*/ids.json")).stat().st_size > 0
    code, out, _ = indexed_cli("doctor")
    assert "ok   bm25 index:" in out


# 7 -- invalid code points in a question ----------------------------------------------------------
def test_lone_surrogate_question_is_answered_everywhere(assistant_for, tiny_corpus: Path) -> None:
    a = assistant_for(tiny_corpus, llm__ollama_url="http://127.0.0.1:9")
    a.index()
    answer = a.ask("How much did the Harbor Bridge repairs cost?\ud800")
    assert "$42 million" in answer.answer and answer.question.endswith("\ufffd")
    assert a.search("bridge\udcff repairs")


def test_chat_survives_every_bad_line(indexed_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag import retrieving

    real = retrieving.Retriever.search
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("boom from a broken library")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(retrieving.Retriever, "search", flaky)
    lines = [
        b"What happened to the Harbor Bridge?",  # the library raises: one error line, the session goes on
        b"\x00\x00\x00",  # nothing but NUL: skipped, not a follow-up
        b"Where is it?\xed\xa0\x80\xff",  # invalid UTF-8 (an encoded lone surrogate, a stray byte)
        b"x" * 5000,  # too long
        b"How much did the Harbor Bridge repairs cost?",
    ]
    code, out, err = indexed_cli("chat", "--json", input=b"\n".join(lines) + b"\n")
    assert code == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["question"][:5] for a in answers] == ["Where", "How m"]
    assert "ValueError: boom" in err and "too long" in err and len(err.strip().splitlines()) == 2


def test_a_line_of_nul_bytes_is_not_a_follow_up(indexed_cli) -> None:
    code, out, _ = indexed_cli("chat", "--json", input="How much did the Harbor Bridge repairs cost?\n\x00\x00\n")
    assert code == 0 and len(out.splitlines()) == 1


# 8 -- smaller defects -----------------------------------------------------------------------------
def test_random_bytes_without_nul_are_binary(tmp_path: Path) -> None:
    from index.loading import read_article
    from rag.models import SkippedFile

    for seed in range(40):  # the old 10 % control-byte rule let about a third of these through as text
        data = bytes(np.random.default_rng(seed).integers(1, 256, 20_000, dtype=np.uint8))
        assert b"\x00" not in data
        path = tmp_path / f"noise{seed}.txt"
        path.write_bytes(data)
        result = read_article(path, tmp_path, 10_000_000)
        assert isinstance(result, SkippedFile) and "binary" in result.reason, seed
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 news: the na\xefve \u201cquote\u201d stays text.\n".encode("cp1252") * 50)
    assert not isinstance(read_article(latin, tmp_path, 10_000_000), SkippedFile)


def test_a_very_long_view_source_path_is_one_line_without_the_corpus_path(assistant_for, tiny_corpus: Path) -> None:
    from ui.app import Handlers

    a = assistant_for(tiny_corpus)
    a.index()
    with pytest.raises(RagError) as caught:
        a.open_article("a" * 5000 + ".txt")
    message = str(caught.value)
    assert "too long" in message and str(tiny_corpus) not in message and len(message) < 300
    html = Handlers(a).view_source("b/" * 2500 + "x.txt")
    assert "too long" in html and str(tiny_corpus) not in html


@pytest.mark.parametrize("k", ["0", "1000", "-3"])
def test_top_k_out_of_range_is_one_line(indexed_cli, k: str) -> None:
    for command in (["ask", "bridge?"], ["search", "bridge"], ["chat"]):
        code, out, err = indexed_cli(*command, "-k", k, input="bridge?\n")
        assert "Usage" not in out + err and "╭" not in out + err
        assert "top-k must be a whole number from 1 to 100" in err and len(err.strip().splitlines()) == 1
        assert code in (0, 1)


def test_upload_named_like_a_dangling_symlink_is_saved_beside_it(
    assistant_for, tiny_corpus: Path, tmp_path: Path
) -> None:
    os.symlink(tmp_path / "nowhere.txt", tiny_corpus / "ferry.txt")
    upload = tmp_path / "up" / "ferry.txt"
    upload.parent.mkdir()
    upload.write_text("Ferry Returns\n\nThe ferry returned to service on Tuesday.\n", encoding="utf-8")
    added = assistant_for(tiny_corpus).add_articles([upload])
    assert added.saved == ["ferry-2.txt"] and not added.rejected
    dangling = tmp_path / "up" / "gone.txt"
    os.symlink(tmp_path / "missing.txt", dangling)
    added = assistant_for(tiny_corpus).add_articles([dangling])
    assert added.rejected[0].reason == "a broken symbolic link (its target does not exist)"


# 1 and 2 -- readers never wait for writers, and a rebuild never breaks them -----------------------
def test_questions_do_not_wait_for_an_indexing_run(assistant_for, tiny_corpus: Path) -> None:
    a = assistant_for(tiny_corpus, llm__ollama_url="http://127.0.0.1:9")
    a.index()
    for i in range(6):
        (tiny_corpus / f"slow{i}.txt").write_text(f"Slow Item {i}\n\nA new item number {i} arrived.\n")
    real_embed = a.embedder.embed
    started = threading.Event()

    def slow_embed(texts, **kwargs):
        started.set()
        time.sleep(3.0)
        return real_embed(texts, **kwargs)

    a.embedder.embed = slow_embed  # type: ignore[method-assign]
    try:
        run = threading.Thread(target=a.index)
        run.start()
        assert started.wait(30)
        t0 = time.monotonic()
        answer = a.ask("How much did the Harbor Bridge repairs cost?")
        sources = a.sources()
        took = time.monotonic() - t0
        still_indexing = run.is_alive()
        run.join(60)
    finally:
        del a.embedder.embed
    assert "$42 million" in answer.answer and {"alpha.txt", "beta.md"} <= {s.path for s in sources}
    assert still_indexing and took < 2.5
    assert "slow3.txt" in {s.path for s in a.sources()}


def test_reads_keep_working_through_a_rebuild_in_this_process(assistant_for, tiny_corpus: Path) -> None:
    reader = assistant_for(tiny_corpus, llm__ollama_url="http://127.0.0.1:9")
    reader.index()
    writer = assistant_for(tiny_corpus)
    errors: list[BaseException] = []
    counts: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                counts.append(reader.status().chunks)
                assert "$42 million" in reader.ask("How much did the Harbor Bridge repairs cost?").answer
                assert reader.open_article("alpha.txt").title
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for _ in range(2):
            writer.index(rebuild=True)
    finally:
        done.set()
        thread.join(60)
    assert not errors, errors[:3]
    assert counts and min(counts) == 3


class _DeletedMidRead:
    """A reader's handle on the live collection whose vector read overlaps a rebuild's swap: the rebuild runs
    inside the read and Chroma answers it with no rows and no error, as a read of a collection being deleted
    does (seen in the rebuild loop: 'Reading vectors' got 0 of 3 ids from the old collection)."""

    def __init__(self, real: object, rebuild) -> None:
        self.real, self.rebuild, self.cut = real, rebuild, False

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def get(self, **query: object) -> dict:
        if query.get("include") == ["embeddings"] and not self.cut:
            self.cut = True
            self.rebuild()
            return {"ids": [], "embeddings": [], "documents": None, "metadatas": None, "include": ["embeddings"]}
        return self.real.get(**query)  # type: ignore[attr-defined]


def test_a_read_cut_short_by_a_rebuild_in_this_process_is_read_again(assistant_for, tiny_corpus: Path) -> None:
    """A read whose collection was swapped out while it ran is retried on the new one instead of being taken
    as 'these chunks are gone' (every hit was dropped, and the question found nothing at all)."""
    reader = assistant_for(tiny_corpus)
    reader.index()
    writer = assistant_for(tiny_corpus)
    question = "How much did the Harbor Bridge repairs cost?"
    assert "$42 million" in reader.ask(question).answer
    cut = _DeletedMidRead(reader.store.collection, lambda: writer.index(rebuild=True))
    reader.store.collection = cut
    answer = reader.ask(question)
    assert cut.cut and answer.retrieved and "$42 million" in answer.answer
    assert reader.store.collection is not cut


def test_a_reader_behind_by_a_generation_leaves_this_process_writer_alone(
    assistant_for, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader still has generation g when this process's writer, done with g+1, stamps g+2 on its spare
    collection: g+1 was written here too, so the reader fetches the collection again rather than restarting
    the Chroma client it shares with the writer (which stopped it under the writer's swap)."""
    from rag.store import Store

    reader = assistant_for(tiny_corpus)
    reader.index()
    writer = assistant_for(tiny_corpus)
    question = "How much did the Harbor Bridge repairs cost?"
    assert "$42 million" in reader.ask(question).answer
    writer.index(rebuild=True)
    real_replace, answers = Store.replace, []

    def ask_before_the_swap(store: Store, target: str) -> None:
        answers.append(reader.ask(question))
        real_replace(store, target)

    monkeypatch.setattr(Store, "replace", ask_before_the_swap)
    writer.index(rebuild=True)
    assert len(answers) == 1 and "$42 million" in answers[0].answer
    assert "$42 million" in reader.ask(question).answer and reader.store.count() == 3


def test_input_hygiene_is_the_same_for_every_shell(assistant_for, tiny_corpus: Path) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    for bad in ("", "\x00\x1b", "q" * 3000):
        with pytest.raises(InputError):
            a.ask(bad)
        with pytest.raises(InputError):
            a.search(bad)
    with pytest.raises(InputError):
        a.ask("bridge?", k=0)


def test_store_errors_name_the_fix(tmp_path: Path, settings_for) -> None:
    from rag.store import Store

    settings = settings_for(tmp_path)
    (settings.store.dir / "chroma").mkdir(parents=True)
    (settings.store.dir / "chroma" / "chroma.sqlite3").write_bytes(b"\x00" * 4096)
    with pytest.raises(StoreError, match="rag index --rebuild"):
        Store(settings)


def test_an_indexed_store_never_counts_as_empty_while_its_collection_is_swapped(
    assistant_for, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process may, for a moment, see neither the old nor the new name of a rebuilt collection: a
    reader that had found the collection looks again instead of calling the store empty."""
    reader = assistant_for(tiny_corpus)
    reader.index()
    store = reader.store
    assert store.count() == 3
    real, lookups = store.collection, []

    def find_during_the_swap() -> None:  # the first two lookups see no collection, the third the new one
        lookups.append(1)
        store.collection = real if len(lookups) > 2 else None

    monkeypatch.setattr(store, "reopen_if_changed", lambda force=False: False)
    monkeypatch.setattr(store, "_get_collection", find_during_the_swap)
    store.collection = None
    assert store.count() == 3 and not reader.is_empty() and len(lookups) == 3
