"""The indicator results: tiers with their uncertainty first, then element levels, pairwise comparisons,
report coverage, taxonomy breadth and recommendations."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..fmt import one_decimal, percent, score
from ..indicators import Indicators
from ..labels import CompositeStatus, EvidenceStatus, RecommendationKind
from ..output import Markdown, Page, md, pdf_only, web_only
from .common import CAVEAT, element_names, element_order, named

TIER_NAMES = "一二三四五六七八九十"
MATRIX_LIMIT = 20  # bases: a larger pairwise matrix is unreadable on a page and too big for a chart


def tier_label(tier: int) -> str:
    return f"第{TIER_NAMES[tier - 1]}梯队" if tier <= len(TIER_NAMES) else f"第 {tier} 梯队"


def band(low: int, high: int) -> str:
    return f"第 {low} 名" if low == high else f"第 {low}—{high} 名"


def scenario_note(indicators: Indicators) -> str:
    settings = indicators.settings
    return (
        f"{settings.uncertainty_draws} 个情景同时改变编码（每条证据以 {settings.noise_shift:.0%} 的概率上下偏移一级、"
        f"以 {settings.noise_drop:.0%} 的概率被略去）、计分规则、缺失要素的处理、汇总方式与权重"
    )


def tiers_headline(ds, page: Page, indicators: Indicators) -> Markdown:
    """The headline: tiers, each base's median rank and 5–95% band, in words and as a table."""
    frame = named(ds, indicators.ranking).sort_values(
        ["tier", "rank_median", "composite"], ascending=[True, True, False]
    )
    lines = []
    for tier, members in frame.groupby("tier", sort=True):
        names = "、".join(members["base_name"])
        lines.append(f"- **{tier_label(tier)}**（{len(members)} 个）：{md(names)}")
    threshold = indicators.settings.tier_threshold
    text = (
        f"在{scenario_note(indicators)}之后，{indicators.base_count} 个基地可以分为 {frame['tier'].nunique()} 个梯队。"
        f"梯队之内的先后次序随假设而变，不宜比较；后一梯队的第一个基地，在至少 {threshold:.0%} 的情景中排在前一梯队"
        "首位基地之后。\n\n" + "\n".join(lines) + f"\n\n{CAVEAT}"
    )
    table = pd.DataFrame(
        {
            "梯队": frame["tier"].map(tier_label),
            "基地": frame["base_name"],
            "中位排名": frame["rank_median"].map(lambda v: f"{v:g}"),
            "排名区间（5%—95%）": [band(a, b) for a, b in zip(frame["rank_p05"], frame["rank_p95"])],
            "综合指数（公布情景）": frame["composite"].map(one_decimal),
            "公布情景下的排名": frame["rank"],
            "有证据的要素权重": frame["evidence_share"].map(percent),
            "证据覆盖": frame["status"].map(CompositeStatus.label_of),
        }
    )
    return Markdown(text) + page.table(table, "tbl-tiers", "各基地的梯队、中位排名与排名区间", "本书计算")


# In the PDF the per-base tables stand in each base's chapter; the web also gathers them here.
PDF_SEE_BASES = pdf_only(Markdown("各基地的明细见各基地一章的“指标得分”与“建议”两节；全表见网页版与数据包。"))


def ranking_reading(frame: pd.DataFrame) -> str:
    """Who leads, by tier and by the published composite."""
    first = frame[frame["tier"] == frame["tier"].min()]["base_name"]
    top = frame.sort_values("composite", ascending=False).iloc[0]
    return (
        f"{tier_label(frame['tier'].min())}为{'、'.join(first)}；公布情景下综合指数最高的是"
        f"{top['base_name']}（{top['composite']:.1f}）。"
    )


def ranking(ds, page: Page, indicators: Indicators) -> Markdown:
    frame = named(ds, indicators.ranking).assign(
        status_label=lambda f: f["status"].map(CompositeStatus.label_of), tier_label=lambda f: f["tier"].map(tier_label)
    )
    threshold = indicators.settings.min_element_coverage
    return page.chart(
        charts.ranking_chart(frame),
        "fig-ranking",
        "综合指数与排名区间",
        f"左：各基地在公布情景下的综合指数（0—100），深色条为{CompositeStatus.OK.label}"
        f"（有证据的要素占权重 {threshold:.0%} 及以上），浅色条为{CompositeStatus.THIN.label}；"
        f"右：横线为 {indicators.settings.uncertainty_draws} 个情景中排名的 5%—95% 区间，圆点为中位排名，"
        "颜色表示梯队；基地按中位排名排列。",
        "本书计算",
        ranking_reading(frame),
    )


