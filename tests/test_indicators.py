"""Indicators against small hand-computed examples."""

import math

import numpy as np
import pandas as pd
import pytest

from dtbook.indicators import (
    COVERAGE_COMPONENT,
    Settings,
    component_matrix,
    element_scores,
    rank_desc,
    recommendations,
    robustness,
    taxonomy_coverage,
    weighted_composite,
)
from dtbook.labels import EvidenceStatus, RecommendationKind

pytestmark = pytest.mark.unit


def evidence(rows):
    return pd.DataFrame(rows, columns=["evidence_id", "base_id", "element_id", "strength"])


def test_element_score_saturates_and_missing_stays_missing():
    ev = evidence(
        [
            ("a1", "a", "x", 3),
            ("a2", "a", "x", 2),
            ("a3", "a", "x", 2),
            ("a4", "a", "y", 1),
            ("b1", "b", "y", 2),
            ("b2", "b", "y", 1),
        ]
    )
    scores = element_scores(ev, ["a", "b"], ["x", "y"], saturation=6, thin_items=2).set_index(["base_id", "element_id"])
    assert scores.loc[("a", "x"), "score"] == 100.0  # 3+2+2 = 7, capped at 6 -> 100
    assert scores.loc[("a", "y"), "score"] == pytest.approx(100 / 6)  # 1 of 6
    assert scores.loc[("b", "y"), "score"] == pytest.approx(50.0)  # 2+1 = 3 of 6
    assert math.isnan(scores.loc[("b", "x"), "score"])  # no evidence: missing, not zero
    assert scores.loc[("b", "x"), "status"] == EvidenceStatus.NONE.key
    assert scores.loc[("a", "y"), "status"] == EvidenceStatus.THIN.key  # 1 item < 2
    assert scores.loc[("a", "x"), "status"] == EvidenceStatus.OK.key
    assert scores.loc[("b", "x"), "items"] == 0


def test_taxonomy_coverage_counts_level_two_branches():
    taxonomy = pd.DataFrame(
        {
            "node_id": ["T1", "T1.1", "T1.1.1", "T1.1.1.1", "T1.2", "T2", "T2.1"],
            "parent_id": [None, "T1", "T1.1", "T1.1.1", "T1", None, "T2"],
            "level": [1, 2, 3, 4, 2, 1, 2],
            "name": ["甲", "甲一", "甲一一", "甲一一一", "甲二", "乙", "乙一"],
            "short_name": ["甲", None, None, None, None, "乙", None],
        }
    )
    focus = pd.DataFrame(
        {"base_id": ["a", "a", "b", "c"], "taxonomy_ids": [["T1.1.1.1"], ["T1.1", "T2.1"], [], ["T1"]]}
    )
    cov = taxonomy_coverage(focus, taxonomy, ["a", "b", "c"]).set_index(["base_id", "class_id"])
    assert cov.loc[("a", "T1"), "coverage"] == 0.5  # T1.1 reached twice, T1.2 not: 1 of 2
    assert cov.loc[("a", "T2"), "coverage"] == 1.0
    assert cov.loc[("b", "T1"), "coverage"] == 0.0
    assert (cov.loc[("a", "T1"), "covered"], cov.loc[("a", "T1"), "total"]) == (1, 2)
    assert cov.loc[("c", "T1"), "coverage"] == 0.5  # a whole-class mapping reaches one of two
    assert cov.loc[("c", "T2"), "coverage"] == 0.0


def test_composite_averages_only_components_with_evidence():
    matrix = pd.DataFrame({"x": [50.0, 100.0], "y": [np.nan, 0.0]}, index=["a", "b"])
    composite, share = weighted_composite(matrix, pd.Series({"x": 1.0, "y": 3.0}))
    assert composite["a"] == 50.0 and share["a"] == 0.25  # only x counts for a
    assert composite["b"] == 25.0 and share["b"] == 1.0  # (100*1 + 0*3) / 4


def test_weights_from_data_change_the_result_as_they_should():
    matrix = pd.DataFrame({"x": [90.0, 10.0], "y": [10.0, 90.0]}, index=["a", "b"])
    heavy_x, _ = weighted_composite(matrix, pd.Series({"x": 3.0, "y": 1.0}))
    heavy_y, _ = weighted_composite(matrix, pd.Series({"x": 1.0, "y": 3.0}))
    assert heavy_x["a"] == 70.0 and heavy_x["b"] == 30.0  # (90*3+10)/4, (10*3+90)/4
    assert list(rank_desc(heavy_x)) == [1, 2] and list(rank_desc(heavy_y)) == [2, 1]


def test_component_matrix_adds_coverage_as_percent():
    scores = pd.DataFrame({"base_id": ["a", "a"], "element_id": ["x", "y"], "score": [40.0, np.nan]})
    coverage = pd.DataFrame({"base_id": ["a", "a"], "coverage": [0.5, 0.0]})
    matrix = component_matrix(scores, coverage, ["x", "y", COVERAGE_COMPONENT])
    assert matrix.loc["a", COVERAGE_COMPONENT] == 25.0
    assert math.isnan(matrix.loc["a", "y"])


