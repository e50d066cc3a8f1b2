"""Fitting the standardised logistic models that ``rag.logistic.Logistic`` applies at run time.

scikit-learn (a dev dependency) standardises the features and fits an L2-regularised logistic regression;
``weights`` writes the result in the JSON shape ``Logistic.from_json`` reads. Shared by the fit scripts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

C = 1.0  # inverse L2 strength; the default of scikit-learn, not tuned


def fit_logistic(x: np.ndarray, y: np.ndarray, balanced: bool = False) -> tuple[Any, Any]:
    """(scaler, model); a constant feature keeps scale 1 so standardising never divides by zero."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scaler.scale_[scaler.scale_ == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced" if balanced else None)
    model.fit(scaler.transform(x), y)
    return scaler, model


def predict_logistic(fitted: tuple[Any, Any], x: np.ndarray) -> np.ndarray:
    scaler, model = fitted
    return model.predict_proba(scaler.transform(x))[:, 1]


def logistic_weights(features: Sequence[str], fitted: tuple[Any, Any]) -> dict[str, Any]:
    """A fitted (scaler, logistic model) as the JSON the run time applies with numpy."""
    scaler, model = fitted
    return {
        "features": list(features),
        "mean": scaler.mean_.round(6).tolist(),
        "scale": scaler.scale_.round(6).tolist(),
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
    }
