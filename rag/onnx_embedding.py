"""The same sentence-transformers model, run by ONNX Runtime: 1.6x faster on 2 CPU cores, and a
question can be embedded without importing torch (which alone costs seconds at start-up).

The ONNX graph is exported once from the sentence-transformers folder (torch is needed for that
step only), checked against sentence-transformers' own output, and cached. Only models whose
pipeline is Transformer -> mean pooling (-> Normalize) qualify; others stay on torch.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

PARITY_TOLERANCE = 1e-4


def supports(model_dir: Path) -> bool:
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError):
        return False
    return (
        kinds[:2] == ["Transformer", "Pooling"]
        and set(kinds[2:]) <= {"Normalize"}
        and pooling.get("pooling_mode_mean_tokens") is True
        and (model_dir / "tokenizer.json").is_file()
    )


def cache_path(model_dir: Path, cache_dir: Path) -> Path:
    weights = next((p for p in (model_dir / "model.safetensors", model_dir / "pytorch_model.bin") if p.exists()), None)
    stamp = (
        f"{model_dir.resolve()}|{weights.stat().st_size if weights else 0}|{weights.stat().st_mtime if weights else 0}"
    )
    return cache_dir.expanduser() / f"{model_dir.name}-{hashlib.sha1(stamp.encode()).hexdigest()[:12]}.onnx"


def export(model_dir: Path, target: Path) -> None:
    """Export the transformer to ONNX (dynamic batch and length) and keep it only if it matches."""
    import warnings

    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir)).eval()

    class Hidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = tokenizer(
        ["a short sentence", "another, somewhat longer sample sentence"], padding=True, return_tensors="pt"
    )
    names = ["input_ids", "attention_mask", "token_type_ids"]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _export(torch, Hidden(model), sample, names, tmp)
    os.replace(tmp, target)


def _export(torch: Any, module: Any, sample: Any, names: list[str], tmp: Path) -> None:
    torch.onnx.export(
        module,
        tuple(sample[n] for n in names),
        str(tmp),
        input_names=names,
        output_names=["last_hidden_state"],
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
        opset_version=17,
        dynamo=False,
    )


class OnnxEncoder:
    """Tokenise with the model's own tokenizer.json, run the graph, mean-pool, normalise."""

    def __init__(self, model_dir: Path, onnx_file: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        self.max_length = int(config.get("max_seq_length", 256))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        # ONNX Runtime's CPU arena keeps the largest batch's buffers for the life of the session (~480 MB for
        # 32 chunks of 256 tokens): shrinking it after the last batch of each call gives them back, while the
        # batches within a call still reuse them. It changes where memory comes from, not any vector.
        self.release = ort.RunOptions()
        self.release.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts])
        out = np.zeros((len(texts), 0), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), batch_size):
            batch = [texts[i] for i in order[start : start + batch_size]]
            enc = self.tokenizer.encode_batch(batch)
            feed = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
            }
            last = start + batch_size >= len(texts)
            hidden = self.session.run(
                None, {k: v for k, v in feed.items() if k in self.inputs}, self.release if last else None
            )[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
            parts.append(pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None))
        if parts:
            out = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
            out[order] = np.vstack(parts)
        return out
