"""Speed and fidelity of the embedding paths considered for bulk indexing, on 384 RealTime QA chunks.

Prints chunks/s for ONNX fp32 (the query path), ONNX int8 dynamic quantisation, torch fp32, torch bf16 autocast
(the bulk path) and a fully bf16 torch model, each with its min/mean cosine to ONNX fp32.
Run: .venv/bin/python bench/embedding_precision_bench.py   (needs ../shared/benchmarks/realtimeqa-news)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import machine  # noqa: E402
from evals.dataset import REALTIMEQA_DIR  # noqa: E402
from rag import onnx_embedding  # noqa: E402
from rag.embeddings import get_embedder  # noqa: E402
from rag.settings import Settings  # noqa: E402


def chunk_texts(n: int = 384) -> list[str]:
    """180-word windows (the indexer's chunk size) of the benchmark's articles."""
    texts: list[str] = []
    with (REALTIMEQA_DIR / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            words = json.loads(line)["body"].split()
            texts += [" ".join(words[i : i + 180]) for i in range(0, len(words) - 150, 150)]
            if len(texts) >= n:
                return texts[:n]
    return texts


def measure(name: str, fn: Callable[[list[str]], np.ndarray], texts: list[str], ref: np.ndarray | None) -> np.ndarray:
    fn(texts[:32])
    start = time.perf_counter()
    vectors = np.asarray(fn(texts), dtype=np.float32)
    rate = len(texts) / (time.perf_counter() - start)
    line = f"{name}: {rate:.1f} chunks/s"
    if ref is not None:
        cos = (vectors * ref).sum(axis=1)
        line += f", cosine to ONNX fp32 min {cos.min():.5f} mean {cos.mean():.5f}"
    print(line, flush=True)
    return vectors


def main() -> int:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    print(machine().line(), flush=True)
    texts = chunk_texts()
    embedder = get_embedder(Settings().embedding)
    encoder = embedder.encoder()
    ref = measure("ONNX fp32", lambda t: encoder.encode(t, 32), texts, None)
    with tempfile.TemporaryDirectory() as tmp:
        int8 = Path(tmp) / "int8.onnx"
        source = onnx_embedding.cache_path(embedder.path, embedder.settings.cache_dir)
        quantize_dynamic(
            str(source), str(int8), per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"]
        )
        quantised = onnx_embedding.OnnxEncoder(embedder.path, int8)
        measure("ONNX int8 (dynamic, per channel)", lambda t: quantised.encode(t, 32), texts, ref)
    measure("torch fp32", lambda t: embedder._torch_embed(t), texts, ref)
    measure("torch bf16 autocast (bulk path)", lambda t: embedder._torch_embed(t, bf16=True), texts, ref)
    model = embedder.model.to(torch.bfloat16)
    measure(
        "torch, whole model in bf16",
        lambda t: model.encode(t, batch_size=32, normalize_embeddings=True, convert_to_tensor=True).float().numpy(),
        texts,
        ref,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
