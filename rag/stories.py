"""Same-story grouping: wire copies and updates of one story are shown once, "also reported by" the rest.

Two candidate chunks of different files tell the same story when their embeddings are nearly the same
(cosine at or above ``retrieval.story_similarity``) or when most of the shorter one's word trigrams occur
in the other (``retrieval.story_overlap``): a wire copy under another outlet's header line, an update that
adds a paragraph. Each group keeps one representative — a dated
article before an undated one, then the best-ranked — and lists the other articles under it, so that
copies of one story cannot fill all k slots.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from rag.models import RetrievedChunk, StoryCopy

_WORD = re.compile(r"\w+")


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def overlap(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Share of the smaller set's trigrams found in the other (containment)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def group(
    hits: Sequence[RetrievedChunk], order: np.ndarray, vecs: np.ndarray, threshold: float, min_overlap: float = 0.8
) -> list[int]:
    """Indices of the representatives (in ``hits``); each one's ``also_reported_by`` lists its group.

    ``order`` is the ranking score of each hit; ``vecs`` their unit-length embeddings.
    """
    ranked = sorted(range(len(hits)), key=lambda i: (hits[i].published is None, -float(order[i])))
    grams = [trigrams(h.text) for h in hits]
    reps: list[int] = []
    members: dict[int, list[int]] = {}

    def same(i: int, r: int) -> bool:
        if hits[r].path == hits[i].path:
            return False
        return float(vecs[i] @ vecs[r]) >= threshold or overlap(grams[i], grams[r]) >= min_overlap

    for i in ranked:
        home = next((r for r in reps if same(i, r)), None)
        if home is None:
            reps.append(i)
            members[i] = []
        else:
            members[home].append(i)
    for r in reps:
        seen = {hits[r].path}
        copies = []
        for m in members[r]:
            if hits[m].path in seen:
                continue
            seen.add(hits[m].path)
            h = hits[m]
            copies.append(StoryCopy(file=h.file, path=h.path, title=h.title, outlet=h.outlet, published=h.published))
        hits[r].also_reported_by = copies
    # Other chunks of a representative's file stay candidates; copies of the story do not.
    grouped = {m for r in reps for m in members[r]}
    return [i for i in range(len(hits)) if i not in grouped]
