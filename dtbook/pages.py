"""The content of each page, built from data: the notebooks call these and display the result.

Every function returns Markdown (MyST) for one part of a page. Text from data goes through
``md`` (escaped) or into ``dt-table`` cells (docutils text), never raw into the page.
"""
from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from . import charts
from .citation import bib_keys, publication_citation
from .indicators import COVERAGE_COMPONENT, Indicators, compute_indicators
from .changelog import base_changes, fact_changes, indicator_changes
from .load import Dataset, load_dataset
from .publish import Markdown, Page, md

SILENT = "报告未载明"
MIN_COMPARABLE_BASES = 3
BASE_DOC = "/book/bases/{}"
CAVEAT = "说明：得分衡量的是报告所呈现的建设情况，受报告篇幅与写法影响，不是对基地实际绩效的评价。"
PAGE_DOCS = {"overview": "/book/overview", "indicators": "/book/indicators", "taxonomy": "/book/taxonomy",
             "framework": "/book/framework", "methodology": "/book/methodology", "errata": "/book/errata",
             "cite": "/book/cite", "changelog": "/book/changelog", "background": "/book/background"}


def _role_text(text: str) -> str:
    """Text inside a role's `title <target>`: drop the characters that would end it."""
    return "".join(ch for ch in str(text) if ch not in "`<>")


def doc_link(text: str, docname: str) -> str:
    return f"{{doc}}`{_role_text(text)} <{docname}>`"


def ref_link(text: str, label: str) -> str:
    return f"{{ref}}`{_role_text(text)} <{label}>`"


