"""Indicators against small hand-computed examples, and the properties the method promises on the real data."""

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, PROJECT

from dtbook import load_dataset
from dtbook.indicators import (
    PUBLISHED,
    Design,
    Scenario,
    Settings,
    cell_scores,
    composite,
    compute_indicators,
    cronbach_alpha,
    design_of,
    pairwise,
    rank_desc,
    rank_rows,
    recommendations,
    simulate,
    tiers,
)
from dtbook.labels import RecommendationKind

pytestmark = pytest.mark.unit

DESIGN = Design(["a", "b"], ["x", "y", "z"], ["g1", "g1", "g2"], np.array([1.0, 1.0, 2.0]))


def items(rows):
    return pd.DataFrame(rows, columns=["evidence_id", "base_id", "element_id", "strength"])


ITEMS = items([("a1", "a", "x", 1), ("a2", "a", "x", 3), ("a3", "a", "y", 2), ("b1", "b", "z", 1), ("b2", "b", "z", 2)])


def test_an_element_scores_its_strongest_item_and_missing_stays_missing():
    scores = cell_scores(ITEMS, DESIGN, PUBLISHED)
    assert scores[0, 0] == 100.0  # strongest of 1 and 3 → level 3
    assert scores[0, 1] == pytest.approx(200 / 3)  # level 2
    assert math.isnan(scores[0, 2]) and math.isnan(scores[1, 0])  # no evidence: missing, not zero
    assert scores[1, 2] == pytest.approx(200 / 3)  # strongest of 1 and 2


def test_the_sum_rule_saturates():
    scores = cell_scores(ITEMS, DESIGN, Scenario(scoring="sum", saturation=3))
    assert scores[0, 0] == 100.0 and scores[1, 2] == 100.0  # 1+3 and 1+2 reach 3
    assert scores[0, 1] == pytest.approx(200 / 3)  # 2 of 3


def test_composite_under_each_missing_rule_and_aggregation():
    scores = np.array([[90.0, np.nan, 30.0], [np.nan, 60.0, 0.0]])
    zero = composite(scores, DESIGN, PUBLISHED)
    assert zero.tolist() == pytest.approx([(90 + 0 + 2 * 30) / 4, (0 + 60 + 0) / 4])  # 37.5, 15
    skip = composite(scores, DESIGN, Scenario(missing="skip"))
    assert skip.tolist() == pytest.approx([(90 + 60) / 3, 60 / 3])  # weights 1 and 2 of what is there
    mean = composite(scores, DESIGN, Scenario(missing="mean"))  # x's mean 90, y's mean 60
    assert mean.tolist() == pytest.approx([(90 + 60 + 60) / 4, (90 + 60 + 0) / 4])
    low = composite(scores, DESIGN, Scenario(missing="min"))  # x's min 90, y's min 60: one value each
    assert low.tolist() == pytest.approx(mean.tolist())
    group = composite(scores, DESIGN, Scenario(aggregation="group"))  # g1 = mean(x, y), g2 = z, then the mean
    assert group.tolist() == pytest.approx([((90 + 0) / 2 + 30) / 2, ((0 + 60) / 2 + 0) / 2])
    geometric = composite(
        np.array([[100.0, 100.0, 1.0], [10.0, 10.0, 10.0]]), DESIGN, Scenario(aggregation="geometric")
    )
    assert geometric.tolist() == pytest.approx([math.exp((2 * math.log(100) + 2 * math.log(1)) / 4), 10.0])


def test_ties_share_the_better_rank_and_missing_ranks_last():
    assert list(rank_desc(pd.Series([80.0, 80.0, np.nan, 50.0]))) == [1, 1, 4, 3]
    assert rank_rows(np.array([[80.0, 80.0, np.nan, 50.0]])).tolist() == [[1, 1, 4, 3]]


def test_pairwise_shares_count_ties_as_half():
    ranks = np.array([[1, 2, 3], [2, 1, 3], [1, 1, 3], [1, 3, 2]])
    pairs = pairwise(ranks, ["a", "b", "c"]).set_index(["base_id", "other_id"])["p_above"]
    assert pairs[("a", "b")] == pytest.approx((1 + 0 + 0.5 + 1) / 4)
    assert pairs[("b", "a")] == pytest.approx(1 - pairs[("a", "b")])
    assert pairs[("c", "b")] == pytest.approx(1 / 4)


def test_a_tier_opens_only_when_its_leader_is_clearly_ahead():
    shares = {("a", "b"): 0.6, ("a", "c"): 0.85, ("c", "d"): 0.7, ("a", "d"): 0.95, ("b", "c"): 0.8}
    pairs = pd.DataFrame([{"base_id": k[0], "other_id": k[1], "p_above": v} for k, v in shares.items()])
    assert tiers(["a", "b", "c", "d"], pairs, 0.8) == {"a": 1, "b": 1, "c": 2, "d": 2}
    assert tiers(["a", "b", "c", "d"], pairs, 0.9) == {"a": 1, "b": 1, "c": 1, "d": 2}


def test_cronbach_alpha_by_hand():
    # two identical items: α = 2/1 · (1 − 2v / 4v) = 1; two uncorrelated items with equal variance: 0
    assert cronbach_alpha(np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])) == pytest.approx(1.0)
    assert cronbach_alpha(np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])) == pytest.approx(0.0)


