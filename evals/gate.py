"""Gate thresholds: read evals/thresholds.toml (or a file given with --thresholds / RAG_EVAL_THRESHOLDS)
and compare a run's summary with them.

The file has one table per suite, ``[<suite>.min]`` for metrics that must reach a floor and
``[<suite>.max]`` for metrics that must stay under a ceiling; keys are the dotted metric names of
summary.json's ``overall`` block. A backend-specific table (``[<suite>.<backend>.min]``) overrides the
suite's values for that backend.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
ENV_VAR = "RAG_EVAL_THRESHOLDS"


@dataclass
class Check:
    metric: str
    kind: str  # "min" or "max"
    threshold: float
    value: float | None

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        return self.value >= self.threshold if self.kind == "min" else self.value <= self.threshold

    def describe(self) -> str:
        shown = "missing" if self.value is None else f"{self.value:.3f}"
        op = ">=" if self.kind == "min" else "<="
        return f"{self.metric} = {shown} (needs {op} {self.threshold:g})"

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "kind": self.kind,
            "threshold": self.threshold,
            "value": self.value,
            "passed": self.passed,
        }


def thresholds_path(explicit: Path | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_THRESHOLDS


def load_thresholds(path: Path, suite: str, backend: str) -> dict[str, dict[str, float]]:
    """{"min": {metric: value}, "max": {...}} for this suite and backend; empty when the file has none."""
    if not path.is_file():
        raise FileNotFoundError(f"thresholds file not found: {path}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table = data.get(suite, {})
    out: dict[str, dict[str, float]] = {"min": {}, "max": {}}
    for kind in ("min", "max"):
        out[kind].update({k: float(v) for k, v in table.get(kind, {}).items()})
        out[kind].update({k: float(v) for k, v in table.get(backend, {}).get(kind, {}).items()})
    return out


def check(overall: dict[str, Any], thresholds: dict[str, dict[str, float]]) -> list[Check]:
    checks = []
    for kind in ("min", "max"):
        for metric, threshold in sorted(thresholds.get(kind, {}).items()):
            value = overall.get(metric)
            checks.append(Check(metric, kind, threshold, None if value is None else float(value)))
    return checks