def test_ties_share_the_better_rank_and_missing_ranks_last():
    assert list(rank_desc(pd.Series([80.0, 80.0, np.nan, 50.0]))) == [1, 1, 4, 3]


def test_robustness_is_repeatable_and_dominance_is_stable():
    matrix = pd.DataFrame(
        {"x": [90.0, 50.0, 48.0], "y": [95.0, 40.0, 45.0], "z": [99.0, 60.0, 58.0]}, index=["top", "mid1", "mid2"]
    )
    weights = pd.Series({"x": 1.0, "y": 1.0, "z": 1.0})
    first = robustness(matrix, weights, draws=500, seed=7)
    second = robustness(matrix, weights, draws=500, seed=7)
    pd.testing.assert_frame_equal(first, second)
    top = first.set_index("base_id").loc["top"]
    assert (top["rank_p05"], top["rank_p95"], top["rank_loo_best"], top["rank_loo_worst"]) == (1, 1, 1, 1)
    assert top["rank_missing_zero"] == 1
    mids = first.set_index("base_id").loc[["mid1", "mid2"]]
    assert set(mids["rank_p05"]) == {2} and set(mids["rank_p95"]) == {3}  # close pair: order flips with weights


def test_missing_evidence_counted_as_zero_is_the_pessimistic_rank():
    matrix = pd.DataFrame({"x": [80.0, 60.0], "y": [np.nan, 50.0]}, index=["silent", "weak"])
    ranks = robustness(matrix, pd.Series({"x": 1.0, "y": 1.0}), draws=50, seed=1).set_index("base_id")
    assert ranks.loc["silent", "rank_median"] == 1  # 80 over its one component vs 55
    assert ranks.loc["silent", "rank_missing_zero"] == 2  # 40 vs 55 when silence counts as zero


def test_recommendations_follow_weak_and_missing_elements():
    scores = pd.DataFrame(
        {
            "base_id": ["a", "a", "b", "b", "c", "c"],
            "element_id": ["x", "y"] * 3,
            "score": [20.0, np.nan, 80.0, 60.0, 80.0, 60.0],
        }
    )
    elements = pd.DataFrame({"element_id": ["x", "y"], "name": ["甲要素", "乙要素"]})
    actions = pd.DataFrame(
        {
            "element_id": ["x", "x", "x", "y"],
            "order": [2, 1, 3, 1],
            "action": ["第二步。", "第一步。", "第三步", "核实"],
        }
    )
    recs = recommendations(scores, actions, elements, weak_gap=10, limit=4, actions_each=2)
    a = recs[recs["base_id"] == "a"].reset_index(drop=True)
    assert list(a["element_id"]) == ["x", "y"]
    assert (
        a.loc[0, "kind"] == RecommendationKind.WEAK.key and "20" in a.loc[0, "trigger"] and "60" in a.loc[0, "trigger"]
    )  # mean 60
    assert a.loc[0, "actions"] == "第一步；第二步"  # in report order, first two, no doubled stops
    assert a.loc[1, "kind"] == RecommendationKind.MISSING.key
    assert recs[recs["base_id"] == "b"].empty  # 80 is above the mean
    assert len(recommendations(scores, actions, elements, weak_gap=10, limit=1).query("base_id == 'a'")) == 1


def test_settings_read_from_table():
    table = pd.DataFrame(
        {
            "key": [
                "saturation",
                "thin_evidence_items",
                "min_element_coverage",
                "robustness_draws",
                "robustness_seed",
                "weak_gap",
                "max_recommendations",
                "actions_per_recommendation",
            ],
            "value": [6, 2, 0.6, 100, 1, 10, 3, 2],
        }
    )
    settings = Settings.from_table(table)
    assert settings.saturation == 6.0 and settings.robustness_draws == 100 and settings.max_recommendations == 3


def test_indicators_command_prints_every_table_for_a_data_folder():
    import json
    import subprocess
    import sys

    from conftest import DATA, PROJECT

    printed = subprocess.run(
        [sys.executable, "-m", "dtbook.indicators", "--data", str(DATA), "--format", "json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tables = json.loads(printed)
    assert set(tables) == {"scores", "coverage", "ranking", "recommendations", "element_means", "settings"}
    ranking = pd.DataFrame(tables["ranking"])
    bases = pd.read_csv(DATA / "bases.csv")
    assert sorted(ranking["base_id"]) == sorted(bases["base_id"])
    by_composite = ranking.sort_values("composite", ascending=False)["rank"].tolist()
    assert by_composite == sorted(by_composite) and by_composite[0] == 1  # 1 = highest composite
    scores = pd.DataFrame(tables["scores"])
    assert len(scores) == len(bases) * len(pd.read_csv(DATA / "framework_elements.csv"))
    csv_out = subprocess.run(
        [sys.executable, "-m", "dtbook.indicators", "--data", str(DATA)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "# ranking\n" in csv_out and "# recommendations\n" in csv_out
