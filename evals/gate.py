"""Gate thresholds: read evals/thresholds.toml (or a file given with --thresholds or the setting
``eval.thresholds``, env RAG_EVAL_THRESHOLDS) and compare a run's summary with them.

The file has one table per suite, ``[<suite>.min]`` for metrics that must reach a floor and
``[<suite>.max]`` for metrics that must stay under a ceiling; keys are the dotted metric names of
summary.json's ``overall`` block. A backend-specific table (``[<suite>.<backend>.min]``) overrides the
suite's values for that backend.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, computed_field

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"


class Check(BaseModel):
    """One gated metric against its floor (``min``) or ceiling (``max``); a missing value fails."""

    metric: str
    kind: Literal["min", "max"]
    threshold: float
    value: float | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        return self.value >= self.threshold if self.kind == "min" else self.value <= self.threshold

    def describe(self) -> str:
        shown = "missing" if self.value is None else f"{self.value:.3f}"
        op = ">=" if self.kind == "min" else "<="
        return f"{self.metric} = {shown} (needs {op} {self.threshold:g})"


def thresholds_path(explicit: Path | None = None, configured: Path | None = None) -> Path:
    """--thresholds, else ``eval.thresholds`` (RAG_EVAL_THRESHOLDS), else evals/thresholds.toml."""
    return Path(explicit or configured or DEFAULT_THRESHOLDS)


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


def check(overall: Mapping[str, float | None], thresholds: dict[str, dict[str, float]]) -> list[Check]:
    checks = []
    for kind in ("min", "max"):
        for metric, threshold in sorted(thresholds.get(kind, {}).items()):
            value = overall.get(metric)
            checks.append(
                Check(metric=metric, kind=kind, threshold=threshold, value=None if value is None else float(value))
            )
    return checks
