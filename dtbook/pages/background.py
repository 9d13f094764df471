"""Chapter 1: the report's background and the national digital-trade series from outside the report."""

from __future__ import annotations

from .. import charts
from ..output import Markdown, Page, md
from .common import with_source


def background_facts(ds, page: Page) -> Markdown:
    facts = with_source(ds, ds.background_facts.sort_values("order"))
    out = []
    for topic, group in facts.groupby("topic", sort=False):
        out.append(f"**{md(topic)}**\n")
        out.extend(f"- {md(row.statement)}（{md(row.出处)}）" for row in group.itertuples())
        out.append("")
    return Markdown("\n".join(out))


def national_trade(ds, page: Page) -> Markdown:
    series = ds.national_trade.sort_values(["compiler", "series", "year"])
    chart = page.chart(
        charts.national_trade_chart(series),
        "fig-national-trade",
        "中国可数字化交付的服务贸易规模（按编制机构与口径分线，十亿美元）",
        "折线图：各编制机构、各口径分别成线，单位为十亿美元；2023 年只有人民币口径数据（只列在表中），"
        "因此商务部折线在 2022 与 2024 年之间直接相连。",
        "商务部、WTO、UNCTAD 数据，见表中每行来源",
    )
    table = series.rename(
        columns={
            "year": "年份",
            "compiler": "编制机构",
            "series": "口径",
            "value": "数值",
            "unit": "单位",
            "growth_pct": "同比增速（%）",
            "note": "说明",
            "source": "来源",
        }
    )
    table = table[["年份", "编制机构", "口径", "数值", "单位", "同比增速（%）", "说明", "来源"]]
    return chart + page.table(
        table, "tbl-national-trade", "中国可数字化交付的服务贸易（报告以外的公开数据）", "新闻与官方发布，见每行来源"
    )
