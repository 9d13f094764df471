"""The appendix: errata, the changelog, how to cite and download, the source report."""

from __future__ import annotations

from html import escape

import pandas as pd

from ..changelog import base_changes, fact_changes, indicator_changes
from ..citation import publication_citation
from ..fidelity import coverage, shown_refs
from ..fmt import one_decimal, signed, whole
from ..indicators import INDICATOR_FOLDER, INDICATOR_TITLES, Indicators
from ..output import Markdown, Page, md, pdf_only, web_only
from .common import ref_link, with_source


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


AUDITED_PARTS = ("s1", "s2", "s3")  # the report's content; part 四 is the authors' account of themselves
COVERAGE_TARGET = 0.98


def fact_coverage(ds, page: Page) -> Markdown:
    """How much of the report the book shows, section by section, from the fact ledger."""
    cov = coverage(ds.fact_ledger, ds.report_sections)
    part = cov["section_id"].str.split(".").str[0]
    audited = cov[part.isin(AUDITED_PARTS)]
    total = pd.DataFrame(
        [{"section_id": "", "number": "一至三", "title": "合计", **audited[["facts", "shown"]].sum().to_dict()}]
    )
    total["share"] = total["shown"] / total["facts"]
    rows = pd.concat([cov, total], ignore_index=True)
    table = pd.DataFrame(
        {
            "章节": rows["number"],
            "标题": rows["title"],
            "事实数": rows["facts"].astype(int),
            "已展示": rows["shown"].astype(int),
            "覆盖率": rows["share"].map(lambda v: f"{v:.1%}"),
        }
    )
    share = total["share"].iloc[0]
    verdict = "达到" if share >= COVERAGE_TARGET else "未达到"
    return page.table(table, "tbl-fact-coverage", "报告各节事实的展示情况", "本书编者逐段核对报告") + Markdown(
        f"第一至三部分共 {int(total['facts'].iloc[0])} 项事实，本书展示了 {int(total['shown'].iloc[0])} 项"
        f"（{share:.1%}），{verdict}本书 {COVERAGE_TARGET:.0%} 的目标。第四部分是作者对自身的介绍，"
        "本书只作署名与关联说明（见各基地档案的“与报告作者的关联”和“关于原报告”），其覆盖率单列。"
    )


def unshown_facts(ds, page: Page) -> Markdown:
    """The facts the book leaves out, each with its reason."""
    ledger = ds.fact_ledger
    left = ledger[~ledger["shown_in"].map(lambda v: bool(shown_refs(v)))]
    if left.empty:
        return Markdown("清单中的每一项事实都在某个页面上展示。")
    numbers = dict(zip(ds.report_sections["section_id"], ds.report_sections["number"]))
    table = pd.DataFrame(
        {
            "编号": left["fact_id"],
            "出处": [f"报告{numbers[s]} {loc}" for s, loc in zip(left["section_id"], left["source_locator"])],
            "事实": left["fact"],
            "未展示的理由": left["note"],
        }
    )
    return page.table(table, "tbl-unshown-facts", "未在本书展示的报告事实", "本书编者逐段核对报告")


def field_source_table(ds, page: Page) -> Markdown:
    """Every value that does not come from the report as written: where it comes from instead."""
    titles = {name: schema.title for name, schema in ds.schemas.items()}
    frame = ds.field_sources
    table = pd.DataFrame(
        {
            "数据表": frame["table"].map(titles),
            "行": frame["row_id"].replace("*", "全部行"),
            "字段": [ds.schemas[t].field(f).description or f for t, f in zip(frame["table"], frame["field"])],
            "性质": frame["basis"],
            "报告的写法": frame["note"],
            "依据": frame["source"],
        }
    )
    return web_only(page.table(table, "tbl-field-sources", "不是报告原文的数据字段", "本书编者")) + pdf_only(
        Markdown("每一处标注的说明都印在其所在表格的下方；全部清单见网页版与数据包。")
    )


