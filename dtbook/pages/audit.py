"""The audit annex: the indicator system checked step by step, as the JRC audits the Global Innovation Index
(OECD/JRC Handbook on Constructing Composite Indicators): what was done at each step and what it shows."""

from __future__ import annotations

import pandas as pd

from ..indicators import ALPHA_TARGET, ALPHA_TARGET_ALL, ASSUMPTION_LABELS, Indicators
from ..output import Markdown, Page, md
from .common import element_names, short_names
from .indicators import scenario_note

ALPHA_READING = 0.7  # the usual reading: a scale whose items share one dimension has α of about 0.7 or more


def _group_names(ds) -> dict[str, str]:
    return dict(zip(ds.framework_groups["group_id"], ds.framework_groups["name"])) | {"all": "全部九个要素"}


def coherence(ds, page: Page, indicators: Indicators) -> Markdown:
    frame = indicators.coherence
    alpha = frame[frame["measure"] == "cronbach_alpha"]
    pcs = frame[frame["measure"] == "explained_share"]
    names = _group_names(ds)
    rows = [(names[row.scope], "Cronbach α", f"{row.value:.2f}") for row in alpha.itertuples()]
    rows += [(f"第 {row.scope[2:]} 主成分", "解释的方差占比", f"{row.value:.0%}") for row in pcs.head(3).itertuples()]
    table = pd.DataFrame(rows, columns=["范围", "统计量", "数值"])
    correlations = indicators.correlations.assign(name=lambda f: f["element_id"].map(element_names(ds)))
    negative = correlations[correlations["r_composite"] < 0]["name"].tolist()
    low_groups = [
        names[row.scope] for row in alpha.itertuples() if row.scope != "all" and not row.value >= ALPHA_READING
    ]
    first = pcs["value"].iloc[0] if len(pcs) else float("nan")
    text = [
        f"Cronbach α 衡量同一层面的要素是否一同升降：通常以 {ALPHA_READING} 以上视为同一维度。"
        + (
            f"{md('、'.join(low_groups))}低于这一水平：这些要素描述的是不同的事，"
            "在报告的框架中并列，而不是同一能力的几种测量；本书因此不把层面得分当作单一维度来解读，只报告要素与综合指数。"
            if low_groups
            else "各层面均达到这一水平。"
        ),
        f"第一主成分解释了 {first:.0%} 的方差：九个要素没有一个共同的主导维度，综合指数是对报告框架的汇总，"
        "而不是对某一潜在能力的测量，这也是本书以梯队而不是名次发布结果的原因之一。",
    ]
    if negative:
        text.append(
            f"{md('、'.join(negative))}与综合指数负相关：这些要素的证据多见于综合指数较低的基地。"
            "本书保留它们，因为它们是报告框架本身的要素；删去它们会改变报告的框架。"
        )
    corr = pd.DataFrame(
        {
            "要素": correlations["name"],
            "与综合指数的相关系数": correlations["r_composite"].map(_two_decimals),
        }
    )
    return (
        page.table(table, "tbl-coherence", "统计一致性：各层面的信度系数与主成分", "本书计算")
        + page.table(corr, "tbl-correlations", "各要素与综合指数的相关", "本书计算")
        + Markdown("\n\n".join(text))
    )


def sensitivity(ds, page: Page, indicators: Indicators) -> Markdown:
    frame = indicators.sensitivity
    table = pd.DataFrame(
        {
            "改变的假设": frame["assumption"].map(
                {"scoring": "计分规则", "missing": "缺失要素的处理", "aggregation": "汇总方式"}
            ),
            "改为": [ASSUMPTION_LABELS[a][o] for a, o in zip(frame["assumption"], frame["option"])],
            "平均名次变化": frame["mean_shift"].map(lambda v: f"{v:.1f}"),
            "最大名次变化": frame["max_shift"],
            "名次改变的基地数": frame["bases_moved"],
        }
    )
    largest = frame.sort_values("mean_shift", ascending=False).iloc[0]
    text = (
        f"每次只改变一项假设、其余保持公布的设定时，影响最大的是把{md(_assumption(largest))}，"
        f"平均每个基地的名次变化 {largest['mean_shift']:.1f} 位。单项影响都不小于梯队内部的名次差别，"
        "这是名次不宜单独引用的又一理由。"
    )
    return page.table(table, "tbl-sensitivity", "敏感性：每次改变一项假设时的名次变化", "本书计算") + Markdown(text)


def _assumption(row) -> str:
    names = {"scoring": "计分规则", "missing": "缺失要素的处理", "aggregation": "汇总方式"}
    return f"{names[row['assumption']]}改为“{ASSUMPTION_LABELS[row['assumption']][row['option']]}”"


