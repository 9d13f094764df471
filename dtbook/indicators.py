"""The indicator system: element scores from coded evidence, taxonomy coverage, a composite
index with weights from data, its robustness to those weights, and recommendations.

Missing evidence stays missing (NaN), never zero: the report saying nothing about a base
is not the same as the base being weak. The methodology chapter states every formula here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .load import Dataset

COVERAGE_COMPONENT = "taxonomy_coverage"
STATUS_NONE, STATUS_THIN, STATUS_OK = "无证据", "证据单薄", "有证据"
COMPOSITE_OK, COMPOSITE_THIN = "证据覆盖较全", "证据覆盖不足"


@dataclass(frozen=True)
class Settings:
    saturation: float
    thin_evidence_items: int
    min_element_coverage: float
    robustness_draws: int
    robustness_seed: int
    weak_gap: float
    max_recommendations: int
    actions_per_recommendation: int

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> "Settings":
        values = dict(zip(table["key"], table["value"]))
        return cls(
            saturation=float(values["saturation"]),
            thin_evidence_items=int(values["thin_evidence_items"]),
            min_element_coverage=float(values["min_element_coverage"]),
            robustness_draws=int(values["robustness_draws"]),
            robustness_seed=int(values["robustness_seed"]),
            weak_gap=float(values["weak_gap"]),
            max_recommendations=int(values["max_recommendations"]),
            actions_per_recommendation=int(values["actions_per_recommendation"]),
        )


def element_scores(evidence: pd.DataFrame, base_ids: list[str], element_ids: list[str],
                   saturation: float, thin_items: int) -> pd.DataFrame:
    """Score 0–100 per base and element: 100 × min(sum of strengths, saturation) / saturation."""
    grouped = evidence.groupby(["base_id", "element_id"]).agg(items=("evidence_id", "count"),
                                                              strength_sum=("strength", "sum"))
    grid = pd.MultiIndex.from_product([base_ids, element_ids], names=["base_id", "element_id"])
    frame = grouped.reindex(grid).reset_index()
    frame["items"] = frame["items"].fillna(0).astype(int)
    frame["strength_sum"] = frame["strength_sum"].astype("float64")
    frame["score"] = 100.0 * frame["strength_sum"].clip(upper=saturation) / saturation
    frame["status"] = np.select([frame["items"] == 0, frame["items"] < thin_items], [STATUS_NONE, STATUS_THIN], STATUS_OK)
    return frame


def taxonomy_coverage(focus: pd.DataFrame, taxonomy: pd.DataFrame, base_ids: list[str]) -> pd.DataFrame:
    """For each base and top-level class of Table 1: share of its level-2 subclasses the base's industries reach.

    An industry mapped to a whole top-level class (a broad term such as 数字内容) reaches one subclass of it."""
    parent = dict(zip(taxonomy["node_id"], taxonomy["parent_id"]))
    level = dict(zip(taxonomy["node_id"], taxonomy["level"]))

    def ancestor_at(node: str, wanted: int) -> str | None:
        while node is not None and node is not pd.NA and level[node] > wanted:
            node = parent[node]
        return node if node is not None and node is not pd.NA and level[node] == wanted else None

    classes = taxonomy[taxonomy["level"] == 1]
    subclasses = taxonomy[taxonomy["level"] == 2].groupby("parent_id")["node_id"].apply(set).to_dict()
    rows = []
    for base_id in base_ids:
        nodes = [n for ids in focus.loc[focus["base_id"] == base_id, "taxonomy_ids"] for n in ids]
        reached = {ancestor_at(n, 2) for n in nodes} - {None}
        whole_class = {n for n in nodes if level[n] == 1}
        for class_id, class_name in zip(classes["node_id"], classes["short_name"].fillna(classes["name"])):
            members = subclasses.get(class_id, set())
            covered = max(len(members & reached), int(class_id in whole_class and bool(members)))
            rows.append({"base_id": base_id, "class_id": class_id, "class_name": class_name,
                         "covered": covered, "total": len(members),
                         "coverage": covered / len(members) if members else np.nan})
    return pd.DataFrame(rows)


def component_matrix(scores: pd.DataFrame, coverage: pd.DataFrame, components: list[str]) -> pd.DataFrame:
    """Bases × components (framework elements and taxonomy coverage), 0–100, NaN where no evidence."""
    matrix = scores.pivot(index="base_id", columns="element_id", values="score")
    matrix[COVERAGE_COMPONENT] = 100.0 * coverage.groupby("base_id")["coverage"].mean()
    order = list(dict.fromkeys(scores["base_id"]))
    return matrix.loc[order, components]


def weighted_composite(matrix: pd.DataFrame, weights: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Weighted mean over the components a base has evidence for, and the weight share behind it."""
    weights = weights.reindex(matrix.columns).astype(float)
    available = matrix.notna()
    used = available.mul(weights, axis=1).sum(axis=1)
    total = matrix.fillna(0).mul(weights, axis=1).sum(axis=1)
    composite = (total / used.replace(0, np.nan)).astype(float)
    return composite, used / weights.sum()


def rank_desc(values: pd.Series) -> pd.Series:
    """Rank 1 = highest; ties share the better rank; bases without a score rank last."""
    return values.rank(ascending=False, method="min", na_option="bottom").astype(int)


