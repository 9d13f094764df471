"""How the indicators are made: coding rules, strength scale, weights, parameters."""

from __future__ import annotations

import pandas as pd

from ..fmt import number
from ..indicators import COVERAGE_COMPONENT
from ..output import Markdown, Page, md
from .common import element_names


def coding_rules(ds, page: Page) -> Markdown:
    names = element_names(ds)
    frame = ds.coding_rules
    table = pd.DataFrame(
        {
            "要素": frame["element_id"].map(names),
            "计为证据": frame["counts"],
            "不计为证据": frame["excludes"],
            "示例": frame["example"],
        }
    )
    return page.table(table, "tbl-coding-rules", "证据编码规则", "本书编者")


def strength_scale(ds) -> Markdown:
    description = ds.schemas["evidence"].field("strength").description
    return Markdown(f"证据强度分三级：{md(description)}。")


def weights_table(ds, page: Page) -> Markdown:
    names = element_names(ds) | {COVERAGE_COMPONENT: "分类覆盖度"}
    frame = ds.weights
    table = pd.DataFrame(
        {
            "组成部分": frame["component"].map(names),
            "权重": frame["weight"].map(number),
            "权重占比": (frame["weight"] / frame["weight"].sum()).map(lambda v: f"{v:.1%}"),
            "理由": frame["rationale"],
        }
    )
    return page.table(table, "tbl-weights", "综合指数的权重（可在 weights.csv 中修改）", "本书编者")


def settings_table(ds, page: Page) -> Markdown:
    frame = ds.indicator_settings
    table = pd.DataFrame({"参数": frame["label"], "取值": frame["value"].map(number), "含义": frame["meaning"]})
    return page.table(table, "tbl-settings", "指标计算参数（可在 indicator_settings.csv 中修改）", "本书编者")
