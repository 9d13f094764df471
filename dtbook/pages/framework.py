"""The report's "3+3+3" framework: groups, elements and the actions it recommends."""

from __future__ import annotations

import pandas as pd

from ..output import Markdown, Page, md
from .common import with_source


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


def framework_details(ds) -> Markdown:
    groups = with_source(ds, ds.framework_groups.sort_values("order"))
    elements = with_source(ds, ds.framework_elements.sort_values("order"))
    actions = with_source(ds, ds.framework_actions.sort_values("order"))
    out = []
    for group in groups.itertuples():
        anchor = group.group_id.replace("_", "-")
        out.append(f"(fw-{anchor})=\n## {md(group.name)}\n\n{md(group.summary)}（{md(group.出处)}）\n")
        for element in elements[elements["group_id"] == group.group_id].itertuples():
            out.append(
                f"(fw-{element.element_id.replace('_', '-')})=\n### {md(element.name)}\n\n"
                f"{md(element.reasoning)}（{md(element.出处)}）\n\n建议行动：\n"
            )
            for action in actions[actions["element_id"] == element.element_id].itertuples():
                out.append(f"1. {md(action.action)}（{md(action.出处)}）")
            out.append("")
    return Markdown("\n".join(out))
