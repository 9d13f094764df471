"""The report's "3+3+3" framework: groups, elements and the actions it recommends."""

from __future__ import annotations

import re

import pandas as pd

from ..output import Markdown, Page, md
from .common import locate, with_source


def framework_overview(ds, page: Page) -> Markdown:
    elements = ds.framework_elements.merge(
        ds.framework_groups[["group_id", "name", "order"]].rename(
            columns={"name": "group_name", "order": "group_order"}
        ),
        on="group_id",
    )
    elements = with_source(ds, elements.sort_values(["group_order", "order"]))
    actions = ds.framework_actions.groupby("element_id").size()
    table = pd.DataFrame(
        {
            "层面": elements["group_name"],
            "要素": elements["name"],
            "建议行动数": elements["element_id"].map(actions).fillna(0).astype(int),
            "出处": elements["出处"],
        }
    )
    return page.table(table, "tbl-framework", "数字贸易示范区建设的“3+3+3”体系", "报告第三部分")


def _passages(ds, frame: pd.DataFrame) -> list[str]:
    """The report's own passages, consecutive ones from the same paragraph of the report run together as
    that paragraph, with the paragraph's place after it."""
    out, run, where = [], [], None
    for p in frame.sort_values("order").itertuples():
        paragraph = re.match(r"第[0-9—]+段", p.source_locator)
        place = (p.source_section, paragraph.group(0) if paragraph else p.source_locator)
        if run and place != where:
            out.append(f"{''.join(run)}（{md(locate(ds, *where))}）\n")
            run = []
        run.append(md(p.text))
        where = place
    if run:
        out.append(f"{''.join(run)}（{md(locate(ds, *where))}）\n")
    return out


def framework_details(ds) -> Markdown:
    """Part 三 as the report argues it: its opening, then each group and element passage by passage,
    each element closing with the actions the recommendations draw on."""
    groups = with_source(ds, ds.framework_groups.sort_values("order"))
    elements = with_source(ds, ds.framework_elements.sort_values("order"))
    actions = with_source(ds, ds.framework_actions.sort_values("order"))
    text = with_source(ds, ds.framework_text)
    out = ["(fw-opening)=\n## 报告提出体系的缘由\n", *_passages(ds, text[text["group_id"].isna()])]
    for group in groups.itertuples():
        anchor = group.group_id.replace("_", "-")
        own = text[text["group_id"] == group.group_id]
        out.append(f"(fw-{anchor})=\n## {md(group.name)}\n")
        out.extend(_passages(ds, own[own["element_id"].isna()]))
        for element in elements[elements["group_id"] == group.group_id].itertuples():
            out.append(f"(fw-{element.element_id.replace('_', '-')})=\n### {md(element.name)}\n")
            out.extend(_passages(ds, own[own["element_id"] == element.element_id]))
            out.append("本书据此归纳的建议行动（对各基地的建议取自这里）：\n")
            for action in actions[actions["element_id"] == element.element_id].itertuples():
                out.append(f"1. {md(action.action)}（{md(action.出处)}）")
            out.append("")
    return Markdown("\n".join(out))
