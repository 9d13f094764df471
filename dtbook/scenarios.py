"""What-if scenarios of the indicator simulator (the 指标模拟器 page and the compact one on each base page).

A scenario changes what the published indicators take as given, never how they are computed:

- settings: the element weights, a weight per group (an element's weight is its own times its group's), the
  scoring rule and its saturation point, the treatment of missing elements, the aggregation, and how many of the
  uncertainty draws to use (the first N of the book's own random sequence);
- evidence: published items switched off, hypothetical items added (base, element, strength 1–3, a note).

`scenario_results` recomputes with the functions of dtbook.indicators (cell scores, composite, ranks, the
uncertainty simulation, pairwise shares, tiers, recommendations), so the published settings give the published
numbers. The browser (book/_static/dt-simulator.js) implements the same steps, random sequence included (numpy's
PCG64 stream from the book's seed), and exports a scenario as JSON; `python -m dtbook.indicators --data DIR
--scenario FILE` reads that file and prints the same results.

Each change's contribution: the changes are applied one at a time in a fixed order (scoring rule, saturation,
missing-data rule, aggregation, group weights, element weights in framework order, items switched off in data
order, items added in the order listed); a change's contribution to a base's composite is the composite after it
minus the composite before it, so the contributions add up to the whole change.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .indicators import (
    AGGREGATION,
    MAX_LEVEL,
    MISSING,
    SCORING,
    Design,
    Scenario,
    Settings,
    cell_scores,
    composite,
    design_of,
    pairwise,
    rank_desc,
    recommendations,
    simulate,
    tiers,
)
from .labels import CompositeStatus

FORMAT = "dtbook-indicator-scenario"
VERSION = 1
HYPOTHETICAL_PREFIX = "~hyp-"  # ids of added items: "~" is outside the evidence id pattern, so never a real id
HYPOTHETICAL_QUOTE = "（假设）"  # what a recommendation quotes for a hypothetical item: its note, marked
MAX_DRAWS = 20000
MAX_ADDED = 200
MAX_NOTE = 200  # characters


class ScenarioError(ValueError):
    """A scenario file that does not fit the data or the format."""


@dataclass(frozen=True)
class Added:
    base_id: str
    element_id: str
    strength: int
    note: str = ""


@dataclass(frozen=True)
class WhatIf:
    """One scenario, complete: every weight and option set, defaults filled in from the data."""

    scoring: str
    saturation: float
    missing: str
    aggregation: str
    weights: dict[str, float]  # element -> weight, every element
    group_weights: dict[str, float]  # group -> weight, every group
    draws: int
    off: tuple[str, ...] = ()  # evidence ids, in data order
    added: tuple[Added, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Model:
    """What a scenario is applied to: the published design, settings, evidence and texts of one data folder."""

    design: Design
    settings: Settings
    evidence: pd.DataFrame  # evidence_id, base_id, element_id, strength, quote (data order)
    element_group: dict[str, str]
    group_ids: list[str]
    element_names: dict[str, str]
    base_names: dict[str, str]
    actions: pd.DataFrame
    elements: pd.DataFrame


def model_of(ds) -> Model:
    """The model of a Dataset (or a page's PageData that holds the same tables)."""
    design = design_of(ds)
    groups = ds.framework_groups.sort_values("order")["group_id"].tolist()
    return Model(
        design=design,
        settings=Settings.from_table(ds.indicator_settings),
        evidence=ds.evidence[["evidence_id", "base_id", "element_id", "strength", "quote"]].reset_index(drop=True),
        element_group=dict(zip(design.element_ids, design.groups)),
        group_ids=[g for g in groups if g in set(design.groups)],
        element_names=dict(zip(ds.framework_elements["element_id"], ds.framework_elements["name"])),
        base_names=dict(zip(ds.bases["base_id"], ds.bases["short_name"])),
        actions=ds.framework_actions,
        elements=ds.framework_elements,
    )


def published(model: Model) -> WhatIf:
    """The book's own settings: the scenario with no change."""
    return WhatIf(
        scoring=SCORING[0],
        saturation=float(model.settings.saturation),
        missing=MISSING[0],
        aggregation=AGGREGATION[0],
        weights={e: float(w) for e, w in zip(model.design.element_ids, model.design.weights)},
        group_weights=dict.fromkeys(model.group_ids, 1.0),
        draws=int(model.settings.uncertainty_draws),
    )


# ---------------------------------------------------------------- reading a scenario file


def _number(value, where: str, minimum: float = 0.0, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScenarioError(f"{where}: 应为有限数值 (expected a finite number), 得到 {value!r}")
    if value < minimum or (strict and value == minimum):
        raise ScenarioError(f"{where}: 应{'大于' if strict else '不小于'} {minimum:g} (out of range), 得到 {value!r}")
    return float(value)


def _choice(value, options: tuple[str, ...], where: str) -> str:
    if value not in options:
        raise ScenarioError(f"{where}: 应为 {', '.join(options)} 之一 (unknown option), 得到 {value!r}")
    return value


def read_scenario(payload: dict, model: Model) -> WhatIf:
    """A scenario from its JSON form (as the simulator exports it); whatever it leaves out keeps the book's
    setting. Raises ScenarioError naming the first thing that does not fit."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ScenarioError(f"不是指标模拟器的情景文件 (not a scenario file): format 应为 {FORMAT!r}")
    if payload.get("version") != VERSION:
        raise ScenarioError(f"情景文件版本 {payload.get('version')!r} 不受支持 (unsupported version); 应为 {VERSION}")
    base = published(model)
    raw = payload.get("settings") or {}
    if not isinstance(raw, dict):
        raise ScenarioError("settings: 应为对象 (expected an object)")
    weights = dict(base.weights)
    for element, value in (raw.get("weights") or {}).items():
        if element not in weights:
            raise ScenarioError(f"settings.weights: 没有名为 {element!r} 的要素 (unknown element)")
        weights[element] = _number(value, f"settings.weights.{element}")
    group_weights = dict(base.group_weights)
    for group, value in (raw.get("group_weights") or {}).items():
        if group not in group_weights:
            raise ScenarioError(f"settings.group_weights: 没有名为 {group!r} 的层面 (unknown group)")
        group_weights[group] = _number(value, f"settings.group_weights.{group}")
    draws = raw.get("draws", base.draws)
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= MAX_DRAWS:
        raise ScenarioError(f"settings.draws: 应为 1—{MAX_DRAWS} 的整数 (expected an integer), 得到 {draws!r}")
    evidence = payload.get("evidence") or {}
    known = model.evidence["evidence_id"].tolist()
    off = evidence.get("off") or []
    unknown = sorted(set(off) - set(known))
    if unknown:
        raise ScenarioError(f"evidence.off: 数据中没有这些证据 (unknown evidence ids): {unknown}")
    added = []
    raw_added = evidence.get("added") or []
    if len(raw_added) > MAX_ADDED:
        raise ScenarioError(f"evidence.added: 最多 {MAX_ADDED} 条 (too many hypothetical items)")
    for number, item in enumerate(raw_added, start=1):
        where = f"evidence.added[{number}]"
        if not isinstance(item, dict):
            raise ScenarioError(f"{where}: 应为对象 (expected an object)")
        if item.get("base_id") not in model.design.base_ids:
            raise ScenarioError(f"{where}.base_id: 没有这个基地 (unknown base) {item.get('base_id')!r}")
        if item.get("element_id") not in model.design.element_ids:
            raise ScenarioError(f"{where}.element_id: 没有这个要素 (unknown element) {item.get('element_id')!r}")
        strength = item.get("strength")
        if isinstance(strength, bool) or strength not in range(1, MAX_LEVEL + 1):
            raise ScenarioError(f"{where}.strength: 应为 1、2 或 3 (expected 1, 2 or 3), 得到 {strength!r}")
        note = item.get("note", "")
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            raise ScenarioError(f"{where}.note: 应为不超过 {MAX_NOTE} 字的文字 (expected a short text)")
        added.append(Added(item["base_id"], item["element_id"], int(strength), " ".join(note.split())))
    return WhatIf(
        scoring=_choice(raw.get("scoring", base.scoring), SCORING, "settings.scoring"),
        saturation=_number(raw.get("saturation", base.saturation), "settings.saturation", strict=True),
        missing=_choice(raw.get("missing", base.missing), MISSING, "settings.missing"),
        aggregation=_choice(raw.get("aggregation", base.aggregation), AGGREGATION, "settings.aggregation"),
        weights=weights,
        group_weights=group_weights,
        draws=draws,
        off=tuple(e for e in known if e in set(off)),
        added=tuple(added),
    )


# ---------------------------------------------------------------- applying it


def effective_weights(model: Model, whatif: WhatIf) -> np.ndarray:
    """Each element's weight times its group's weight, in the design's element order."""
    return np.array(
        [whatif.weights[e] * whatif.group_weights[model.element_group[e]] for e in model.design.element_ids],
        dtype=float,
    )


def scenario_items(model: Model, whatif: WhatIf) -> pd.DataFrame:
    """The evidence the scenario scores: the published items not switched off (data order), then the added ones.
    The order matters: the uncertainty simulation draws coding noise item by item."""
    kept = model.evidence[~model.evidence["evidence_id"].isin(set(whatif.off))]
    extra = pd.DataFrame(
        [
            {
                "evidence_id": f"{HYPOTHETICAL_PREFIX}{number}",
                "base_id": item.base_id,
                "element_id": item.element_id,
                "strength": item.strength,
                "quote": HYPOTHETICAL_QUOTE + item.note,
            }
            for number, item in enumerate(whatif.added, start=1)
        ],
        columns=kept.columns,
    )
    return pd.concat([kept, extra], ignore_index=True) if len(extra) else kept.reset_index(drop=True)


def point(model: Model, whatif: WhatIf, items: pd.DataFrame | None = None):
    """Cell scores (NaN = no evidence), composites and ranks under the scenario's own settings."""
    items = scenario_items(model, whatif) if items is None else items
    design = replace(model.design, weights=effective_weights(model, whatif))
    rule = Scenario(whatif.scoring, whatif.saturation, whatif.missing, whatif.aggregation)
    matrix = cell_scores(items, design, rule)
    values = composite(matrix, design, rule)
    return matrix, values, rank_desc(pd.Series(values)).to_numpy()


def steps(model: Model, whatif: WhatIf) -> list[tuple[str, WhatIf]]:
    """The scenario's changes one at a time, in the fixed order, each with the scenario made of it and every
    change before it (the last one is the whole scenario)."""
    current, out = published(model), []

    def step(key: str, **change):
        nonlocal current
        current = replace(current, **change)
        out.append((key, current))

    for name in ("scoring", "saturation", "missing", "aggregation"):
        if getattr(whatif, name) != getattr(current, name):
            step(name, **{name: getattr(whatif, name)})
    for group in model.group_ids:
        if whatif.group_weights[group] != current.group_weights[group]:
            step(f"group_weight:{group}", group_weights={**current.group_weights, group: whatif.group_weights[group]})
    for element in model.design.element_ids:
        if whatif.weights[element] != current.weights[element]:
            step(f"weight:{element}", weights={**current.weights, element: whatif.weights[element]})
    for evidence_id in whatif.off:
        step(f"off:{evidence_id}", off=(*current.off, evidence_id))
    for number, item in enumerate(whatif.added, start=1):
        step(f"add:{number}", added=(*current.added, item))
    return out


def _num(value) -> float | int | None:
    """A JSON number: ints stay ints, NaN becomes null."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    return None if math.isnan(value) else value


def scenario_results(model: Model, whatif: WhatIf) -> dict[str, list[dict]]:
    """Scores, ranking (composite, rank, rank band from the first `draws` draws, tier), each change's
    contribution and the recommendations, as lists of records (the simulator's export holds the same)."""
    design = replace(model.design, weights=effective_weights(model, whatif))
    items = scenario_items(model, whatif)
    matrix, values, ranks = point(model, whatif, items)
    settings = replace(model.settings, saturation=whatif.saturation, uncertainty_draws=whatif.draws)
    draws = simulate(items[["evidence_id", "base_id", "element_id", "strength"]], design, settings)
    pairs = pairwise(draws, design.base_ids)
    ranking = pd.DataFrame(
        {
            "base_id": design.base_ids,
            "composite": values,
            "rank": ranks,
            "rank_median": np.median(draws, axis=0),
            "rank_p05": np.percentile(draws, 5, axis=0, method="lower"),
            "rank_p95": np.percentile(draws, 95, axis=0, method="higher"),
        }
    )
    order = ranking.sort_values(["rank_median", "composite"], ascending=[True, False])["base_id"].tolist()
    tier_of = tiers(order, pairs, model.settings.tier_threshold)
    total = design.weights.sum()
    share = (~np.isnan(matrix)) @ design.weights / total if total > 0 else np.zeros(len(design.base_ids))

    grid = pd.MultiIndex.from_product([design.base_ids, design.element_ids], names=["base_id", "element_id"])
    counts = items.groupby(["base_id", "element_id"]).size().reindex(grid, fill_value=0)
    level = items.groupby(["base_id", "element_id"])["strength"].max().reindex(grid, fill_value=0)
    scores = grid.to_frame(index=False)
    scores["items"] = counts.to_numpy()
    scores["level"] = level.to_numpy().astype(int)
    scores["score"] = matrix.reshape(-1)
    scores["weight"] = np.tile(design.weights, len(design.base_ids))
    scores["order"] = np.tile(np.arange(len(design.element_ids)), len(design.base_ids))
    recs = recommendations(
        scores,
        items,
        model.actions,
        model.elements,
        model.base_names,
        model.settings.max_recommendations,
        model.settings.actions_per_recommendation,
    )
    per_base_items = counts.groupby(level="base_id").sum().reindex(design.base_ids).to_numpy()

    contributions = []
    before_values, before_ranks = point(model, published(model))[1:]
    for number, (key, state) in enumerate(steps(model, whatif), start=1):
        after_values, after_ranks = point(model, state)[1:]
        for index, base_id in enumerate(design.base_ids):
            contributions.append(
                {
                    "step": number,
                    "change": key,
                    "base_id": base_id,
                    "composite_before": _num(before_values[index]),
                    "composite_after": _num(after_values[index]),
                    "delta": _num(after_values[index] - before_values[index]),
                    "rank_before": int(before_ranks[index]),
                    "rank_after": int(after_ranks[index]),
                }
            )
        before_values, before_ranks = after_values, after_ranks

    return {
        "ranking": [
            {
                "base_id": row.base_id,
                "composite": _num(row.composite),
                "rank": int(row.rank),
                "rank_median": _num(row.rank_median),
                "rank_p05": int(row.rank_p05),
                "rank_p95": int(row.rank_p95),
                "tier": int(tier_of[row.base_id]),
                "evidence_share": _num(share[index]),
                "status": (
                    CompositeStatus.OK.key
                    if share[index] >= model.settings.min_element_coverage
                    else CompositeStatus.THIN.key
                ),
                "items": int(per_base_items[index]),
            }
            for index, row in enumerate(ranking.itertuples())
        ],
        "scores": [
            {
                "base_id": row.base_id,
                "element_id": row.element_id,
                "items": int(row.items),
                "level": int(row.level),
                "score": _num(row.score),
            }
            for row in scores.itertuples()
        ],
        "contributions": contributions,
        "recommendations": [
            {key: _num(value) if key == "priority" else value for key, value in record.items()}
            for record in recs.to_dict(orient="records")
        ],
    }


def scenario_payload(model: Model, whatif: WhatIf) -> dict:
    """The scenario in its JSON form (what the simulator exports, without edition and results)."""
    base = published(model)
    settings = {
        "scoring": whatif.scoring,
        "saturation": whatif.saturation,
        "missing": whatif.missing,
        "aggregation": whatif.aggregation,
        "weights": {e: w for e, w in whatif.weights.items() if w != base.weights[e]},
        "group_weights": {g: w for g, w in whatif.group_weights.items() if w != base.group_weights[g]},
        "draws": whatif.draws,
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "settings": settings,
        "evidence": {
            "off": list(whatif.off),
            "added": [
                {"base_id": a.base_id, "element_id": a.element_id, "strength": a.strength, "note": a.note}
                for a in whatif.added
            ],
        },
    }


def run_scenario(ds, payload: dict) -> dict:
    """What `python -m dtbook.indicators --scenario FILE` prints (JSON form): the scenario as read, with every
    default filled in, the data it was applied to, and its results."""
    model = model_of(ds)
    whatif = read_scenario(payload, model)
    out = {
        "scenario": scenario_payload(model, whatif),
        "edition": ds.edition.get("edition"),
        "fingerprint": ds.fingerprint,
        "results": scenario_results(model, whatif),
    }
    made_for = payload.get("fingerprint")
    if made_for and made_for != ds.fingerprint:
        out["warning"] = (
            f"情景导出自数据指纹 {made_for} 的数据，此处数据指纹为 {ds.fingerprint} "
            "(the scenario was made for other data; the results may differ from the exported ones)"
        )
    return out


def results_csv(results: dict[str, list[dict]]) -> str:
    """The results as CSV blocks, one per table, each under a `# name` line (as the indicators command prints)."""
    blocks = []
    for name, records in results.items():
        frame = pd.DataFrame(records)
        blocks.append(f"# {name}\n" + frame.to_csv(index=False, lineterminator="\n"))
    return "\n".join(blocks)


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False)


def scenario_command(data, scenario_file, output_format: str = "csv") -> int:
    """`python -m dtbook.indicators --data DIR --scenario FILE [--format csv|json]`: the scenario's results."""
    import sys

    from .load import DataValidationError, load_dataset

    try:
        payload = json.loads(scenario_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        print(f"{scenario_file}: 无法读取情景文件 (cannot read the scenario file): {err}", file=sys.stderr)
        return 2
    try:
        out = run_scenario(load_dataset(data), payload)
    except DataValidationError as err:
        print(err, file=sys.stderr)
        return 1
    except ScenarioError as err:
        print(f"{scenario_file}: {err}", file=sys.stderr)
        return 2
    if "warning" in out:
        print(out["warning"], file=sys.stderr)
    if output_format == "json":
        print(dumps(out))
    else:
        about = [
            {"key": "edition", "value": out["edition"]},
            {"key": "fingerprint", "value": out["fingerprint"]},
            {"key": "scenario", "value": json.dumps(out["scenario"], ensure_ascii=False, separators=(",", ":"))},
        ]
        print(results_csv({"scenario": about, **out["results"]}), end="")
    return 0
