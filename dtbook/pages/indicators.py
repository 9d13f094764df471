"""The indicator results: element scores, composite and its robustness, coverage, recommendations."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..fmt import one_decimal, percent, score
from ..indicators import Indicators
from ..labels import CompositeStatus, EvidenceStatus, RecommendationKind
from ..output import Markdown, Page, md
from .common import CAVEAT, element_names, element_order, named


def score_heatmap(ds, page: Page, indicators: Indicators) -> Markdown:
    scores = named(ds, indicators.scores).assign(element_name=lambda f: f["element_id"].map(element_names(ds)))
    order = ds.bases.sort_values("order")["short_name"].tolist()
    return page.chart(
        charts.score_heatmap(scores, element_order(ds, indicators), order),
        "fig-score-heatmap",
        "各基地在“3+3+3”九要素上的得分",
        "热力图：行是基地，列是九个要素，蓝色越深得分越高（0—100），格中数字为得分；灰格标“无证据”，表示报告中没有内容计入该要素。",
        "本书按编码规则从报告第二部分编码并计算",
    )


def ranking(ds, page: Page, indicators: Indicators) -> Markdown:
    frame = named(ds, indicators.ranking).assign(status_label=lambda f: f["status"].map(CompositeStatus.label_of))
    threshold = indicators.settings.min_element_coverage
    chart = page.chart(
        charts.ranking_chart(frame),
        "fig-ranking",
        "综合指数与排名的稳健区间",
        f"左：各基地综合指数（0—100），深色条为{CompositeStatus.OK.label}"
        f"（有证据的组成部分占权重 {threshold:.0%} 及以上），"
        f"浅色条为{CompositeStatus.THIN.label}；右：红点为按数据权重得到的排名，灰线为随机改变权重"
        f" {indicators.settings.robustness_draws} 次时排名的 5%—95% 分位区间。区间重叠的基地，先后次序随权重而变。",
        "本书计算",
    )
    table = pd.DataFrame(
        {
            "基地": frame["base_name"],
            "综合指数": frame["composite"].map(one_decimal),
            "排名": frame["rank"],
            "随机权重排名区间": [f"{a}—{b}" for a, b in zip(frame["rank_p05"], frame["rank_p95"])],
            "去掉任一组成部分后的排名": [f"{a}—{b}" for a, b in zip(frame["rank_loo_best"], frame["rank_loo_worst"])],
            "无证据按零分计的排名": frame["rank_missing_zero"],
            "证据覆盖的权重": frame["evidence_share"].map(percent),
            "证据状况": frame["status_label"],
        }
    ).sort_values("排名")
    return (
        chart
        + page.table(table, "tbl-ranking", "综合指数、排名及其稳健性", "本书计算")
        + distinguishable(ds, indicators)
    )


def distinguishable(ds, indicators: Indicators) -> Markdown:
    """Say which bases are clearly ahead of which: their rank ranges do not overlap, counting both random
    weights and the reading of missing evidence as zero."""
    frame = named(ds, indicators.ranking).sort_values("rank")
    frame = frame.assign(
        best=frame[["rank_p05", "rank_missing_zero"]].min(axis=1),
        worst=frame[["rank_p95", "rank_missing_zero"]].max(axis=1),
    )
    ahead = []
    for row in frame.itertuples():
        behind = frame[frame["best"] > row.worst]["base_name"].tolist()
        if behind:
            ahead.append(f"- {md(row.base_name)}稳定领先于：{md('、'.join(behind))}")
    if not ahead:
        return Markdown("各基地的排名区间相互重叠：在随机权重下，没有哪个基地稳定领先于另一个，排名差别应视为噪声。")
    return Markdown(
        "排名区间（随机权重的 5%—95% 分位，并计入无证据按零分计的排名）不重叠、因而差别有意义的基地对；"
        "其余差别在权重或缺失证据的处理变化下不稳定，应视为噪声：\n\n" + "\n".join(ahead) + f"\n\n{CAVEAT}"
    )


def coverage(ds, page: Page, indicators: Indicators) -> Markdown:
    frame = named(ds, indicators.coverage)
    classes = ds.taxonomy[ds.taxonomy["level"] == 1]
    class_order = classes["short_name"].fillna(classes["name"]).tolist()
    order = ds.bases.sort_values("order")["short_name"].tolist()
    chart = page.chart(
        charts.coverage_chart(frame, class_order, order),
        "fig-coverage",
        "各基地重点产业对表1五大门类的覆盖度",
        "热力图：行是基地，列是表1的五个一级分类，格中数字为该门类下被基地重点产业覆盖的二级分类所占百分比。",
        "报告第二部分与表1，映射为本书编码",
    )
    table = pd.DataFrame(
        {
            "基地": frame["base_name"],
            "一级分类": frame["class_name"],
            "覆盖的二级分类": frame["covered"],
            "二级分类数": frame["total"],
            "覆盖度": frame["coverage"].map(percent),
        }
    )
    return chart + page.table(table, "tbl-coverage", "分类覆盖度明细", "本书计算")


def score_table(ds, page: Page, indicators: Indicators) -> Markdown:
    names = element_names(ds)
    frame = named(ds, indicators.scores)
    table = pd.DataFrame(
        {
            "基地": frame["base_name"],
            "要素": frame["element_id"].map(names),
            "证据条数": frame["items"],
            "强度合计": frame["strength_sum"].fillna(0).astype(int),
            "得分": frame["score"].map(score),
            "证据状况": frame["status"].map(EvidenceStatus.label_of),
        }
    )
    return page.table(table, "tbl-scores", "全部要素得分", "本书计算")


def all_recommendations(ds, page: Page, indicators: Indicators) -> Markdown:
    frame = named(ds, indicators.recommendations)
    table = pd.DataFrame(
        {
            "基地": frame["base_name"],
            "优先级": frame["priority"],
            "要素": frame["element_name"],
            "类型": frame["kind"].map(RecommendationKind.label_of),
            "触发指标": frame["trigger"],
        }
    )
    return page.table(table, "tbl-recommendations", "各基地触发的建议", "本书按指标触发规则生成")
