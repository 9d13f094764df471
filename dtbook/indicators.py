"""The indicator system: how strongly the report evidences each base on each element of its own "3+3+3"
framework, a composite of those elements, its uncertainty under every modelling choice at once, tiers,
coherence statistics, and recommendations that name each base's own evidence.

Method (the methodology and audit chapters state it for readers):
- An element's **level** is the strongest evidence the report gives for it (0 none, 1 a stated direction,
  2 a concrete measure, 3 a quantified or national-level result); its score is 100 × level / 3. Counting the
  strongest item, not the number of items, keeps a long section from scoring high by length alone.
- The **composite** is the weighted mean of the nine element scores, an element without evidence counting 0.
  Adding evidence can therefore never lower a base's composite (it is monotone), and silence is never
  rewarded. How much the report says about each base is reported beside it (report coverage), not in it.
- **Uncertainty and sensitivity** are sampled jointly: coding noise (an item's strength shifted by one or
  the item dropped), the scoring rule (strongest item, or a saturating sum), the treatment of missing
  elements (zero, skipped, the element's mean or its minimum), the aggregation (arithmetic, by group,
  geometric) and the weights (each multiplied by a uniform factor on [0, 2]). Every base gets its median
  rank and its 5–95% band, and every pair the share of scenarios in which one ranks above the other.
- **Tiers**, not ranks 1…n, are the headline: a base opens a new tier only if every base of the tier above
  ranks above it in at least `tier_threshold` of the scenarios.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .files import write_if_changed
from .fmt import is_missing
from .labels import CompositeStatus, EvidenceStatus, RecommendationKind
from .load import DataIssue, Dataset, DataValidationError
from .reliability import disagreements, levels, reliability

MAX_LEVEL = 3
INDICATOR_FOLDER = "indicators"  # <data package>/indicators/<table>.csv
INDICATOR_TITLES = {
    "scores": "要素证据等级与得分",
    "ranking": "综合指数、排名区间与梯队",
    "pairwise": "两两比较：一方排在另一方之前的情景占比",
    "sensitivity": "单项假设改变时的排名变化",
    "coherence": "统计一致性：信度系数与主成分",
    "correlations": "各要素与综合指数的相关",
    "recommendations": "建议",
    "element_means": "各要素的全部基地均值",
    "coverage": "重点产业对表1门类的覆盖度（描述，不计入综合指数）",
    "reliability": "编码信度：两次独立编码的一致性",
}
ALPHA_TARGET, ALPHA_TARGET_ALL = 0.67, 0.8  # Krippendorff's usual floors: tentative conclusions / reliable data
SCORING = ("max", "sum")  # strongest item (published) | saturating sum of strengths
MISSING = ("zero", "skip", "mean", "min")  # published: zero
AGGREGATION = ("arithmetic", "group", "geometric")  # published: arithmetic
ASSUMPTION_LABELS = {
    "scoring": {"max": "最强证据", "sum": "强度之和（饱和）"},
    "missing": {"zero": "按零计", "skip": "不计入平均", "mean": "按该要素均值", "min": "按该要素最低值"},
    "aggregation": {"arithmetic": "算术平均", "group": "先层面后总体", "geometric": "几何平均"},
    "weights": {"data": "数据中的权重", "random": "随机权重"},
    "noise": {"none": "无", "coder": "编码误差"},
}
TIE_DECIMALS = 9
GEOMETRIC_FLOOR = 1.0  # points: a zero score would make a geometric mean zero whatever else a base has


@dataclass(frozen=True)
class Settings:
    saturation: float
    thin_evidence_items: int
    min_element_coverage: float
    uncertainty_draws: int
    uncertainty_seed: int
    noise_shift: float
    noise_drop: float
    tier_threshold: float
    max_recommendations: int
    actions_per_recommendation: int

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Settings:
        values = dict(zip(table["key"], table["value"]))
        return cls(**{f.name: int(values[f.name]) if f.type == "int" else float(values[f.name]) for f in fields(cls)})


@dataclass(frozen=True)
class Design:
    """What the scores are computed from: bases, elements (in framework order), their groups and weights."""

    base_ids: list[str]
    element_ids: list[str]
    groups: list[str]  # the group of each element
    weights: np.ndarray


@dataclass(frozen=True)
class Scenario:
    scoring: str = "max"
    saturation: float = 6.0
    missing: str = "zero"
    aggregation: str = "arithmetic"


PUBLISHED = Scenario()


def cell_scores(items: pd.DataFrame, design: Design, scenario: Scenario) -> np.ndarray:
    """Bases × elements, 0–100, NaN where a base has no item for the element."""
    cells = _cell_codes(items, design)
    return _cell_scores(*cells, items["strength"].to_numpy(dtype=float), _shape(design), scenario)


def _cell_codes(items: pd.DataFrame, design: Design) -> tuple[np.ndarray, np.ndarray]:
    return (
        pd.Categorical(items["base_id"], categories=design.base_ids).codes,
        pd.Categorical(items["element_id"], categories=design.element_ids).codes,
    )


def _shape(design: Design) -> tuple[int, int]:
    return len(design.base_ids), len(design.element_ids)


def _cell_scores(
    b: np.ndarray, e: np.ndarray, strength: np.ndarray, shape: tuple[int, int], scenario: Scenario
) -> np.ndarray:
    count = np.zeros(shape)
    np.add.at(count, (b, e), 1)
    if scenario.scoring == "max":
        level = np.zeros(shape)
        np.maximum.at(level, (b, e), strength)
        score = 100.0 * level / MAX_LEVEL
    else:
        total = np.zeros(shape)
        np.add.at(total, (b, e), strength)
        score = 100.0 * np.minimum(total, scenario.saturation) / scenario.saturation
    return np.where(count > 0, score, np.nan)


def composite(scores: np.ndarray, design: Design, scenario: Scenario, weights: np.ndarray | None = None) -> np.ndarray:
    """One composite per base from its element scores (NaN = no evidence), as the scenario says. Rounded to
    TIE_DECIMALS, so that bases with the same scores tie whatever order the floating-point sums ran in."""
    with warnings.catch_warnings():  # a base with no evidence at all has no mean: NaN, ranked last, is the answer
        warnings.simplefilter("ignore", RuntimeWarning)
        values = _composite(scores, design, scenario, design.weights if weights is None else weights)
    return np.round(values, TIE_DECIMALS)


def _composite(scores: np.ndarray, design: Design, scenario: Scenario, weights: np.ndarray) -> np.ndarray:
    filled = scores.copy()
    if scenario.missing in ("zero", "mean", "min"):
        with np.errstate(all="ignore"):
            column = {
                "zero": np.zeros(scores.shape[1]),
                "mean": np.nanmean(scores, axis=0),
                "min": np.nanmin(scores, axis=0),
            }[scenario.missing]
        column = np.nan_to_num(column)
        filled = np.where(np.isnan(scores), column, scores)
    if scenario.aggregation == "group":
        groups = sorted(set(design.groups), key=design.groups.index)
        means = [
            _weighted_mean(filled[:, [g == group for g in design.groups]], weights[[g == group for g in design.groups]])
            for group in groups
        ]
        return np.nanmean(np.column_stack(means), axis=1)
    if scenario.aggregation == "geometric":
        logs = np.log(np.maximum(filled, GEOMETRIC_FLOOR))
        return np.exp(_weighted_mean(logs, weights))
    return _weighted_mean(filled, weights)


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean over the non-missing entries of each row (NaN if a row has none)."""
    present = ~np.isnan(values)
    used = present @ weights
    total = np.nan_to_num(values) @ weights
    with np.errstate(all="ignore"):
        return np.where(used > 0, total / np.where(used > 0, used, 1), np.nan)


