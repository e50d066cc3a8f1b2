"""Dates stored on every chunk (numbers Chroma can filter on), and a store indexed before dates were stored
gets them in place on the next `rag index`, without re-embedding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rag.models import DateWindow
from rag.store import DATED_KEY, DAY_KEY
from tests.conftest import write_corpus

ARTICLES = {
    "dated.txt": "Dam Opens\nNorthwire | 2022-06-03\n\nThe river dam opened to traffic on Friday.\n",
    "undated.txt": "Dam History\n\nThe river dam was planned for decades before it opened.\n",
}


def as_if_written_earlier(collection, change) -> None:
    """Write the stored chunks back with ``change`` applied to each one's metadata, as an older indexer would
    have written them (delete and add: an update would keep the keys ``change`` drops); vectors untouched."""
    got = collection.get(include=["metadatas", "documents", "embeddings"])
    collection.delete(ids=got["ids"])
    metadatas = [change(dict(m)) for m in got["metadatas"]]
    collection.add(ids=got["ids"], metadatas=metadatas, documents=got["documents"], embeddings=got["embeddings"])


def test_every_chunk_has_its_date_and_undated_says_so(tmp_path: Path, assistant_for) -> None:
    a = assistant_for(write_corpus(tmp_path / "c", ARTICLES))
    a.index()
    metas = {m["path"]: m for m in a.store.collection.get(include=["metadatas"])["metadatas"]}
    assert metas["dated.txt"][DAY_KEY] == (date(2022, 6, 3) - date(1970, 1, 1)).days
    assert metas["dated.txt"][DATED_KEY] is True and metas["dated.txt"]["outlet"] == "Northwire"
    assert metas["undated.txt"][DATED_KEY] is False and DAY_KEY not in metas["undated.txt"]
    by_path = {s.path: s for s in a.sources()}
    assert (by_path["dated.txt"].published, by_path["dated.txt"].date_source) == ("2022-06-03", "header")
    assert by_path["undated.txt"].published is None


def test_old_store_gets_dates_in_place(tmp_path: Path, assistant_for) -> None:
    a = assistant_for(write_corpus(tmp_path / "c", ARTICLES))
    a.index()
    dropped = (DAY_KEY, DATED_KEY, "outlet", "date_source")
    as_if_written_earlier(a.store.collection, lambda m: {k: v for k, v in m.items() if k not in dropped})
    assert a.store.manifest()["dated.txt"].has_dates is False

    summary = a.index()
    assert summary.dates_added == 2 and summary.chunks_embedded == 0
    hits = a.search("river dam", k=2, window=DateWindow(as_of=date(2030, 1, 1)))
    assert {h.path for h in hits} == {"dated.txt", "undated.txt"}
    assert a.search("river dam", k=2, window=DateWindow(as_of=date(2022, 6, 2)))[0].path == "undated.txt"


def test_dates_read_differently_now_are_rewritten_in_place_and_a_rerun_changes_nothing(
    tmp_path: Path, assistant_for
) -> None:
    """A store whose dates were read by an older detector (here: a caption's date taken for the dateline) is
    corrected on the next `rag index` without re-embedding; an index run with nothing new writes nothing."""
    articles = {
        "wall.md": "---\ndate: 2021-05-04\nsource: Valley Courier\n---\nHarbour Wall Rebuilt\n\n"
        "The harbour wall at Kestrel Bay reopened after a winter of repairs.\n",
    }
    a = assistant_for(write_corpus(tmp_path / "c", articles))
    a.index()
    col = a.store.collection
    got = col.get(include=["metadatas"])
    stored = got["metadatas"][0]
    assert (stored["published"], stored["date_line"], stored["date_quote"]) == ("2021-05-04", 2, "date: 2021-05-04")
    stale = {**stored, "published": "2008-07-17", DAY_KEY: (date(2008, 7, 17) - date(1970, 1, 1)).days}
    stale = {k: v for k, v in stale.items() if k not in ("date_line", "date_quote", "date_char")}
    as_if_written_earlier(col, lambda m: stale)

    summary = a.index()
    assert summary.dates_added == 1 and summary.chunks_embedded == 0
    fixed = col.get(include=["metadatas"])["metadatas"][0]
    assert (fixed["published"], fixed[DAY_KEY], fixed["date_line"]) == ("2021-05-04", stored[DAY_KEY], 2)
    assert a.index().dates_added == 0


@pytest.mark.parametrize(
    ("field", "line"),
    [("byline", "author: Ines Marlow"), ("outlet", "source: Kestrel Bay Courier")],
)
def test_a_store_indexed_before_front_matter_lines_were_kept_gets_the_line_in_place(
    tmp_path: Path, assistant_for, field: str, line: str
) -> None:
    """A byline or outlet stated only in front matter: its line is written onto stored chunks in place."""
    articles = {
        "wall.md": f"---\ndate: 2021-05-04\n{line}\n---\nHarbour Wall Rebuilt\n\n"
        "The harbour wall at Kestrel Bay reopened after a winter of repairs.\n",
    }
    a = assistant_for(write_corpus(tmp_path / "c", articles))
    a.index()
    col = a.store.collection
    stored = col.get(include=["metadatas"])["metadatas"][0]
    keys = (f"{field}_line", f"{field}_quote", f"{field}_char")
    assert (stored[keys[0]], stored[keys[1]]) == (3, line)
    as_if_written_earlier(col, lambda m: {k: v for k, v in m.items() if not k.startswith(f"{field}_")})
    assert getattr(a.store.manifest()["wall.md"], f"{field}_stated") is None

    summary = a.index()
    assert summary.dates_added == 1 and summary.chunks_embedded == 0
    assert getattr(a.store.manifest()["wall.md"], f"{field}_stated") == tuple(stored[k] for k in keys)
    assert a.index().dates_added == 0
