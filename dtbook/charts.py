"""Altair charts of the publication: one function per chart, data in, chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .labels import CompositeStatus

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
WIDTH = 600
LEVELS = ["国家", "省级", "市级", "区级", "园区"]


RESPONSIVE = "dtResponsive"  # usermeta flag read by dtbook.sphinx_ext: on screen the chart takes the column's width


def _styled(chart: alt.TopLevelMixin, responsive: bool = False) -> alt.TopLevelMixin:
    """Chinese-capable fonts everywhere, no chart border; the same look on every page.

    Axes and legends carry no ARIA of their own: vega would describe them in English ("X-axis titled …",
    "Symbol legend titled …"). Screen readers get the chart's Chinese description (the spec's description,
    set from the figure's text alternative) and the marks' field: value labels, whose names are Chinese.
    A responsive chart (a single or layered view with a continuous or few-category x axis) fills its column
    on screen instead of scrolling on a phone; its PNG and SVG keep the width set here."""
    if responsive:
        chart = chart.properties(usermeta={RESPONSIVE: True})
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=11, titleFontSize=12, aria=False)
        .configure_legend(labelFont=FONT, titleFont=FONT, labelLimit=260, aria=False)
        .configure_title(font=FONT, fontSize=14, anchor="start")
        .configure_view(stroke=None)
    )


def _date_of(partial: str) -> pd.Timestamp:
    """Plot a YYYY or YYYY-MM date at the middle of its period."""
    if len(partial) == 4:
        return pd.Timestamp(f"{partial}-07-01")
    if len(partial) == 7:
        return pd.Timestamp(f"{partial}-15")
    return pd.Timestamp(partial)


def policy_timeline(policies: pd.DataFrame, bases: pd.DataFrame) -> alt.Chart:
    """Every dated policy the report names, one row of points per base (national documents on top)."""
    dated = policies[policies["date"].notna()].copy()
    names = dict(zip(bases["base_id"], bases["short_name"]))
    order = ["国家层面"] + bases.sort_values("order")["short_name"].tolist()
    dated["主体"] = dated["base_id"].map(names).fillna("国家层面")
    dated["时间"] = dated["date"].map(_date_of)
    dated["日期"] = dated["date"].astype(str)
    dated = dated.rename(columns={"title": "文件", "issuer": "发文机关", "level": "层级"})
    dated["发文机关"] = dated["发文机关"].fillna("报告未载明")
    chart = (
        alt.Chart(dated)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X(
                "时间:T",
                title="发布时间（仅有年份的文件画在年中）",
                scale=alt.Scale(padding=14),
                axis=alt.Axis(format="%Y年%m月", labelAngle=0),
            ),
            y=alt.Y("主体:N", title=None, sort=[o for o in order if o in set(dated["主体"])]),
            color=alt.Color("层级:N", title="层级", sort=LEVELS),
            shape=alt.Shape("层级:N", title="层级", sort=LEVELS),
            tooltip=["文件:N", "发文机关:N", "日期:N", "层级:N", "主体:N"],
        )
        .properties(width=WIDTH, height=max(120, 28 * dated["主体"].nunique()))
    )
    return _styled(chart, responsive=True)


def location_chart(bases: pd.DataFrame, locations: pd.DataFrame) -> alt.Chart:
    """Schematic positions of the bases by city coordinates; deliberately no boundary lines."""
    frame = bases.merge(locations[["base_id", "lon", "lat"]], on="base_id")
    frame = frame.rename(columns={"short_name": "基地", "name": "名称", "city": "城市", "lon": "经度", "lat": "纬度"})
    scale_x = alt.Scale(domain=[frame["经度"].min() - 4, frame["经度"].max() + 4])
    scale_y = alt.Scale(domain=[frame["纬度"].min() - 3, frame["纬度"].max() + 3])
    base = alt.Chart(frame).encode(
        x=alt.X("经度:Q", title="东经（度）", scale=scale_x),
        y=alt.Y("纬度:Q", title="北纬（度）", scale=scale_y),
        tooltip=["名称:N", "城市:N", "经度:Q", "纬度:Q"],
    )
    points = base.mark_circle(size=120, color="#1f6f8b", opacity=0.85)
    labels = base.mark_text(align="left", dx=8, dy=-6, fontSize=11).encode(text="基地:N")
    return _styled(alt.layer(points, labels).properties(width=WIDTH, height=460), responsive=True)


def report_coverage_chart(counts: pd.DataFrame) -> alt.Chart:
    """How much the report says about each base: policies, measures, figures, industries."""
    long = counts.melt(id_vars=["基地"], var_name="内容", value_name="条数")
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("条数:Q", title="报告中的条目数"),
            y=alt.Y("基地:N", title=None, sort=counts["基地"].tolist()),
            color=alt.Color("内容:N", title="内容类别"),
            tooltip=["基地:N", "内容:N", "条数:Q"],
        )
        .properties(width=WIDTH - 120, height=26 * len(counts))
    )
    return _styled(chart, responsive=True)


def industry_matrix(matrix: pd.DataFrame) -> alt.Chart:
    """Which base names which focus industry (long table: 基地, 产业, 基地数); industries run down the
    page so the chart stays readable at any width and in print."""
    chart = (
        alt.Chart(matrix)
        .mark_square(size=110, color="#1f6f8b")
        .encode(
            y=alt.Y("产业:N", title=None, sort=alt.EncodingSortField("基地数", order="descending")),
            x=alt.X(
                "基地:N",
                title=None,
                sort=matrix.drop_duplicates("基地")["基地"].tolist(),
                axis=alt.Axis(labelAngle=-45, orient="top"),
            ),
            tooltip=["基地:N", "产业:N", "基地数:Q"],
        )
        .properties(width=26 * matrix["基地"].nunique(), height=16 * matrix["产业"].nunique())
    )
    return _styled(chart)


def national_trade_chart(series: pd.DataFrame) -> alt.Chart:
    """One line per compiler and series, in US dollars only: compilers' figures are never joined."""
    frame = series[series["unit"] == "十亿美元"].copy()
    frame["口径"] = frame["compiler"] + "·" + frame["series"]
    frame = frame.rename(
        columns={"year": "年份", "value": "金额（十亿美元）", "growth_pct": "增速（%）", "source": "来源"}
    )
    frame["年份"] = frame["年份"].astype(int)
    base = alt.Chart(frame).encode(
        x=alt.X("年份:O", title="年份", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("金额（十亿美元）:Q", title="十亿美元", scale=alt.Scale(zero=True)),
        color=alt.Color("口径:N", title="编制机构·口径"),
        tooltip=["口径:N", "年份:O", "金额（十亿美元）:Q", "增速（%）:Q", "来源:N"],
    )
    return _styled(base.mark_line(point=True).properties(width=WIDTH - 80, height=300), responsive=True)


def taxonomy_icicle(layout: pd.DataFrame) -> alt.Chart:
    """Table 1 as an icicle: one band per level, each node as wide as its number of leaves."""
    base = alt.Chart(layout).encode(
        y=alt.Y("level_start:Q", title=None, axis=None, scale=alt.Scale(domain=[0, 5], reverse=True)),
        y2="level_end:Q",
        x=alt.X("start:Q", title=None, axis=None),
        x2="end:Q",
        tooltip=[
            alt.Tooltip("path:N", title="分类路径"),
            alt.Tooltip("level:O", title="层级"),
            alt.Tooltip("leaves:Q", title="末级节点数"),
        ],
    )
    rects = base.mark_rect(stroke="white", strokeWidth=0.6).encode(
        color=alt.Color("class:N", title="一级分类", sort=layout.drop_duplicates("class")["class"].tolist()),
        opacity=alt.Opacity("level:O", legend=None, scale=alt.Scale(range=[1.0, 0.45])),
    )
    labels = (
        alt.Chart(layout[layout["label_fits"]])
        .mark_text(angle=0, fontSize=9, baseline="middle")
        .encode(x="mid:Q", y="level_mid:Q", text="name:N")
    )
    chart = alt.layer(rects, labels).properties(width=WIDTH + 40, height=360)
    return _styled(chart)


MISSING_FILL = "#bdbdbd"
LEVEL_TEXT = {0: "无证据", 1: "1", 2: "2", 3: "3"}


def score_heatmap(scores: pd.DataFrame, element_order: list[str], base_order: list[str]) -> alt.Chart:
    """Base × element evidence levels; cells without evidence are grey and say 无证据. They are a layer of
    their own: a colour scale would paint a zero score as the palest blue, not as "no evidence"."""
    frame = scores.copy()
    frame["显示"] = frame["level"].map(LEVEL_TEXT)
    frame = frame.rename(
        columns={"base_name": "基地", "element_name": "要素", "level": "证据等级", "items": "证据条数"}
    )
    base = alt.Chart(frame).encode(
        x=alt.X("要素:N", sort=element_order, title=None, axis=alt.Axis(labelAngle=-30, orient="top")),
        y=alt.Y("基地:N", sort=base_order, title=None),
        tooltip=["基地:N", "要素:N", "显示:N", "证据条数:Q"],
    )
    cells = (
        base.transform_filter("datum['证据等级'] > 0")
        .mark_rect(stroke="white")
        .encode(color=alt.Color("证据等级:O", scale=alt.Scale(domain=[1, 2, 3], scheme="blues"), title="证据等级"))
    )
    missing = base.transform_filter("datum['证据等级'] == 0").mark_rect(stroke="white", color=MISSING_FILL)
    text = base.mark_text(fontSize=10).encode(
        text="显示:N", color=alt.condition("datum['证据等级'] == 3", alt.value("white"), alt.value("#222"))
    )
    return _styled(alt.layer(cells, missing, text).properties(width=WIDTH - 60, height=26 * len(base_order)))


def items_heatmap(scores: pd.DataFrame, element_order: list[str], base_order: list[str]) -> alt.Chart:
    """How many evidence items the report gives per base and element (report coverage, not strength)."""
    frame = scores.rename(columns={"base_name": "基地", "element_name": "要素", "items": "证据条数"})
    base = alt.Chart(frame).encode(
        x=alt.X("要素:N", sort=element_order, title=None, axis=alt.Axis(labelAngle=-30, orient="top")),
        y=alt.Y("基地:N", sort=base_order, title=None),
        tooltip=["基地:N", "要素:N", "证据条数:Q"],
    )
    cells = (
        base.transform_filter("datum['证据条数'] > 0")
        .mark_rect(stroke="white")
        .encode(color=alt.Color("证据条数:Q", scale=alt.Scale(scheme="greens", domainMin=0), title="证据条数"))
    )
    text = base.transform_filter("datum['证据条数'] > 0").mark_text(fontSize=10).encode(text="证据条数:Q")
    return _styled(alt.layer(cells, text).properties(width=WIDTH - 60, height=26 * len(base_order)))


def ranking_chart(ranking: pd.DataFrame) -> alt.Chart:
    """Composite (published scenario) beside the 5–95% rank band over all scenarios, coloured by tier."""
    frame = ranking.rename(
        columns={
            "base_name": "基地",
            "composite": "综合指数",
            "rank": "公布情景排名",
            "rank_median": "中位排名",
            "rank_p05": "排名下限",
            "rank_p95": "排名上限",
            "status_label": "证据覆盖",
            "tier_label": "梯队",
        }
    )
    order = frame.sort_values(["中位排名", "综合指数"], ascending=[True, False])["基地"].tolist()
    tooltip = [
        "基地:N",
        "梯队:N",
        alt.Tooltip("综合指数:Q", format=".1f"),
        "中位排名:Q",
        "排名下限:Q",
        "排名上限:Q",
        "证据覆盖:N",
    ]
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#1f6f8b")
        .encode(
            x=alt.X("综合指数:Q", scale=alt.Scale(domain=[0, 100]), title="综合指数（0—100）"),
            y=alt.Y("基地:N", sort=order, title=None),
            opacity=alt.condition(f"datum.status == '{CompositeStatus.OK.key}'", alt.value(1.0), alt.value(0.45)),
            tooltip=tooltip,
        )
        .properties(width=240, height=26 * len(frame), title="综合指数")
    )
    tier = alt.Color("梯队:N", title="梯队", sort=frame.sort_values("tier")["梯队"].unique().tolist())
    rules = (
        alt.Chart(frame)
        .mark_rule(strokeWidth=3)
        .encode(
            x=alt.X("排名下限:Q", title="排名（1 为最高）", scale=alt.Scale(domain=[len(frame) + 0.5, 0.5])),
            x2="排名上限:Q",
            y=alt.Y("基地:N", sort=order, title=None, axis=None),
            color=tier,
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=80, color="#222")
        .encode(x="中位排名:Q", y=alt.Y("基地:N", sort=order), tooltip=tooltip)
    )
    ranks = alt.layer(rules, points).properties(width=240, height=26 * len(frame), title="排名区间与中位排名")
    return _styled(alt.hconcat(bars, ranks, spacing=20))


