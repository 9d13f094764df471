"""Chapter 1: the report's background and the national digital-trade series from outside the report."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..output import Markdown, Page, md
from .common import mark_fields, with_source


def background_facts(ds, page: Page) -> Markdown:
    facts = with_source(ds, ds.background_facts.sort_values("order"))
    out = []
    for topic, group in facts.groupby("topic", sort=False):
        out.append(f"**{md(topic)}**\n")
        out.extend(f"- {md(row.statement)}（{md(row.出处)}）" for row in group.itertuples())
        out.append("")
    return Markdown("\n".join(out))


NATIONAL_TRADE_CAPTION = "中国可数字化交付的服务贸易（报告以外的公开数据）"


def trade_lines_description(series: pd.DataFrame) -> str:
    """What the national-trade chart draws: which lines skip years and which series are single points."""
    dollars = series[series["unit"] == "十亿美元"]
    joins, points = [], []
    for (compiler, kind), line in dollars.groupby(["compiler", "series"], sort=True):
        years = sorted(int(y) for y in line["year"])
        if len(years) == 1:
            points.append(f"{compiler}·{kind}（{years[0]} 年）")
        gaps = [f"{a} 与 {b} 年之间" for a, b in zip(years, years[1:]) if b - a > 1]
        if gaps:
            joins.append(f"{compiler}·{kind}折线在 {'、'.join(gaps)}直接相连（其间没有美元数据）")
    text = (
        "折线图：每个编制机构的每个口径各成一线（编制机构未注明的数据单独成线），单位为十亿美元，"
        "人民币口径的数据只列在表中"
    )
    if joins:
        text += "；" + "；".join(joins)
    if points:
        text += "；只有一个年份的数列画作单点：" + "、".join(points)
    return text + "。"


def trade_reading(series: pd.DataFrame) -> str:
    """The longest dollar line: its latest value and its growth since its first year."""
    dollars = series[series["unit"] == "十亿美元"]
    (compiler, kind), line = max(dollars.groupby(["compiler", "series"]), key=lambda g: len(g[1]))
    line = line.sort_values("year")
    first, last = line.iloc[0], line.iloc[-1]
    growth = last["value"] / first["value"] - 1
    return (
        f"按{compiler}口径，{int(last['year'])} 年{kind}为 {last['value']:g} 十亿美元，"
        f"比 {int(first['year'])} 年增长 {growth:.0%}。"
    )


def national_trade(ds, page: Page) -> Markdown:
    series = ds.national_trade.sort_values(["compiler", "series", "year"])
    chart = page.chart(
        charts.national_trade_chart(series),
        "fig-national-trade",
        "中国可数字化交付的服务贸易规模（按编制机构与口径分线，十亿美元）",
        trade_lines_description(series),
        "商务部、WTO、UNCTAD 等数据，见表中每行来源",
        trade_reading(series),
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
    columns = {"compiler": "编制机构"}
    labels = series["year"].astype(str) + " 年" + series["series"]
    table, notes = mark_fields(ds, "national_trade", series, table.reset_index(drop=True), columns, labels)
    return chart + page.table(table, "tbl-national-trade", NATIONAL_TRADE_CAPTION, "新闻与官方发布，见每行来源") + notes