def rank_desc(values: pd.Series) -> pd.Series:
    """Rank 1 = highest; ties share the better rank; bases without a score rank last."""
    return values.rank(ascending=False, method="min", na_option="bottom").astype(int)


def rank_rows(values: np.ndarray) -> np.ndarray:
    """rank_desc for every row of a draws × bases array at once: 1 + the number of bases strictly ahead."""
    filled = np.where(np.isnan(values), -np.inf, values)
    return 1 + (filled[:, None, :] > filled[:, :, None]).sum(axis=2)


def noisy_strengths(
    strength: np.ndarray, rng: np.random.Generator, shift: float, drop: float
) -> tuple[np.ndarray, np.ndarray]:
    """The coding as a second coder might have made it: each item dropped with probability `drop`, else its
    strength moved one step up or down (within 1–3) with probability `shift`. Returns (kept, strengths)."""
    n = len(strength)
    kept = rng.random(n) >= drop
    moved = rng.random(n) < shift
    step = rng.choice([-1, 1], size=n)
    return kept, np.clip(strength + moved * step, 1, MAX_LEVEL)


def simulate(items: pd.DataFrame, design: Design, settings: Settings) -> np.ndarray:
    """Draws × bases ranks, every modelling choice sampled at once (the seed makes it repeatable)."""
    rng = np.random.default_rng(settings.uncertainty_seed)
    saturations = (settings.saturation / 2, settings.saturation, settings.saturation * 1.5)
    b, e = _cell_codes(items, design)
    strength = items["strength"].to_numpy(dtype=float)
    ranks = np.empty((settings.uncertainty_draws, len(design.base_ids)), dtype=int)
    for draw in range(settings.uncertainty_draws):
        scenario = Scenario(
            scoring=SCORING[rng.integers(len(SCORING))],
            saturation=saturations[rng.integers(len(saturations))],
            missing=MISSING[rng.integers(len(MISSING))],
            aggregation=AGGREGATION[rng.integers(len(AGGREGATION))],
        )
        weights = design.weights * rng.uniform(0.0, 2.0, size=len(design.weights))
        kept, noisy = noisy_strengths(strength, rng, settings.noise_shift, settings.noise_drop)
        scores = _cell_scores(b[kept], e[kept], noisy[kept], _shape(design), scenario)
        ranks[draw] = rank_rows(composite(scores, design, scenario, weights)[None, :])[0]
    return ranks


