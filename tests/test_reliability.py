"""Krippendorff's alpha against values worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from dtbook.reliability import disagreements, krippendorff_alpha_interval, reliability

pytestmark = pytest.mark.unit


def test_alpha_is_one_for_perfect_agreement_and_nan_without_variation():
    assert krippendorff_alpha_interval(np.array([[0, 0], [1, 1], [3, 3]])) == 1.0
    assert math.isnan(krippendorff_alpha_interval(np.array([[2, 2], [2, 2]])))


def test_alpha_interval_by_hand():
    # units (1,2), (2,2), (3,3): pooled values 1,2,2,2,3,3 (n = 6).
    # D_o = [2·(1−2)² + 0 + 0] / 6 = 1/3.
    # D_e: sum over ordered pairs i≠j of (v_i − v_j)²: 1 vs 2 (3 twos) → 3·1, 1 vs 3 (2 threes) → 2·4,
    #      2 vs 3 → 3·2·1; unordered total 3 + 8 + 6 = 17, ordered 34; / (6·5) = 34/30.
    # α = 1 − (1/3) / (34/30) = 1 − 10/34 = 12/17.
    assert krippendorff_alpha_interval(np.array([[1, 2], [2, 2], [3, 3]])) == pytest.approx(12 / 17)


def test_systematic_disagreement_gives_negative_alpha():
    # each unit split 0/1: observed disagreement larger than chance → α below zero
    assert krippendorff_alpha_interval(np.array([[0, 1], [1, 0], [0, 1], [1, 0]])) < 0


def test_reliability_compares_levels_per_element_and_overall():
    first = pd.DataFrame(
        {"base_id": ["a", "a", "b", "c"], "element_id": ["x", "x", "x", "y"], "strength": [1, 3, 2, 1]}
    )
    second = pd.DataFrame({"base_id": ["a", "b", "c"], "element_id": ["x", "x", "y"], "strength": [3, 1, 1]})
    table = reliability(first, second, ["a", "b", "c"], ["x", "y"]).set_index("element_id")
    # levels, first vs second: x: a 3/3, b 2/1, c 0/0; y: a 0/0, b 0/0, c 1/1
    assert table.loc["x", "agreement"] == pytest.approx(2 / 3) and table.loc["y", "agreement"] == 1.0
    assert table.loc["y", "alpha"] == 1.0 and table.loc["all", "units"] == 6
    log = disagreements(first, second, ["a", "b", "c"], ["x", "y"])
    assert log[["base_id", "element_id", "level_first", "level_second"]].values.tolist() == [["b", "x", 2, 1]]