def _or_silent(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or value == "":
        return SILENT
    return str(value)


def locate(ds: Dataset, section_id: str, locator: str) -> str:
    """Where a fact stands in the report, as a reader can look it up."""
    number = dict(zip(ds.report_sections["section_id"], ds.report_sections["number"]))[section_id]
    return f"报告{number} {locator}"


def _with_source(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["出处"] = [locate(ds, s, l) for s, l in zip(frame["source_section"], frame["source_locator"])]
    return frame


def _number(value: float) -> str:
    """No thousands separators: years and counts read as printed in the report."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}".rstrip("0").rstrip(".")


def base_name(ds: Dataset, base_id: str) -> str:
    return ds.bases.set_index("base_id").at[base_id, "name"]


def edition_line(ds: Dataset) -> Markdown:
    edition = ds.edition
    report_date = ds.source_report.set_index("key")["value"]["date"]
    return Markdown(f"版次：{md(edition['edition'])}，编制于 {md(edition['data_date'])}（数据指纹见每页页脚）。"
                    f"各基地的情况均为报告发布时（{md(report_date)}）的情况。{md(edition['note'])}")


# ---------------------------------------------------------------- home

def home_intro(ds: Dataset) -> Markdown:
    report = ds.source_report.set_index("key")["value"]
    text = (f"本出版物以{md(report['author'])}《{md(report['title'])}》（{md(report['date'])}）为底本，"
            "把报告中的事实整理为可核查的数据，再由可执行的笔记本生成本书的每一页；"
            "数据更新后，一条命令即可重建网站与 PDF。")
    return Markdown(text) + edition_line(ds)


def base_directory(ds: Dataset) -> Markdown:
    rows = [f"{i}. {doc_link(name, BASE_DOC.format(base_id))}（{md(city)}）"
            for i, (base_id, name, city) in enumerate(
                ds.bases.sort_values("order")[["base_id", "name", "city"]].itertuples(index=False), start=1)]
    return Markdown("\n".join(rows))


def pdf_link() -> Markdown:
    return Markdown('```{raw} html\n<p class="dt-pdf"><a href="../pdf/book.pdf" download>下载本书 PDF 版</a></p>\n```')


# ---------------------------------------------------------------- background

def background_facts(ds: Dataset, page: Page) -> Markdown:
    facts = _with_source(ds, ds.background_facts.sort_values("order"))
    out = []
    for topic, group in facts.groupby("topic", sort=False):
        out.append(f"**{md(topic)}**\n")
        out.extend(f"- {md(row.statement)}（{md(row.出处)}）" for row in group.itertuples())
        out.append("")
    return Markdown("\n".join(out))


def national_trade(ds: Dataset, page: Page) -> Markdown:
    series = ds.national_trade.sort_values(["compiler", "series", "year"])
    chart = page.chart(charts.national_trade_chart(series), "fig-national-trade",
                       "中国可数字化交付的服务贸易规模（按编制机构与口径分线，十亿美元）",
                       "折线图：各编制机构、各口径分别成线，单位为十亿美元；2023 年只有人民币口径数据（只列在表中），"
                       "因此商务部折线在 2022 与 2024 年之间直接相连。",
                       "商务部、WTO、UNCTAD 数据，见表中每行来源")
    table = series.rename(columns={"year": "年份", "compiler": "编制机构", "series": "口径", "value": "数值",
                                   "unit": "单位", "growth_pct": "同比增速（%）", "note": "说明", "source": "来源"})
    table = table[["年份", "编制机构", "口径", "数值", "单位", "同比增速（%）", "说明", "来源"]]
    return chart + page.table(table, "tbl-national-trade", "中国可数字化交付的服务贸易（报告以外的公开数据）",
                              "新闻与官方发布，见每行来源")


# ---------------------------------------------------------------- overview

def overview_table(ds: Dataset, page: Page) -> Markdown:
    bases = ds.bases.sort_values("order")
    count = lambda table: ds[table].groupby("base_id").size()
    frame = pd.DataFrame({
        "序号": bases["order"].astype(int).to_numpy(),
        "基地": bases["name"].to_numpy(),
        "城市": bases["city"].to_numpy(),
        "省份": bases["province"].to_numpy(),
        "定位": [_or_silent(p) if p is not pd.NA else "报告未给出定位" for p in bases["positioning"]],
        "政策文件": bases["base_id"].map(count("policies")).fillna(0).astype(int).to_numpy(),
        "举措与平台": bases["base_id"].map(count("measures")).fillna(0).astype(int).to_numpy(),
        "关键数据": bases["base_id"].map(count("key_figures")).fillna(0).astype(int).to_numpy(),
    })
    return page.table(frame, "tbl-bases", f"{len(frame)} 个国家数字服务出口基地一览", "报告第二部分")


def overview_links(ds: Dataset) -> Markdown:
    links = " · ".join(doc_link(name, BASE_DOC.format(base_id))
                       for base_id, name in ds.bases.sort_values("order")[["base_id", "short_name"]].itertuples(index=False))
    return Markdown(f"各基地详情：{links}")


def location(ds: Dataset, page: Page) -> Markdown:
    return page.chart(charts.location_chart(ds.bases, ds.base_locations), "fig-locations",
                      "各基地所在城市（示意，按城市中心坐标）",
                      "散点图：横轴为东经、纵轴为北纬，每个点是一个基地所在城市；仅示意相对位置，不是地图，不含任何边界线。",
                      "城市坐标取自 apache/echarts 与 pyecharts 的城市中心点，见数据表 base_locations")


def policy_timeline(ds: Dataset, page: Page) -> Markdown:
    dated = ds.policies[ds.policies["date"].notna()]
    chart = page.chart(charts.policy_timeline(ds.policies, ds.bases), "fig-policy-timeline",
                       f"报告提及的有日期的政策文件（{len(dated)} 份）",
                       "时间线：每个点是一份政策文件，横轴为发布时间，纵轴为所属基地或国家层面，颜色和形状表示发文层级。",
                       "报告第一至三部分")
    return chart + policy_table(ds, page, ds.policies, "tbl-policies", "报告提及的全部政策文件")


def policy_table(ds: Dataset, page: Page, policies: pd.DataFrame, name: str, caption: str) -> Markdown:
    names = dict(zip(ds.bases["base_id"], ds.bases["short_name"]))
    frame = _with_source(ds, policies)
    frame = pd.DataFrame({
        "文件": frame["title"], "主体": frame["base_id"].map(names).fillna("国家层面"),
        "发文机关": frame["issuer"].fillna(SILENT), "时间": frame["date"].fillna(SILENT),
        "文号": frame["doc_number"].fillna(""), "层级": frame["level"], "关系": frame["relation"], "出处": frame["出处"],
    })
    if policies["base_id"].nunique(dropna=False) == 1:
        frame = frame.drop(columns="主体")
    keys = ",".join(dict.fromkeys(policies["policy_id"].map(bib_keys(ds.policies))))
    legend = ds.schemas["policies"].field("relation").description
    return page.table(frame, name, caption, "报告") + Markdown(f"关系一栏：{md(legend)}。参考文献：{{cite:p}}`{keys}`")


def coverage_of_report(ds: Dataset, page: Page) -> Markdown:
    bases = ds.bases.sort_values("order")
    counts = pd.DataFrame({"基地": bases["short_name"].to_numpy()})
    for table, label in [("policies", "政策文件"), ("measures", "举措与平台"), ("key_figures", "关键数据"),
                         ("focus_industries", "重点产业")]:
        counts[label] = bases["base_id"].map(ds[table].groupby("base_id").size()).fillna(0).astype(int).to_numpy()
    return page.chart(charts.report_coverage_chart(counts), "fig-report-coverage", "报告对各基地的着墨",
                      "堆叠条形图：每个基地在报告中被提及的政策、举措与平台、关键数据和重点产业的条数；"
                      "条目少说明报告着墨少，不等于基地弱。", "报告第二部分")


def industry_matrix(ds: Dataset, page: Page) -> Markdown:
    names = dict(zip(ds.bases["base_id"], ds.bases["short_name"]))
    frame = ds.focus_industries.assign(基地=ds.focus_industries["base_id"].map(names), 产业=ds.focus_industries["industry"])
    frame["基地数"] = frame.groupby("产业")["基地"].transform("count")
    order = ds.bases.sort_values("order")["short_name"].tolist()
    frame["_order"] = frame["基地"].map({n: i for i, n in enumerate(order)})
    frame = frame.sort_values("_order")[["基地", "产业", "基地数"]]
    return page.chart(charts.industry_matrix(frame), "fig-industries", "各基地的重点产业",
                      "矩阵图：行是基地，列是产业，方块表示报告把该产业列为该基地的重点；列按提及的基地数从多到少排列。",
                      "报告第二部分")


def comparable_figures(ds: Dataset, page: Page) -> Markdown:
    """Quantities that at least three bases report with the same metric and unit (calendar years such as
    founding dates are not quantities and stay in the table)."""
    figures = ds.key_figures.copy()
    names = dict(zip(ds.bases["base_id"], ds.bases["short_name"]))
    shared = ((figures.groupby(["metric", "unit"])["base_id"].transform("nunique") >= MIN_COMPARABLE_BASES)
              & ~figures["metric"].str.endswith("年份"))
    out = Markdown("")
    if shared.any():
        frame = figures[shared].assign(基地=lambda f: f["base_id"].map(names))
        out += page.chart(charts.comparable_figures_chart(frame), "fig-comparable-figures",
                          "报告中可比的关键数据（同一指标、同一单位）",
                          "分面条形图：每个小图是一项至少两个基地都报告了的指标，条形为各基地的数值。", "报告第二部分")
    else:
        out += Markdown(f"报告给出的关键数据口径各异：没有哪项指标有 {MIN_COMPARABLE_BASES} 个以上基地以同一口径、同一单位报告，"
                        "横向比较没有意义，因此不作比较图，只列出全部数据。")
    table = _with_source(ds, figures)
    table = pd.DataFrame({"基地": table["base_id"].map(names), "指标": table["metric"],
                          "数值": [f"{q or ''}{_number(v)}" for q, v in zip(table["qualifier"].fillna(""), table["value"])],
                          "单位": table["unit"], "年份": table["year"].astype("string").fillna(SILENT),
                          "原文": table["quote"], "出处": table["出处"]})
    return out + page.table(table, "tbl-key-figures", "报告给出的各基地关键数据", "报告第二部分")


# ---------------------------------------------------------------- base pages

def base_facts(ds: Dataset, base_id: str) -> Markdown:
    row = ds.bases.set_index("base_id").loc[base_id]
    positioning = md(row["positioning"]) if row["positioning"] is not pd.NA else "报告未给出定位"
    items = [("官方名称", md(row["name"])), ("简称", md(row["short_name"])), ("英文名称", md(_or_silent(row["name_en"]))),
             ("所在地", f"{md(row['province'])} {md(row['city'])}（{md(row['region'])}）"),
             ("认定", f"{md(row['batch'])}，{md(row['recognised'])}"), ("定位", positioning),
             ("概述", md(row["profile"])), ("出处", md(locate(ds, row["source_section"], row["source_locator"])))]
    errata = ds.errata[ds.errata["source_section"] == row["source_section"]]
    lines = [f"{label}\n: {value}\n" for label, value in items]
    if len(errata):
        lines.append("勘误\n: " + "；".join(f"报告原文：{md(e.printed)}；本书处理：{md(e.published)}" for e in errata.itertuples())
                     + f"（见{doc_link('勘误与来源说明', PAGE_DOCS['errata'])}）\n")
    if row["disclosure"] is not pd.NA:
        lines.append(f"与报告作者的关联\n: {md(row['disclosure'])}\n")
    report_date = ds.source_report.set_index("key")["value"]["date"]
    lines.append(f"时点\n: 本页所列情况均为报告发布时（{md(report_date)}）的情况，“计划”等状态以该时点为准。\n")
    links = (f"返回{doc_link('基地总览', PAGE_DOCS['overview'])}；本基地在{ref_link('综合指数排名', 'tbl-ranking')}"
             f"与{ref_link('要素得分热力图', 'fig-score-heatmap')}中的位置见指标体系。")
    return Markdown("\n".join(lines)) + Markdown(links)


def _base_table(ds: Dataset, table: str, base_id: str) -> pd.DataFrame:
    return _with_source(ds, ds[table][ds[table]["base_id"] == base_id])


def base_industries(ds: Dataset, page: Page, base_id: str) -> Markdown:
    frame = _base_table(ds, "focus_industries", base_id)
    if frame.empty:
        return Markdown("报告未列出该基地的重点产业。")
    taxonomy = ds.taxonomy.set_index("node_id")
    show = pd.DataFrame({"重点产业": frame["industry"],
                         "对应表1分类": ["；".join(f"{n} {taxonomy.at[n, 'name']}" for n in ids) or "表1无对应分类"
                                     for ids in frame["taxonomy_ids"]],
                         "出处": frame["出处"]})
    classes = sorted({_class_of(ds, n) for ids in frame["taxonomy_ids"] for n in ids})
    links = "、".join(ref_link(taxonomy.at[c, "name"], f"tax-{c.lower()}") for c in classes)
    out = page.table(show, f"tbl-{base_id}-industries", f"{base_name(ds, base_id)}的重点产业及其在表1中的位置", "报告第二部分；映射为本书编码")
    return out + Markdown(f"涉及的表1一级分类：{links or '无'}。") if classes else out


def _class_of(ds: Dataset, node_id: str) -> str:
    return node_id.split(".")[0]


def base_policies(ds: Dataset, page: Page, base_id: str) -> Markdown:
    policies = ds.policies[ds.policies["base_id"] == base_id]
    if policies.empty:
        return Markdown("报告未点名该基地的具体政策文件。")
    return policy_table(ds, page, policies, f"tbl-{base_id}-policies", f"报告提及的{base_name(ds, base_id)}相关政策文件")


def base_measures(ds: Dataset, page: Page, base_id: str) -> Markdown:
    frame = _base_table(ds, "measures", base_id)
    if frame.empty:
        return Markdown("报告未提及该基地的具体举措或平台。")
    show = pd.DataFrame({"名称": frame["title"], "类别": frame["kind"], "状态": frame["status"],
                         "内容": frame["description"], "出处": frame["出处"]})
    return page.table(show, f"tbl-{base_id}-measures", f"{base_name(ds, base_id)}的建设举措与平台", "报告第二部分")


def base_figures(ds: Dataset, page: Page, base_id: str) -> Markdown:
    frame = _base_table(ds, "key_figures", base_id)
    if frame.empty:
        return Markdown("报告未给出该基地的量化数据。")
    show = pd.DataFrame({"指标": frame["metric"],
                         "数值": [f"{q or ''}{_number(v)}" for q, v in zip(frame["qualifier"].fillna(""), frame["value"])],
                         "单位": frame["unit"], "年份": frame["year"].astype("string").fillna(SILENT),
                         "原文": frame["quote"], "出处": frame["出处"]})
    return page.table(show, f"tbl-{base_id}-figures", f"{base_name(ds, base_id)}的关键数据", "报告第二部分")


def _element_names(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds.framework_elements["element_id"], ds.framework_elements["name"]))


def _element_order(ds: Dataset, indicators: Indicators) -> list[str]:
    names = _element_names(ds)
    return [names[e] for e in indicators.scores["element_id"].drop_duplicates()]


def base_scores(ds: Dataset, page: Page, indicators: Indicators, base_id: str) -> Markdown:
    names = _element_names(ds)
    scores = indicators.scores
    means = scores.groupby("element_id")["score"].mean()
    own = scores[scores["base_id"] == base_id].assign(
        element_name=lambda f: f["element_id"].map(names), mean=lambda f: f["element_id"].map(means))
    chart = page.chart(charts.base_profile_chart(own, _element_order(ds, indicators)), f"fig-{base_id}-scores",
                       f"{base_name(ds, base_id)}的九要素得分与全部基地均值",
                       "条形图：每个要素一条，条长为本基地得分（0—100），红色竖线为全部基地均值；无证据的要素标“无证据”，不按零分处理。",
                       "本书按编码规则从报告第二部分编码并计算")
    table = pd.DataFrame({"要素": own["element_name"], "得分": own["score"].map(lambda v: "无证据" if pd.isna(v) else f"{v:.0f}"),
                          "全部基地均值": own["mean"].map(lambda v: f"{v:.1f}"), "证据条数": own["items"],
                          "证据状况": own["status"]})
    rank = indicators.ranking.set_index("base_id").loc[base_id]
    cover = 100 * indicators.coverage[indicators.coverage["base_id"] == base_id]["coverage"].mean()
    scored = own.dropna(subset=["score"])
    lines = []
    if len(scored):
        best = scored[scored["score"] == scored["score"].max()]["element_name"].tolist()
        worst = scored[scored["score"] == scored["score"].min()]["element_name"].tolist()
        lines.append(f"最强要素：{md('、'.join(best))}（{scored['score'].max():.0f} 分）；"
                     f"最弱要素：{md('、'.join(worst))}（{scored['score'].min():.0f} 分）。")
    missing = own[own["score"].isna()]["element_name"].tolist()
    if missing:
        lines.append(f"按本书编码规则，报告中没有内容计入{md('、'.join(missing))}，这些要素记为“无证据”，"
                     "不参与综合指数，也不视为弱项；若把无证据按零分计，排名见下。")
    lines.append(f"分类覆盖度 {cover:.0f} 分；综合指数 {rank['composite']:.1f}，在 {len(indicators.ranking)} 个基地中排第 "
                 f"{rank['rank']} 名，随机改变权重时排名在第 {rank['rank_p05']}—{rank['rank_p95']} 名之间（5%—95% 分位），"
                 f"无证据按零分计时排第 {rank['rank_missing_zero']} 名；证据覆盖的权重占 {rank['evidence_share'] * 100:.0f}%，"
                 f"{rank['status']}。")
    if rank["status"] != "证据覆盖较全":
        lines.append("**提示：报告对该基地的部分要素没有着墨，综合指数与排名仅供参考。**")
    lines.append(CAVEAT)
    text = Markdown("\n\n".join(lines) + f"\n\n计算方法见{doc_link('方法说明', PAGE_DOCS['methodology'])}。")
    return chart + page.table(table, f"tbl-{base_id}-scores", f"{base_name(ds, base_id)}的要素得分", "本书计算") + text


def base_recommendations(ds: Dataset, page: Page, indicators: Indicators, base_id: str) -> Markdown:
    recs = indicators.recommendations[indicators.recommendations["base_id"] == base_id]
    if recs.empty:
        return Markdown("该基地没有低于全部基地均值达到阈值的要素，也没有无证据的要素，因此不触发建议。")
    table = pd.DataFrame({"优先级": recs["priority"], "要素": recs["element_name"], "类型": recs["kind"],
                          "触发指标": recs["trigger"], "建议行动（来自报告的 3+3+3 体系）": recs["actions"]})
    return page.table(table, f"tbl-{base_id}-recommendations", f"对{base_name(ds, base_id)}的建议", "本书按指标触发规则生成；行动取自报告第三部分") + \
        Markdown(f"行动原文与论证见{doc_link('“3+3+3”体系', PAGE_DOCS['framework'])}。{CAVEAT}")


def base_evidence(ds: Dataset, page: Page, base_id: str) -> Markdown:
    frame = _base_table(ds, "evidence", base_id)
    if frame.empty:
        return Markdown("没有为该基地编码的证据。")
    names = _element_names(ds)
    show = pd.DataFrame({"要素": frame["element_id"].map(names), "强度": frame["strength"], "说明": frame["shows"],
                         "原文": frame["quote"], "出处": frame["出处"]})
    return page.table(show, f"tbl-{base_id}-evidence", f"{base_name(ds, base_id)}的证据编码明细", "本书按编码规则从报告编码")


# ---------------------------------------------------------------- taxonomy

def concepts(ds: Dataset, kinds: list[str]) -> Markdown:
    frame = ds.concepts[ds.concepts["kind"].isin(kinds)].sort_values(["kind", "order"])
    out = []
    for kind in kinds:
        for row in frame[frame["kind"] == kind].itertuples():
            where = (locate(ds, row.source_section, row.source_locator) if row.source_section is not pd.NA
                     else _or_silent(row.external_source))
            out.append(f"{md(row.label)}\n: {md(row.text)}（{md(where)}）\n")
    return Markdown("\n".join(out))


def taxonomy_layout(taxonomy: pd.DataFrame) -> pd.DataFrame:
    """Icicle coordinates: each node spans as many leaf slots as it has leaves below it."""
    children = taxonomy.groupby("parent_id")["node_id"].apply(list).to_dict()
    names = dict(zip(taxonomy["node_id"], taxonomy["name"]))
    levels = dict(zip(taxonomy["node_id"], taxonomy["level"]))
    rows = []

    def place(node: str, start: float, path: str, top: str) -> float:
        kids = children.get(node, [])
        end = start + 1 if not kids else start
        for kid in kids:
            end = place(kid, end, f"{path} › {names[kid]}", top)
        rows.append({"node_id": node, "name": names[node], "level": int(levels[node]), "start": start, "end": end,
                     "path": path, "class": top})
        return end

    cursor = 0.0
    for root in taxonomy[taxonomy["level"] == 1]["node_id"]:
        cursor = place(root, cursor, names[root], names[root])
    frame = pd.DataFrame(rows)
    frame["leaves"] = (frame["end"] - frame["start"]).astype(int)
    frame["mid"] = (frame["start"] + frame["end"]) / 2
    frame["level_start"] = frame["level"] - 1
    frame["level_end"] = frame["level"]
    frame["level_mid"] = frame["level"] - 0.5
    frame["label_fits"] = frame["leaves"] * 5.5 >= frame["name"].str.len() * 10  # px per leaf vs 9-px CJK glyphs
    return frame


def taxonomy_chart(ds: Dataset, page: Page) -> Markdown:
    layout = taxonomy_layout(ds.taxonomy)
    return page.chart(charts.taxonomy_icicle(layout), "fig-taxonomy-icicle", "数字贸易分类层级图（表1）",
                      f"冰柱图：自上而下为一至五级分类，每个方块的宽度与其下末级分类的数量成正比；共 {len(ds.taxonomy)} 个分类节点。"
                      "网页版中悬停可看到完整的分类路径；窄小的方块不标名称，全部节点见下表。", "报告第三部分（一）表1，本书重建层级")


def taxonomy_table(ds: Dataset, page: Page) -> Markdown:
    frame = ds.taxonomy.copy()
    table = pd.DataFrame({"编号": frame["node_id"]})
    for level, label in enumerate(["一级分类", "二级分类", "三级分类", "四级分类", "五级分类"], start=1):
        table[label] = np.where(frame["level"] == level, frame["name"], "")
    notes = ds.taxonomy_notes.groupby("node_id")["note_id"].apply(lambda s: "、".join(s)).to_dict()
    table["重建说明"] = frame["node_id"].map(notes).fillna("")
    return page.table(table, "tbl-taxonomy", "数字贸易分类一览表（报告表1，层级重建）", "报告第三部分（一）表1")


def taxonomy_classes(ds: Dataset, indicators: Indicators) -> Markdown:
    """One labelled block per top-level class: its subclasses and the bases whose industries reach it."""
    names = dict(zip(ds.bases["base_id"], ds.bases["short_name"]))
    out = []
    for row in ds.taxonomy[ds.taxonomy["level"] == 1].itertuples():
        members = ds.taxonomy[ds.taxonomy["parent_id"] == row.node_id]
        reach = indicators.coverage[(indicators.coverage["class_id"] == row.node_id) & (indicators.coverage["covered"] > 0)]
        bases = "、".join(doc_link(names[b], BASE_DOC.format(b)) for b in reach["base_id"]) or "无"
        out.append(f"(tax-{row.node_id.lower()})=\n## {row.node_id} {md(row.name)}\n")
        out.append(f"二级分类：{md('；'.join(members['name']))}。\n\n重点产业涉及本门类的基地：{bases}。\n")
    return Markdown("\n".join(out))


def taxonomy_notes(ds: Dataset, page: Page) -> Markdown:
    frame = ds.taxonomy_notes
    names = dict(zip(ds.taxonomy["node_id"], ds.taxonomy["name"]))
    table = pd.DataFrame({"编号": frame["note_id"], "节点": [f"{n} {names[n]}" for n in frame["node_id"]],
                          "抽取文本所见": frame["extracted"], "本书处理": frame["decision"], "理由": frame["reason"]})
    return page.table(table, "tbl-taxonomy-notes", "表1重建中需要判断的位置", "本书编者")


# ---------------------------------------------------------------- framework

def framework_overview(ds: Dataset, page: Page) -> Markdown:
    elements = ds.framework_elements.merge(ds.framework_groups[["group_id", "name", "order"]]
                                           .rename(columns={"name": "group_name", "order": "group_order"}), on="group_id")
    elements = _with_source(ds, elements.sort_values(["group_order", "order"]))
    actions = ds.framework_actions.groupby("element_id").size()
    table = pd.DataFrame({"层面": elements["group_name"], "要素": elements["name"],
                          "建议行动数": elements["element_id"].map(actions).fillna(0).astype(int), "出处": elements["出处"]})
    return page.table(table, "tbl-framework", "数字贸易示范区建设的“3+3+3”体系", "报告第三部分")


def framework_details(ds: Dataset) -> Markdown:
    groups = _with_source(ds, ds.framework_groups.sort_values("order"))
    elements = _with_source(ds, ds.framework_elements.sort_values("order"))
    actions = _with_source(ds, ds.framework_actions.sort_values("order"))
    out = []
    for group in groups.itertuples():
        out.append(f"(fw-{group.group_id.replace('_', '-')})=\n## {md(group.name)}\n\n{md(group.summary)}（{md(group.出处)}）\n")
        for element in elements[elements["group_id"] == group.group_id].itertuples():
            out.append(f"(fw-{element.element_id.replace('_', '-')})=\n### {md(element.name)}\n\n"
                       f"{md(element.reasoning)}（{md(element.出处)}）\n\n建议行动：\n")
            for action in actions[actions["element_id"] == element.element_id].itertuples():
                out.append(f"1. {md(action.action)}（{md(action.出处)}）")
            out.append("")
    return Markdown("\n".join(out))


# ---------------------------------------------------------------- methodology

def coding_rules(ds: Dataset, page: Page) -> Markdown:
    names = _element_names(ds)
    frame = ds.coding_rules
    table = pd.DataFrame({"要素": frame["element_id"].map(names), "计为证据": frame["counts"],
                          "不计为证据": frame["excludes"], "示例": frame["example"]})
    return page.table(table, "tbl-coding-rules", "证据编码规则", "本书编者")


def strength_scale(ds: Dataset) -> Markdown:
    description = ds.schemas["evidence"].field("strength").description
    return Markdown(f"证据强度分三级：{md(description)}。")


def weights_table(ds: Dataset, page: Page) -> Markdown:
    names = _element_names(ds) | {COVERAGE_COMPONENT: "分类覆盖度"}
    frame = ds.weights
    table = pd.DataFrame({"组成部分": frame["component"].map(names), "权重": frame["weight"].map(_number),
                          "权重占比": (frame["weight"] / frame["weight"].sum()).map(lambda v: f"{v:.1%}"),
                          "理由": frame["rationale"]})
    return page.table(table, "tbl-weights", "综合指数的权重（可在 weights.csv 中修改）", "本书编者")


def settings_table(ds: Dataset, page: Page) -> Markdown:
    frame = ds.indicator_settings
    table = pd.DataFrame({"参数": frame["label"], "取值": frame["value"].map(_number), "含义": frame["meaning"]})
    return page.table(table, "tbl-settings", "指标计算参数（可在 indicator_settings.csv 中修改）", "本书编者")


# ---------------------------------------------------------------- indicators

def _named(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(base_name=frame["base_id"].map(dict(zip(ds.bases["base_id"], ds.bases["short_name"]))))


def score_heatmap(ds: Dataset, page: Page, indicators: Indicators) -> Markdown:
    scores = _named(ds, indicators.scores).assign(element_name=lambda f: f["element_id"].map(_element_names(ds)))
    order = ds.bases.sort_values("order")["short_name"].tolist()
    return page.chart(charts.score_heatmap(scores, _element_order(ds, indicators), order), "fig-score-heatmap",
                      "各基地在“3+3+3”九要素上的得分",
                      "热力图：行是基地，列是九个要素，颜色越深得分越高（0—100），格中数字为得分；灰格表示报告未提供证据。",
                      "本书按编码规则从报告第二部分编码并计算")


def ranking(ds: Dataset, page: Page, indicators: Indicators) -> Markdown:
    frame = _named(ds, indicators.ranking)
    chart = page.chart(charts.ranking_chart(frame), "fig-ranking", "综合指数与排名的稳健区间",
                       "左：各基地综合指数（0—100），浅色条表示证据不足；右：红点为按数据权重得到的排名，灰线为随机改变权重"
                       f" {indicators.settings.robustness_draws} 次时排名的 5%—95% 分位区间。区间重叠的基地之间的排名差别不显著。",
                       "本书计算")
    table = pd.DataFrame({
        "基地": frame["base_name"], "综合指数": frame["composite"].map(lambda v: f"{v:.1f}"), "排名": frame["rank"],
        "随机权重排名区间": [f"{a}—{b}" for a, b in zip(frame["rank_p05"], frame["rank_p95"])],
        "去掉任一组成部分后的排名": [f"{a}—{b}" for a, b in zip(frame["rank_loo_best"], frame["rank_loo_worst"])],
        "无证据按零分计的排名": frame["rank_missing_zero"],
        "证据覆盖的权重": frame["evidence_share"].map(lambda v: f"{v:.0%}"), "证据状况": frame["status"],
    }).sort_values("排名")
    return chart + page.table(table, "tbl-ranking", "综合指数、排名及其稳健性", "本书计算") + distinguishable(ds, indicators)


def distinguishable(ds: Dataset, indicators: Indicators) -> Markdown:
    """Say which bases are clearly ahead of which: their rank ranges do not overlap, counting both random
    weights and the reading of missing evidence as zero."""
    frame = _named(ds, indicators.ranking).sort_values("rank")
    frame = frame.assign(best=frame[["rank_p05", "rank_missing_zero"]].min(axis=1),
                         worst=frame[["rank_p95", "rank_missing_zero"]].max(axis=1))
    ahead = []
    for row in frame.itertuples():
        behind = frame[frame["best"] > row.worst]["base_name"].tolist()
        if behind:
            ahead.append(f"- {md(row.base_name)}稳定领先于：{md('、'.join(behind))}")
    if not ahead:
        return Markdown("各基地的排名区间相互重叠：在随机权重下，没有哪个基地稳定领先于另一个，排名差别应视为噪声。")
    return Markdown("排名区间（随机权重的 5%—95% 分位，并计入无证据按零分计的排名）不重叠、因而差别有意义的基地对；"
                    "其余差别在权重或缺失证据的处理变化下不稳定，应视为噪声：\n\n" + "\n".join(ahead) + f"\n\n{CAVEAT}")


def coverage(ds: Dataset, page: Page, indicators: Indicators) -> Markdown:
    frame = _named(ds, indicators.coverage)
    classes = ds.taxonomy[ds.taxonomy["level"] == 1]
    class_order = classes["short_name"].fillna(classes["name"]).tolist()
    order = ds.bases.sort_values("order")["short_name"].tolist()
    chart = page.chart(charts.coverage_chart(frame, class_order, order), "fig-coverage",
                       "各基地重点产业对表1五大门类的覆盖度",
                       "热力图：行是基地，列是表1的五个一级分类，格中数字为该门类下被基地重点产业覆盖的二级分类所占百分比。",
                       "报告第二部分与表1，映射为本书编码")
    table = pd.DataFrame({"基地": frame["base_name"], "一级分类": frame["class_name"],
                          "覆盖的二级分类": frame["covered"], "二级分类数": frame["total"],
                          "覆盖度": frame["coverage"].map(lambda v: f"{v:.0%}")})
    return chart + page.table(table, "tbl-coverage", "分类覆盖度明细", "本书计算")


def score_table(ds: Dataset, page: Page, indicators: Indicators) -> Markdown:
    names = _element_names(ds)
    frame = _named(ds, indicators.scores)
    table = pd.DataFrame({"基地": frame["base_name"], "要素": frame["element_id"].map(names),
                          "证据条数": frame["items"], "强度合计": frame["strength_sum"].fillna(0).astype(int),
                          "得分": frame["score"].map(lambda v: "无证据" if pd.isna(v) else f"{v:.0f}"),
                          "证据状况": frame["status"]})
    return page.table(table, "tbl-scores", "全部要素得分", "本书计算")


def all_recommendations(ds: Dataset, page: Page, indicators: Indicators) -> Markdown:
    frame = _named(ds, indicators.recommendations)
    table = pd.DataFrame({"基地": frame["base_name"], "优先级": frame["priority"], "要素": frame["element_name"],
                          "类型": frame["kind"], "触发指标": frame["trigger"]})
    return page.table(table, "tbl-recommendations", "各基地触发的建议", "本书按指标触发规则生成")


# ---------------------------------------------------------------- errata, about, cite

def errata_table(ds: Dataset, page: Page) -> Markdown:
    frame = _with_source(ds, ds.errata)
    table = pd.DataFrame({"编号": frame["erratum_id"], "类型": frame["kind"], "报告原文": frame["printed"],
                          "本书处理": frame["published"], "理由": frame["reason"], "出处": frame["出处"]})
    return page.table(table, "tbl-errata", "报告中的错字、不一致与抽取问题", "本书编者核对报告全文")


def about_source(ds: Dataset) -> Markdown:
    frame = _with_source(ds, ds.source_report)
    return Markdown("\n".join(f"{md(r.label)}\n: {md(r.value)}（{md(r.出处)}）\n" for r in frame.itertuples()))


def citation_block(ds: Dataset) -> Markdown:
    citation = publication_citation(ds)
    return Markdown(
        f"**GB/T 7714—2015 格式**\n\n{md(citation['gbt_publication'])}\n\n{md(citation['gbt_report'])}\n\n"
        f"**BibTeX**\n\n```bibtex\n{citation['bibtex']}\n```"
    )


def compute(ds: Dataset) -> Indicators:
    return compute_indicators(ds)


def data_package_links(ds: Dataset) -> Markdown:
    """Links to the published data package (served from the site root)."""
    rows = "\n".join(f"<li><a href=\"../data/{table.file}\">{_html(table.title)}</a>（{table.file}，{len(ds[table.name])} 行）</li>"
                     for table in ds.schemas.values())
    return Markdown(
        "```{raw} html\n<ul class=\"dt-data-package\">\n"
        "<li><a href=\"../data/datapackage.json\">datapackage.json</a>（数据包描述：字段、类型、单位、来源、许可）</li>\n"
        "<li><a href=\"../data/policies.bib\">policies.bib</a>（报告提及的政策文件，BibTeX）</li>\n"
        f"{rows}\n</ul>\n```"
    )


def _html(text: str) -> str:
    return escape(str(text))


def changelog(ds: Dataset, page: Page, previous_dir: str) -> Markdown:
    """The "what changed" page against the previous edition's data folder."""
    if not previous_dir:
        return Markdown("本版为首个版本：构建时没有指定上一版的数据目录，因此没有可比较的内容。")
    old = load_dataset(previous_dir)
    added, removed = base_changes(old, ds)
    names = dict(zip(old.bases["base_id"], old.bases["name"])) | dict(zip(ds.bases["base_id"], ds.bases["name"]))
    lines = [f"上一版：{md(old.edition['edition'])}（数据指纹 `{old.fingerprint}`）；本版：{md(ds.edition['edition'])}（数据指纹 `{ds.fingerprint}`）。",
             f"新增基地：{md('、'.join(names[b] for b in added)) or '无'}；删除基地：{md('、'.join(names[b] for b in removed)) or '无'}。"]
    facts = fact_changes(old, ds)
    summary = facts.groupby(["change"]).size().to_dict()
    lines.append("事实变化：" + ("，".join(f"{k} {v} 处" for k, v in summary.items()) if summary else "无") + "。")
    out = Markdown("\n\n".join(lines))
    if len(facts):
        table = pd.DataFrame({"数据表": facts["table"], "文件": facts["file"], "记录": facts["key"], "字段": facts["field"],
                              "变化": facts["change"], "旧值": facts["old"], "新值": facts["new"]})
        out += page.table(table, "tbl-fact-changes", "事实变化（旧值 → 新值）", "两版数据目录逐条比较")
    ranks = indicator_changes(old, ds)
    fmt = lambda v: "" if pd.isna(v) else f"{v:.1f}"
    rank = lambda v: "" if pd.isna(v) else str(int(v))
    table = pd.DataFrame({"基地": ranks["base_name"], "旧综合指数": ranks["composite_old"].map(fmt),
                          "新综合指数": ranks["composite_new"].map(fmt), "旧排名": ranks["rank_old"].map(rank),
                          "新排名": ranks["rank_new"].map(rank),
                          "排名变化": ranks["rank_change"].map(lambda v: "" if pd.isna(v) else f"{int(v):+d}")})
    return out + page.table(table, "tbl-rank-changes", "综合指数与排名的变化", "两版数据分别计算")
