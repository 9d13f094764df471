"""The indicator system: element scores from coded evidence, taxonomy coverage, a composite
index with weights from data, its robustness to those weights, and recommendations.

Missing evidence stays missing (NaN), never zero: the report saying nothing about a base
is not the same as the base being weak. The methodology chapter states every formula here.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .files import write_if_changed
from .fmt import is_missing
from .labels import CompositeStatus, EvidenceStatus, RecommendationKind
from .load import DataIssue, Dataset, DataValidationError

COVERAGE_COMPONENT = "taxonomy_coverage"
INDICATOR_FOLDER = "indicators"  # <data package>/indicators/<table>.csv
INDICATOR_TITLES = {
    "scores": "要素得分",
    "coverage": "分类覆盖度",
    "ranking": "综合指数、排名与稳健性",
    "recommendations": "建议",
    "element_means": "各要素的全部基地均值",
}


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
    def from_table(cls, table: pd.DataFrame) -> Settings:
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


def element_scores(
    evidence: pd.DataFrame, base_ids: list[str], element_ids: list[str], saturation: float, thin_items: int
) -> pd.DataFrame:
    """Score 0–100 per base and element: 100 × min(sum of strengths, saturation) / saturation."""
    grouped = evidence.groupby(["base_id", "element_id"]).agg(
        items=("evidence_id", "count"), strength_sum=("strength", "sum")
    )
    grid = pd.MultiIndex.from_product([base_ids, element_ids], names=["base_id", "element_id"])
    frame = grouped.reindex(grid).reset_index()
    frame["items"] = frame["items"].fillna(0).astype(int)
    frame["strength_sum"] = frame["strength_sum"].astype("float64")
    frame["score"] = 100.0 * frame["strength_sum"].clip(upper=saturation) / saturation
    frame["status"] = np.select(
        [frame["items"] == 0, frame["items"] < thin_items],
        [EvidenceStatus.NONE.key, EvidenceStatus.THIN.key],
        EvidenceStatus.OK.key,
    )
    return frame


def taxonomy_coverage(focus: pd.DataFrame, taxonomy: pd.DataFrame, base_ids: list[str]) -> pd.DataFrame:
    """For each base and top-level class of Table 1: share of its level-2 subclasses the base's industries reach.

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


def rank_rows(values: np.ndarray) -> np.ndarray:
    """rank_desc for every row of a draws × bases array at once: 1 + the number of bases strictly ahead."""
    filled = np.where(np.isnan(values), -np.inf, values)
    return 1 + (filled[:, None, :] > filled[:, :, None]).sum(axis=2)


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
    ranks = rank_rows(composites)
    leave_out = []
    for position in range(len(weights)):
        kept = weights.copy()
        kept[position] = 0.0
        composite, _ = weighted_composite(matrix, pd.Series(kept, index=matrix.columns))
        leave_out.append(rank_desc(composite).to_numpy())
    leave_out = np.array(leave_out)
    missing_as_zero, _ = weighted_composite(matrix.fillna(0.0), pd.Series(weights, index=matrix.columns))
    return pd.DataFrame(
        {
            "base_id": matrix.index,
            "rank_p05": np.percentile(ranks, 5, axis=0, method="lower").astype(int),
            "rank_median": np.percentile(ranks, 50, axis=0, method="lower").astype(int),
            "rank_p95": np.percentile(ranks, 95, axis=0, method="higher").astype(int),
            "rank_loo_best": leave_out.min(axis=0),
            "rank_loo_worst": leave_out.max(axis=0),
            "rank_missing_zero": rank_desc(missing_as_zero).to_numpy(),
        }
    )


def recommendations(
    scores: pd.DataFrame,
    actions: pd.DataFrame,
    elements: pd.DataFrame,
    weak_gap: float,
    limit: int,
    actions_each: int = 2,
) -> pd.DataFrame:
    """Per base: the framework's first actions for its weak elements (score at least weak_gap below the
    all-base mean, largest gap first), then for elements with no evidence at all."""
    names = dict(zip(elements["element_id"], elements["name"]))
    means = scores.groupby("element_id")["score"].mean()
    action_text = (
        actions.sort_values(["element_id", "order"])
        .groupby("element_id")["action"]
        .apply(lambda a: [text.rstrip("。") for text in a][:actions_each])
        .to_dict()
    )
    rows = []
    for base_id, own in scores.groupby("base_id", sort=False):
        own = own.assign(mean=own["element_id"].map(means))
        own = own.assign(gap=own["mean"] - own["score"])
        weak = own[own["gap"] >= weak_gap].sort_values(["gap", "element_id"], ascending=[False, True])
        missing = own[own["score"].isna()]
        picked = []
        for row in weak.itertuples():
            trigger = (
                f"{names[row.element_id]}得分 {row.score:.0f}，低于全部基地均值 {row.mean:.0f}"
                f"（差 {row.gap:.0f} 分，阈值 {weak_gap:.0f} 分）"
            )
            picked.append((row.element_id, RecommendationKind.WEAK.key, trigger))
        for row in missing.itertuples():
            trigger = f"{names[row.element_id]}无证据：按本书编码规则，报告中没有内容计入该要素，需先核实"
            picked.append((row.element_id, RecommendationKind.MISSING.key, trigger))
        for priority, (element_id, kind, trigger) in enumerate(picked[:limit], start=1):
            rows.append(
                {
                    "base_id": base_id,
                    "priority": priority,
                    "element_id": element_id,
                    "element_name": names[element_id],
                    "kind": kind,
                    "trigger": trigger,
                    "actions": "；".join(action_text.get(element_id, [])),
                }
            )
    return pd.DataFrame(
        rows, columns=["base_id", "priority", "element_id", "element_name", "kind", "trigger", "actions"]
    )