def steps(ds, page: Page, indicators: Indicators) -> Markdown:
    """The ten steps of the audit, each with what was done here and what it shows."""
    ranking = indicators.ranking
    settings = indicators.settings
    alpha_all = indicators.coherence.query("scope == 'all' and measure == 'cronbach_alpha'")["value"].iloc[0]
    widths = ranking["rank_p95"] - ranking["rank_p05"]
    r_items = ranking["composite"].corr(ranking["items"])
    coverage = indicators.coverage.groupby("base_id")["coverage"].mean().reindex(ranking["base_id"]).to_numpy()
    r_breadth = pd.Series(ranking["composite"].to_numpy()).corr(pd.Series(coverage))
    missing_cells = int((indicators.scores["level"] == 0).sum())
    equal = ds.weights["weight"].nunique() == 1
    weighting = f"{len(ds.framework_elements)} 个要素等权" if equal else "各要素按权重表加权"
    rows = [
        (
            "1 理论框架",
            "采用报告自己的“3+3+3”体系，九个要素按报告第三部分的定义编码（见方法说明与编码规则）。",
            "指标衡量的是报告对各基地的记述在多大程度上满足报告自己的框架，而不是基地的实际绩效。",
        ),
        (
            "2 数据",
            f"证据只取自报告第二部分对各基地的记述，共 {len(indicators.scores)} 个基地×要素单元，"
            f"每条证据有原文摘录与出处。",
            "数据量受报告篇幅限制；作者与部分基地的关联见方法说明。",
        ),
        (
            "3 缺失数据",
            f"{missing_cells} 个单元没有证据。公布的结果按零计，使补充证据永远不会降低得分；"
            "不确定性分析中另按跳过、按要素均值、按要素最低值处理。",
            "缺失处理是名次变化的主要来源之一（见敏感性表）。",
        ),
        ("4 标准化", "每个要素取最强证据的等级（0—3），换算为 0—100。", "等级不随证据条数增加而增加，以减轻篇幅偏差。"),
        (
            "5 权重",
            f"{weighting}（见权重表）；不确定性分析中每个权重乘以 [0, 2] 上的均匀随机因子。",
            "随机权重下的名次变化计入排名区间。",
        ),
        (
            "6 汇总",
            "公布结果用加权算术平均；不确定性分析中另用先层面后总体、几何平均。",
            "算术平均允许要素之间相互补偿。",
        ),
        (
            "7 统计一致性",
            f"全部九个要素的 Cronbach α 为 {alpha_all:.2f}（见一致性表）。",
            "要素之间相关很弱，综合指数是框架的汇总而非单一维度，结果以梯队发布。",
        ),
        (
            "8 不确定性",
            f"{scenario_note(indicators)}，共 {settings.uncertainty_draws} 个情景。",
            f"排名区间（5%—95%）的宽度中位数为 {widths.median():.0f} 位，"
            f"因此只区分出 {ranking['tier'].nunique()} 个梯队。",
        ),
        ("9 敏感性", "每次只改变一项假设，记录名次变化（见敏感性表）。", "单项假设即可使部分基地的名次移动数位。"),
        (
            "10 与其他量度的关系",
            "报告以外没有各基地的可比量度；本书比较综合指数与报告着墨（证据条数）和重点产业的广度。",
            f"与证据条数的相关系数为 {r_items:.2f}，与分类覆盖度的相关系数为 {r_breadth:.2f}。",
        ),
    ]
    table = pd.DataFrame(rows, columns=["步骤", "本书的做法", "结果说明"])
    return page.table(
        table,
        "tbl-audit-steps",
        "指标审计的十个步骤",
        "本书编者，参照 OECD/JRC《综合指数编制手册》与 JRC 对全球创新指数的审计",
    )


def _two_decimals(value) -> str:
    return "" if pd.isna(value) else f"{round(value, 2) + 0.0:.2f}"  # + 0.0: no "-0.00"


def reliability(ds, page: Page, indicators: Indicators) -> Markdown:
    """Agreement of the two independent codings, per element and overall, and every disagreement resolved."""
    frame = indicators.reliability
    names = element_names(ds) | {"all": "全部要素"}
    table = pd.DataFrame(
        {
            "要素": frame["element_id"].map(names),
            "单元数（基地）": frame["units"],
            "Krippendorff α（等距）": frame["alpha"].map(_two_decimals),
            "等级完全一致的比例": frame["agreement"].map(lambda v: f"{v:.0%}"),
        }
    )
    overall = frame[frame["element_id"] == "all"].iloc[0]
    below = frame[(frame["element_id"] != "all") & ~(frame["alpha"] >= ALPHA_TARGET)]
    verdict = (
        f"全部要素的 α 为 {overall['alpha']:.2f}，"
        + ("达到" if overall["alpha"] >= ALPHA_TARGET_ALL else "未达到")
        + f" {ALPHA_TARGET_ALL} 的目标；"
    )
    verdict += (
        f"{md('、'.join(below['element_id'].map(names)))}低于 {ALPHA_TARGET}，这些要素的结果只能作为初步判断。"
        if len(below)
        else f"每个要素都达到 {ALPHA_TARGET}。"
    )
    coded = ds.coding_second["base_id"].nunique()
    text = (
        f"第二位编码者只依据编码规则和报告原文，在没有见到第一次编码的情况下独立编码了 "
        f"{coded} 个基地（第一次 {len(ds.coding_first)} 条证据，第二次 {len(ds.coding_second)} 条）。"
        "比较的单位是每个基地在每个要素上的证据等级（0—3，即最强一条证据的强度），与得分的计算方式一致。"
        + verdict
        + "两次编码由同一编写组依同一书面规则完成，其一致程度可能高于规则以外的编码者之间；"
        "两次编码均随数据发布，读者可以复核。"
    )
    log = ds.coding_resolutions.assign(
        base=lambda f: f["base_id"].map(short_names(ds)), element=lambda f: f["element_id"].map(names)
    )
    decisions = pd.DataFrame(
        {
            "基地": log["base"],
            "要素": log["element"],
            "第一次编码的等级": log["level_first"],
            "第二次编码的等级": log["level_second"],
            "采用的等级": log["level_final"],
            "裁定与理由": log["decision"],
        }
    )
    return (
        Markdown(text)
        + page.table(table, "tbl-reliability", "编码信度：两次独立编码的一致性", "本书计算")
        + page.table(decisions, "tbl-coding-disagreements", "两次编码的分歧及其裁定", "本书编者依编码规则裁定")
    )
