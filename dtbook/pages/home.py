"""The front page: findings first (what the bases are, where they are, what the indicators can and cannot say),
then the way into each base. Everything from data, so a new edition updates it."""

from __future__ import annotations

from ..citation import source_report
from ..fmt import is_missing
from ..indicators import Indicators
from ..output import Markdown, md, web_only
from .common import BASE_DOC, PAGE_DOCS, doc_link, edition_line, ref_link, short_names
from .indicators import band, tier_label
from .overview import location


def home_intro(ds) -> Markdown:
    report = source_report(ds)
    text = (
        f"本出版物以{md(report['author'])}《{md(report['title'])}》（{md(report['date'])}）为底本，"
        "把报告中的事实整理为可核查的数据，再由可执行的笔记本生成本书的每一页；"
        "数据更新后，一条命令即可重建网站与 PDF。"
    )
    return Markdown(text) + edition_line(ds)


def key_facts(ds) -> Markdown:
    """Four facts of the report, counted from the data, each with the page that shows it."""
    bases = ds.bases.sort_values("order")
    first = bases["recognised"].min()
    batches = "、".join(dict.fromkeys(bases["batch"]))
    dated = ds.policies[~ds.policies["date"].map(is_missing)]
    classes = ds.taxonomy[ds.taxonomy["level"] == 1]
    groups = ds.framework_groups.sort_values("order")
    facts = [
        f"**{len(bases)} 个国家数字服务出口基地**（{md(batches)}，最早认定于 {md(first)}），分布在 "
        f"{bases['city'].nunique()} 个城市。见{doc_link('基地总览', PAGE_DOCS['overview'])}。",
        f"报告点名了 **{len(ds.policies)} 份政策文件**，其中 {len(dated)} 份有日期（{md(dated['date'].min())} 至 "
        f"{md(dated['date'].max())}）。见{ref_link('政策时间线', 'fig-policy-timeline')}。",
        f"报告把数字贸易分为 **{len(classes)} 大门类**：{md('、'.join(classes['name']))}，"
        f"共 {len(ds.taxonomy)} 个分类节点。见{doc_link('数字贸易的定义与分类', PAGE_DOCS['taxonomy'])}。",
        f"报告提出建设数字贸易示范区的 **“3+3+3”体系**：{md('、'.join(groups['name']))}。"
        f"见{doc_link('“3+3+3”体系', PAGE_DOCS['framework'])}。",
    ]
    return Markdown("\n".join(f"- {fact}" for fact in facts))


def findings(ds, indicators: Indicators) -> Markdown:
    """The indicator headline with its uncertainty: tiers, not ranks 1…n."""
    names = short_names(ds)
    ranking = indicators.ranking.sort_values(["tier", "rank_median", "composite"], ascending=[True, True, False])
    lines = [
        f"- **{tier_label(tier)}**："
        + "、".join(
            f"{doc_link(names[row.base_id], BASE_DOC.format(row.base_id))}（{band(row.rank_p05, row.rank_p95)}）"
            for row in members.itertuples()
        )
        for tier, members in ranking.groupby("tier", sort=True)
    ]
    return Markdown(
        f"本书按报告自己的“3+3+3”体系，为每个基地编码报告给出的证据并计算综合指数。编码、计分和权重的每一种合理"
        f"选择同时改变后，{indicators.base_count} 个基地只能可靠地分为 {ranking['tier'].nunique()} 个梯队"
        "（括号中为排名的 5%—95% 区间）；梯队之内的名次不宜比较：\n\n"
        + "\n".join(lines)
        + "\n\n指标衡量的是报告对各基地的记述，而不是基地的实际绩效。"
        f"详见{doc_link('指标结果', PAGE_DOCS['indicators'])}与{doc_link('指标审计', PAGE_DOCS['audit'])}。"
    )


def base_directory(ds, indicators: Indicators) -> Markdown:
    """Each base with its city, the report's positioning and its tier: a way in to every base page."""
    tier = indicators.ranking.set_index("base_id")["tier"]
    rows = []
    for row in ds.bases.sort_values("order").itertuples():
        positioning = "报告未给出定位" if is_missing(row.positioning) else f"定位：{md(row.positioning)}"
        rows.append(
            f"- {doc_link(row.name, BASE_DOC.format(row.base_id))}（{md(row.city)}）{positioning}；"
            f"{tier_label(tier[row.base_id])}"
        )
    return web_only(Markdown("\n".join(rows)))


def home_map(ds, page) -> Markdown:
    """The overview's location chart under the front page's own label; the PDF has it in the overview only."""
    return web_only(location(ds, page, "fig-home-locations"))


def pdf_link() -> Markdown:
    return Markdown('```{raw} html\n<p class="dt-pdf"><a href="../pdf/book.pdf" download>下载本书 PDF 版</a></p>\n```')