def test_adding_evidence_never_lowers_a_composite_on_the_real_data():
    """Monotonicity, over every base and every element: one more item of any strength never lowers the
    base's published composite, and one in an empty cell raises it."""
    ds = load_dataset(DATA)
    design = design_of(ds)
    evidence = ds.evidence[["evidence_id", "base_id", "element_id", "strength"]]
    before = composite(cell_scores(evidence, design, PUBLISHED), design, PUBLISHED)
    empty = cell_scores(evidence, design, PUBLISHED)
    checked = 0
    for i, base_id in enumerate(design.base_ids):
        for j, element_id in enumerate(design.element_ids):
            for strength in (1, 2, 3):
                more = pd.concat([evidence, items([("new", base_id, element_id, strength)])], ignore_index=True)
                after = composite(cell_scores(more, design, PUBLISHED), design, PUBLISHED)
                assert after[i] >= before[i], (base_id, element_id, strength)
                if np.isnan(empty[i, j]):
                    assert after[i] > before[i], (base_id, element_id)
                    checked += 1
                others = np.arange(len(design.base_ids)) != i
                assert np.allclose(after[others], before[others])
    assert checked == 3 * int(np.isnan(empty).sum()) > 0


def test_recommendations_name_the_base_own_evidence_or_its_absence():
    scores = pd.DataFrame(
        {
            "base_id": ["a", "a", "b", "b"],
            "element_id": ["x", "y"] * 2,
            "level": [0, 1, 2, 0],
            "weight": [1.0, 1.0] * 2,
            "order": [0, 1] * 2,
        }
    )
    evidence = pd.DataFrame(
        {
            "evidence_id": ["a1", "b1"],
            "base_id": ["a", "b"],
            "element_id": ["y", "x"],
            "strength": [1, 2],
            "quote": ["将建设甲平台", "已建成乙平台"],
        }
    )
    actions = pd.DataFrame(
        {"element_id": ["x", "x", "y"], "order": [2, 1, 1], "action": ["第二步。", "第一步。", "核实"]}
    )
    elements = pd.DataFrame({"element_id": ["x", "y"], "name": ["甲要素", "乙要素"]})
    recs = recommendations(scores, evidence, actions, elements, {"a": "甲基地", "b": "乙基地"}, limit=4, actions_each=2)
    a = recs[recs["base_id"] == "a"].reset_index(drop=True)
    assert list(a["element_id"]) == ["x", "y"]  # no evidence first, then a stated direction
    assert a.loc[0, "kind"] == RecommendationKind.MISSING.key and "甲基地" in a.loc[0, "trigger"]
    assert a.loc[0, "actions"] == "第一步；第二步"  # in report order, no doubled stops
    assert a.loc[1, "kind"] == RecommendationKind.DIRECTION.key and "将建设甲平台" in a.loc[1, "trigger"]
    b = recs[recs["base_id"] == "b"]
    assert list(b["element_id"]) == ["y"]  # level 2 on x: nothing to recommend there


def test_settings_read_from_table():
    table = pd.read_csv(DATA / "indicator_settings.csv")
    settings = Settings.from_table(table)
    assert isinstance(settings.uncertainty_draws, int) and isinstance(settings.noise_shift, float)
    assert settings.uncertainty_draws == int(table.set_index("key").at["uncertainty_draws", "value"])


def test_simulation_is_repeatable_and_bands_hold_every_scenario_rank():
    ds = load_dataset(DATA)
    design = design_of(ds)
    settings = Settings.from_table(ds.indicator_settings)
    settings = type(settings)(**{**settings.__dict__, "uncertainty_draws": 200})
    evidence = ds.evidence[["evidence_id", "base_id", "element_id", "strength"]]
    first, second = simulate(evidence, design, settings), simulate(evidence, design, settings)
    assert (first == second).all() and first.shape == (200, len(design.base_ids))
    assert first.min() >= 1 and first.max() <= len(design.base_ids)


def test_published_indicators_keep_their_contract_on_the_real_data():
    ind = compute_indicators(load_dataset(DATA))
    ranking = ind.ranking
    assert ranking["rank"].tolist() == rank_desc(ranking["composite"]).tolist()
    assert (ranking["rank_p05"] <= ranking["rank_median"]).all() and (
        ranking["rank_median"] <= ranking["rank_p95"]
    ).all()
    tier_of = ranking.set_index("base_id")["tier"]
    first = ranking.sort_values(["rank_median", "composite"], ascending=[True, False])["base_id"].iloc[0]
    assert tier_of[first] == 1
    pairs = ind.pairwise.set_index(["base_id", "other_id"])["p_above"]
    for (a, b), p in pairs.items():
        assert p + pairs[(b, a)] == pytest.approx(1.0)


def test_indicators_command_prints_every_table_for_a_data_folder():
    printed = subprocess.run(
        [sys.executable, "-m", "dtbook.indicators", "--data", str(DATA), "--format", "json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tables = json.loads(printed)
    assert {"scores", "ranking", "pairwise", "recommendations", "coherence", "settings"} <= set(tables)
    ranking = pd.DataFrame(tables["ranking"])
    bases = pd.read_csv(DATA / "bases.csv")
    assert sorted(ranking["base_id"]) == sorted(bases["base_id"])
    by_composite = ranking.sort_values("composite", ascending=False)["rank"].tolist()
    assert by_composite == sorted(by_composite) and by_composite[0] == 1  # 1 = highest composite
    assert set(ranking["tier"]) == set(range(1, ranking["tier"].max() + 1))
    csv_out = subprocess.run(
        [sys.executable, "-m", "dtbook.indicators", "--data", str(DATA)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "# ranking\n" in csv_out and "# recommendations\n" in csv_out
