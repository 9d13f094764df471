"""Chapter 2: the twelve bases side by side."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..citation import bib_key
from ..fmt import SILENT, figure_value
from ..output import Markdown, Page, md
from .common import BASE_DOC, doc_link, short_names, with_source

MIN_COMPARABLE_BASES = 3


def overview_table(ds, page: Page) -> Markdown:
    bases = ds.bases.sort_values("order")

    def count(table):
        return ds[table].groupby("base_id").size()

    frame = pd.DataFrame(
        {
            "序号": bases["order"].astype(int).to_numpy(),
            "基地": bases["name"].to_numpy(),
            "城市": bases["city"].to_numpy(),
            "省份": bases["province"].to_numpy(),
            "定位": bases["positioning"].fillna("报告未给出定位").to_numpy(),
            "政策文件": bases["base_id"].map(count("policies")).fillna(0).astype(int).to_numpy(),
            "举措与平台": bases["base_id"].map(count("measures")).fillna(0).astype(int).to_numpy(),
            "关键数据": bases["base_id"].map(count("key_figures")).fillna(0).astype(int).to_numpy(),
        }
    )
    return page.table(frame, "tbl-bases", f"{len(frame)} 个国家数字服务出口基地一览", "报告第二部分")


def overview_links(ds) -> Markdown:
    links = " · ".join(
        doc_link(name, BASE_DOC.format(base_id))
        for base_id, name in ds.bases.sort_values("order")[["base_id", "short_name"]].itertuples(index=False)
    )
    return Markdown(f"各基地详情：{links}")


def location(ds, page: Page, label: str = "fig-locations") -> Markdown:
    """The bases on a schematic of city coordinates; the front page shows it too, under its own label."""
    return page.chart(
        charts.location_chart(ds.bases, ds.base_locations),
        label,
        "各基地所在城市（示意，按城市中心坐标）",
        "散点图：横轴为东经、纵轴为北纬，每个点是一个基地所在的城市，旁注基地简称；仅示意相对位置，不是地图，不含任何边界线。",
        "城市坐标取自 apache/echarts 与 pyecharts 的城市中心点，见数据表 base_locations",
    )


def policy_timeline(ds, page: Page) -> Markdown:
    dated = ds.policies[ds.policies["date"].notna()]
    chart = page.chart(
        charts.policy_timeline(ds.policies, ds.bases),
        "fig-policy-timeline",
        f"报告提及的有日期的政策文件（{len(dated)} 份）",
        "时间线：每个点是一份政策文件，横轴为发布时间，纵轴为所属基地或国家层面，颜色和形状表示发文层级。",
        "报告第一至三部分",
    )
    return chart + policy_table(ds, page, ds.policies, "tbl-policies", "报告提及的全部政策文件")


def policy_table(ds, page: Page, policies: pd.DataFrame, name: str, caption: str) -> Markdown:
    names = short_names(ds)
    frame = with_source(ds, policies)
    frame = pd.DataFrame(
        {
            "文件": frame["title"],
            "主体": frame["base_id"].map(names).fillna("国家层面"),
            "发文机关": frame["issuer"].fillna(SILENT),
            "时间": frame["date"].fillna(SILENT),
            "文号": frame["doc_number"].fillna(""),
            "层级": frame["level"],
            "关系": frame["relation"],
            "出处": frame["出处"],
        }
    )
    if policies["base_id"].nunique(dropna=False) == 1:
        frame = frame.drop(columns="主体")
    keys = ",".join(dict.fromkeys(bib_key(row) for row in policies.itertuples()))
    legend = ds.schemas["policies"].field("relation").description
    return page.table(frame, name, caption, "报告") + Markdown(f"关系一栏：{md(legend)}。参考文献：{{cite:p}}`{keys}`")


def coverage_of_report(ds, page: Page) -> Markdown:
    bases = ds.bases.sort_values("order")
    counts = pd.DataFrame({"基地": bases["short_name"].to_numpy()})
    for table, label in [
        ("policies", "政策文件"),
        ("measures", "举措与平台"),
        ("key_figures", "关键数据"),
        ("focus_industries", "重点产业"),
    ]:
        counts[label] = bases["base_id"].map(ds[table].groupby("base_id").size()).fillna(0).astype(int).to_numpy()
    return page.chart(
        charts.report_coverage_chart(counts),
        "fig-report-coverage",
        "报告对各基地的着墨",
        "堆叠条形图：每个基地在报告中被提及的政策、举措与平台、关键数据和重点产业的条数；"
        "条目少说明报告着墨少，不等于基地弱。",
        "报告第二部分",
    )


def industry_matrix(ds, page: Page) -> Markdown:
    names = short_names(ds)
    frame = ds.focus_industries.assign(
        基地=ds.focus_industries["base_id"].map(names), 产业=ds.focus_industries["industry"]
    )
    frame["基地数"] = frame.groupby("产业")["基地"].transform("count")
    order = ds.bases.sort_values("order")["short_name"].tolist()
    frame["_order"] = frame["基地"].map({n: i for i, n in enumerate(order)})
    frame = frame.sort_values("_order")[["基地", "产业", "基地数"]]
    return page.chart(
        charts.industry_matrix(frame),
        "fig-industries",
        "各基地的重点产业",
        "矩阵图：行是基地，列是产业，方块表示报告把该产业列为该基地的重点；列按提及的基地数从多到少排列。",
        "报告第二部分",
    )


def comparable_figures(ds, page: Page) -> Markdown:
    """Quantities that at least three bases report with the same metric and unit (calendar years such as
    founding dates are not quantities and stay in the table)."""
    figures = ds.key_figures.copy()
    names = short_names(ds)
    shared = (figures.groupby(["metric", "unit"])["base_id"].transform("nunique") >= MIN_COMPARABLE_BASES) & ~figures[
        "metric"
    ].str.endswith("年份")
    out = Markdown("")
    if shared.any():
        frame = figures[shared].assign(基地=lambda f: f["base_id"].map(names))
        out += page.chart(
            charts.comparable_figures_chart(frame),
            "fig-comparable-figures",
            "报告中可比的关键数据（同一指标、同一单位）",
            f"分面条形图：每个小图是一项至少 {MIN_COMPARABLE_BASES} 个基地以同一单位报告的指标，条形为各基地的数值。",
            "报告第二部分",
        )
    else:
        out += Markdown(
            f"报告给出的关键数据口径各异：没有哪项指标有 {MIN_COMPARABLE_BASES} 个以上基地以同一口径、同一单位报告，"
            "横向比较没有意义，因此不作比较图，只列出全部数据。"
        )
    table = with_source(ds, figures)
    table = pd.DataFrame(
        {
            "基地": table["base_id"].map(names),
            "指标": table["metric"],
            "数值": [figure_value(q, v) for q, v in zip(table["qualifier"], table["value"])],
            "单位": table["unit"],
            "年份": table["year"].astype("string").fillna(SILENT),
            "原文": table["quote"],
            "出处": table["出处"],
        }
    )
    return out + page.table(table, "tbl-key-figures", "报告给出的各基地关键数据", "报告第二部分")