def pairwise(ranks: np.ndarray, base_ids: list[str]) -> pd.DataFrame:
    """Share of scenarios in which each base ranks above each other one (a tie counts half)."""
    above = (ranks[:, :, None] < ranks[:, None, :]).mean(axis=0) + 0.5 * (ranks[:, :, None] == ranks[:, None, :]).mean(
        axis=0
    )
    rows = [
        {"base_id": a, "other_id": b, "p_above": above[i, j]}
        for i, a in enumerate(base_ids)
        for j, b in enumerate(base_ids)
        if i != j
    ]
    return pd.DataFrame(rows)


def tiers(order: list[str], pairs: pd.DataFrame, threshold: float) -> dict[str, int]:
    """Walk the bases best first (by median rank); a base opens a new tier when the first base of the current
    tier ranks above it in at least `threshold` of the scenarios, and joins the tier otherwise: a tier holds
    the bases its leader cannot be told apart from. Tier 1 is the highest."""
    p = pairs.set_index(["base_id", "other_id"])["p_above"]
    tier_of, leader = {}, None
    for base in order:
        if leader is None or p[(leader, base)] >= threshold:
            leader = base
        tier_of[base] = tier_of.get(leader) or (max(tier_of.values(), default=0) + 1)
    return tier_of


def sensitivity(items: pd.DataFrame, design: Design, settings: Settings) -> pd.DataFrame:
    """One choice changed at a time, the rest as published: how far each base's rank moves."""
    base = rank_rows(composite(cell_scores(items, design, PUBLISHED), design, PUBLISHED)[None, :])[0]
    cases = [("scoring", "sum", replace(PUBLISHED, scoring="sum", saturation=settings.saturation))]
    cases += [("missing", option, replace(PUBLISHED, missing=option)) for option in MISSING[1:]]
    cases += [("aggregation", option, replace(PUBLISHED, aggregation=option)) for option in AGGREGATION[1:]]
    rows = []
    for assumption, option, scenario in cases:
        ranks = rank_rows(composite(cell_scores(items, design, scenario), design, scenario)[None, :])[0]
        shift = np.abs(ranks - base)
        rows.append(
            {
                "assumption": assumption,
                "option": option,
                "mean_shift": shift.mean(),
                "max_shift": int(shift.max()),
                "bases_moved": int((shift > 0).sum()),
            }
        )
    return pd.DataFrame(rows)