def pairwise_reading(frame: pd.DataFrame, order: pd.DataFrame) -> str:
    """How sure the order of the first two bases is."""
    first, second = order["base_id"].iloc[0], order["base_id"].iloc[1]
    share = frame.set_index(["base_id", "other_id"]).at[(first, second), "p_above"]
    names = dict(zip(order["base_id"], order["base_name"]))
    return f"中位排名前两位的{names[first]}与{names[second]}：前者在 {share:.0%} 的情景中排在后者之前。"


def pairwise(ds, page: Page, indicators: Indicators) -> Markdown:
    """Every pair as a matrix while it stays readable; beyond MATRIX_LIMIT bases, each base against the next one
    in median-rank order (the whole matrix is in the data package, indicators/pairwise.csv)."""
    frame = named(ds, indicators.pairwise)
    names = dict(zip(ds.bases["base_id"], ds.bases["short_name"]))
    frame = frame.assign(other_name=frame["other_id"].map(names))
    order = named(ds, indicators.ranking).sort_values(["rank_median", "composite"], ascending=[True, False])
    if indicators.base_count > MATRIX_LIMIT:
        shares = frame.set_index(["base_id", "other_id"])["p_above"]
        ids = order["base_id"].tolist()
        table = pd.DataFrame(
            {
                "基地": [names[a] for a in ids[:-1]],
                "下一位基地（按中位排名）": [names[b] for b in ids[1:]],
                "排在其前的情景占比": [f"{shares[(a, b)]:.0%}" for a, b in zip(ids[:-1], ids[1:])],
            }
        )
        note = (
            f"基地多于 {MATRIX_LIMIT} 个，两两比较矩阵过大，此处只列相邻两个基地；全部两两比较见数据包中的"
            "指标结果表（两两比较）。"
        )
        return Markdown(note) + page.table(table, "tbl-pairwise", "相邻基地：前者排在后者之前的情景占比", "本书计算")
    chart = page.chart(
        charts.pairwise_chart(frame, order["base_name"].tolist()),
        "fig-pairwise",
        "两两比较：行基地排在列基地之前的情景占比",
        f"矩阵图：第 i 行第 j 列的数字是行基地在{scenario_note(indicators)}的情景中排在列基地之前的百分比；"
        "颜色越深占比越高，行与列都按中位排名排列。",
        "本书计算",
        pairwise_reading(frame, order),
    )
    wide = frame.pivot(index="base_name", columns="other_name", values="p_above").reindex(
        index=order["base_name"], columns=order["base_name"]
    )
    table = wide.map(lambda v: "" if pd.isna(v) else f"{v:.0%}").reset_index().rename(columns={"base_name": "基地"})
    return chart + web_only(page.table(table, "tbl-pairwise", "行基地排在列基地之前的情景占比", "本书计算"))


def heatmap_reading(scores: pd.DataFrame) -> str:
    """How many cells lack evidence; the element most and the one least often evidenced."""
    present = scores.assign(has=scores["level"] > 0).groupby("element_name", sort=False)["has"].sum()
    empty = int((scores["level"] == 0).sum())
    return (
        f"{len(scores)} 个基地—要素组合中 {empty} 个没有证据；有证据的基地最多的要素是{present.idxmax()}"
        f"（{int(present.max())} 个），最少的是{present.idxmin()}（{int(present.min())} 个）。"
    )


def score_heatmap(ds, page: Page, indicators: Indicators) -> Markdown:
    scores = named(ds, indicators.scores).assign(element_name=lambda f: f["element_id"].map(element_names(ds)))
    order = ds.bases.sort_values("order")["short_name"].tolist()
    return page.chart(
        charts.score_heatmap(scores, element_order(ds, indicators), order),
        "fig-score-heatmap",
        "各基地在“3+3+3”九要素上的证据等级",
        "热力图：行是基地，列是九个要素，格中数字为报告为该要素给出的最强证据的等级（1 方向性表述、2 具体举措、"
        "3 量化成果或国家级认定），蓝色越深等级越高；灰格标“无证据”，表示报告中没有内容计入该要素，综合指数中按零计。",
        "本书按编码规则从报告第二部分编码并计算",
        heatmap_reading(scores),
    )


