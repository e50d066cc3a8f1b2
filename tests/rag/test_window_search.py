"""The exact date-window search (rag/window_search.py) against Chroma's metadata filter: the same chunks for
every kind of window, never anything dated after the as-of day, and the table follows the store's generation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag import window_search
from rag.dates import to_day
from rag.models import DateWindow, RetrievedChunk
from rag.time_ranking import DayRange, day_range, where_of
from tests.conftest import indexed_assistant, write_corpus

TOPICS = [
    ("harbor tax", "raised the harbor tax to {n} percent after a long council debate"),
    ("ferry terminal", "approved a ferry terminal costing {n} million dollars near the old pier"),
    ("school budget", "cut the school budget by {n} million, and teachers protested outside the hall"),
    ("water rates", "increased water rates by {n} percent to pay for new pipes under the river"),
    ("bus routes", "added {n} new bus routes linking the suburbs with the hospital"),
    ("library hours", "extended library hours until {n} pm on weekdays after a survey of residents"),
]
FIRST = date(2023, 1, 5)


def _articles() -> dict[str, str]:
    articles = {}
    for i in range(36):
        topic, action = TOPICS[i % len(TOPICS)]
        day = FIRST + timedelta(days=11 * i)
        body = f"The Elmford council {action.format(n=i + 3)}. Officials said the {topic} vote number {i} was close."
        articles[f"a{i:02d}.txt"] = f"{topic.title()} Vote {i}\nNorthwire | {day.isoformat()}\n\n{body}\n"
    for i in range(4):
        topic, action = TOPICS[i]
        articles[f"undated{i}.txt"] = (
            f"{topic.title()} History {i}\n\nThe Elmford council once {action.format(n=90 + i)}.\n"
        )
    return articles


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory, embedder):
    return indexed_assistant(tmp_path_factory.mktemp("windows"), _articles(), embedder)


WINDOWS = [
    DateWindow(as_of=date(2023, 6, 30)),
    DateWindow(as_of=date(2023, 12, 31), since=date(2023, 3, 1), until=date(2023, 4, 15)),
    DateWindow(as_of=date(2023, 5, 1), since=date(2023, 4, 1)),
    DateWindow(as_of=date(2024, 1, 1), until=date(2023, 2, 1)),
    DateWindow(as_of=date(2023, 1, 4)),  # before every dated article: undated ones only
]
QUESTIONS = [
    "What did the council decide about the harbor tax?",
    "ferry terminal cost",
    "What happened to the school budget this week?",
    "water rates in June 2023",
    "Which bus routes were added in 2023?",
]


def _search(a, question: str, window: DateWindow, on: bool) -> list[RetrievedChunk]:
    a.retriever.settings.window_search = on
    try:
        return a.search(question, k=6, window=window)
    finally:
        a.retriever.settings.window_search = True


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: f"{w.as_of}/{w.since}/{w.until}")
def test_exact_path_returns_the_same_chunks_as_chromas_filter(dated, window: DateWindow) -> None:
    assert dated.retriever.window_table() is not None, "rag index wrote the table of its generation"
    for question in QUESTIONS:
        fast = _search(dated, question, window, on=True)
        slow = _search(dated, question, window, on=False)
        assert [h.id for h in fast] == [h.id for h in slow], question
        assert [h.score for h in fast] == pytest.approx([h.score for h in slow], abs=1e-3)


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: f"{w.as_of}/{w.since}/{w.until}")
def test_table_nearest_equals_chromas_filtered_query(dated, window: DateWindow) -> None:
    table = dated.retriever.window_table()
    days = day_range(window, dated.store.latest_day)
    for question in QUESTIONS:
        qvec = dated.embedder.embed_cached([question])[0]
        chroma = dated.store.query(qvec.tolist(), 10, where=where_of(days))
        exact = table.nearest(qvec, days, 10)
        assert [cid for cid, _ in exact] == [h.id for h in chroma], question
        assert [score for _, score in exact] == pytest.approx([h.score for h in chroma], abs=1e-4)


def test_large_windows_go_through_the_unfiltered_neighbours_first(dated) -> None:
    window = WINDOWS[0]
    a = dated
    a.retriever.settings.window_exact_max = 0
    try:
        fast = _search(a, QUESTIONS[0], window, on=True)
    finally:
        a.retriever.settings.window_exact_max = 20_000
    assert [h.id for h in fast] == [h.id for h in _search(a, QUESTIONS[0], window, on=False)]


@pytest.mark.parametrize("offset", range(0, 400, 23))
def test_nothing_after_the_as_of_day(dated, offset: int) -> None:
    as_of = FIRST + timedelta(days=offset)
    window = dated.window_for("council vote this week", DateWindow(as_of=as_of))
    hits = dated.search("council vote this week", k=8, window=window)
    assert hits
    for h in hits:
        assert h.published is None or date.fromisoformat(h.published) <= as_of
    pool, _, _ = dated.retriever.candidates("council vote this week", 8, window)
    assert all(h.published is None or date.fromisoformat(h.published) <= as_of for h in pool)
    table = dated.retriever.window_table()
    days = day_range(window, dated.store.latest_day) or DayRange(None, to_day(as_of), undated=True)
    nearest = table.nearest(dated.embedder.embed_cached(["council vote"])[0], days, 50)
    row_day = dict(zip(table.ids, table.days.tolist(), strict=True))
    assert nearest and all(row_day[cid] <= to_day(as_of) or row_day[cid] == window_search.UNDATED for cid, _ in nearest)
    metas = dated.store.records([cid for cid, _ in nearest])
    assert all(
        not meta.get("published") or date.fromisoformat(meta["published"]) <= as_of for meta, _ in metas.values()
    )


def test_spans_are_inclusive_and_undated_only_without_a_range(dated) -> None:
    table = dated.retriever.window_table()
    day = to_day(FIRST + timedelta(days=11 * 3))
    rows = table.rows(DayRange(day, day, undated=False))
    assert [table.ids[r] for r in rows] and all(int(table.days[r]) == day for r in rows)
    undated = table.rows(DayRange(None, to_day(FIRST) - 1, undated=True))
    assert len(undated) == len(table) - table.n_dated > 0
    assert table.size(DayRange(to_day(FIRST) + 1000, None, undated=False)) == 0


def test_the_table_follows_the_generation(tmp_path, assistant_for) -> None:
    corpus = write_corpus(tmp_path / "c", dict(list(_articles().items())[:6]))
    a = assistant_for(corpus)
    a.index()
    first = a.retriever.window_table()
    assert first is not None and len(first) == a.store.count()
    (corpus / "late.txt").write_text("Late Vote\nNorthwire | 2023-03-01\n\nThe Elmford council voted late.\n")
    a.index()
    a.store.reopen_if_changed(force=True)
    second = a.retriever.window_table()
    assert second is not None and second.generation == a.store.opened_generation != first.generation
    assert len(second) == a.store.count() > len(first)
    assert not window_search.folder_for(a.store, first.generation).exists(), "older tables are removed"


def test_a_store_without_a_table_falls_back_and_rag_index_writes_it(tmp_path, assistant_for) -> None:
    import shutil

    corpus = write_corpus(tmp_path / "c", dict(list(_articles().items())[:8]))
    a = assistant_for(corpus)
    a.index()
    window = DateWindow(as_of=date(2023, 2, 10))
    before = [h.id for h in a.search("harbor tax", k=4, window=window)]
    shutil.rmtree(window_search.root(a.store))
    a.retriever._table_generation = None  # a process that opens the store now finds no table
    assert a.retriever.window_table() is None
    assert [h.id for h in a.search("harbor tax", k=4, window=window)] == before
    doctor = {c.name: c for c in a.doctor()}["date-window table"]
    assert doctor.status == "warn" and "slower" in doctor.detail and "rag index" in (doctor.fix or "")
    a.index()  # nothing changed: the table of the current generation is written
    a.retriever._table_generation = None
    assert a.retriever.window_table() is not None
    assert {c.name: c for c in a.doctor()}["date-window table"].status == "ok"


@given(
    as_of=st.dates(date(2022, 12, 1), date(2024, 3, 1)),
    since=st.none() | st.dates(date(2022, 12, 1), date(2024, 3, 1)),
    until=st.none() | st.dates(date(2022, 12, 1), date(2024, 3, 1)),
)
@settings(max_examples=60, deadline=None)
def test_the_table_selects_exactly_what_the_filter_allows(dated, as_of: date, since, until) -> None:
    """Property: for any as-of/since/until, the table's rows are the chunks ``allowed`` lets through."""
    from hypothesis import assume

    from rag.dates import from_day
    from rag.time_ranking import allowed

    assume(not (since and until and since > until))
    window = DateWindow(as_of=as_of, since=since, until=until)
    table = dated.retriever.window_table()
    days = day_range(window, dated.store.latest_day)
    assume(days is not None)  # no range: nothing is filtered on the vector side, by either path
    published = [None if day == window_search.UNDATED else from_day(day) for day in table.days.tolist()]
    chosen = set(table.rows(days).tolist())
    assert chosen == {row for row, pub in enumerate(published) if allowed(pub, window)}
    assert all(table.holds(table.ids[row], days) == (row in chosen) for row in range(len(table)))
