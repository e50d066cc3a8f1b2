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


def test_a_byline_and_date_read_differently_now_replace_the_stored_ones_in_place(tmp_path: Path, assistant_for) -> None:
    """A report's byline and date the indexer now reads from its statement line ("Published by …, DATE.
    Lead author: …") reach a store indexed before without re-embedding; a date or byline no longer read is
    removed, not left behind (Chroma's update merges metadata)."""
    articles = {
        "report.txt": "The Cost of Waiting\nPublished by the Orlen Patients Society, April 22, 2026. Lead author: "
        "Dr Ann Brell.\n\nThe society surveyed 1,842 patients who had waited for their treatment.\n",
        "undated.txt": "Dam History\n\nThe river dam was planned for decades before it opened.\n",
    }
    a = assistant_for(write_corpus(tmp_path / "c", articles))
    a.index()
    col = a.store.collection

    def stale(meta: dict) -> dict:
        if meta["path"] == "report.txt":  # as an indexer that read neither the date nor the byline wrote it
            drop = ("byline", DAY_KEY, "date_line", "date_quote", "date_char", "outlet_line", "outlet_quote")
            return {**{k: v for k, v in meta.items() if k not in drop and k != "outlet_char"},
                    "published": "", "outlet": "", "date_source": "none", DATED_KEY: False}  # fmt: skip
        return {**meta, "byline": "Ann Other", "published": "2008-07-17", DAY_KEY: 14077, DATED_KEY: True}

    as_if_written_earlier(col, stale)
    summary = a.index()
    assert summary.dates_added == 2 and summary.chunks_embedded == 0
    metas = {m["path"]: m for m in col.get(include=["metadatas"])["metadatas"]}
    report = metas["report.txt"]
    assert (report["byline"], report["published"], report["outlet"]) == (
        "Dr Ann Brell", "2026-04-22", "Orlen Patients Society",
    )  # fmt: skip
    assert report[DAY_KEY] == (date(2026, 4, 22) - date(1970, 1, 1)).days
    assert "byline" not in metas["undated.txt"] and DAY_KEY not in metas["undated.txt"]
    assert metas["undated.txt"][DATED_KEY] is False
    assert a.index().dates_added == 0


def test_a_title_read_differently_now_is_rewritten_in_place(tmp_path: Path, assistant_for) -> None:
    """A file that opens with its credit was stored with the credit as its title; the next `rag index` writes
    the headline and the byline onto its chunks without re-embedding."""
    articles = {
        "hearing.md": "By Mirela Stoyan\nVarden Gazette, November 12, 2026\n\n# Ferry captain testifies\n\n"
        "The captain of the Orlen ferry told the inquiry on Wednesday that the gates were opened early.\n",
    }
    a = assistant_for(write_corpus(tmp_path / "c", articles))
    a.index()
    col = a.store.collection
    stored = col.get(include=["metadatas"])["metadatas"][0]
    assert (stored["title"], stored["byline"]) == ("Ferry captain testifies", "Mirela Stoyan")
    as_if_written_earlier(col, lambda m: {**{k: v for k, v in m.items() if k != "byline"}, "title": "By Mirela Stoyan"})

    summary = a.index()
    assert summary.dates_added == 1 and summary.chunks_embedded == 0
    assert [(s.title, s.byline) for s in a.sources()] == [("Ferry captain testifies", "Mirela Stoyan")]
    assert a.index().dates_added == 0
