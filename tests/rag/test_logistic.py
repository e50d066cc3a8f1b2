"""The fitted logistic models are applied with numpy exactly as the fit scripts wrote them."""

import math

import numpy as np
import pytest

from rag.logistic import Logistic

DATA = {"features": ["a", "b"], "mean": [1.0, 0.0], "scale": [2.0, 1.0], "coef": [0.5, -1.0], "intercept": 0.25}


def test_a_row_is_standardised_then_weighted() -> None:
    model = Logistic.from_json(DATA, ("a", "b"))
    z = ((3.0 - 1.0) / 2.0) * 0.5 + ((1.0 - 0.0) / 1.0) * -1.0 + 0.25
    assert model.probability({"a": 3.0, "b": 1.0}) == pytest.approx(1 / (1 + math.exp(-z)))
    rows = np.array([[3.0, 1.0], [1.0, 0.0]])
    assert model.probabilities(rows) == pytest.approx([1 / (1 + math.exp(-z)), 1 / (1 + math.exp(-0.25))])


def test_a_file_fitted_for_other_features_is_refused() -> None:
    with pytest.raises(ValueError):
        Logistic.from_json(DATA, ("a", "b", "c"))
    with pytest.raises(ValueError):
        Logistic.from_json(DATA, ("b", "a"))  # same names, other order: the weights would be misread
