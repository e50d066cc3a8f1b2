import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RAG = str(Path(sys.executable).parent / "rag")


def test_index_json_summary_and_second_run_embeds_nothing(cli, tiny_corpus: Path) -> None:
    code, out, _ = cli("index", str(tiny_corpus), "--json")
    assert code == 0
    summary = json.loads(out)
    assert {"added", "updated", "removed", "unchanged", "skipped", "chunks_embedded", "seconds"} <= set(summary)
    assert sorted(summary["added"]) == ["alpha.txt", "beta.md", "sub/gamma.txt"] and summary["chunks_embedded"] > 0
    code, out, _ = cli("index", str(tiny_corpus), "--json")
    again = json.loads(out)
    assert again["chunks_embedded"] == 0 and len(again["unchanged"]) == 3


def test_index_reports_skipped_files_with_reasons(cli, tiny_corpus: Path) -> None:
    (tiny_corpus / "empty.txt").write_text("")
    (tiny_corpus / "blob.txt").write_bytes(b"\x00\x01\x02" * 50)
    code, out, _ = cli("index", str(tiny_corpus))
    assert code == 0
    assert "skipped empty.txt: empty file" in out and "skipped blob.txt: binary file" in out
    code, out, _ = cli("index", str(tiny_corpus), "--json")
    data = json.loads(out)
    assert sorted(data["skipped"]) == ["blob.txt", "empty.txt"] and "empty" in data["skipped_reasons"]["empty.txt"]


def test_search_json_schema(cli, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    code, out, err = cli("search", "How much did the bridge repairs cost?", "-k", "2", "--json")
    assert code == 0, err
    assert "indexing" in err.lower()
    data = json.loads(out)
    top = data["results"][0]
    assert {"file", "start_line", "end_line", "score", "text", "page_line", "published", "outlet"} <= set(top)
    assert top["file"] == "alpha.txt" and "$42 million" in top["text"]
    assert len(data["results"]) == 2


def test_sources_json(cli, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    code, out, _ = cli("sources", "--json")
    assert code == 0
    sources = json.loads(out)["sources"]
    assert [s["path"] for s in sources] == ["alpha.txt", "beta.md", "sub/gamma.txt"]
    alpha = sources[0]
    assert alpha["title"] == "Harbor Bridge Reopens After Repairs" and alpha["chunks"] >= 1 and alpha["indexed_at"]


def test_missing_corpus_is_one_line_error(cli, tmp_path: Path) -> None:
    code, _out, err = cli("index", str(tmp_path / "nowhere"))
    assert code == 1
    assert err.strip().count("\n") == 0 and "Corpus folder not found" in err and "Traceback" not in err


def test_invalid_setting_is_one_line_error(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_RETRIEVAL_TOP_K", "many")
    code, _, err = cli("sources")
    assert code == 1 and "Invalid setting retrieval.top_k" in err and err.strip().count("\n") == 0


@pytest.mark.slow
def test_real_command_first_use_builds_bundled_index(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env["RAG_STORE_DIR"] = str(tmp_path / "store")
    proc = subprocess.run(
        [RAG, "search", "Which air base did Russian troops enter?", "--json"],
        env=env, capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "No index yet" in proc.stderr
    results = json.loads(proc.stdout)["results"]
    assert "101" in results[0]["text"]


@pytest.mark.slow
def test_real_command_corrupt_store_no_traceback(tmp_path: Path) -> None:
    store = tmp_path / "store"
    (store / "chroma").mkdir(parents=True)
    (store / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")} | {"RAG_STORE_DIR": str(store)}
    proc = subprocess.run([RAG, "sources"], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "rag index --rebuild" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
