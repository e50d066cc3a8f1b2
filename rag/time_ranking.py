"""Time in ranking: the hard date filter (nothing after the as-of date, the user's own range) and the
soft boost (a question's date phrase, a question about the present).

The filter is a Chroma ``where`` clause on the chunks' ``published_day`` (days since 1970-01-01), and
the same predicate on keyword hits. The boost adds ``weights · features`` to a candidate's relevance
(closeness to the question's phrase window; recency for a question about the present; closeness before a
chosen as-of day, since a question asked as of a day is about the news up to it);
the weights are fitted by ``bench/fit_retrieval_weights.py`` (grouped cross-validation on RealTime QA dev)
and read from ``rag/data/time_weights.json`` (a search listing's from ``listing_time_weights.json``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from rag.dates import to_day
from rag.models import DateWindow, Passage
from rag.store import DATED_KEY, DAY_KEY

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "time_weights.json"
LISTING_WEIGHTS_PATH = WEIGHTS_PATH.with_name("listing_time_weights.json")
FEATURES = ("window", "recency", "as_of")
WINDOW_DECAY_DAYS = 7.0  # outside a phrase window, the boost halves roughly every 5 days
RECENCY_DECAY_DAYS = 30.0  # "latest"/"now": a month-old article keeps ~37 % of the boost


class TimeWeights(BaseModel):
    """The fitted weights of the time features, in units of the rerank score."""

    window: float = Field(0.0, description="boost for an article inside the question's date window")
    recency: float = Field(0.0, description="boost for a recent article when the question speaks of the present")
    as_of: float = Field(0.0, description="boost for an article published shortly before an as-of day the user chose")
    as_of_decay_days: float = Field(30.0, gt=0, description="days before as-of after which that boost falls to 1/e")
    fitted_on: str = Field("", description="what the weights were fitted on, and how they were validated")


@lru_cache(maxsize=4)
def load_weights(path: Path = WEIGHTS_PATH) -> TimeWeights:
    """The fitted weights; zero weights (no boost, the hard filter still applies) if the file is missing."""
    try:
        return TimeWeights.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return TimeWeights()


def load_listing_weights(path: Path = LISTING_WEIGHTS_PATH) -> TimeWeights:
    """A search listing's weights; the answerer's (``load_weights``) when its file is missing."""
    return load_weights(path) if path.exists() else load_weights()


def save_weights(weights: TimeWeights, path: Path = WEIGHTS_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(weights.model_dump(), indent=2) + "\n", encoding="utf-8")
    load_weights.cache_clear()


@dataclass(frozen=True)
class DayRange:
    """The hard filter as days (``published_day``): ``since``..``until`` inclusive, each optional, and
    whether undated chunks pass. ``chroma_where`` and the exact window search (``rag.window_search``)
    both read it, so the two paths select the same chunks."""

    since: int | None
    until: int | None
    undated: bool


def day_range(window: DateWindow | None, latest_day: int | None = None) -> DayRange | None:
    """Dated no later than as-of (undated articles pass, since they cannot be shown to be from the future)
    and inside the user's own since/until (which an undated article cannot be shown to be). An upper bound
    at or after ``latest_day`` (the store's latest publication day) excludes nothing and is left out, so the
    default as-of (today) costs nothing; None when nothing is filtered."""
    if window is None:
        return None
    upper = min((d for d in (window.as_of, window.until) if d), default=None)
    if upper is not None and latest_day is not None and to_day(upper) >= latest_day:
        upper = None
    until = to_day(upper) if upper else None
    if window.since or window.until:
        since = to_day(window.since) if window.since else None
        return DayRange(since, until, undated=False) if since is not None or until is not None else None
    return DayRange(None, until, undated=True) if until is not None else None


def phrase_range(window: DateWindow | None, latest_day: int | None = None) -> DayRange | None:
    """The question's phrase window within the hard filter (dated chunks only); None without one."""
    if window is None or not (window.phrase_since or window.phrase_until):
        return None
    hard = day_range(window, latest_day)
    bounds_since = [to_day(d) for d in (window.phrase_since,) if d] + ([hard.since] if hard and hard.since else [])
    bounds_until = [to_day(d) for d in (window.phrase_until,) if d] + ([hard.until] if hard and hard.until else [])
    return DayRange(max(bounds_since, default=None), min(bounds_until, default=None), undated=False)


def where_of(days: DayRange | None) -> dict | None:
    """A day range as a Chroma ``where`` clause (a clause on ``published_day`` leaves undated chunks out)."""
    if days is None:
        return None
    clauses: list[dict] = []
    if days.since is not None:
        clauses.append({DAY_KEY: {"$gte": days.since}})
    if days.until is not None:
        clauses.append({DAY_KEY: {"$lte": days.until}})
    if days.undated:
        clauses = [{"$or": [*clauses, {DATED_KEY: False}]}] if clauses else []
    if not clauses:
        return None if days.undated else {DATED_KEY: True}
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def chroma_where(window: DateWindow | None, latest_day: int | None = None) -> dict | None:
    """The hard filter as a Chroma ``where`` clause (see ``day_range``)."""
    return where_of(day_range(window, latest_day))


def phrase_where(window: DateWindow | None, latest_day: int | None = None) -> dict | None:
    """The question's phrase window (within the hard filter) as a Chroma clause; None without one."""
    return where_of(phrase_range(window, latest_day))


def in_phrase_window(published: date | None, window: DateWindow | None) -> bool:
    if window is None or published is None or not (window.phrase_since or window.phrase_until):
        return False
    if window.phrase_since and published < window.phrase_since:
        return False
    if window.phrase_until and published > window.phrase_until:
        return False
    return allowed(published, window)


def allowed(published: date | None, window: DateWindow | None) -> bool:
    """The same hard filter for one article (keyword hits, tests)."""
    if window is None:
        return True
    if window.since or window.until:
        if published is None:
            return False
        if window.since and published < window.since:
            return False
    if published is None:
        return True
    upper = min((d for d in (window.as_of, window.until) if d), default=None)
    return upper is None or published <= upper


def features(published: date | None, window: DateWindow | None, as_of_decay_days: float = 30.0) -> list[float]:
    """[window, recency, as_of] for one article: closeness to the question's phrase window (1 inside, decaying
    with the days outside); for a question about the present with no window, recency before as-of; and, when
    the as-of day was chosen (not today by default), closeness before it, decaying over ``as_of_decay_days``."""
    if window is None or published is None:
        return [0.0, 0.0, 0.0]
    f_window = f_recent = f_as_of = 0.0
    if window.phrase_since or window.phrase_until:
        outside = 0
        if window.phrase_since and published < window.phrase_since:
            outside = (window.phrase_since - published).days
        elif window.phrase_until and published > window.phrase_until:
            outside = (published - window.phrase_until).days
        f_window = math.exp(-outside / WINDOW_DECAY_DAYS)
    elif window.present and window.as_of:
        age = max(0, (window.as_of - published).days)
        f_recent = math.exp(-age / RECENCY_DECAY_DAYS)
    if window.as_of_given and window.as_of:
        f_as_of = math.exp(-max(0, (window.as_of - published).days) / as_of_decay_days)
    return [f_window, f_recent, f_as_of]


def feature_matrix(hits: Sequence[Passage], window: DateWindow | None, as_of_decay_days: float = 30.0) -> np.ndarray:
    rows = [features(h.published_date, window, as_of_decay_days) for h in hits]
    return np.array(rows, dtype=np.float64).reshape(-1, len(FEATURES))


def boost(hits: Sequence[Passage], window: DateWindow | None, weights: TimeWeights | None = None) -> np.ndarray:
    """``weights · features`` per hit (zeros without a window)."""
    w = weights or load_weights()
    return feature_matrix(hits, window, w.as_of_decay_days) @ np.array([w.window, w.recency, w.as_of], dtype=np.float64)