def items_reading(scores: pd.DataFrame) -> str:
    """The bases the report writes most and least about, in evidence items."""
    items = scores.groupby("base_name", sort=False)["items"].sum()
    return (
        f"报告对{items.idxmax()}着墨最多（{int(items.max())} 条证据），"
        f"对{items.idxmin()}最少（{int(items.min())} 条）。"
    )


def report_coverage(ds, page: Page, indicators: Indicators) -> Markdown:
    """How much the report says, kept apart from how strong the evidence is; and the length bias."""
    scores = named(ds, indicators.scores).assign(element_name=lambda f: f["element_id"].map(element_names(ds)))
    order = ds.bases.sort_values("order")["short_name"].tolist()
    chart = page.chart(
        charts.items_heatmap(scores, element_order(ds, indicators), order),
        "fig-report-items",
        "报告着墨：各基地各要素的证据条数",
        "热力图：行是基地，列是九个要素，格中数字为报告中计入该要素的证据条数，绿色越深条数越多；空白格为零条。"
        "条数反映报告写了多少，不进入综合指数。",
        "本书按编码规则从报告第二部分编码",
        items_reading(scores),
    )
    ranking = indicators.ranking
    r_items = ranking["composite"].corr(ranking["items"])
    r_sum = ranking["composite_sum"].corr(ranking["items"])
    text = (
        f"综合指数与各基地证据条数的相关系数为 {r_items:.2f}；若同样的证据按强度之和计分（在饱和点截断），"
        f"相关系数为 {r_sum:.2f}。综合指数只取每个要素中最强的一条证据，"
        "因此报告对某基地写得更长，只有在写出了更强的证据时才会提高其得分；条数本身不计分。"
        "各要素的证据条数见上图，条数少的基地排名区间更宽。"
    )
    return chart + Markdown(text)


def taxonomy_coverage_reading(frame: pd.DataFrame) -> str:
    """The class the bases' focus industries reach most and least, on average."""
    mean = frame.groupby("class_name", sort=False)["coverage"].mean()
    return (
        f"各基地重点产业平均覆盖最广的一级分类是{mean.idxmax()}（{mean.max():.0%} 的二级分类），"
        f"最窄的是{mean.idxmin()}（{mean.min():.0%}）。"
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
        "热力图：行是基地，列是表1的五个一级分类，格中数字为该门类下被基地重点产业覆盖的二级分类所占百分比。"
        "覆盖度描述产业的广度，不进入综合指数。",
        "报告第二部分与表1，映射为本书编码",
        taxonomy_coverage_reading(frame),
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
    return chart + web_only(page.table(table, "tbl-coverage", "分类覆盖度明细（描述，不计入综合指数）", "本书计算"))


def score_table(ds, page: Page, indicators: Indicators) -> Markdown:
    names = element_names(ds)
    frame = named(ds, indicators.scores)
    table = pd.DataFrame(
        {
            "基地": frame["base_name"],
            "要素": frame["element_id"].map(names),
            "证据条数": frame["items"],
            "证据等级": frame["level"],
            "得分": frame["score"].map(score),
            "报告着墨": frame["status"].map(EvidenceStatus.label_of),
        }
    )
    return web_only(page.table(table, "tbl-scores", "全部要素的证据等级与得分", "本书计算")) + PDF_SEE_BASES


def all_recommendations(ds, page: Page, indicators: Indicators) -> Markdown:
    frame = named(ds, indicators.recommendations)
    table = pd.DataFrame(
        {
            "基地": frame["base_name"],
            "优先级": frame["priority"],
            "要素": frame["element_name"],
            "类型": frame["kind"].map(RecommendationKind.label_of),
            "依据": frame["trigger"],
        }
    )
    return web_only(page.table(table, "tbl-recommendations", "各基地的建议", "本书按指标规则生成")) + PDF_SEE_BASES