def base_details_links(ds) -> Markdown:
    """Where each base's measures and evidence stand: on the web in its own page, in the PDF right here."""
    links = "\n".join(
        f"- {md(row.name)}：{ref_link('建设举措与平台', f'tbl-{row.base_id}-measures')} · "
        f"{ref_link('证据编码明细', f'tbl-{row.base_id}-evidence')}"
        for row in ds.bases.sort_values("order").itertuples()
    )
    return web_only(Markdown(f"网页版中，这些表在各基地页面的末尾：\n\n{links}")) + pdf_only(
        Markdown("以下按基地列出报告述及的建设举措与平台，以及本书为指标所作的证据编码。表号是 PDF 版的编号。")
    )


def moved_section_note(text: str, label: str, where: str) -> Markdown:
    """An appendix section filled in the PDF only: on the web a link to where the content stands."""
    return web_only(Markdown(f"网页版中，{md(text)}见{ref_link(where, label)}。")) + pdf_only(
        Markdown(f"{md(text)}在网页版中见“{md(where)}”。")
    )


def data_dictionary(ds, page: Page) -> Markdown:
    """Every table of a data folder and its columns, from the schema: what an editor needs to change data."""
    rows = []
    for table in ds.schemas.values():
        title = f"{table.title}（{len(ds[table.name])} 行）"
        rows.append({"数据表与字段": title, "说明": f"来源：{table.source}"})
        for spec in table.fields:
            notes = [FIELD_TYPES[spec.type] + ("，必填" if spec.required else ""), spec.description or ""]
            if spec.unit:
                notes.append(f"单位：{spec.unit}")
            if spec.enum:
                notes.append("取值：" + "、".join(map(str, spec.enum)))
            if spec.reference:
                notes.append(f"引用：{spec.reference[0]}")
            rows.append({"数据表与字段": f"{INDENT}{spec.name}", "说明": "；".join(n for n in notes if n)})
    frame = pd.DataFrame(rows)
    return page.table(frame, "tbl-data-dictionary", "数据包中的数据表与字段", "本书数据模式")


INDENT = "\u3000"  # a field sits one ideographic space in from its table
FIELD_TYPES = {
    "string": "单行文字",
    "text": "文字",
    "integer": "整数",
    "number": "数值",
    "year": "年份",
    "partial_date": "日期",
    "list": "列表",
    "url": "网址",
}


def data_warnings(warnings: list[str]) -> Markdown:
    """Values the loader found odd but possible: listed for a second look, not refused."""
    if not warnings:
        return web_only(Markdown("本版数据没有触发合理性提示。"))
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


def kit_links(ds) -> Markdown:
    """The deliverable kit, published beside the PDF: every base's two-page brief (by name) and the slide deck of
    every figure. Relative links (they work from file:// too); each size is filled in when the site is published."""
    from ..kit import KIT_DIR, SIZE_PLACEHOLDER, kit_entries

    items = "\n".join(
        f'<li><a href="../{KIT_DIR}/{path}">{escape(text)}</a>（PDF，两页，{SIZE_PLACEHOLDER.format(path)}）</li>'
        for path, text, kind in kit_entries(ds)
        if kind == "brief"
    )
    deck = next(path for path, _, kind in kit_entries(ds) if kind == "deck")
    return Markdown(
        "**基地简报与图表幻灯片**：每个基地一份两页 A4 简报（PDF：定位、关键数据、指标结果及其排名区间、建议、出处、"
        "版次与引用），以及收录全书每一幅图的幻灯片（PPTX，16:9，每页一幅，附图号、标题、一句话解读、来源与版次）。"
        f"两者与本书由同一数据同时生成，载有同一数据指纹 `{ds.fingerprint}` 和引用方式，可整页取用。\n\n"
        '```{raw} html\n<ul class="dt-kit">\n'
        f'<li><a href="../{KIT_DIR}/{deck}">全书图表幻灯片</a>（PPTX，16:9，{SIZE_PLACEHOLDER.format(deck)}）</li>\n'
        f"{items}\n</ul>\n```"
    )
