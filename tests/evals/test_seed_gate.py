"""CI gate: the full seed suite with the extractive backend must meet evals/thresholds.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.runner import EvalOptions, run


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_seed_suite_meets_thresholds(tmp_path: Path, embedder):
    options = EvalOptions(
        suite="seed", backend="extractive", out=tmp_path / "seed", cache=tmp_path / "cache", quiet=True
    )
    result = run(options, embedder=embedder)
    assert result.summary.items >= 60 and result.summary.overall["errors"] == 0
    assert result.checks, "no thresholds for the seed suite in evals/thresholds.toml"
    failed = [c.describe() for c in result.failed_checks]
    assert not failed, "below the gate: " + "; ".join(failed) + f" (report: {result.out_dir / 'report.html'})"
    assert result.exit_code == 0
