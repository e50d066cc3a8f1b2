"""Hybrid retrieval: vector search (Chroma) + BM25, fused by reciprocal rank, reranked, diversified.

A small embedding model misses questions that hinge on exact names and numbers; keywords
miss paraphrases. Fusion keeps both. The default rerank needs no extra model: it scores the
best-matching sentence of each chunk with the embedding model we already hold, plus exact
matches of the question's names and numbers. A sentence-transformers ``CrossEncoder`` is
used instead when one is configured by path.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from rag import bm25, relevance_ranking, stories, time_ranking, window_search
from rag.embeddings import Embedder
from rag.errors import EmbeddingError
from rag.models import DateWindow, Diversity, RetrievedChunk
from rag.sentence_vectors import SentenceStore, sentence_vectors
from rag.settings import RetrievalSettings
from rag.store import Store, to_retrieved
from rag.time_ranking import DayRange

TABLE_RETRY_S = 30.0
KEYWORD_OVERFETCH = 4  # keyword hits are filtered by date after retrieval: fetch more so n survive


def rrf(ranked_lists: list[list[RetrievedChunk]], k: int) -> list[RetrievedChunk]:
    """Reciprocal rank fusion; a chunk found by several retrievers lists all of them."""
    fused: dict[str, RetrievedChunk] = {}
    scores: dict[str, float] = {}
    for hits in ranked_lists:
        for rank, hit in enumerate(hits):
            scores[hit.id] = scores.get(hit.id, 0.0) + 1.0 / (k + rank + 1)
            if hit.id in fused:
                fused[hit.id].retrievers = sorted(set(fused[hit.id].retrievers) | set(hit.retrievers))
            else:
                fused[hit.id] = hit.model_copy(deep=True)
    out = sorted(fused.values(), key=lambda h: scores[h.id], reverse=True)
    for hit in out:
        hit.score = scores[hit.id]
    return out


def _crowded(fused: list[RetrievedChunk], pooled: set[str]) -> set[str]:
    """Files that had more candidates than the pool let in."""
    return {h.path for h in fused if h.id not in pooled}


class Ranking(BaseModel):
    """How a ranked list is ordered: relevance weights, date-boost weights, spread over files."""

    model_config = ConfigDict(frozen=True)

    relevance: relevance_ranking.RelevanceWeights
    time: time_ranking.TimeWeights
    diversity: Diversity


class Retriever:
    def __init__(self, settings: RetrievalSettings, store: Store, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self._bm25: bm25.KeywordIndex | None = None
        self._bm25_generation: int | None = None
        self._cross_encoder: Any = None
        self._table: window_search.WindowTable | None = None
        self._table_generation: int | None = None
        self._table_tried = 0.0
        self._keyword_rows: tuple[bm25.KeywordIndex, np.ndarray] | None = None
        self.sentences = SentenceStore.beside(store.settings.store.dir, store.name)

    def bm25(self) -> bm25.KeywordIndex | None:
        """The keyword index for the store's generation (as read by ``reopen_if_changed`` in ``search``)."""
        generation = self.store.opened_generation
        if self._bm25 is None or generation != self._bm25_generation:
            self._bm25 = bm25.load(self.store)
            self._bm25_generation = generation
        return self._bm25

    def window_table(self) -> window_search.WindowTable | None:
        """The day-sorted table of chunk vectors for the store's generation (loaded once per generation), or
        None: switched off, or no table for this generation (Chroma's filter is used then)."""
        if not self.settings.window_search:
            return None
        generation = self.store.opened_generation
        # A missing table is looked for again now and then: `rag index` writes one for an older store
        # without publishing a new generation.
        retry = self._table is None and time.monotonic() - self._table_tried > TABLE_RETRY_S
        if generation != self._table_generation or retry:
            self._table = window_search.load(self.store)
            self._table_generation = generation
            self._table_tried = time.monotonic()
            self._keyword_rows = None
        return self._table

    def search(
        self,
        query: str,
        k: int | None = None,
        window: DateWindow | None = None,
        ranking: Ranking | None = None,
    ) -> list[RetrievedChunk]:
        """The top k chunks for ``query``; with a ``window``, nothing dated after its as-of date (or outside
        the user's own range) is considered, and the question's date phrase boosts what fits it. Ordered
        as ``ranking`` says (default: as the answerer reads, ``reading_ranking``)."""
        k = k or self.settings.top_k
        ranking = ranking or self.reading_ranking()
        pool, relevance, chunk_vecs = self.candidates(query, k, window, ranking.relevance)
        return self.rank(pool, relevance, chunk_vecs, window, k, ranking.time, ranking.diversity)

    def reading_ranking(self) -> Ranking:
        """The passages the answerer reads: a second passage of a good article is worth reading."""
        return Ranking(
            relevance=relevance_ranking.load_weights(),
            time=time_ranking.load_weights(),
            diversity=Diversity(per_file_cap=self.settings.per_file_cap, mmr_lambda=self.settings.mmr_lambda),
        )

    def listing_ranking(self) -> Ranking:
        """A search listing: its own fitted weights, one passage per article while enough articles match
        (``bench/fit_retrieval_weights.py`` fits and chooses them)."""
        return Ranking(
            relevance=relevance_ranking.load_listing_weights(),
            time=time_ranking.load_listing_weights(),
            diversity=Diversity(
                per_file_cap=self.settings.search_per_file_cap, mmr_lambda=self.settings.search_mmr_lambda
            ),
        )

    def rank(
        self,
        pool: list[RetrievedChunk],
        relevance: np.ndarray,
        vecs: np.ndarray,
        window: DateWindow | None,
        k: int,
        weights: time_ranking.TimeWeights | None = None,
        diversity: Diversity | None = None,
    ) -> list[RetrievedChunk]:
        """Relevance plus the date boost, same-story groups shown once, then MMR with a per-file cap."""
        if not pool:
            return []
        date_boost = time_ranking.boost(pool, window, weights)
        for hit, score, extra in zip(pool, relevance, date_boost, strict=True):
            hit.score = round(float(score), 4)
            hit.date_boost = round(float(extra), 4)
        order = relevance + date_boost
        keep = stories.group(pool, order, vecs, self.settings.story_similarity, self.settings.story_overlap)
        spread = diversity or self.reading_ranking().diversity
        return self._diversify([pool[i] for i in keep], order[keep], vecs[keep], k, spread)

    def candidates(
        self,
        query: str,
        k: int,
        window: DateWindow | None = None,
        weights: relevance_ranking.RelevanceWeights | None = None,
    ) -> tuple[list[RetrievedChunk], np.ndarray, np.ndarray]:
        """The rerank pool within the window's hard filter: chunks, their relevance (before any date
        boost; ``weights``, default the answerer's) and their stored vectors."""
        pool, features, chunk_vecs = self.candidate_features(query, k, window)
        if not pool:
            return pool, np.zeros(0), chunk_vecs
        if self.settings.rerank and self.settings.cross_encoder:
            relevance = self._cross_encode(query, pool)
        elif self.settings.rerank:
            relevance = relevance_ranking.relevance(features, weights)
        else:
            relevance = features[:, relevance_ranking.FEATURES.index("chunk_similarity")]
        return pool, relevance, chunk_vecs

    def candidate_features(
        self, query: str, k: int, window: DateWindow | None = None
    ) -> tuple[list[RetrievedChunk], np.ndarray, np.ndarray]:
        """The rerank pool (fused order, extra candidates after it), its relevance features
        (``rag.relevance_ranking.FEATURES``) and stored vectors. ``bench/fit_retrieval_weights.py`` fits the
        relevance and date-boost weights on these."""
        n = max(self.settings.candidates, k)
        self.store.reopen_if_changed()
        qvec = self.embedder.embed_cached([query])[0]
        days = time_ranking.day_range(window, self.store.latest_day)
        phrase_days = time_ranking.phrase_range(window, self.store.latest_day)
        table = self.window_table() if days is not None or phrase_days is not None else None
        if table is not None and days is not None:
            # Both retrievers inside the window (exact, or the unfiltered neighbours that fall in it; BM25
            # masked to it), their hits read from Chroma in one call.
            keyword = bm25.ranked(self.bm25(), query, n, self._keyword_allowed(table, days))
            vector_hits, all_keyword = self._fetch(
                (self._window_nearest(qvec, n, days, table), "vector"), (keyword, "bm25")
            )
        else:
            vector_hits = self._vector(qvec, n, days, window)
            # Keyword hits are filtered afterwards (by date, and to find the phrase window's): fetch extra.
            filtered = days is not None or (phrase_days is not None and table is None)
            all_keyword = bm25.search(self.bm25(), self.store, query, n * KEYWORD_OVERFETCH if filtered else n)
        keyword_hits = [h for h in all_keyword if time_ranking.allowed(h.published_date, window)][:n]
        fused = rrf([vector_hits, keyword_hits], self.settings.rrf_k)
        if not fused:
            return [], np.zeros((0, len(relevance_ranking.FEATURES))), np.zeros((0, 0))
        size = max(3 * k, 12)
        pool = self._pool(fused, size)
        if len(pool) < size:
            seen = {h.id for h in pool}
            crowded = sorted(_crowded(fused, seen))
            if table is not None and days is not None:
                extra = self._exact(table, qvec, days, size - len(pool), crowded)
            else:
                where = time_ranking.where_of(days)
                extra = self.store.query(qvec.tolist(), size - len(pool), exclude_paths=crowded, where=where)
            pool += [h for h in extra if h.id not in seen]
        seen = {h.id for h in pool}
        pool += self._in_phrase_window(query, qvec, all_keyword, window, phrase_days, table, seen, size // 2)
        pool, chunk_vecs = self._with_vectors(pool, table)
        if not pool:
            return [], np.zeros((0, len(relevance_ranking.FEATURES))), np.zeros((0, 0))
        sents = sentence_vectors(pool, self.embedder, self.sentences)
        return pool, relevance_ranking.feature_matrix(query, qvec, pool, chunk_vecs, sents), chunk_vecs

    def _vector(
        self, qvec: np.ndarray, n: int, days: DayRange | None, window: DateWindow | None
    ) -> list[RetrievedChunk]:
        """Nearest chunks within the hard date filter, without a window table: the unfiltered neighbours are
        fetched first and filtered here; only when too few of them pass is Chroma's metadata filter used
        (it scans every chunk: about a third of a second at 100k chunks)."""
        if days is None:
            return self.store.query(qvec.tolist(), n)
        near = self.store.query(qvec.tolist(), n * KEYWORD_OVERFETCH)
        kept = [h for h in near if time_ranking.allowed(h.published_date, window)]
        if len(kept) >= n or len(near) < n * KEYWORD_OVERFETCH:
            return kept[:n]
        return self.store.query(qvec.tolist(), n, where=time_ranking.where_of(days))

    def _window_nearest(
        self, qvec: np.ndarray, n: int, days: DayRange, table: window_search.WindowTable
    ) -> list[tuple[str, float]]:
        """The ``n`` nearest chunks inside ``days`` as ``(id, cosine)``: exact over the window's rows when it
        holds at most ``window_exact_max`` chunks; else the unfiltered neighbours (ids only) that fall inside,
        and the exact search only when too few of them do."""
        if table.size(days) <= self.settings.window_exact_max:
            return table.nearest(qvec, days, n)
        near = self.store.nearest_ids(qvec.tolist(), n * KEYWORD_OVERFETCH)
        kept = [(cid, score) for cid, score in near if table.holds(cid, days)]
        if len(kept) >= n or len(near) < n * KEYWORD_OVERFETCH:
            return kept[:n]
        return table.nearest(qvec, days, n)

    def _exact(
        self,
        table: window_search.WindowTable,
        qvec: np.ndarray,
        days: DayRange,
        n: int,
        exclude_paths: list[str] | None = None,
    ) -> list[RetrievedChunk]:
        """The window's nearest chunks by exact cosine, read from Chroma by id (as vector hits)."""
        return self._fetch((table.nearest(qvec, days, n, exclude_paths or ()), "vector"))[0]

    def _fetch(self, *ranked: tuple[list[tuple[str, float]], str]) -> list[list[RetrievedChunk]]:
        """Ranked ``(id, score)`` lists of retrievers, read from Chroma in one call: one list of hits per
        retriever label (a chunk a concurrent re-index removed is left out)."""
        found = self.store.records(list(dict.fromkeys(cid for hits, _ in ranked for cid, _ in hits)))
        return [
            [to_retrieved(cid, *found[cid], score, label) for cid, score in hits if cid in found]
            for hits, label in ranked
        ]

    def _keyword_allowed(self, table: window_search.WindowTable, days: DayRange) -> np.ndarray | None:
        """The keyword index's rows inside ``days`` as a mask (the table's rows mapped once per generation)."""
        index = self.bm25()
        if index is None:
            return None
        if self._keyword_rows is None or self._keyword_rows[0] is not index:
            row_of = {cid: i for i, cid in enumerate(index.ids)}
            self._keyword_rows = (index, np.array([row_of.get(cid, -1) for cid in table.ids], dtype=np.int64))
        rows = self._keyword_rows[1][table.rows(days)]
        mask = np.zeros(len(index.ids), dtype=bool)
        mask[rows[rows >= 0]] = True
        return mask

    def _in_phrase_window(
        self,
        query: str,
        qvec: np.ndarray,
        keyword_hits: list[RetrievedChunk],
        window: DateWindow | None,
        days: DayRange | None,
        table: window_search.WindowTable | None,
        seen: set[str],
        limit: int,
    ) -> list[RetrievedChunk]:
        """Candidates from inside the question's phrase window ("this week") that the whole-corpus lists
        missed: a vector query restricted to the window and the keyword hits dated in it (masked to it
        with the window table; else those of ``keyword_hits``), fused."""
        if days is None or limit <= 0:
            return []
        n = self.settings.candidates
        if table is not None:
            keyword = bm25.ranked(self.bm25(), query, n, self._keyword_allowed(table, days))
            vector_hits, inside = self._fetch((table.nearest(qvec, days, n), "vector"), (keyword, "bm25"))
        else:
            vector_hits = self.store.query(qvec.tolist(), n, where=time_ranking.where_of(days))
            inside = [h for h in keyword_hits if time_ranking.in_phrase_window(h.published_date, window)][:n]
        fused = rrf([vector_hits, inside], self.settings.rrf_k)
        return [h for h in fused if h.id not in seen][:limit]

    def with_first_chunks(self, hits: list[RetrievedChunk]) -> list[RetrievedChunk]:
        """``hits`` plus the opening chunk of each of their files, for questions about bylines and dates."""
        have = {h.id for h in hits}
        paths = list(dict.fromkeys(h.path for h in hits))
        return hits + [h for h in self.store.first_chunks(paths) if h.id not in have]

    def articles_text(self, hits: list[RetrievedChunk]) -> str:
        """The whole articles ``hits`` come from, for checks a passage is too short to settle."""
        return " ".join(self.store.file_texts(list(dict.fromkeys(h.path for h in hits))))

    def _pool(self, fused: list[RetrievedChunk], size: int) -> list[RetrievedChunk]:
        """Rerank candidates, with no file taking more than twice its share of the pool."""
        per_file: dict[str, int] = {}
        pool: list[RetrievedChunk] = []
        for hit in fused:
            if per_file.get(hit.path, 0) < 2 * self.settings.per_file_cap:
                per_file[hit.path] = per_file.get(hit.path, 0) + 1
                pool.append(hit)
                if len(pool) == size:
                    break
        return pool

    def _with_vectors(
        self, hits: list[RetrievedChunk], table: window_search.WindowTable | None = None
    ) -> tuple[list[RetrievedChunk], np.ndarray]:
        """The hits still in the store, with their stored vectors (a concurrent re-index may have removed some);
        read from the window table of the store's generation when one is loaded."""
        ids = [h.id for h in hits]
        by_id = table.vectors_of(ids) if table is not None else self.store.vectors(ids)
        kept = [h for h in hits if h.id in by_id]
        vectors = np.stack([by_id[h.id] for h in kept]) if kept else np.zeros((0, 0))
        return kept, vectors

    def _cross_encode(self, query: str, hits: list[RetrievedChunk]) -> np.ndarray:
        if self._cross_encoder is None:
            try:
                from sentence_transformers import CrossEncoder

                self._cross_encoder = CrossEncoder(str(self.settings.cross_encoder), device="cpu")
            except Exception as exc:
                raise EmbeddingError(f"Could not load cross-encoder {self.settings.cross_encoder}: {exc}") from exc
        logits = self._cross_encoder.predict([(query, h.text) for h in hits], convert_to_numpy=True)
        logits = np.asarray(logits, dtype=np.float64).reshape(len(hits), -1)[:, -1]
        return np.array([1.0 / (1.0 + math.exp(-x)) for x in logits])

    @staticmethod
    def _diversify(
        hits: list[RetrievedChunk], relevance: np.ndarray, vecs: np.ndarray, k: int, diversity: Diversity
    ) -> list[RetrievedChunk]:
        """MMR with a per-file cap: near-duplicates and one chatty file cannot fill the top k (the cap
        gives way, in relevance order, when fewer files than k match)."""
        lam, cap = diversity.mmr_lambda, diversity.per_file_cap
        chosen: list[int] = []
        per_file: dict[str, int] = {}
        remaining = list(range(len(hits)))
        while remaining and len(chosen) < k:
            best, best_score = None, -math.inf
            for i in remaining:
                if per_file.get(hits[i].path, 0) >= cap:
                    continue
                redundancy = max((float(vecs[i] @ vecs[j]) for j in chosen), default=0.0)
                if redundancy > 0.97:
                    continue
                score = lam * relevance[i] - (1 - lam) * redundancy
                if score > best_score:
                    best, best_score = i, score
            if best is None:
                break
            chosen.append(best)
            per_file[hits[best].path] = per_file.get(hits[best].path, 0) + 1
            remaining.remove(best)
        if len(chosen) < k:
            extra = [i for i in sorted(remaining, key=lambda i: -relevance[i]) if i not in chosen]
            chosen += extra[: k - len(chosen)]
        return [hits[i] for i in sorted(chosen, key=lambda i: -relevance[i])]
