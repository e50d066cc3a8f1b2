import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rag.errors import CorpusError, IndexLockedError, ModelMismatchError, StoreError
from rag.store import Store
from tests.conftest import write_corpus


def _chunk_ids_by_path(store: Store) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cid, meta, _ in store.iter_records(["metadatas"]):
        out.setdefault(meta["path"], []).append(cid)
    return out


def test_incremental_runs_embed_only_what_changed(tiny_corpus: Path, assistant_for) -> None:
    a = assistant_for(tiny_corpus)
    first = a.index()
    assert sorted(first.added) == ["alpha.txt", "beta.md", "sub/gamma.txt"]
    assert first.chunks_embedded == a.store.count() > 0
    assert first.embedding_precision == "fp32", "a few chunks never take the bulk (torch) path"

    again = a.index()
    assert again.chunks_embedded == 0 and not again.added and len(again.unchanged) == 3
    assert again.embedding_precision is None

    (tiny_corpus / "alpha.txt").write_text("Harbor Bridge Closes Again\n\nThe bridge closed on Friday for 3 weeks.\n")
    (tiny_corpus / "beta.md").unlink()
    (tiny_corpus / "delta.txt").write_text("New Park Opens\n\nA park with 400 trees opened in Greenvale.\n")
    third = a.index()
    assert third.updated == ["alpha.txt"] and third.removed == ["beta.md"] and third.added == ["delta.txt"]
    assert third.unchanged == ["sub/gamma.txt"]
    ids = _chunk_ids_by_path(a.store)
    assert set(ids) == {"alpha.txt", "sub/gamma.txt", "delta.txt"}
    texts = " ".join(doc for _, _, doc in a.store.iter_records(["documents"]))
    assert "eight months of repairs" not in texts and "closed on Friday" in texts
    assert a.search("bridge closed Friday", k=1)[0].path == "alpha.txt"


def test_rebuild_starts_clean(tiny_corpus: Path, assistant_for) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    n = a.store.count()
    summary = a.index(rebuild=True)
    assert len(summary.added) == 3 and summary.chunks_embedded == n == a.store.count()


def test_empty_or_missing_corpus_loses_nothing(tmp_path: Path, tiny_corpus: Path, assistant_for) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    n = a.store.count()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="No readable articles"):
        a.index(empty)
    with pytest.raises(CorpusError, match="not found"):
        a.index(tmp_path / "missing")
    assert a.store.count() == n


def test_second_run_refuses_while_locked(tiny_corpus: Path, assistant_for) -> None:
    from index.indexing import acquire

    a = assistant_for(tiny_corpus, index__lock_timeout_s=0.2)
    held = acquire(a.settings)
    waited = []
    try:
        with pytest.raises(IndexLockedError, match="Another `rag index`"):
            a.index(on_wait=lambda: waited.append(True))
    finally:
        held.release()
    assert waited == [True]
    assert a.index().added


def test_other_embedding_model_is_refused(tiny_corpus: Path, assistant_for) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    a.store.stamp(model="some-other-model")
    fresh = assistant_for(tiny_corpus)
    with pytest.raises(ModelMismatchError, match=r"some-other-model.*rag index --rebuild"):
        fresh.search("bridge")
    with pytest.raises(ModelMismatchError):
        fresh.index()
    assert fresh.index(rebuild=True).added


def test_corrupt_store_gives_one_line_and_rebuild_repairs(tiny_corpus: Path, assistant_for, temp_store: Path) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    db = temp_store / "chroma" / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    broken = assistant_for(tiny_corpus)
    with pytest.raises(StoreError, match=r"unreadable.*--rebuild") as info:
        broken.store.count()
    assert "\n" not in str(info.value)
    assert assistant_for(tiny_corpus).index(rebuild=True).added


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from rag.assistant import Assistant
    from rag.settings import Settings
    s = Settings()
    s.corpus.dir = Path(sys.argv[1])
    s.index.write_batch = 3
    def progress(done, total):
        if done >= 6:
            os.kill(os.getpid(), signal.SIGKILL)
    Assistant(s).index(progress=progress)
    """
)


@pytest.mark.slow
def test_killed_run_is_repaired_without_duplicates_or_orphans(bundled_corpus: Path, assistant_for, temp_store) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(bundled_corpus)],
        env={**os.environ, "RAG_STORE_DIR": str(temp_store)},
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    a = assistant_for(bundled_corpus)
    partial = a.store.count()
    assert 0 < partial < 18
    summary = a.index()
    assert summary.repaired_chunks > 0 or summary.added
    ids = _chunk_ids_by_path(a.store)
    assert len(ids) == 5
    manifest = a.store.manifest()
    for rec in manifest.values():
        assert rec.complete and len(rec.ids) == len(set(rec.ids)) == rec.n_chunks
    clean = assistant_for(bundled_corpus, store__dir=temp_store.parent / "clean")
    clean.index()
    assert a.store.count() == clean.store.count()
    assert a.index().chunks_embedded == 0


REINDEX = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from rag.assistant import Assistant
    from rag.settings import Settings
    s = Settings()
    s.corpus.dir = Path(sys.argv[1])
    Assistant(s).index()
    """
)


@pytest.mark.slow
def test_long_running_assistant_sees_another_process_reindex(tiny_corpus: Path, assistant_for, temp_store) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    assert a.search("bridge repairs cost", k=1)[0].path == "alpha.txt"
    (tiny_corpus / "alpha.txt").write_text(
        "Harbor Bridge Sold\n\nThe Harbor Bridge was sold to a toll company for $9 million.\n"
    )
    subprocess.run(
        [sys.executable, "-c", REINDEX, str(tiny_corpus)],
        env={**os.environ, "RAG_STORE_DIR": str(temp_store)}, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    hits = a.search("Harbor Bridge sold toll company", k=2)
    assert hits[0].path == "alpha.txt" and "$9 million" in hits[0].text
    assert "$42 million" not in " ".join(h.text for h in hits)


@pytest.mark.slow
def test_a_large_run_reports_the_bulk_precision(tiny_corpus: Path, assistant_for) -> None:
    from rag.embeddings import cpu_has_native_bf16

    a = assistant_for(tiny_corpus, embedding__bulk_min_chunks=1)
    summary = a.index()
    assert summary.embedding_precision == ("bf16" if cpu_has_native_bf16() else "fp32")


def test_identical_texts_are_embedded_once_per_run(tmp_path: Path, assistant_for) -> None:
    text = "Wire Copy\n\nThe port of Elms reopened on Monday after a storm closed it for three days.\n"
    corpus = write_corpus(tmp_path / "wire", {"a.txt": text, "b.txt": text, "c.txt": "Other\n\nA different story.\n"})
    a = assistant_for(corpus)
    calls: list[list[str]] = []
    embed = a.embedder.embed

    def spy(texts: list[str], *args: object, **kwargs: object):
        calls.append(list(texts))
        return embed(texts, *args, **kwargs)

    a.embedder.embed = spy  # type: ignore[method-assign]
    try:
        summary = a.index()
    finally:
        del a.embedder.embed
    assert summary.chunks_embedded == a.store.count() == 3 and summary.duplicates_reused == 1
    embedded = [t for c in calls if c != ["dimension probe"] for t in c]
    assert len(embedded) == len(set(embedded)) == 6  # the 2 distinct chunk texts and their 4 sentences, once each
    hits = a.search("When did the port of Elms reopen?", k=3)
    storm = [h for h in hits if "storm" in h.text]  # one story: shown once, the copy "also reported by"
    assert len(storm) == 1 and {storm[0].file} | {c.file for c in storm[0].also_reported_by} == {"a.txt", "b.txt"}
