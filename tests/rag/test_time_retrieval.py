"""Retrieval with time: no article dated after the as-of date, the user's since/until, the question's date
phrase boost, and same-story grouping (copies listed as "also reported by", never filling all k slots)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from rag.models import DateWindow, RetrievedChunk
from rag.stories import group
from rag.time_ranking import TimeWeights, allowed, boost, chroma_where
from tests.conftest import indexed_assistant

WIRE = (
    "Port Elms council approves new ferry terminal after long debate over costs and the harbour "
    "environment. The terminal will cost $80 million and open in two years, the mayor said."
)
ARTICLES = {
    "tax_2021.txt": "Harbor Tax Raised\nNorthwire | 2021-03-10\n\nThe Port Elms council voted to raise the harbor "
    "tax to 3 percent, council members said after the vote on the harbor tax.\n",
    "tax_2023.txt": "Harbor Tax Cut\nValley Courier | 2023-08-14\n\nThe Port Elms council voted to cut the harbor "
    "tax to 2 percent, council members said after the vote on the harbor tax.\n",
    "tax_2024.txt": "Harbor Tax Abolished\nNorthwire | 2024-02-01\n\nThe Port Elms council voted to abolish the "
    "harbor tax, council members said after the vote on the harbor tax.\n",
    "tax_undated.txt": "Harbor Tax History\n\nThe Port Elms council has debated the harbor tax for decades, council "
    "members said before a vote on the harbor tax.\n",
    "ferry_wire.txt": f"Ferry Terminal Approved\nNorthwire | 2023-08-15\n\n{WIRE}\n",
    "ferry_copy.txt": f"Ferry Terminal Approved\n\n{WIRE}\n",
    "ferry_courier.txt": f"Ferry Terminal Approved\nValley Courier | 2023-08-16\n\n{WIRE} Updated.\n",
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory, embedder):
    return indexed_assistant(tmp_path_factory.mktemp("dated"), ARTICLES, embedder)


def paths(hits: list[RetrievedChunk]) -> list[str]:
    return [h.path for h in hits]


@pytest.mark.parametrize("as_of", [date(2021, 3, 9), date(2021, 3, 10), date(2023, 8, 13), date(2023, 8, 16)])
def test_no_article_after_the_as_of_date(dated, as_of: date) -> None:
    hits = dated.search("harbor tax council vote", k=7, window=DateWindow(as_of=as_of))
    assert hits, "undated articles and those before as-of remain"
    for h in hits:
        assert h.published is None or date.fromisoformat(h.published) <= as_of
        assert all(c.published is None or date.fromisoformat(c.published) <= as_of for c in h.also_reported_by)
    later = dated.search("harbor tax council vote", k=7, window=DateWindow(as_of=date(2025, 1, 1)))
    assert "tax_2024.txt" in paths(later)


def test_answer_records_window_and_cites_nothing_from_the_future(dated) -> None:
    window = dated.user_window("2023-08-16")
    answer = dated.ask("What did the council do to the harbor tax this week?", backend="extractive", window=window)
    assert answer.window is not None and answer.window.as_of == date(2023, 8, 16)
    assert (answer.window.phrase, answer.window.phrase_since) == ("this week", date(2023, 8, 10))
    assert all(c.path != "tax_2024.txt" for c in answer.citations)
    assert all(h.path != "tax_2024.txt" for h in answer.retrieved)


def test_user_range_is_a_hard_filter_and_excludes_undated(dated) -> None:
    window = DateWindow(as_of=date(2025, 1, 1), since=date(2023, 1, 1), until=date(2023, 12, 31))
    hits = dated.search("harbor tax council vote", k=7, window=window)
    assert hits and all(date(2023, 1, 1) <= date.fromisoformat(h.published) <= date(2023, 12, 31) for h in hits)


def test_date_phrase_boost_prefers_the_window(dated) -> None:
    q = "What did the council vote on the harbor tax this week?"
    window = dated.window_for(q, DateWindow(as_of=date(2023, 8, 16)))
    pool, rel, vecs = dated.retriever.candidates(q, 5, window=window)
    zero = dated.retriever.rank([h.model_copy(deep=True) for h in pool], rel, vecs, window, 5, TimeWeights())
    boosted = dated.retriever.rank(
        [h.model_copy(deep=True) for h in pool], rel, vecs, window, 5, TimeWeights(window=1.0)
    )
    assert boosted[0].path == "tax_2023.txt" and boosted[0].date_boost == pytest.approx(1.0)
    assert all(h.date_boost == 0 for h in zero)


def test_wire_copies_are_grouped_best_dated_first(dated) -> None:
    hits = dated.search("ferry terminal approved cost", k=5, window=DateWindow(as_of=date(2023, 8, 16)))
    ferry = [h for h in hits if h.path.startswith("ferry_")]
    assert len(ferry) == 1, "one story, shown once"
    assert ferry[0].published is not None, "a dated copy represents the story, not the undated one"
    assert {c.path for c in ferry[0].also_reported_by} == {"ferry_wire.txt", "ferry_copy.txt", "ferry_courier.txt"} - {
        ferry[0].path
    }


def test_copies_never_fill_all_k_slots() -> None:
    def hit(i: int, path: str) -> RetrievedChunk:
        return RetrievedChunk(
            id=str(i), text="", file=path, path=path, title="", start_char=0, end_char=0, start_line=1, end_line=1,
            content_hash="h", score=0.0, published="2023-08-0" + str(1 + i % 9),
        )  # fmt: skip

    rng = np.random.default_rng(0)
    story = rng.normal(size=16)
    vecs = [story + rng.normal(scale=0.05, size=16) for _ in range(6)] + [rng.normal(size=16) for _ in range(3)]
    vecs = np.stack([v / np.linalg.norm(v) for v in vecs])
    hits = [hit(i, f"copy_{i}.txt") for i in range(6)] + [hit(6 + i, f"other_{i}.txt") for i in range(3)]
    keep = group(hits, np.linspace(1, 0.5, len(hits)), vecs, threshold=0.92)
    assert sum(hits[i].path.startswith("copy_") for i in keep) == 1
    rep = next(hits[i] for i in keep if hits[i].path.startswith("copy_"))
    assert len(rep.also_reported_by) == 5


def test_filter_predicates_agree() -> None:
    w = DateWindow(as_of=date(2023, 8, 16))
    assert allowed(None, w) and allowed(date(2023, 8, 16), w) and not allowed(date(2023, 8, 17), w)
    assert chroma_where(w) == {"$or": [{"published_day": {"$lte": 19585}}, {"dated": False}]}
    ranged = DateWindow(as_of=date(2023, 8, 16), since=date(2023, 8, 1))
    assert not allowed(None, ranged) and allowed(date(2023, 8, 2), ranged)
    assert chroma_where(None) is None


def test_boost_only_when_the_question_says_so() -> None:
    h = RetrievedChunk(
        id="x", text="", file="a", path="a", title="", start_char=0, end_char=0, start_line=1, end_line=1,
        content_hash="h", score=0.0, published="2023-08-01",
    )  # fmt: skip
    w = TimeWeights(window=0.5, recency=0.2)
    assert boost([h], DateWindow(as_of=date(2023, 8, 16)), w)[0] == 0.0
    present = DateWindow(as_of=date(2023, 8, 16), present=True)
    assert 0 < boost([h], present, w)[0] < 0.2
    inside = DateWindow(as_of=date(2023, 8, 16), phrase="in August", phrase_since=date(2023, 8, 1))
    assert boost([h], inside, w)[0] == pytest.approx(0.5)


def test_an_as_of_after_the_latest_article_filters_nothing(dated) -> None:
    from rag.dates import to_day

    assert dated.store.latest_day == to_day(date(2024, 2, 1))
    assert chroma_where(DateWindow(as_of=date(2030, 1, 1)), dated.store.latest_day) is None
    assert chroma_where(DateWindow(as_of=date(2024, 1, 31)), dated.store.latest_day) is not None


def test_a_chosen_as_of_day_prefers_articles_just_before_it() -> None:
    def dated_hit(day: str) -> RetrievedChunk:
        return RetrievedChunk(
            id=day, text="", file=day, path=day, title="", start_char=0, end_char=0, start_line=1, end_line=1,
            content_hash="h", score=0.0, published=day,
        )  # fmt: skip

    hits = [dated_hit(d) for d in ("2023-08-15", "2023-07-17", "2021-03-10")]
    w = TimeWeights(as_of=1.0, as_of_decay_days=30.0)
    chosen = DateWindow(as_of=date(2023, 8, 16), as_of_given=True)
    b = boost(hits, chosen, w)
    assert b[0] > b[1] > b[2] > 0
    assert b[1] == pytest.approx(np.exp(-1.0)), "30 days before as-of: one decay length"
    assert not boost(hits, DateWindow(as_of=date(2023, 8, 16)), w).any(), "the default as-of (today) adds no prior"


def test_user_window_marks_a_chosen_as_of_day() -> None:
    from rag.dates import user_window

    assert user_window("2023-08-16").as_of_given
    assert not user_window(None, since="2023-01-01").as_of_given


def test_as_of_closeness_reorders_a_stale_story_behind_the_weeks_article(dated) -> None:
    q = "What did the council do to the harbor tax?"
    window = dated.window_for(q, dated.user_window("2023-08-16"))
    pool, rel, vecs = dated.retriever.candidates(q, 5, window=window)
    # The 2021 article is made the most relevant: the as-of feature must still put the week's article first.
    rel = rel.copy()
    rel[[h.path for h in pool].index("tax_2021.txt")] = rel.max() + 0.05

    def top(weights: TimeWeights) -> str:
        return dated.retriever.rank([h.model_copy(deep=True) for h in pool], rel, vecs, window, 5, weights)[0].path

    assert top(TimeWeights()) == "tax_2021.txt"
    assert top(TimeWeights(as_of=1.0, as_of_decay_days=30.0)) == "tax_2023.txt"
