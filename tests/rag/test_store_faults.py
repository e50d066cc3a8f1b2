"""Fault injection: every file of a store, truncated, zeroed or deleted in turn.

Each time ``Assistant.doctor()`` (what ``rag doctor`` prints) must name the damaged part, and the
fix it prints (``rag index``, or ``rag index --rebuild`` where it says so) must bring back the very
answers the store gave before. Files whose content does not matter (the lock, the marker) must
change nothing. The store is small but large enough for Chroma to write its HNSW files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.models import Check
from rag.settings import Settings
from tests.conftest import write_corpus

ARTICLES = {
    f"town{i}.txt": (
        f"Town {i} Report\n\n"
        f"The council of town {i} approved a budget of {i * 3 + 2} million dollars on Monday.\n"
        f"Mayor Ada Quill{i} said the new library of town {i} opens in {2025 + i % 4}.\n"
    )
    for i in range(24)
}
QUESTIONS = ["What budget did the council of town 7 approve?", "When does the library of town 12 open?"]
MODES = ("truncate", "zero", "delete")
SEGMENT_FILES = ("header.bin", "data_level0.bin", "length.bin", "link_lists.bin", "index_metadata.pickle")
HARMLESS = ("index.lock", ".rag-store")


def fingerprint(a: Assistant) -> list[tuple]:
    """What a user sees of each answer: the text and each citation's file, lines and quote."""
    out = []
    for q in QUESTIONS:
        answer = a.ask(q, backend="extractive")
        out.append((answer.answer, [(c.path, c.start_line, c.end_line, c.quote) for c in answer.citations]))
    return out


def damage(path: Path, mode: str) -> None:
    if mode == "delete":
        path.unlink()
    elif mode == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(bytes(path.stat().st_size))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, Path, list[tuple], dict[str, Path]]:
    root = tmp_path_factory.mktemp("faults")
    corpus = write_corpus(root / "corpus", ARTICLES)
    a = Assistant(make_settings(corpus, root / "store"), embedder=embedder)
    a.index()
    store = root / "store"
    segments = [p for p in (store / "chroma").iterdir() if p.is_dir()]
    assert len(segments) == 1 and (segments[0] / "index_metadata.pickle").exists(), "HNSW files not written"
    files = {p.name: p.relative_to(store) for p in store.rglob("*") if p.is_file() and p.stat().st_size}
    files |= {name: Path(name) for name in HARMLESS}
    return corpus, store, fingerprint(a), files


def make_settings(corpus: Path, store: Path) -> Settings:
    s = Settings()
    s.corpus.dir = corpus
    s.store.dir = store
    s.store.hnsw_sync_threshold = 10
    s.llm.ollama_url = "http://127.0.0.1:9"
    return s


def expected_check(name: str) -> str | None:
    if name == "chroma.sqlite3":
        return "chroma sqlite"
    if name in SEGMENT_FILES:
        return "hnsw segment"
    if name in HARMLESS:
        return None
    return "bm25 index"


def problems(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status != "ok" and c.name != "ollama"]


def bm25_files() -> list[str]:
    return ["ids.json", "data.csc.index.npy", "indptr.csc.index.npy", "vocab.index.json", "stamp.json"]


def cases() -> list:
    names = ["chroma.sqlite3", *SEGMENT_FILES, *bm25_files(), *HARMLESS]
    quick = {("data_level0.bin", "zero"), ("index_metadata.pickle", "truncate"), ("ids.json", "truncate")}
    return [
        pytest.param(name, mode, marks=() if (name, mode) in quick else pytest.mark.slow, id=f"{name}-{mode}")
        for name in names
        for mode in MODES
    ]


@pytest.mark.parametrize(("name", "mode"), cases())
def test_doctor_names_each_fault_and_the_fix_restores_the_answers(
    pristine, tmp_path: Path, embedder, name: str, mode: str
) -> None:
    corpus, store, before, files = pristine
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    target = copy / files[name]
    original = target.read_bytes() if target.exists() else None
    damage(target, mode)
    unchanged = target.exists() and target.read_bytes() == original  # e.g. zeroing an all-zero link list

    a = Assistant(make_settings(corpus, copy), embedder=embedder)
    checks = a.doctor()
    found = problems(checks)
    part = None if unchanged else expected_check(name)
    if part is None:
        assert not found, found
        assert fingerprint(a) == before
        return
    named = [c for c in found if c.name == part]
    assert named, f"doctor did not name {part}: {found}"
    if part == "hnsw segment":
        assert name in named[0].detail
    assert all(c.fix for c in found if c.status == "fail")

    rebuild = any("--rebuild" in (c.fix or "") for c in found if c.status == "fail")
    Assistant(make_settings(corpus, copy), embedder=embedder).index(rebuild=rebuild)
    repaired = Assistant(make_settings(corpus, copy), embedder=embedder)
    assert not [c for c in problems(repaired.doctor()) if c.status == "fail"]
    assert fingerprint(repaired) == before


@pytest.mark.parametrize("where", ["second page", "middle"])
def test_a_malformed_page_of_the_database_is_refused_by_index_and_repaired_by_rebuild(
    pristine, tmp_path: Path, embedder, where: str
) -> None:
    """One damaged page (chromadb's Rust core panics on it, or fails only on write): `rag index` refuses in one
    line instead of writing into it, and `rag index --rebuild` starts again and restores the answers."""
    from rag.errors import StoreError

    corpus, store, before, _ = pristine
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    db = copy / "chroma" / "chroma.sqlite3"
    with db.open("r+b") as handle:
        handle.seek(4096 if where == "second page" else db.stat().st_size // 2)
        handle.write(bytes(4096) if where == "second page" else bytes(range(256)) * 32)
    with pytest.raises(StoreError, match=r"rag index --rebuild"):
        Assistant(make_settings(corpus, copy), embedder=embedder).index()
    Assistant(make_settings(corpus, copy), embedder=embedder).index(rebuild=True)
    assert fingerprint(Assistant(make_settings(corpus, copy), embedder=embedder)) == before


def test_a_store_path_that_is_a_file_is_refused_in_one_line(tmp_path: Path, embedder) -> None:
    from rag.errors import StoreError

    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "Crane\n\nThe crane was repaired on Monday.\n"})
    (tmp_path / "store").write_text("not a folder")
    with pytest.raises(StoreError, match=r"is a file, not a folder"):
        Assistant(make_settings(corpus, tmp_path / "store"), embedder=embedder).index()
