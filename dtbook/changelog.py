"""What changed between two editions' data: bases, facts (old → new), indicators and ranks."""

from __future__ import annotations

import pandas as pd

from .fmt import is_missing
from .indicators import Indicators
from .load import Dataset

ADDED, REMOVED, CHANGED = "新增", "删除", "修改"


def _cell(value) -> str:
    if isinstance(value, list):
        return ";".join(value)
    if is_missing(value):
        return ""
    return str(value)


def _keyed(frame: pd.DataFrame, key: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {
        " / ".join(_cell(row[k]) for k in key): {c: _cell(row[c]) for c in frame.columns}
        for row in frame.to_dict("records")
    }


def _change(table, key: str, change: str, field: str = "", old: str = "", new: str = "") -> dict[str, str]:
    return {
        "table": table.title,
        "file": table.file,
        "key": key,
        "field": field,
        "old": old,
        "new": new,
        "change": change,
    }


def fact_changes(old: Dataset, new: Dataset) -> pd.DataFrame:
    """One row per added, removed or changed record (and per changed field)."""
    rows = []
    for name, table in new.schemas.items():
        before, after = _keyed(old[name], table.primary_key), _keyed(new[name], table.primary_key)
        rows += [_change(table, key, ADDED) for key in after.keys() - before.keys()]
        rows += [_change(table, key, REMOVED) for key in before.keys() - after.keys()]
        for key in before.keys() & after.keys():
            rows += [
                _change(table, key, CHANGED, column, before[key][column], after[key][column])
                for column in table.columns
                if before[key][column] != after[key][column]
            ]
    frame = pd.DataFrame(rows, columns=["table", "file", "key", "field", "old", "new", "change"])
    return frame.sort_values(["file", "change", "key", "field"]).reset_index(drop=True)


def base_changes(old: Dataset, new: Dataset) -> tuple[list[str], list[str]]:
    before, after = set(old.bases["base_id"]), set(new.bases["base_id"])
    return [b for b in new.base_ids() if b not in before], [b for b in old.base_ids() if b not in after]


def indicator_changes(
    old: Dataset, new: Dataset, old_indicators: Indicators, new_indicators: Indicators
) -> pd.DataFrame:
    """Composite score and rank of every base in either edition, old beside new."""
    columns = ["base_id", "composite", "rank"]
    before = old_indicators.ranking[columns]
    after = new_indicators.ranking[columns]
    merged = before.merge(after, on="base_id", how="outer", suffixes=("_old", "_new"))
    names = dict(zip(old.bases["base_id"], old.bases["short_name"])) | dict(
        zip(new.bases["base_id"], new.bases["short_name"])
    )
    merged["base_name"] = merged["base_id"].map(names)
    merged["rank_change"] = merged["rank_old"] - merged["rank_new"]
    return merged