def cronbach_alpha(matrix: np.ndarray) -> float:
    """k/(k−1) · (1 − Σ item variances / variance of the sum); NaN with fewer than two items."""
    k = matrix.shape[1]
    if k < 2:
        return float("nan")
    total = matrix.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total)) if total > 0 else float("nan")


def coherence(scores: np.ndarray, design: Design, values: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cronbach's α per group and for all elements, the principal components' shares, and each element's
    correlation with the composite."""
    rows = []
    for group in sorted(set(design.groups), key=design.groups.index):
        columns = [g == group for g in design.groups]
        rows.append({"scope": group, "measure": "cronbach_alpha", "value": cronbach_alpha(scores[:, columns])})
    rows.append({"scope": "all", "measure": "cronbach_alpha", "value": cronbach_alpha(scores)})
    varying = scores[:, scores.std(axis=0) > 0]
    eigen = np.sort(np.linalg.eigvalsh(np.corrcoef(varying, rowvar=False)))[::-1] if varying.shape[1] > 1 else []
    for number, value in enumerate(eigen, start=1):
        rows.append({"scope": f"pc{number}", "measure": "explained_share", "value": value / len(eigen)})
    correlations = pd.DataFrame(
        {
            "element_id": design.element_ids,
            "r_composite": [
                np.corrcoef(scores[:, i], values)[0, 1] if scores[:, i].std() > 0 else np.nan
                for i in range(len(design.element_ids))
            ],
        }
    )
    return pd.DataFrame(rows), correlations


def taxonomy_coverage(focus: pd.DataFrame, taxonomy: pd.DataFrame, base_ids: list[str]) -> pd.DataFrame:
    """For each base and top-level class of Table 1: share of its level-2 subclasses the base's industries reach.
    Descriptive only: breadth of industries is not part of the composite (it would reward breadth over 特色).

    An industry mapped to a whole top-level class (a broad term such as 数字内容) reaches one subclass of it."""
    parent = dict(zip(taxonomy["node_id"], taxonomy["parent_id"]))
    level = dict(zip(taxonomy["node_id"], taxonomy["level"]))

    def ancestor_at(node: str, wanted: int) -> str | None:
        while not is_missing(node) and level[node] > wanted:
            node = parent[node]
        return node if not is_missing(node) and level[node] == wanted else None

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
            rows.append(
                {
                    "base_id": base_id,
                    "class_id": class_id,
                    "class_name": class_name,
                    "covered": covered,
                    "total": len(members),
                    "coverage": covered / len(members) if members else np.nan,
                }
            )
    return pd.DataFrame(rows)


def recommendations(
    scores: pd.DataFrame,
    evidence: pd.DataFrame,
    actions: pd.DataFrame,
    elements: pd.DataFrame,
    names: dict[str, str],
    limit: int,
    actions_each: int,
) -> pd.DataFrame:
    """Per base, for the elements where the report gives no evidence or only a stated direction (heaviest
    weight first, then framework order): what the report says of this base, and the report's own actions for
    the element. The text describes the report's coverage, not the base's performance."""
    element_names = dict(zip(elements["element_id"], elements["name"]))
    action_text = (
        actions.sort_values(["element_id", "order"])
        .groupby("element_id")["action"]
        .apply(lambda a: [text.rstrip("。") for text in a][:actions_each])
        .to_dict()
    )
    strongest = (
        evidence.sort_values(["strength", "evidence_id"], ascending=[False, True])
        .drop_duplicates(["base_id", "element_id"])
        .set_index(["base_id", "element_id"])["quote"]
    )
    rows = []
    for base_id, own in scores.groupby("base_id", sort=False):
        open_elements = own[own["level"] <= 1].sort_values(["level", "weight", "order"], ascending=[True, False, True])
        for priority, row in enumerate(open_elements.head(limit).itertuples(), start=1):
            element = element_names[row.element_id]
            if row.level == 0:
                kind = RecommendationKind.MISSING.key
                trigger = f"报告第二部分未述及{names[base_id]}在“{element}”方面的做法（按编码规则无证据）"
            else:
                kind = RecommendationKind.DIRECTION.key
                quote = strongest[(base_id, row.element_id)]
                trigger = f"报告对{names[base_id]}在“{element}”方面只有方向性表述：“{quote}”"
            rows.append(
                {
                    "base_id": base_id,
                    "priority": priority,
                    "element_id": row.element_id,
                    "element_name": element,
                    "kind": kind,
                    "trigger": trigger,
                    "actions": "；".join(action_text.get(row.element_id, [])),
                }
            )
    columns = ["base_id", "priority", "element_id", "element_name", "kind", "trigger", "actions"]
    return pd.DataFrame(rows, columns=columns)


@dataclass
class Indicators:
    """Every indicator table of one edition. Computed once per build; pages read it, the data package
    publishes it. Statuses and kinds hold the keys of dtbook.labels, never Chinese labels."""

    settings: Settings
    scores: pd.DataFrame
    ranking: pd.DataFrame
    pairwise: pd.DataFrame
    sensitivity: pd.DataFrame
    coherence: pd.DataFrame
    correlations: pd.DataFrame
    recommendations: pd.DataFrame
    element_means: pd.DataFrame
    coverage: pd.DataFrame
    reliability: pd.DataFrame
    base_count: int

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in publication order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), pd.DataFrame)}

    def for_base(self, base_id: str) -> Indicators:
        """One base's rows of every per-base table; cross-base tables (means, coherence) kept whole."""
        own = {
            name: frame[frame["base_id"] == base_id].reset_index(drop=True)
            for name, frame in self.frames().items()
            if "base_id" in frame
        }
        return replace(self, **own)


def design_of(ds: Dataset) -> Design:
    elements = ds.framework_elements.merge(
        ds.framework_groups[["group_id", "order"]].rename(columns={"order": "group_order"}), on="group_id"
    ).sort_values(["group_order", "order"])
    element_ids = elements["element_id"].tolist()
    weights = ds.weights.set_index("component")["weight"].astype(float)
    unknown, missing = set(weights.index) - set(element_ids), set(element_ids) - set(weights.index)
    if unknown or missing:
        lines = dict(zip(ds.weights["component"], ds.weights.attrs.get("lines", [None] * len(ds.weights))))
        issues = [
            DataIssue(
                ds.schemas["weights"].file,
                lines.get(c),
                "component",
                f"没有名为 {c!r} 的框架要素 (unknown component); 可用 {element_ids}",
            )
            for c in sorted(unknown)
        ]
        issues += [
            DataIssue(
                ds.schemas["weights"].file, None, "component", f"框架要素 {c!r} 没有权重 (component without a weight)"
            )
            for c in sorted(missing)
        ]
        raise DataValidationError(issues)
    return Design(ds.base_ids(), element_ids, elements["group_id"].tolist(), weights[element_ids].to_numpy())


def check_resolutions(ds: Dataset, design: Design) -> None:
    """The published evidence must be the resolved coding: coding_resolutions lists exactly the cells where the
    two codings disagree, and each resolved level is the level of the published evidence."""
    file = ds.schemas["coding_resolutions"].file
    lines = ds.coding_resolutions.attrs.get("lines", [None] * len(ds.coding_resolutions))
    logged = {(r.base_id, r.element_id): (r, line) for r, line in zip(ds.coding_resolutions.itertuples(), lines)}
    first = levels(ds.coding_first, design.base_ids, design.element_ids)
    second = levels(ds.coding_second, design.base_ids, design.element_ids)
    published = levels(ds.evidence, design.base_ids, design.element_ids)
    issues = []
    for cell in disagreements(ds.coding_first, ds.coding_second, design.base_ids, design.element_ids)[
        ["base_id", "element_id"]
    ].itertuples(index=False, name=None):
        if cell not in logged:
            issues.append(
                DataIssue(
                    file,
                    None,
                    "base_id+element_id",
                    f"两次编码在 {cell} 上不一致，但没有裁定记录 (disagreement without a resolution)",
                )
            )
    for cell, (row, line) in logged.items():
        if cell not in published.index:
            continue  # an unknown base or element is reported by the reference check
        if (row.level_first, row.level_second) != (first[cell], second[cell]):
            issues.append(
                DataIssue(
                    file, line, "level_first", f"记录的等级与两次编码不符 (levels differ from the codings): {cell}"
                )
            )
        if row.level_final != published[cell]:
            issues.append(
                DataIssue(
                    file,
                    line,
                    "level_final",
                    f"裁定的等级 {row.level_final} 与证据表的等级 {published[cell]} 不同 "
                    "(resolved level differs from the published evidence)",
                )
            )
    if issues:
        raise DataValidationError(issues)


def compute_indicators(ds: Dataset) -> Indicators:
    """Every indicator of the publication, from one validated data folder."""
    settings = Settings.from_table(ds.indicator_settings)
    design = design_of(ds)
    check_resolutions(ds, design)
    double_coded = set(ds.coding_first["base_id"]) | set(ds.coding_second["base_id"])
    coded = [base_id for base_id in design.base_ids if base_id in double_coded]  # the reliability study's bases
    items = ds.evidence[["evidence_id", "base_id", "element_id", "strength"]]
    matrix = cell_scores(items, design, PUBLISHED)
    observed = np.nan_to_num(matrix)  # the published reading: no evidence counts 0
    values = composite(matrix, design, PUBLISHED)

    grid = pd.MultiIndex.from_product([design.base_ids, design.element_ids], names=["base_id", "element_id"])
    counts = ds.evidence.groupby(["base_id", "element_id"]).size().reindex(grid, fill_value=0)
    scores = grid.to_frame(index=False)
    scores["items"] = counts.to_numpy()
    scores["level"] = (observed.reshape(-1) * MAX_LEVEL / 100).round().astype(int)
    scores["score"] = observed.reshape(-1)
    scores["status"] = np.select(
        [scores["items"] == 0, scores["items"] < settings.thin_evidence_items],
        [EvidenceStatus.NONE.key, EvidenceStatus.THIN.key],
        EvidenceStatus.OK.key,
    )
    order = {e: i for i, e in enumerate(design.element_ids)}
    scores["weight"] = scores["element_id"].map(dict(zip(design.element_ids, design.weights)))
    scores["order"] = scores["element_id"].map(order)

    ranks = simulate(items, design, settings)
    sum_rule = replace(PUBLISHED, scoring="sum", saturation=settings.saturation)
    evidenced = (~np.isnan(matrix)) @ design.weights / design.weights.sum()
    ranking = pd.DataFrame(
        {
            "base_id": design.base_ids,
            "composite": values,
            "rank": rank_desc(pd.Series(values)).to_numpy(),
            "rank_median": np.median(ranks, axis=0),
            "rank_p05": np.percentile(ranks, 5, axis=0, method="lower"),
            "rank_p95": np.percentile(ranks, 95, axis=0, method="higher"),
            "evidence_share": evidenced,
            "items": counts.groupby(level="base_id").sum().reindex(design.base_ids).to_numpy(),
            # the same evidence scored by the sum of strengths, for the length-bias comparison
            "composite_sum": composite(cell_scores(items, design, sum_rule), design, sum_rule),
        }
    )
    ranking["status"] = np.where(
        ranking["evidence_share"] >= settings.min_element_coverage, CompositeStatus.OK.key, CompositeStatus.THIN.key
    )
    pairs = pairwise(ranks, design.base_ids)
    order_of_bases = ranking.sort_values(["rank_median", "composite"], ascending=[True, False])["base_id"].tolist()
    ranking["tier"] = ranking["base_id"].map(tiers(order_of_bases, pairs, settings.tier_threshold))
    coherence_table, correlations = coherence(observed, design, values)
    names = dict(zip(ds.bases["base_id"], ds.bases["short_name"]))
    recs = recommendations(
        scores,
        ds.evidence,
        ds.framework_actions,
        ds.framework_elements,
        names,
        settings.max_recommendations,
        settings.actions_per_recommendation,
    )
    means = scores.groupby("element_id", sort=False)["score"].mean()
    indicators = Indicators(
        settings=settings,
        scores=scores.drop(columns=["weight", "order"]),
        ranking=ranking,
        pairwise=pairs,
        sensitivity=sensitivity(items, design, settings),
        coherence=coherence_table,
        correlations=correlations,
        recommendations=recs,
        element_means=pd.DataFrame({"element_id": means.index, "mean_score": means.to_numpy()}),
        coverage=taxonomy_coverage(ds.focus_industries, ds.taxonomy, design.base_ids),
        reliability=reliability(ds.coding_first, ds.coding_second, coded, design.element_ids),
        base_count=len(design.base_ids),
    )
    check_indicators(indicators)
    return indicators


class IndicatorCheckError(ValueError):
    """An indicator table broke its contract: a bug in the method, never a reader-facing result."""


def check_indicators(ind: Indicators) -> None:
    """The artifact's contract: unique keys, scores in 0–100, levels 0–3, ranks 1…n, shares in 0–1, statuses
    and kinds from their enums, tiers numbered from 1 without gaps."""
    problems = []

    def check(ok, what):
        if not ok:
            problems.append(what)

    n = ind.base_count
    for name, key in (
        ("scores", ["base_id", "element_id"]),
        ("coverage", ["base_id", "class_id"]),
        ("ranking", ["base_id"]),
        ("recommendations", ["base_id", "priority"]),
        ("pairwise", ["base_id", "other_id"]),
    ):
        check(not getattr(ind, name).duplicated(key).any(), f"{name}: duplicate {key}")
    check(ind.scores["score"].between(0, 100).all(), "scores.score outside 0–100")
    check(ind.scores["level"].between(0, MAX_LEVEL).all(), "scores.level outside 0–3")
    check(ind.scores["status"].isin(EvidenceStatus.keys()).all(), "scores.status not an EvidenceStatus key")
    check(ind.coverage["coverage"].dropna().between(0, 1).all(), "coverage.coverage outside 0–1")
    check(ind.ranking["composite"].between(0, 100).all(), "ranking.composite outside 0–100")
    check(ind.ranking["status"].isin(CompositeStatus.keys()).all(), "ranking.status not a CompositeStatus key")
    for column in ("rank", "rank_median", "rank_p05", "rank_p95"):
        check(ind.ranking[column].between(1, n).all(), f"ranking.{column} outside 1…{n}")
    check((ind.ranking["rank_p05"] <= ind.ranking["rank_p95"]).all(), "ranking: rank_p05 > rank_p95")
    check(sorted(ind.ranking["tier"].unique()) == list(range(1, ind.ranking["tier"].max() + 1)), "tiers have gaps")
    check(ind.pairwise["p_above"].between(0, 1).all(), "pairwise.p_above outside 0–1")
    check(ind.recommendations["kind"].isin(RecommendationKind.keys()).all(), "recommendations.kind not a key")
    check(len(ind.ranking) == n, f"ranking has {len(ind.ranking)} rows for {n} bases")
    if problems:
        raise IndicatorCheckError("指标结果不符合约定 (indicator tables broke their contract): " + "; ".join(problems))


def write_indicators(ind: Indicators, folder: Path) -> list[Path]:
    """Each table as CSV (UTF-8), as the data package publishes them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in ind.frames().items():
        path = folder / f"{name}.csv"
        write_if_changed(path, frame.to_csv(index=False, lineterminator="\n"))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """python -m dtbook.indicators --data DIR [--format csv|json] [--scenario FILE]: print every indicator table,
    or the results of a scenario exported by the simulator (dtbook.scenarios)."""
    from .load import load_dataset

    parser = argparse.ArgumentParser(prog="python -m dtbook.indicators", description=main.__doc__)
    parser.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument(
        "--scenario", type=Path, help="a scenario exported by the simulator (JSON): print its results instead"
    )
    args = parser.parse_args(argv)
    if args.scenario is not None:
        from .scenarios import scenario_command  # imports this module: not at the top

        return scenario_command(args.data, args.scenario, args.format)
    try:
        ind = compute_indicators(load_dataset(args.data))
    except DataValidationError as err:
        print(err, file=sys.stderr)
        return 1
    if args.format == "json":
        payload = {
            name: json.loads(frame.to_json(orient="records", force_ascii=False)) for name, frame in ind.frames().items()
        }
        payload["settings"] = ind.settings.__dict__
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        for name, frame in ind.frames().items():
            print(f"# {name}")
            print(frame.to_csv(index=False, lineterminator="\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
