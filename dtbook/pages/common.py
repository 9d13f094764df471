"""What every page uses: links, where a fact stands in the report, names, the reading caveat.

Text from data reaches a page only through ``md`` (escaped MyST, link text included) or as table and
chart files the Sphinx extension reads as plain text."""

from __future__ import annotations

import pandas as pd

from ..citation import source_report
from ..indicators import Indicators
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
