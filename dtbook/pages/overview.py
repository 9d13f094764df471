"""Chapter 2: the twelve bases side by side."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..citation import bib_key
from ..fmt import SILENT, figure_value, is_missing
from ..output import Markdown, Page, md, pdf_only, web_only
from .common import BASE_DOC, doc_link, mark_fields, short_names, with_source

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
    columns = {"city": "城市", "province": "省份"}
    frame, notes = mark_fields(ds, "bases", bases, frame, columns, bases["short_name"])
    return page.table(frame, "tbl-bases", f"{len(frame)} 个国家数字服务出口基地一览", "报告第二部分") + notes


def overview_links(ds) -> Markdown:
    links = " · ".join(
        doc_link(name, BASE_DOC.format(base_id))
        for base_id, name in ds.bases.sort_values("order")[["base_id", "short_name"]].itertuples(index=False)
    )
    return Markdown(f"各基地详情：{links}")


def location_reading(ds) -> str:
    """How many cities, and how the bases fall by region (the book's grouping, marked on the overview)."""
    regions = ds.bases["region"].value_counts()
    spread = "、".join(f"{region} {count} 个" for region, count in regions.items())
    return f"{len(ds.bases)} 个基地分布在 {ds.bases['city'].nunique()} 个城市；按本书的地区划分：{spread}。"


def location(ds, page: Page, label: str = "fig-locations") -> Markdown:
    """The bases on a schematic of city coordinates; the front page shows it too, under its own label."""
    return page.chart(
        charts.location_chart(ds.bases, ds.base_locations),
        label,
        "各基地所在城市（示意，按城市中心坐标）",
        "散点图：横轴为东经、纵轴为北纬，每个点是一个基地所在的城市，旁注基地简称；仅示意相对位置，不是地图，不含任何边界线。",
        "城市坐标取自 apache/echarts 与 pyecharts 的城市中心点，见数据表 base_locations",
        location_reading(ds),
    )


def timeline_reading(dated: pd.DataFrame) -> str:
    """The span of the dated policies and their busiest year."""
    years = dated["date"].astype(str).str[:4].astype(int)
    busiest = years.value_counts().sort_index().idxmax()
    return (
        f"报告提及的有日期的政策文件发布于 {years.min()}—{years.max()} 年，{busiest} 年最多"
        f"（{int((years == busiest).sum())} 份）。"
    )


def policy_timeline(ds, page: Page) -> Markdown:
    dated = ds.policies[ds.policies["date"].notna()]
    chart = page.chart(
        charts.policy_timeline(ds.policies, ds.bases),
        "fig-policy-timeline",
        f"报告提及的有日期的政策文件（{len(dated)} 份）",
        "时间线：每个点是一份政策文件，横轴为发布时间，纵轴为所属基地或国家层面，颜色和形状表示发文层级。",
        "报告第一至三部分",
        timeline_reading(dated),
    )
    return (
        chart
        + web_only(policy_table(ds, page, ds.policies, "tbl-policies", "报告提及的全部政策文件"))
        + pdf_only(Markdown("各基地的政策文件及其要点见各基地一章的“政策文件”一节；全表见网页版与数据包。"))
    )


FIGURE_COLUMNS = {"value": "数值", "qualifier": "数值", "unit": "数值", "year": "年份"}
POLICY_COLUMNS = {"title": "文件", "issuer": "发文机关", "date": "时间", "level": "层级", "relation": "关系"}


def policy_table(ds, page: Page, policies: pd.DataFrame, name: str, caption: str) -> Markdown:
    """Policies with what the report says of each (summary), the document number under the title."""
    names = short_names(ds)
    frame = with_source(ds, policies)
    titles = [t if is_missing(n) else f"{t}（{n}）" for t, n in zip(frame["title"], frame["doc_number"])]
    fields = pd.DataFrame(
        {
            "文件": titles,
            "发文机关": frame["issuer"].fillna("发文机关未载明"),
            "时间": frame["date"].fillna("时间未载明"),
            "层级": frame["level"],
            "关系": frame["relation"],
        }
    )
    fields, notes = mark_fields(
        ds, "policies", policies, fields.reset_index(drop=True), POLICY_COLUMNS, policies["title"]
    )
    shown = pd.DataFrame(
        {
            "文件": fields["文件"],
            "主体": frame["base_id"].map(names).fillna("国家层面").to_numpy(),
            "发文与时间": (fields["发文机关"] + "，" + fields["时间"]).to_numpy(),
            "层级·关系": (fields["层级"] + "·" + fields["关系"]).to_numpy(),
            "报告所述要点": frame["summary"].fillna(SILENT).to_numpy(),
            "出处": frame["出处"].to_numpy(),
        }
    )
    if policies["base_id"].nunique(dropna=False) == 1:
        shown = shown.drop(columns="主体")
    keys = ",".join(dict.fromkeys(bib_key(row) for row in policies.itertuples()))
    legend = "层级·关系一栏的关系：" + ds.schemas["policies"].field("relation").description
    return page.table(shown, name, caption, "报告") + Markdown(f"{md(legend)}。参考文献：{{cite:p}}`{keys}`") + notes


def report_coverage_reading(counts: pd.DataFrame) -> str:
    """The bases with the most and the fewest entries in the report."""
    total = counts.set_index("基地").sum(axis=1)
    return (
        f"报告对{total.idxmax()}着墨最多（政策、举措、数据与产业共 {int(total.max())} 条），"
        f"对{total.idxmin()}最少（{int(total.min())} 条）。"
    )


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
        report_coverage_reading(counts),
    )


