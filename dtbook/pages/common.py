"""What every page uses: links, where a fact stands in the report, names, the reading caveat.

Text from data reaches a page only through ``md`` (escaped MyST, link text included) or as table and
chart files the Sphinx extension reads as plain text."""

from __future__ import annotations

import pandas as pd

from ..citation import source_report
from ..indicators import Indicators
from ..load import row_ids
from ..output import Markdown, md

BASE_DOC = "/book/bases/{}"
CAVEAT = "说明：得分衡量的是报告所呈现的建设情况，受报告篇幅与写法影响，不是对基地实际绩效的评价。"
PAGE_DOCS = {
    "overview": "/book/overview",
    "indicators": "/book/indicators",
    "taxonomy": "/book/taxonomy",
    "framework": "/book/framework",
    "methodology": "/book/methodology",
    "audit": "/book/audit",
    "errata": "/book/errata",
    "cite": "/book/cite",
    "changelog": "/book/changelog",
    "background": "/book/background",
}


def doc_link(text: str, docname: str) -> str:
    """A Markdown link to a page; the text is escaped, so any character of it shows as typed."""
    return f"[{md(text)}]({docname})"


def ref_link(text: str, label: str) -> str:
    """A Markdown link to a numbered table, figure or section label anywhere in the book."""
    return f"[{md(text)}](#{label})"


def locate(ds, section_id: str, locator: str) -> str:
    """Where a fact stands in the report, as a reader can look it up."""
    number = dict(zip(ds.report_sections["section_id"], ds.report_sections["number"]))[section_id]
    return f"报告{number} {locator}"


def with_source(ds, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["出处"] = [
        locate(ds, section, place) for section, place in zip(frame["source_section"], frame["source_locator"])
    ]
    return frame


def base_name(ds, base_id: str) -> str:
    return ds.bases.set_index("base_id").at[base_id, "name"]


def short_names(ds) -> dict[str, str]:
    return dict(zip(ds.bases["base_id"], ds.bases["short_name"]))


def edition_line(ds) -> Markdown:
    edition = ds.edition
    return Markdown(
        f"版次：{md(edition['edition'])}，编制于 {md(edition['data_date'])}（数据指纹见每页页脚）。"
        f"各基地的情况均为报告发布时（{md(source_report(ds)['date'])}）的情况。{md(edition['note'])}"
    )


def element_names(ds) -> dict[str, str]:
    return dict(zip(ds.framework_elements["element_id"], ds.framework_elements["name"]))


def element_order(ds, indicators: Indicators) -> list[str]:
    names = element_names(ds)
    return [names[e] for e in indicators.element_means["element_id"]]


def named(ds, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(base_name=frame["base_id"].map(short_names(ds)))


def field_sources(ds, table: str, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The field_sources notes on the shown fields (columns: field -> shown column) of the frame's rows:
    position (0-based row of frame), field, basis, source, note; a row_id of * applies to every row."""
    ids = row_ids(frame, ds.schemas[table]).tolist()
    notes = ds.field_sources[(ds.field_sources["table"] == table) & ds.field_sources["field"].isin(columns)]
    out = []
    for note in notes.itertuples(index=False):
        for position, rid in enumerate(ids):
            if note.row_id in ("*", rid):
                out.append({"position": position, **note._asdict()})
    return pd.DataFrame(out, columns=["position", "table", "row_id", "field", "basis", "source", "note"])


def marked(value: str, basis: str) -> str:
    """A value that does not come from the report as written, with its basis beside it."""
    return f"{value}〔{basis}〕"


def mark_fields(
    ds, table: str, frame: pd.DataFrame, shown: pd.DataFrame, columns: dict[str, str], labels: pd.Series
) -> tuple[pd.DataFrame, Markdown]:
    """shown (one row per frame row) with each field that field_sources names marked, in its cell or, when
    the note is about every row (row_id *), in the column heading; and the notes behind the marks as a list
    to put under the table (nothing when no value is marked). labels name the rows in the notes."""
    notes = field_sources(ds, table, frame, columns)
    shown = shown.copy()
    for note in notes[notes["row_id"] != "*"].itertuples(index=False):
        cell = shown.columns.get_loc(columns[note.field])
        shown.iat[note.position, cell] = marked(shown.iat[note.position, cell], note.basis)
    whole = notes[notes["row_id"] == "*"].drop_duplicates("field")
    shown = shown.rename(columns={columns[n.field]: marked(columns[n.field], n.basis) for n in whole.itertuples()})
    lines = field_source_lines(notes, labels, columns)
    if not lines:
        return shown, Markdown("")
    items = "\n".join(f"- {line}" for line in lines)
    return shown, Markdown(f"标有〔外部资料〕〔本书释读〕〔本书补充〕的值不是报告原文：\n\n{items}")


def field_source_lines(notes: pd.DataFrame, labels: pd.Series, columns: dict[str, str]) -> list[str]:
    """One line per mark (notes from field_sources): the basis, which row and column, what the report
    writes, the source. With one row (labels of length 1) the column alone names the mark."""
    lines, seen = [], set()
    for note in notes.itertuples(index=False):
        if (note.field, note.row_id) in seen:
            continue
        seen.add((note.field, note.row_id))
        if len(labels) == 1:
            subject = f"“{columns[note.field]}”"
        elif note.row_id == "*":
            subject = f"“{columns[note.field]}”一栏"
        else:
            subject = f"{labels.iloc[note.position]}的“{columns[note.field]}”"
        lines.append(f"〔{md(note.basis)}〕{md(subject)}：{md(note.note)}依据：{md(note.source)}。")
    return lines
