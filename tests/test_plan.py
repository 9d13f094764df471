"""Which pages re-execute when one table changes: the plan's cache keys against hand-made expectations,
and a page's kernel refusing tables its registry entry does not declare."""

import pandas as pd
import pytest
from conftest import cell, line_of, set_cell

from dtbook import load_dataset
from dtbook.build.plan import plan
from dtbook.indicators import compute_indicators
from dtbook.inputs import UndeclaredInput, page_inputs
from dtbook.registry import page_specs

pytestmark = pytest.mark.unit

BASES = [
    "zhongguancun",
    "tianjin",
    "dalian",
    "pudong",
    "nanjing",
    "hangzhou",
    "hefei",
    "xiamen",
    "qilu",
    "tianhe",
    "hainan",
    "chengdu",
]
ALL_BASE_PAGES = {f"bases/{b}" for b in BASES}
EVERY_PAGE = ALL_BASE_PAGES | {
    "index",
    "audit",
    "background",
    "overview",
    "taxonomy",
    "framework",
    "methodology",
    "indicators",
    "simulator",
    "appendices",
    "dictionary",
    "errata",
    "changelog",
    "cite",
    "references",
    "about",
}


@pytest.fixture
def plan_data(data_copy):
    """The project's data with fewer uncertainty draws: which pages re-run does not depend on their number."""
    path = data_copy / "indicator_settings.csv"
    set_cell(path, line_of(path, "key", "uncertainty_draws"), "value", "100")
    return data_copy


def keys(data) -> dict[str, str]:
    ds = load_dataset(data)
    return {job.page: job.key for job in plan(ds, compute_indicators(ds), None)}


def changed_pages(data, table: str, column: str, value: str, where: tuple[str, str] | None = None) -> set[str]:
    before = keys(data)
    path = data / f"{table}.csv"
    line = line_of(path, *where) if where else 2
    assert cell(path, line, column) != value
    set_cell(path, line, column, value)
    after = keys(data)
    return {page for page in before if before[page] != after[page]}


# (table, column, new value, row chosen by (column, value), pages whose notebooks must re-run), by hand:
# what each page shows. The changelog has no previous edition here, so it reads nothing; cite prints the
# data fingerprint and the data dictionary every table's row count, so both re-run on every change. The
# simulator carries every base's evidence (its notes too) and names; the appendix index names the bases.
ALWAYS = {"cite", "dictionary"}
CASES = [
    ("source_report", "value", "2022-02", ("key", "date"), ALL_BASE_PAGES | {"index", "about", *ALWAYS}),
    ("key_figures", "value", "41", ("base_id", "dalian"), {"overview", "bases/dalian", *ALWAYS}),
    ("measures", "title", "新平台", ("base_id", "hefei"), {"overview", "bases/hefei", *ALWAYS}),
    (
        "bases",
        "profile",
        "新的概述。",
        ("base_id", "xiamen"),
        {
            "index",
            "overview",
            "taxonomy",
            "indicators",
            "methodology",
            "audit",
            "simulator",
            "appendices",
            "bases/xiamen",
            *ALWAYS,
        },
    ),
    ("evidence", "shows", "新的说明", ("base_id", "qilu"), {"bases/qilu", "simulator", *ALWAYS}),
    # tianjin's only td_path item: its level, the element's mean and so every base page change
    (
        "evidence",
        "strength",
        "1",
        ("evidence_id", "tianjin-e01"),
        ALL_BASE_PAGES | {"index", "taxonomy", "indicators", "audit", "simulator", *ALWAYS},
    ),
    ("national_trade", "note", "新的说明", ("year", "2024"), {"background", *ALWAYS}),
    ("errata", "reason", "新的理由", ("erratum_id", "e01"), ALL_BASE_PAGES | {"errata", *ALWAYS}),
    ("coding_rules", "example", "新的示例", ("element_id", "td_definition"), {"methodology", *ALWAYS}),
    ("taxonomy_notes", "reason", "新的理由", ("note_id", "tn01"), {"taxonomy", *ALWAYS}),
    # an action beyond the first two of its element: on the framework page, and in the simulator, which can
    # recommend any element
    ("framework_actions", "action", "新的行动。", ("action_id", "td_path-a03"), {"framework", "simulator", *ALWAYS}),
    ("edition", "note", "新的版次说明。", None, EVERY_PAGE),
]


@pytest.mark.parametrize("table, column, value, where, expected", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_a_change_reruns_exactly_the_pages_that_show_it(plan_data, table, column, value, where, expected):
    assert changed_pages(plan_data, table, column, value, where) == expected


def test_base_pages_rerun_when_the_report_date_changes(plan_data):
    """The stale-page bug: base pages print the report's date but did not hash it."""
    pages = changed_pages(plan_data, "source_report", "value", "2022-03", ("key", "date"))
    assert pages >= ALL_BASE_PAGES


def test_a_kernel_cannot_read_an_undeclared_table(data_copy):
    ds = load_dataset(data_copy)
    indicators = compute_indicators(ds)
    specs = {spec.page: spec for spec in page_specs([(b, b) for b in ds.base_ids()], list(ds.schemas))}
    errata = page_inputs(specs["errata"], ds, indicators, None).data
    assert len(errata.errata) == len(ds.errata)
    with pytest.raises(UndeclaredInput, match="key_figures"):
        errata.key_figures
    with pytest.raises(UndeclaredInput, match="reads: all"):
        errata.fingerprint
    base = page_inputs(specs["bases/dalian"], ds, indicators, None)
    assert set(base.data.key_figures["base_id"]) == {"dalian"}  # its own rows only
    assert set(base.indicators.ranking["base_id"]) == {"dalian"} and base.indicators.base_count == 12
    assert len(base.indicators.element_means) == len(ds.framework_elements)
    with pytest.raises(UndeclaredInput):
        base.data.national_trade
    cite = page_inputs(specs["cite"], ds, indicators, None).data
    assert cite.fingerprint == ds.fingerprint


def test_registry_expands_base_pages_in_data_order(data_copy):
    ds = load_dataset(data_copy)
    bases = ds.bases.sort_values("order")
    specs = page_specs(list(zip(bases["base_id"], bases["name"])), list(ds.schemas))
    base_pages = [s.page for s in specs if s.page.startswith("bases/")]
    assert base_pages == [f"bases/{b}" for b in BASES]
    assert pd.Series([s.page for s in specs]).is_unique
