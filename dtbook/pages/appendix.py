"""The appendix: errata, the changelog, how to cite and download, the source report."""

from __future__ import annotations

from html import escape

import pandas as pd

from ..changelog import base_changes, fact_changes, indicator_changes
from ..citation import publication_citation
from ..fmt import one_decimal, signed, whole
from ..indicators import INDICATOR_FOLDER, INDICATOR_TITLES, Indicators
from ..output import Markdown, Page, md
from .common import with_source


def errata_table(ds, page: Page) -> Markdown:
    frame = with_source(ds, ds.errata)
    table = pd.DataFrame(
        {
            "编号": frame["erratum_id"],
            "类型": frame["kind"],
            "报告原文": frame["printed"],
            "本书处理": frame["published"],
            "理由": frame["reason"],
            "出处": frame["出处"],
        }
    )
    return page.table(table, "tbl-errata", "报告中的错字、不一致与抽取问题", "本书编者核对报告全文")


def data_warnings(warnings: list[str]) -> Markdown:
    """Values the loader found odd but possible: listed for a second look, not refused."""
    if not warnings:
        return Markdown("本版数据没有触发合理性提示。")
    return Markdown(
        "以下数值可能有误，但并非不可能，构建时予以保留，请核对（文件、行、列见每条）：\n\n"
        + "\n".join(f"- {md(w)}" for w in warnings)
    )


def about_source(ds) -> Markdown:
    frame = with_source(ds, ds.source_report)
    return Markdown("\n".join(f"{md(r.label)}\n: {md(r.value)}（{md(r.出处)}）\n" for r in frame.itertuples()))


def citation_block(ds) -> Markdown:
    citation = publication_citation(ds)
    return Markdown(
        f"**GB/T 7714—2015 格式**\n\n{md(citation['gbt_publication'])}\n\n{md(citation['gbt_report'])}\n\n"
        f"**BibTeX**\n\n```bibtex\n{citation['bibtex']}\n```"
    )


def data_package_links(ds, indicators: Indicators) -> Markdown:
    """Links to the published data package (served from the site root): the data, then the indicators."""
    rows = [
        f'<li><a href="../data/{table.file}">{escape(table.title)}</a>（{table.file}，{len(ds[table.name])} 行）</li>'
        for table in ds.schemas.values()
    ]
    rows += [
        f'<li><a href="../data/{INDICATOR_FOLDER}/{name}.csv">指标结果：{escape(INDICATOR_TITLES[name])}</a>'
        f"（{INDICATOR_FOLDER}/{name}.csv，{len(frame)} 行）</li>"
        for name, frame in indicators.frames().items()
    ]
    rows = "\n".join(rows)
    return Markdown(
        '```{raw} html\n<ul class="dt-data-package">\n'
        '<li><a href="../data/datapackage.json">datapackage.json</a>（数据包描述：字段、类型、单位、来源、许可）</li>\n'
        '<li><a href="../data/policies.bib">policies.bib</a>（报告提及的政策文件，BibTeX）</li>\n'
        f"{rows}\n</ul>\n```"
    )


def changelog(ds, page: Page, indicators: Indicators, old, old_indicators: Indicators | None) -> Markdown:
    """The "what changed" page against the previous edition (given to the build with --previous)."""
    if old is None:
        return Markdown("本版为首个版本：构建时没有指定上一版的数据，因此没有可比较的内容。")
    added, removed = base_changes(old, ds)
    names = dict(zip(old.bases["base_id"], old.bases["name"])) | dict(zip(ds.bases["base_id"], ds.bases["name"]))
    added_names, removed_names = "、".join(names[b] for b in added), "、".join(names[b] for b in removed)
    lines = [
        f"上一版：{md(old.edition['edition'])}（数据指纹 `{old.fingerprint}`）；"
        f"本版：{md(ds.edition['edition'])}（数据指纹 `{ds.fingerprint}`）。",
        f"新增基地：{md(added_names) or '无'}；删除基地：{md(removed_names) or '无'}。",
    ]
    facts = fact_changes(old, ds)
    summary = facts.groupby(["change"]).size().to_dict()
    lines.append("事实变化：" + ("，".join(f"{k} {v} 处" for k, v in summary.items()) if summary else "无") + "。")
    out = Markdown("\n\n".join(lines))
    if len(facts):
        table = pd.DataFrame(
            {
                "数据表": facts["table"],
                "文件": facts["file"],
                "记录": facts["key"],
                "字段": facts["field"],
                "变化": facts["change"],
                "旧值": facts["old"],
                "新值": facts["new"],
            }
        )
        out += page.table(table, "tbl-fact-changes", "事实变化（旧值 → 新值）", "两版数据目录逐条比较")
    ranks = indicator_changes(old, ds, old_indicators, indicators)
    table = pd.DataFrame(
        {
            "基地": ranks["base_name"],
            "旧综合指数": ranks["composite_old"].map(one_decimal),
            "新综合指数": ranks["composite_new"].map(one_decimal),
            "旧排名": ranks["rank_old"].map(whole),
            "新排名": ranks["rank_new"].map(whole),
            "排名变化": ranks["rank_change"].map(signed),
        }
    )
    return out + page.table(table, "tbl-rank-changes", "综合指数与排名的变化", "两版数据分别计算")
