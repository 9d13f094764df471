"""One page per base: facts, industries, policies, measures, figures, scores, recommendations, evidence."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..citation import source_report
from ..fmt import SILENT, figure_value, is_missing, one_decimal, or_silent, score
from ..indicators import Indicators
from ..labels import CompositeStatus, EvidenceStatus, RecommendationKind
from ..output import Markdown, Page, md
from .common import CAVEAT, PAGE_DOCS, base_name, doc_link, element_names, element_order, locate, ref_link, with_source
from .overview import policy_table


def base_facts(ds, base_id: str) -> Markdown:
    row = ds.bases.set_index("base_id").loc[base_id]
    positioning = "报告未给出定位" if is_missing(row["positioning"]) else md(row["positioning"])
    items = [
        ("官方名称", md(row["name"])),
        ("简称", md(row["short_name"])),
        ("英文名称", md(or_silent(row["name_en"]))),
        ("所在地", f"{md(row['province'])} {md(row['city'])}（{md(row['region'])}）"),
        ("认定", f"{md(row['batch'])}，{md(row['recognised'])}"),
        ("定位", positioning),
        ("概述", md(row["profile"])),
        ("出处", md(locate(ds, row["source_section"], row["source_locator"]))),
    ]
    errata = ds.errata[ds.errata["source_section"] == row["source_section"]]
    lines = [f"{label}\n: {value}\n" for label, value in items]
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
        f"返回{doc_link('基地总览', PAGE_DOCS['overview'])}；本基地在{ref_link('综合指数排名', 'tbl-ranking')}"
        f"与{ref_link('要素得分热力图', 'fig-score-heatmap')}中的位置见指标体系。"
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
    classes = sorted({_class_of(ds, n) for ids in frame["taxonomy_ids"] for n in ids})
    links = "、".join(ref_link(taxonomy.at[c, "name"], f"tax-{c.lower()}") for c in classes)
    out = page.table(
        show,
        f"tbl-{base_id}-industries",
        f"{base_name(ds, base_id)}的重点产业及其在表1中的位置",
        "报告第二部分；映射为本书编码",
    )
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
    return page.table(show, f"tbl-{base_id}-measures", f"{base_name(ds, base_id)}的建设举措与平台", "报告第二部分")


def base_figures(ds, page: Page, base_id: str) -> Markdown:
    frame = _base_table(ds, "key_figures", base_id)
    if frame.empty:
        return Markdown("报告未给出该基地的量化数据。")
    show = pd.DataFrame(
        {
            "指标": frame["metric"],
            "数值": [figure_value(q, v) for q, v in zip(frame["qualifier"], frame["value"])],
            "单位": frame["unit"],
            "年份": frame["year"].astype("string").fillna(SILENT),
            "原文": frame["quote"],
            "出处": frame["出处"],
        }
    )
    return page.table(show, f"tbl-{base_id}-figures", f"{base_name(ds, base_id)}的关键数据", "报告第二部分")


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
        "条形图：每个要素一条，条长为本基地得分（0—100），红色竖线为全部基地均值；无证据的要素标“无证据”，不按零分处理。",
        "本书按编码规则从报告第二部分编码并计算",
    )
    table = pd.DataFrame(
        {
            "要素": own["element_name"],
            "得分": own["score"].map(score),
            "全部基地均值": own["mean"].map(one_decimal),
            "证据条数": own["items"],
            "证据状况": own["status"].map(EvidenceStatus.label_of),
        }
    )
    rank = indicators.ranking.set_index("base_id").loc[base_id]
    cover = 100 * indicators.coverage[indicators.coverage["base_id"] == base_id]["coverage"].mean()
    scored = own.dropna(subset=["score"])
    lines = []
    if len(scored):
        best = scored[scored["score"] == scored["score"].max()]["element_name"].tolist()
        worst = scored[scored["score"] == scored["score"].min()]["element_name"].tolist()
        lines.append(
            f"最强要素：{md('、'.join(best))}（{scored['score'].max():.0f} 分）；"
            f"最弱要素：{md('、'.join(worst))}（{scored['score'].min():.0f} 分）。"
        )
    missing = own[own["score"].isna()]["element_name"].tolist()
    if missing:
        lines.append(
            f"按本书编码规则，报告中没有内容计入{md('、'.join(missing))}，这些要素记为“无证据”，"
            "不参与综合指数，也不视为弱项；若把无证据按零分计，排名见下。"
        )
    lines.append(
        f"分类覆盖度 {cover:.0f} 分；综合指数 {rank['composite']:.1f}，在 {indicators.base_count} 个基地中排第 "
        f"{rank['rank']} 名，随机改变权重时排名在第 {rank['rank_p05']}—{rank['rank_p95']} 名之间（5%—95% 分位），"
        f"无证据按零分计时排第 {rank['rank_missing_zero']} 名；证据覆盖的权重占 {rank['evidence_share'] * 100:.0f}%，"
        f"{CompositeStatus.label_of(rank['status'])}。"
    )
    if rank["status"] != CompositeStatus.OK.key:
        lines.append("**提示：报告对该基地的部分要素没有着墨，综合指数与排名仅供参考。**")
    lines.append(CAVEAT)
    text = Markdown("\n\n".join(lines) + f"\n\n计算方法见{doc_link('方法说明', PAGE_DOCS['methodology'])}。")
    return chart + page.table(table, f"tbl-{base_id}-scores", f"{base_name(ds, base_id)}的要素得分", "本书计算") + text


def base_recommendations(ds, page: Page, indicators: Indicators, base_id: str) -> Markdown:
    recs = indicators.recommendations[indicators.recommendations["base_id"] == base_id]
    if recs.empty:
        return Markdown("该基地没有低于全部基地均值达到阈值的要素，也没有无证据的要素，因此不触发建议。")
    table = pd.DataFrame(
        {
            "优先级": recs["priority"],
            "要素": recs["element_name"],
            "类型": recs["kind"].map(RecommendationKind.label_of),
            "触发指标": recs["trigger"],
            "建议行动（来自报告的 3+3+3 体系）": recs["actions"],
        }
    )
    return page.table(
        table,
        f"tbl-{base_id}-recommendations",
        f"对{base_name(ds, base_id)}的建议",
        "本书按指标触发规则生成；行动取自报告第三部分",
    ) + Markdown(f"行动原文与论证见{doc_link('“3+3+3”体系', PAGE_DOCS['framework'])}。{CAVEAT}")


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
