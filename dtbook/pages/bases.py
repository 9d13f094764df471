"""One page per base: facts, industries, policies, measures, figures, scores, recommendations, evidence."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..citation import source_report
from ..fmt import is_missing, one_decimal, or_silent, score
from ..indicators import Indicators
from ..labels import CompositeStatus, EvidenceStatus, RecommendationKind
from ..output import Markdown, Page, md
from .common import (
    CAVEAT,
    PAGE_DOCS,
    base_name,
    doc_link,
    element_names,
    element_order,
    field_source_lines,
    field_sources,
    locate,
    mark_fields,
    marked,
    ref_link,
    with_source,
)
from .indicators import band, scenario_note, tier_label
from .overview import figures_table, policy_table

BASE_FIELDS = {
    "short_name": "简称",
    "name_en": "英文名称",
    "province": "省份",
    "city": "城市",
    "region": "地区",
    "positioning": "定位",
}
MEASURE_COLUMNS = {"title": "名称", "status": "状态", "description": "内容"}
INDUSTRY_COLUMNS = {"industry": "重点产业", "taxonomy_ids": "对应表1分类"}


def base_facts(ds, base_id: str) -> Markdown:
    own = ds.bases[ds.bases["base_id"] == base_id]
    row = own.iloc[0]
    sources = field_sources(ds, "bases", own, BASE_FIELDS)
    basis = dict(zip(sources["field"], sources["basis"]))

    def value(field: str) -> str:
        text = md(or_silent(row[field]))
        return marked(text, basis[field]) if field in basis else text

    positioning = "报告未给出定位" if is_missing(row["positioning"]) else value("positioning")
    items = [
        ("官方名称", md(row["name"])),
        ("简称", value("short_name")),
        ("英文名称", value("name_en")),
        ("所在地", f"{value('province')} {value('city')}（{value('region')}）"),
        ("认定", f"{md(row['batch'])}，{md(row['recognised'])}"),
        ("定位", positioning),
        ("概述", md(row["profile"])),
        ("出处", md(locate(ds, row["source_section"], row["source_locator"]))),
    ]
    errata = ds.errata[ds.errata["source_section"] == row["source_section"]]
    lines = [f"{label}\n: {text}\n" for label, text in items]
    notes = field_source_lines(sources, own["short_name"], BASE_FIELDS)
    if notes:
        lines.append("不是报告原文的项\n: " + "\n  ".join(f"- {note}" for note in notes) + "\n")
    if len(errata):
        lines.append(
            "勘误\n: "
            + "；".join(f"报告原文：{md(e.printed)}；本书处理：{md(e.published)}" for e in errata.itertuples())
            + f"（见{doc_link('勘误与来源说明', PAGE_DOCS['errata'])}）\n"
        )
    if not is_missing(row["disclosure"]):
        lines.append(f"与报告作者的关联\n: {md(row['disclosure'])}\n")
    report_date = source_report(ds)["date"]
    lines.append(f"时点\n: 本页所列情况均为报告发布时（{md(report_date)}）的情况，“计划”等状态以该时点为准。\n")
    links = (
        f"返回{doc_link('基地总览', PAGE_DOCS['overview'])}；本基地在{ref_link('梯队与排名区间', 'tbl-tiers')}"
        f"与{ref_link('要素证据等级热力图', 'fig-score-heatmap')}中的位置见指标体系。"
    )
    return Markdown("\n".join(lines)) + Markdown(links)


def _base_table(ds, table: str, base_id: str) -> pd.DataFrame:
    return with_source(ds, ds[table][ds[table]["base_id"] == base_id])


def base_industries(ds, page: Page, base_id: str) -> Markdown:
    frame = _base_table(ds, "focus_industries", base_id)
    if frame.empty:
        return Markdown("报告未列出该基地的重点产业。")
    taxonomy = ds.taxonomy.set_index("node_id")
    show = pd.DataFrame(
        {
            "重点产业": frame["industry"],
            "对应表1分类": [
                "；".join(f"{n} {taxonomy.at[n, 'name']}" for n in ids) or "表1无对应分类"
                for ids in frame["taxonomy_ids"]
            ],
            "出处": frame["出处"],
        }
    )
    industries = ds.focus_industries[ds.focus_industries["base_id"] == base_id]
    show, notes = mark_fields(ds, "focus_industries", industries, show, INDUSTRY_COLUMNS, industries["industry"])
    classes = sorted({_class_of(ds, n) for ids in frame["taxonomy_ids"] for n in ids})
    links = "、".join(ref_link(taxonomy.at[c, "name"], f"tax-{c.lower()}") for c in classes)
    out = page.table(
        show,
        f"tbl-{base_id}-industries",
        f"{base_name(ds, base_id)}的重点产业及其在表1中的位置",
        "报告第二部分；映射为本书编码",
    )
    out += notes
    return out + Markdown(f"涉及的表1一级分类：{links or '无'}。") if classes else out


def _class_of(ds, node_id: str) -> str:
    return node_id.split(".")[0]


def base_policies(ds, page: Page, base_id: str) -> Markdown:
    policies = ds.policies[ds.policies["base_id"] == base_id]
    if policies.empty:
        return Markdown("报告未点名该基地的具体政策文件。")
    return policy_table(
        ds, page, policies, f"tbl-{base_id}-policies", f"报告提及的{base_name(ds, base_id)}相关政策文件"
    )


def base_measures(ds, page: Page, base_id: str) -> Markdown:
    frame = _base_table(ds, "measures", base_id)
    if frame.empty:
        return Markdown("报告未提及该基地的具体举措或平台。")
    show = pd.DataFrame(
        {
            "名称": frame["title"],
            "类别": frame["kind"],
            "状态": frame["status"],
            "内容": frame["description"],
            "出处": frame["出处"],
        }
    )
    measures = ds.measures[ds.measures["base_id"] == base_id]
    show, notes = mark_fields(ds, "measures", measures, show, MEASURE_COLUMNS, measures["title"])
    caption = f"{base_name(ds, base_id)}的建设举措与平台"
    return page.table(show, f"tbl-{base_id}-measures", caption, "报告第二部分") + notes


def base_figures(ds, page: Page, base_id: str) -> Markdown:
    figures = ds.key_figures[ds.key_figures["base_id"] == base_id]
    if figures.empty:
        return Markdown("报告未给出该基地的量化数据。")
    show, notes = figures_table(ds, figures, with_base=False)
    return page.table(show, f"tbl-{base_id}-figures", f"{base_name(ds, base_id)}的关键数据", "报告第二部分") + notes


def base_scores_reading(ds, own: pd.DataFrame, base_id: str) -> str:
    """How many elements have evidence, the strongest, and how many have none."""
    name = ds.bases.set_index("base_id").at[base_id, "short_name"]
    shown = own[own["level"] > 0]
    if shown.empty:
        return f"报告没有为{name}的任何要素给出证据。"
    best = shown[shown["level"] == shown["level"].max()]["element_name"]
    text = f"{name}在 {len(shown)} 个要素上有证据，证据最强（等级 {int(shown['level'].max())}）的是{'、'.join(best)}"
    missing = len(own) - len(shown)
    return text + (f"；{missing} 个要素没有证据。" if missing else "。")


def base_scores(ds, page: Page, indicators: Indicators, base_id: str) -> Markdown:
    names = element_names(ds)
    means = indicators.element_means.set_index("element_id")["mean_score"]
    own = indicators.scores[indicators.scores["base_id"] == base_id].assign(
        element_name=lambda f: f["element_id"].map(names), mean=lambda f: f["element_id"].map(means)
    )
    chart = page.chart(
        charts.base_profile_chart(own, element_order(ds, indicators)),
        f"fig-{base_id}-scores",
        f"{base_name(ds, base_id)}的九要素得分与全部基地均值",
        "条形图：每个要素一条，条长为本基地得分（最强证据的等级 × 100 / 3），红色竖线为全部基地均值；"
        "报告中没有证据的要素标“无证据”，综合指数中按零计。",
        "本书按编码规则从报告第二部分编码并计算",
        base_scores_reading(ds, own, base_id),
    )
    table = pd.DataFrame(
        {
            "要素": own["element_name"],
            "证据等级": own["level"],
            "得分": own["score"].map(score),
            "全部基地均值": own["mean"].map(one_decimal),
            "证据条数": own["items"],
            "报告着墨": own["status"].map(EvidenceStatus.label_of),
        }
    )
    rank = indicators.ranking.set_index("base_id").loc[base_id]
    lines = []
    missing = own[own["level"] == 0]["element_name"].tolist()
    direction = own[own["level"] == 1]["element_name"].tolist()
    if missing:
        lines.append(f"报告中没有内容计入{md('、'.join(missing))}：这说明报告没有写，不说明基地没有做。")
    if direction:
        lines.append(f"{md('、'.join(direction))}只有方向性表述（证据等级 1）。")
    lines.append(
        f"在{scenario_note(indicators)}之后，{md(base_name(ds, base_id))}位于{tier_label(rank['tier'])}，"
        f"中位排名第 {rank['rank_median']:g} 名，排名区间为{band(rank['rank_p05'], rank['rank_p95'])}（5%—95%）；"
        f"公布情景下的综合指数为 {rank['composite']:.1f}。有证据的要素占权重的 {rank['evidence_share']:.0%}，"
        f"{CompositeStatus.label_of(rank['status'])}。"
    )
    if rank["status"] != CompositeStatus.OK.key:
        lines.append("**提示：报告对该基地的多个要素没有着墨，综合指数主要反映报告没有写的内容。**")
    lines.append(CAVEAT)
    text = Markdown(
        "\n\n".join(lines) + f"\n\n计算方法见{doc_link('方法说明', PAGE_DOCS['methodology'])}，"
        f"审计见{doc_link('指标审计', PAGE_DOCS['audit'])}。"
    )
    return chart + page.table(table, f"tbl-{base_id}-scores", f"{base_name(ds, base_id)}的要素得分", "本书计算") + text


def base_recommendations(ds, page: Page, indicators: Indicators, base_id: str) -> Markdown:
    recs = indicators.recommendations[indicators.recommendations["base_id"] == base_id]
    if recs.empty:
        return Markdown("报告对该基地的每个要素都给出了具体举措或更强的证据，因此不列建议。")
    table = pd.DataFrame(
        {
            "优先级": recs["priority"],
            "要素": recs["element_name"],
            "类型": recs["kind"].map(RecommendationKind.label_of),
            "依据（报告对本基地的记述）": recs["trigger"],
            "建议行动（来自报告的 3+3+3 体系）": recs["actions"],
        }
    )
    return page.table(
        table,
        f"tbl-{base_id}-recommendations",
        f"对{base_name(ds, base_id)}的建议",
        "本书按指标规则生成；行动取自报告第三部分",
    ) + Markdown(f"行动原文与论证见{doc_link('“3+3+3”体系', PAGE_DOCS['framework'])}。")


def base_evidence(ds, page: Page, base_id: str) -> Markdown:
    frame = _base_table(ds, "evidence", base_id)
    if frame.empty:
        return Markdown("没有为该基地编码的证据。")
    names = element_names(ds)
    show = pd.DataFrame(
        {
            "要素": frame["element_id"].map(names),
            "强度": frame["strength"],
            "说明": frame["shows"],
            "原文": frame["quote"],
            "出处": frame["出处"],
        }
    )
    return page.table(
        show, f"tbl-{base_id}-evidence", f"{base_name(ds, base_id)}的证据编码明细", "本书按编码规则从报告编码"
    )
