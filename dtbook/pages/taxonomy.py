"""The definition of digital trade and Table 1, the five-level classification."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import charts
from ..fmt import is_missing, or_silent
from ..indicators import Indicators
from ..output import Markdown, Page, md, pdf_only, web_only
from .common import BASE_DOC, doc_link, locate, short_names


def concepts(ds, kinds: list[str]) -> Markdown:
    frame = ds.concepts[ds.concepts["kind"].isin(kinds)].sort_values(["kind", "order"])
    out = []
    for kind in kinds:
        for row in frame[frame["kind"] == kind].itertuples():
            where = (
                or_silent(row.external_source)
                if is_missing(row.source_section)
                else locate(ds, row.source_section, row.source_locator)
            )
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
        rows.append(
            {
                "node_id": node,
                "name": names[node],
                "level": int(levels[node]),
                "start": start,
                "end": end,
                "path": path,
                "class": top,
            }
        )
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


def taxonomy_reading(layout: pd.DataFrame) -> str:
    """The size of Table 1 and its largest top-level class, in end nodes."""
    roots = layout[layout["level"] == 1].set_index("name")["leaves"]
    return (
        f"表1 共 {len(layout)} 个分类节点、{int(roots.sum())} 个末级分类；末级分类最多的一级分类是"
        f"{roots.idxmax()}（{int(roots.max())} 个）。"
    )


def taxonomy_chart(ds, page: Page) -> Markdown:
    layout = taxonomy_layout(ds.taxonomy)
    return page.chart(
        charts.taxonomy_icicle(layout),
        "fig-taxonomy-icicle",
        "数字贸易分类层级图（表1）",
        f"冰柱图：自上而下为一至五级分类，每个方块的宽度与其下末级分类的数量成正比；共 {len(ds.taxonomy)} 个分类节点。"
        "网页版中悬停可看到完整的分类路径；窄小的方块不标名称，全部节点见“数字贸易分类一览表”。",
        "报告第三部分（一）表1，本书重建层级",
        taxonomy_reading(layout),
    )


def taxonomy_table(ds, page: Page) -> Markdown:
    frame = ds.taxonomy.copy()
    table = pd.DataFrame({"编号": frame["node_id"]})
    for level, label in enumerate(["一级分类", "二级分类", "三级分类", "四级分类", "五级分类"], start=1):
        table[label] = np.where(frame["level"] == level, frame["name"], "")
    notes = ds.taxonomy_notes.groupby("node_id")["note_id"].apply(lambda s: "、".join(s)).to_dict()
    table["重建说明"] = frame["node_id"].map(notes).fillna("")
    caption, source = "数字贸易分类一览表（报告表1，层级重建）", "报告第三部分（一）表1"
    return web_only(page.table(table, "tbl-taxonomy", caption, source)) + pdf_only(
        page.table(taxonomy_tree(frame, notes), "tbl-taxonomy-tree", caption, source)
    )


INDENT = "\u3000"  # one ideographic space per level below the first


def taxonomy_tree(frame: pd.DataFrame, notes: dict[str, str]) -> pd.DataFrame:
    """Table 1 for print: each node once, in tree order, its whole code beside its name indented by level."""
    order = []
    children = frame.groupby("parent_id", sort=False)["node_id"].apply(list).to_dict()

    def walk(node: str) -> None:
        order.append(node)
        for child in children.get(node, []):
            walk(child)

    for root in frame[frame["level"] == 1]["node_id"]:
        walk(root)
    rows = frame.set_index("node_id").loc[order]
    return pd.DataFrame(
        {
            "编号": order,
            "层级": rows["level"].astype(int).to_numpy(),
            "名称": [INDENT * (int(level) - 1) + name for level, name in zip(rows["level"], rows["name"])],
            "重建说明": [notes.get(node, "") for node in order],
        }
    )


def taxonomy_classes(ds, indicators: Indicators) -> Markdown:
    """One labelled block per top-level class: its subclasses and the bases whose industries reach it."""
    names = short_names(ds)
    out = []
    for row in ds.taxonomy[ds.taxonomy["level"] == 1].itertuples():
        members = ds.taxonomy[ds.taxonomy["parent_id"] == row.node_id]
        reach = indicators.coverage[
            (indicators.coverage["class_id"] == row.node_id) & (indicators.coverage["covered"] > 0)
        ]
        bases = "、".join(doc_link(names[b], BASE_DOC.format(b)) for b in reach["base_id"]) or "无"
        out.append(f"(tax-{row.node_id.lower()})=\n## {row.node_id} {md(row.name)}\n")
        out.append(f"二级分类：{md('；'.join(members['name']))}。\n\n重点产业涉及本门类的基地：{bases}。\n")
    return Markdown("\n".join(out))


def taxonomy_notes(ds, page: Page) -> Markdown:
    frame = ds.taxonomy_notes
    names = dict(zip(ds.taxonomy["node_id"], ds.taxonomy["name"]))
    table = pd.DataFrame(
        {
            "编号": frame["note_id"],
            "节点": [f"{n} {names[n]}" for n in frame["node_id"]],
            "抽取文本所见": frame["extracted"],
            "本书处理": frame["decision"],
            "理由": frame["reason"],
        }
    )
    return page.table(table, "tbl-taxonomy-notes", "表1重建中需要判断的位置", "本书编者")
