"""A standardised logistic model fitted offline (scikit-learn, in ``bench/``) and applied here with numpy.

The fit scripts write ``{"features", "mean", "scale", "coef", "intercept"}``; run time standardises a row of
feature values, takes the dot product and the sigmoid. A file fitted for other features is refused, so a
feature change cannot silently mis-align weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Logistic:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_json(cls, data: Mapping[str, Any], features: tuple[str, ...]) -> Logistic:
        """The model in ``data``; ValueError when it was fitted for other ``features``."""
        if tuple(data["features"]) != features:
            raise ValueError("fitted for other features")
        arr = np.asarray
        return cls(features, arr(data["mean"]), arr(data["scale"]), arr(data["coef"]), float(data["intercept"]))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """One probability per row of feature values (in ``features`` order)."""
        return 1.0 / (1.0 + np.exp(-(((rows - self.mean) / self.scale) @ self.coef + self.intercept)))

    def probability(self, values: Mapping[str, float]) -> float:
        return float(self.probabilities(np.array([[values[f] for f in self.features]], dtype=float))[0])