def pairwise_chart(pairs: pd.DataFrame, order: list[str]) -> alt.Chart:
    """Share of scenarios in which the row base ranks above the column base."""
    frame = pairs.rename(columns={"base_name": "基地", "other_name": "对比基地"})
    frame["占比（%）"] = (frame["p_above"] * 100).round(0)
    base = alt.Chart(frame).encode(
        x=alt.X("对比基地:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45, orient="top")),
        y=alt.Y("基地:N", sort=order, title=None),
        tooltip=["基地:N", "对比基地:N", "占比（%）:Q"],
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("占比（%）:Q", scale=alt.Scale(domain=[0, 100], scheme="purples"), title="排在前的情景（%）")
    )
    text = base.mark_text(fontSize=9).encode(
        text=alt.Text("占比（%）:Q", format=".0f"),
        color=alt.condition("datum['占比（%）'] > 60", alt.value("white"), alt.value("#222")),
    )
    return _styled(alt.layer(cells, text).properties(width=26 * len(order), height=26 * len(order)))


def coverage_chart(coverage: pd.DataFrame, class_order: list[str], base_order: list[str]) -> alt.Chart:
    """Share of each top-level class of Table 1 that a base's focus industries reach."""
    frame = coverage.rename(
        columns={
            "base_name": "基地",
            "class_name": "一级分类",
            "coverage": "覆盖度",
            "covered": "覆盖的二级分类",
            "total": "二级分类数",
        }
    )
    frame["覆盖度（%）"] = (frame["覆盖度"] * 100).round(0)
    base = alt.Chart(frame).encode(
        x=alt.X("一级分类:N", sort=class_order, title=None, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("基地:N", sort=base_order, title=None),
        tooltip=["基地:N", "一级分类:N", "覆盖度（%）:Q", "覆盖的二级分类:Q", "二级分类数:Q"],
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("覆盖度（%）:Q", scale=alt.Scale(domain=[0, 100], scheme="greens"), title="覆盖度（%）")
    )
    text = base.mark_text(fontSize=10).encode(text=alt.Text("覆盖度（%）:Q", format=".0f"))
    return _styled(alt.layer(cells, text).properties(width=420, height=26 * len(base_order)))


def base_profile_chart(profile: pd.DataFrame, element_order: list[str]) -> alt.Chart:
    """One base's element scores (bars: 100 × level / 3) against the average of all bases (ticks)."""
    frame = profile.rename(
        columns={
            "element_name": "要素",
            "score": "本基地得分",
            "mean": "全部基地均值",
            "items": "证据条数",
            "level": "证据等级",
        }
    )
    frame["显示"] = frame["证据等级"].map(LEVEL_TEXT)
    tooltip = ["要素:N", "显示:N", alt.Tooltip("全部基地均值:Q", format=".1f"), "证据条数:Q"]
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#1f6f8b")
        .encode(
            y=alt.Y("要素:N", sort=element_order, title=None),
            x=alt.X("本基地得分:Q", scale=alt.Scale(domain=[0, 100]), title="得分（0—100），竖线为全部基地均值"),
            tooltip=tooltip,
        )
    )
    ticks = (
        alt.Chart(frame)
        .mark_tick(color="#c0392b", thickness=3, size=20)
        .encode(y=alt.Y("要素:N", sort=element_order), x="全部基地均值:Q", tooltip=tooltip)
    )
    missing = (
        alt.Chart(frame[frame["证据等级"] == 0])
        .mark_text(align="left", dx=4, color="#555")
        .encode(y=alt.Y("要素:N", sort=element_order), x=alt.datum(0), text=alt.value("无证据"))
    )
    return _styled(
        alt.layer(bars, ticks, missing).properties(width=WIDTH - 180, height=30 * len(frame)), responsive=True
    )


def comparable_figures_chart(figures: pd.DataFrame) -> alt.Chart:
    """Small multiples, one per metric that several bases report in the same unit."""
    frame = figures.assign(指标=figures["metric"] + "（" + figures["unit"] + "）")
    frame = frame.rename(columns={"value": "数值", "year": "年份", "quote": "原文"})
    frame["年份"] = frame["年份"].astype("string").fillna("未载明")
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#1f6f8b")
        .encode(
            x=alt.X("数值:Q", title=None),
            y=alt.Y("基地:N", title=None),
            tooltip=["基地:N", "指标:N", "数值:Q", "年份:N", "原文:N"],
        )
        .properties(width=260, height=alt.Step(22))
        .facet(facet=alt.Facet("指标:N", title=None), columns=2)
        .resolve_scale(x="independent", y="independent")
    )
    return _styled(chart)
