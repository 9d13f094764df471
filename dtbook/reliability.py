"""Inter-coder reliability: how far two independent codings of the report agree on each element's evidence
level, as Krippendorff's alpha (interval metric: levels 0–3 are equally spaced scores)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def krippendorff_alpha_interval(values: np.ndarray) -> float:
    """Units × coders array without missing values. α = 1 − D_o / D_e: the observed disagreement within units
    against the disagreement expected between any two values pooled over units (squared differences).
    NaN when every value is the same (there is no variation to agree on)."""
    values = np.asarray(values, dtype=float)
    units, coders = values.shape
    pooled = values.reshape(-1)
    n = pooled.size
    within = sum(((row[:, None] - row[None, :]) ** 2).sum() / (coders - 1) for row in values)
    observed = within / n
    expected = ((pooled[:, None] - pooled[None, :]) ** 2).sum() / (n * (n - 1))
    return float("nan") if expected == 0 else float(1 - observed / expected)


def levels(coding: pd.DataFrame, base_ids: list[str], element_ids: list[str]) -> pd.Series:
    """The strongest strength per base and element (0 where the coding has no item)."""
    grid = pd.MultiIndex.from_product([base_ids, element_ids], names=["base_id", "element_id"])
    return coding.groupby(["base_id", "element_id"])["strength"].max().reindex(grid, fill_value=0).astype(int)


def reliability(first: pd.DataFrame, second: pd.DataFrame, base_ids: list[str], element_ids: list[str]) -> pd.DataFrame:
    """α and the share of identical levels, per element (12 units each here) and over all base × element cells."""
    a, b = levels(first, base_ids, element_ids), levels(second, base_ids, element_ids)
    pairs = pd.DataFrame({"first": a, "second": b}).reset_index()
    rows = []
    for element_id, group in [*pairs.groupby("element_id", sort=False), ("all", pairs)]:
        values = group[["first", "second"]].to_numpy()
        rows.append(
            {
                "element_id": element_id,
                "units": len(group),
                "alpha": krippendorff_alpha_interval(values),
                "agreement": float((values[:, 0] == values[:, 1]).mean()),
            }
        )
    order = {e: i for i, e in enumerate([*element_ids, "all"])}
    return pd.DataFrame(rows).sort_values("element_id", key=lambda s: s.map(order)).reset_index(drop=True)


def disagreements(
    first: pd.DataFrame, second: pd.DataFrame, base_ids: list[str], element_ids: list[str]
) -> pd.DataFrame:
    """Every base × element cell where the two codings give different levels."""
    a, b = levels(first, base_ids, element_ids), levels(second, base_ids, element_ids)
    frame = pd.DataFrame({"level_first": a, "level_second": b}).reset_index()
    return frame[frame["level_first"] != frame["level_second"]].reset_index(drop=True)