def industries_reading(frame: pd.DataFrame) -> str:
    """The industries the most bases share."""
    counts = frame.groupby("产业")["基地"].nunique()
    top = counts[counts == counts.max()].index.tolist()
    return f"被最多基地列为重点的产业是{'、'.join(top)}（{int(counts.max())} 个基地）；共 {len(counts)} 个不同的产业。"


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
        industries_reading(frame),
    )


def comparable_reading(frame: pd.DataFrame) -> str:
    """For each comparable metric, the base reporting the largest value."""
    parts = []
    for (metric, unit), group in frame.groupby(["metric", "unit"], sort=False):
        top = group.loc[group["value"].idxmax()]
        parts.append(f"{metric}最高的是{top['基地']}（{figure_value(top['qualifier'], top['value'], unit)}）")
    return "；".join(parts) + "。"


def figures_table(ds, figures: pd.DataFrame, with_base: bool) -> tuple[pd.DataFrame, Markdown]:
    """Key figures as the report states them (the qualifier in its Chinese place, the quote, the source),
    values that are the book's reading marked, and the notes behind the marks; with_base adds the base."""
    frame = with_source(ds, figures)
    names = frame["base_id"].map(short_names(ds))
    shown = pd.DataFrame(
        {
            "基地": names,
            "指标": frame["metric"],
            "数值": [figure_value(q, v, u) for q, v, u in zip(frame["qualifier"], frame["value"], frame["unit"])],
            "年份": frame["year"].astype("string").fillna(SILENT),
            "原文": frame["quote"],
            "出处": frame["出处"],
        }
    )
    if not with_base:
        shown = shown.drop(columns="基地")
    labels = names + frame["metric"] if with_base else frame["metric"]
    return mark_fields(ds, "key_figures", figures, shown, FIGURE_COLUMNS, labels)


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
            comparable_reading(frame),
        )
    else:
        out += Markdown(
            f"报告给出的关键数据口径各异：没有哪项指标有 {MIN_COMPARABLE_BASES} 个以上基地以同一口径、同一单位报告，"
            "横向比较没有意义，因此不作比较图，只列出全部数据。"
        )
    shown, notes = figures_table(ds, figures, with_base=True)
    return (
        out
        + web_only(page.table(shown, "tbl-key-figures", "报告给出的各基地关键数据", "报告第二部分") + notes)
        + pdf_only(Markdown("各基地的关键数据见各基地一章的“关键数据”一节；全表见网页版与数据包。"))
    )