@dataclass
class Indicators:
    """Every indicator table of one edition. Computed once per build; pages read it, the data package
    publishes it. Statuses and kinds hold the keys of dtbook.labels, never Chinese labels."""

    settings: Settings
    scores: pd.DataFrame
    coverage: pd.DataFrame
    ranking: pd.DataFrame
    recommendations: pd.DataFrame
    element_means: pd.DataFrame
    base_count: int

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in publication order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), pd.DataFrame)}

    def for_base(self, base_id: str) -> Indicators:
        """One base's rows of every table, with the cross-base means and the number of bases kept whole."""
        own = {
            name: frame[frame["base_id"] == base_id].reset_index(drop=True)
            for name, frame in self.frames().items()
            if "base_id" in frame
        }
        return replace(self, **own)


def compute_indicators(ds: Dataset) -> Indicators:
    """Every indicator of the publication, from one validated data folder."""
    settings = Settings.from_table(ds.indicator_settings)
    base_ids = ds.base_ids()
    elements = ds.framework_elements.merge(
        ds.framework_groups[["group_id", "order"]].rename(columns={"order": "group_order"}), on="group_id"
    ).sort_values(["group_order", "order"])
    element_ids = elements["element_id"].tolist()
    scores = element_scores(ds.evidence, base_ids, element_ids, settings.saturation, settings.thin_evidence_items)
    coverage = taxonomy_coverage(ds.focus_industries, ds.taxonomy, base_ids)
    weights = ds.weights.set_index("component")["weight"].astype(float)
    components = element_ids + [COVERAGE_COMPONENT]
    unknown, missing = set(weights.index) - set(components), set(components) - set(weights.index)
    if unknown or missing:
        lines = dict(zip(ds.weights["component"], ds.weights.attrs.get("lines", [None] * len(ds.weights))))
        issues = [
            DataIssue(
                ds.schemas["weights"].file,
                lines.get(c),
                "component",
                f"没有名为 {c!r} 的组成部分 (unknown component); 可用 {components}",
            )
            for c in sorted(unknown)
        ]
        issues += [
            DataIssue(
                ds.schemas["weights"].file, None, "component", f"组成部分 {c!r} 没有权重 (component without a weight)"
            )
            for c in sorted(missing)
        ]
        raise DataValidationError(issues)
    matrix = component_matrix(scores, coverage, components)
    means = scores.groupby("element_id", sort=False)["score"].mean()
    composite, evidence_share = weighted_composite(matrix, weights)
    ranking = pd.DataFrame(
        {
            "base_id": matrix.index,
            "composite": composite.to_numpy(),
            "evidence_share": evidence_share.to_numpy(),
            "rank": rank_desc(composite).to_numpy(),
        }
    )
    ranking["status"] = np.where(
        ranking["evidence_share"] >= settings.min_element_coverage, CompositeStatus.OK.key, CompositeStatus.THIN.key
    )
    ranking = ranking.merge(
        robustness(matrix, weights, settings.robustness_draws, settings.robustness_seed), on="base_id"
    )
    recs = recommendations(
        scores,
        ds.framework_actions,
        elements,
        settings.weak_gap,
        settings.max_recommendations,
        settings.actions_per_recommendation,
    )
    indicators = Indicators(
        settings=settings,
        scores=scores,
        coverage=coverage,
        ranking=ranking,
        recommendations=recs,
        element_means=pd.DataFrame({"element_id": means.index, "mean_score": means.to_numpy()}),
        base_count=len(base_ids),
    )
    check_indicators(indicators)
    return indicators


class IndicatorCheckError(ValueError):
    """An indicator table broke its contract: a bug in the method, never a reader-facing result."""


def check_indicators(ind: Indicators) -> None:
    """The artifact's contract: unique keys, scores in 0–100 or missing, ranks 1…n, statuses from the enums."""
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
    ):
        frame = getattr(ind, name)
        check(not frame.duplicated(key).any(), f"{name}: duplicate {key}")
    check(ind.scores["score"].dropna().between(0, 100).all(), "scores.score outside 0–100")
    check(ind.scores["status"].isin(EvidenceStatus.keys()).all(), "scores.status not an EvidenceStatus key")
    check(ind.coverage["coverage"].dropna().between(0, 1).all(), "coverage.coverage outside 0–1")
    check(ind.ranking["composite"].dropna().between(0, 100).all(), "ranking.composite outside 0–100")
    check(ind.ranking["status"].isin(CompositeStatus.keys()).all(), "ranking.status not a CompositeStatus key")
    for column in (
        "rank",
        "rank_p05",
        "rank_median",
        "rank_p95",
        "rank_loo_best",
        "rank_loo_worst",
        "rank_missing_zero",
    ):
        check(ind.ranking[column].between(1, n).all(), f"ranking.{column} outside 1…{n}")
    check((ind.ranking["rank_p05"] <= ind.ranking["rank_p95"]).all(), "ranking: rank_p05 > rank_p95")
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
    """python -m dtbook.indicators --data DIR [--format csv|json]: print every indicator table."""
    from .load import load_dataset

    parser = argparse.ArgumentParser(prog="python -m dtbook.indicators", description=main.__doc__)
    parser.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    args = parser.parse_args(argv)
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