def robustness(matrix: pd.DataFrame, weights: pd.Series, draws: int, seed: int) -> pd.DataFrame:
    """Rank ranges when every weight is multiplied by an independent factor drawn uniformly from [0, 2],
    the best and worst rank when any one component is left out, and the rank if missing evidence
    counted as zero (the pessimistic reading of the report's silence)."""
    weights = weights.reindex(matrix.columns).astype(float).to_numpy()
    values = matrix.to_numpy(dtype=float)
    available = ~np.isnan(values)
    filled = np.nan_to_num(values)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(0.0, 2.0, size=(draws, len(weights)))
    drawn = factors * weights
    totals = drawn @ filled.T
    used = drawn @ available.T
    composites = np.divide(totals, used, out=np.full_like(totals, np.nan), where=used > 0)
    ranks = pd.DataFrame(composites, columns=matrix.index).apply(rank_desc, axis=1).to_numpy()
    leave_out = []
    for position in range(len(weights)):
        kept = weights.copy()
        kept[position] = 0.0
        composite, _ = weighted_composite(matrix, pd.Series(kept, index=matrix.columns))
        leave_out.append(rank_desc(composite).to_numpy())
    leave_out = np.array(leave_out)
    missing_as_zero, _ = weighted_composite(matrix.fillna(0.0), pd.Series(weights, index=matrix.columns))
    return pd.DataFrame({
        "base_id": matrix.index,
        "rank_p05": np.percentile(ranks, 5, axis=0, method="lower").astype(int),
        "rank_median": np.percentile(ranks, 50, axis=0, method="lower").astype(int),
        "rank_p95": np.percentile(ranks, 95, axis=0, method="higher").astype(int),
        "rank_loo_best": leave_out.min(axis=0),
        "rank_loo_worst": leave_out.max(axis=0),
        "rank_missing_zero": rank_desc(missing_as_zero).to_numpy(),
    })


def recommendations(scores: pd.DataFrame, actions: pd.DataFrame, elements: pd.DataFrame,
                    weak_gap: float, limit: int, actions_each: int = 2) -> pd.DataFrame:
    """Per base: the framework's first actions for its weak elements (score at least weak_gap below the
    all-base mean, largest gap first), then for elements with no evidence at all."""
    names = dict(zip(elements["element_id"], elements["name"]))
    means = scores.groupby("element_id")["score"].mean()
    action_text = (actions.sort_values(["element_id", "order"]).groupby("element_id")["action"]
                   .apply(lambda a: [text.rstrip("。") for text in a][:actions_each]).to_dict())
    rows = []
    for base_id, own in scores.groupby("base_id", sort=False):
        own = own.assign(mean=own["element_id"].map(means))
        own = own.assign(gap=own["mean"] - own["score"])
        weak = own[own["gap"] >= weak_gap].sort_values(["gap", "element_id"], ascending=[False, True])
        missing = own[own["score"].isna()]
        picked = []
        for row in weak.itertuples():
            trigger = (f"{names[row.element_id]}得分 {row.score:.0f}，低于全部基地均值 {row.mean:.0f}"
                       f"（差 {row.gap:.0f} 分，阈值 {weak_gap:.0f} 分）")
            picked.append((row.element_id, "短板", trigger))
        for row in missing.itertuples():
            trigger = f"{names[row.element_id]}无证据：按本书编码规则，报告中没有内容计入该要素，需先核实"
            picked.append((row.element_id, "待核实", trigger))
        for priority, (element_id, kind, trigger) in enumerate(picked[:limit], start=1):
            rows.append({"base_id": base_id, "priority": priority, "element_id": element_id,
                         "element_name": names[element_id], "kind": kind, "trigger": trigger,
                         "actions": "；".join(action_text.get(element_id, []))})
    return pd.DataFrame(rows, columns=["base_id", "priority", "element_id", "element_name", "kind", "trigger", "actions"])


@dataclass
class Indicators:
    settings: Settings
    scores: pd.DataFrame
    coverage: pd.DataFrame
    matrix: pd.DataFrame
    ranking: pd.DataFrame
    recommendations: pd.DataFrame


def compute_indicators(ds: Dataset) -> Indicators:
    """Every indicator of the publication, from one validated data folder."""
    settings = Settings.from_table(ds.indicator_settings)
    base_ids = ds.base_ids()
    elements = ds.framework_elements.merge(ds.framework_groups[["group_id", "order"]].rename(columns={"order": "group_order"}),
                                           on="group_id").sort_values(["group_order", "order"])
    element_ids = elements["element_id"].tolist()
    scores = element_scores(ds.evidence, base_ids, element_ids, settings.saturation, settings.thin_evidence_items)
    coverage = taxonomy_coverage(ds.focus_industries, ds.taxonomy, base_ids)
    weights = ds.weights.set_index("component")["weight"].astype(float)
    components = element_ids + [COVERAGE_COMPONENT]
    unknown, missing = set(weights.index) - set(components), set(components) - set(weights.index)
    if unknown or missing:
        raise ValueError(f"weights.csv: unknown components {sorted(unknown)}, components without a weight {sorted(missing)}")
    matrix = component_matrix(scores, coverage, components)
    composite, evidence_share = weighted_composite(matrix, weights)
    ranking = pd.DataFrame({"base_id": matrix.index, "composite": composite.to_numpy(),
                            "evidence_share": evidence_share.to_numpy(), "rank": rank_desc(composite).to_numpy()})
    ranking["status"] = np.where(ranking["evidence_share"] >= settings.min_element_coverage, COMPOSITE_OK, COMPOSITE_THIN)
    ranking = ranking.merge(robustness(matrix, weights, settings.robustness_draws, settings.robustness_seed), on="base_id")
    recs = recommendations(scores, ds.framework_actions, elements, settings.weak_gap, settings.max_recommendations,
                           settings.actions_per_recommendation)
    return Indicators(settings=settings, scores=scores, coverage=coverage, matrix=matrix, ranking=ranking,
                      recommendations=recs)
