"""How the indicators are made: coding rules, strength scale, weights, parameters."""

from __future__ import annotations

import pandas as pd

from ..fmt import is_missing, number
from ..output import Markdown, Page, md, web_only
from .common import element_names, with_source


def coding_principles(ds) -> Markdown:
    """The general rules once, by section, as numbered lists a reader can cite."""
    out = []
    for section, rows in ds.coding_principles.sort_values("order").groupby("section", sort=False):
        out.append(f"**{md(section)}**\n")
        out.extend(f"{i}. {md(text)}" for i, text in enumerate(rows["text"], start=1))
        out.append("")
    return Markdown("\n".join(out))


def coding_rules(ds, page: Page) -> Markdown:
    """One block per element, so each rule reads on its own; the whole set also downloads as a table."""
    names = element_names(ds)
    rules = with_source(ds, ds.coding_rules.set_index("element_id").loc[list(names)].reset_index())
    out = []
    for row in rules.itertuples():
        out.append(f"(rule-{row.element_id.replace('_', '-')})=\n#### {md(names[row.element_id])}\n")
        items = [
            ("报告的定义", f"{row.definition}（{row.出处}）"),
            ("计为证据", row.observe),
            ("强度 1", row.strength_1),
            ("强度 2", row.strength_2),
            ("强度 3", row.strength_3),
            ("不计", row.excludes),
            ("示例", row.example),
        ]
        out.extend(f"{label}\n: {md(text)}\n" for label, text in items)
    table = pd.DataFrame(
        {
            "要素": rules["element_id"].map(names),
            "报告的定义": rules["definition"],
            "出处": rules["出处"],
            "计为证据": rules["observe"],
            "强度 1": rules["strength_1"],
            "强度 2": rules["strength_2"],
            "强度 3": rules["strength_3"],
            "不计": rules["excludes"],
            "示例": rules["example"],
        }
    )
    # The table is the rules as one download; the PDF prints the blocks only.
    rules_table = page.table(table, "tbl-coding-rules", "各要素的证据编码规则", "本书编者")
    return Markdown("\n".join(out)) + web_only(rules_table)


def strength_scale(ds) -> Markdown:
    description = ds.schemas["evidence"].field("strength").description
    return Markdown(f"证据强度分三级：{md(description)}。")


def weights_table(ds, page: Page) -> Markdown:
    names = element_names(ds)
    frame = ds.weights
    table = pd.DataFrame(
        {
            "要素": frame["component"].map(names),
            "权重": frame["weight"].map(number),
            "权重占比": (frame["weight"] / frame["weight"].sum()).map(lambda v: f"{v:.1%}"),
            "理由": frame["rationale"],
        }
    )
    return page.table(table, "tbl-weights", "综合指数的权重（数据表“综合指数权重”，修改后重新构建即生效）", "本书编者")


def settings_table(ds, page: Page) -> Markdown:
    frame = ds.indicator_settings
    table = pd.DataFrame({"参数": frame["label"], "取值": frame["value"].map(number), "含义": frame["meaning"]})
    return page.table(table, "tbl-settings", "指标计算参数（数据表“指标参数”，修改后重新构建即生效）", "本书编者")


def disclosure(ds) -> Markdown:
    """The report's author worked for several of the bases it profiles: said beside the results, not only on
    the about page."""
    tied = ds.bases[~ds.bases["disclosure"].map(is_missing)].sort_values("order")
    if tied.empty:
        return Markdown("报告作者没有自述与任何基地的关联。")
    lines = "\n".join(f"- {md(row.short_name)}：{md(row.disclosure)}" for row in tied.itertuples())
    return Markdown(
        f"报告作者在报告第四部分自述曾为以下 {len(tied)} 个基地起草文件或辅导申报。这些基地的材料可能因此在报告中"
        f"写得更详细，证据更多、更具体；读者比较这些基地与其他基地的结果时应考虑这一点：\n\n{lines}"
    )
