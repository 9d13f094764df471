"""The deliverable kit: a two-page brief per base (PDF) and a slide deck of every figure of the book (PPTX).

Both are built from the same data by the same command as the book, and only when the PDF is built.

**Briefs.** ``notebooks/brief.ipynb`` runs once per base like the base pages (the ``briefs`` entry of
``_toc.yml``: its base's rows of the base tables, the base's indicators, and, since it prints the data
fingerprint, every other table; its cache key covers exactly those inputs, the notebook and the code). It writes
LaTeX from this module and compiles it with xelatex in the same fonts as the book. Every piece of data
text goes through ``latex_escape``, collapsed to one line and wrapped in braces, so nothing in it is read as
markup. Two A4 pages by design: page 1 and page 2 hold fixed sections, every list and every long text has a
budget, and a list cut short says how many more items the base's web page has and where it is. Should a brief
still run past two pages (text far longer than any the report has), it is set again with tighter budgets; if
even the tightest is not two pages, the run fails naming the base. The page count is read with pdfinfo.

**Deck.** After the HTML is rendered, ``build_deck`` reads every figure of the site in reading order: its
number as the book prints it (the caption-number span), its title, and from the chart's ``.meta.json`` its
one-line reading and its source; the PNG is placed to fit. A title slide and every slide's footer and notes
carry the edition, the data fingerprint and the citation.

**Publishing.** The build copies briefs and deck to ``<site>/kit/`` (``briefs/<base_id>.pdf``, ``deck.pptx``),
beside ``<site>/pdf/book.pdf``; the cite page lists them (``dtbook.pages.appendix.kit_links``) with size
placeholders that ``fill_sizes`` replaces when the site is published.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .citation import publication_citation, read_citation, source_report
from .fmt import SILENT, figure_value, is_missing
from .sphinx_ext import LATEX_FONTS, latex_escape

KIT_DIR = "kit"  # <site>/kit/, beside <site>/pdf/
BRIEFS = "briefs"  # <site>/kit/briefs/<base_id>.pdf
DECK = "deck.pptx"  # <site>/kit/deck.pptx
SITE_ROOT_FROM_BRIEF = "../../"  # a brief's links to the site, relative: they work from file:// too
BRIEF_RUN_DIR = "brief"  # in a brief run's folder: <base_id>.tex, .pdf, .log
BRIEF_PAGES = 2
SIZE_PLACEHOLDER = "<!--dt-kit-size:{}-->"  # on the cite page, filled when the site is published
SIZE_PATTERN = re.compile(r"<!--dt-kit-size:([a-z0-9/_.-]+)-->")
BASE_ID = re.compile(r"[a-z][a-z0-9-]*")  # as the schema requires; checked again before it enters a path or link


class KitError(RuntimeError):
    """A brief or the deck could not be made; the message names the base or the figure."""


# ------------------------------------------------------------------------------------------------ text


def one_line(text) -> str:
    """Data text on one line: whitespace collapsed, control characters dropped."""
    if is_missing(text):
        return ""
    text = " ".join(str(text).split())
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")


def width(text: str) -> int:
    """Display width: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text, budget: int) -> str:
    """At most `budget` display columns of one-line text; a cut ends in an ellipsis."""
    text = one_line(text)
    if width(text) <= budget:
        return text
    out, used = [], 0
    for ch in text:
        used += width(ch)
        if used > budget - 2:
            break
        out.append(ch)
    return "".join(out).rstrip() + "…"


def tex(text, budget: int | None = None) -> str:
    """Data text as LaTeX: one line, clipped to its budget, every special character escaped, in a group (so that
    text starting with [ or * is never read as an argument of the macro before it)."""
    text = clip(text, budget) if budget else one_line(text)
    return "{" + latex_escape(text) + "}"


# ------------------------------------------------------------------------------------------------ brief content


@dataclass(frozen=True)
class Budget:
    """How much of each section a brief shows; display columns for text (a CJK character counts two)."""

    profile: int = 420
    positioning: int = 120
    industries: int = 200
    figures: int = 8
    figure_metric: int = 44
    figure_source: int = 60
    policies: int = 6
    policy_title: int = 76
    measures: int = 330
    recommendations: int = 4
    action: int = 440
    trigger: int = 90

    def tighter(self, step: int) -> Budget:
        """The budget of attempt `step` (0: this one): lists shorter, texts cut sooner."""
        if step == 0:
            return self
        share = max(0.3, 1 - 0.25 * step)
        return Budget(**{name: max(1, int(value * share)) for name, value in self.__dict__.items()})


ATTEMPTS = 4  # budgets tried before a brief that is not two pages fails the build


def _page_address(base_id: str) -> str:
    return f"book/bases/{base_id}.html"


def _web_link(base_id: str) -> str:
    """The base's web page, as a relative link from the brief (LaTeX)."""
    address = _page_address(base_id)
    return rf"\href{{{SITE_ROOT_FROM_BRIEF}{address}}}{{\texttt{{{address}}}}}"


def _own(frame, base_id: str):
    return frame[frame["base_id"] == base_id]


def _where(ds, section: str, locator) -> str:
    """Where a fact stands in the report, as the book writes it (报告二（八） 第2段)."""
    numbers = dict(zip(ds.report_sections["section_id"], ds.report_sections["number"]))
    return f"报告{numbers.get(section, section)} {one_line(locator)}"


def _more(count: int, what: str, base_id: str) -> str:
    """The line under a list cut short: how many more, and where they are (LaTeX)."""
    if count <= 0:
        return ""
    return rf"\par{{\footnotesize\color{{muted}}另有 {count} {what}见本书网站该基地页 {_web_link(base_id)}。}}"


def _list(items: list[str], indent: str = "1.2em") -> str:
    body = "".join(rf"\item {item}" for item in items)
    return rf"\begin{{itemize}}[leftmargin={indent},itemsep=0pt,topsep=0pt]\small {body}\end{{itemize}}"


def brief_tex(ds, indicators, base_id: str, budget: Budget | None = None) -> str:
    """The LaTeX source of one base's brief. Page 1: who the base is, its key figures, the indicator result with
    its band and the nine elements; page 2: recommendations, policies and measures, sources, edition and citation."""
    if not BASE_ID.fullmatch(str(base_id)):
        raise KitError(f"基地编号 {base_id!r} 不合规 (base id must match {BASE_ID.pattern})")
    budget = budget or Budget()
    about, edition = read_citation(), ds.edition
    name = one_line(_own(ds.bases, base_id).iloc[0]["name"])
    stamp = f"{one_line(edition['edition'])} · 编制于 {one_line(edition['data_date'])} · 数据指纹 {ds.fingerprint}"
    metadata = (
        rf"\hypersetup{{pdftitle={tex('基地简报：' + name)},pdfauthor={tex(about['authors'][0]['name'])},"
        rf"pdfsubject={tex(about['title'])},pdfkeywords={tex('数字贸易；国家数字服务出口基地；' + name)}}}"
    )
    recs = _own(indicators.recommendations, base_id).sort_values("priority")
    parts = [
        PREAMBLE.replace("@EDITION@", tex(edition["edition"])),
        metadata,
        rf"\newcommand{{\stamp}}{{{tex(stamp)}}}",
        r"\begin{document}",
        _title(ds, base_id),
        _positioning(ds, base_id, budget),
        _figures(ds, base_id, budget),
        _result(ds, indicators, base_id),
        _elements(ds, indicators, base_id),
        r"\newpage",
        _recommendations(recs, base_id, budget),
        _policies(ds, base_id, budget),
        _sources(ds, base_id, recs),
        _edition(ds, base_id),
        r"\end{document}",
    ]
    return "\n".join(parts) + "\n"


def _title(ds, base_id: str) -> str:
    base = _own(ds.bases, base_id).iloc[0]
    subtitle = " · ".join(one_line(base[f]) for f in ("short_name", "name_en") if not is_missing(base[f]))
    place = f"{one_line(base['province'])} {one_line(base['city'])}（{one_line(base['region'])}）"
    recognised = f"{one_line(base['batch'])}，{one_line(base['recognised'])} 认定"
    bar = r"\quad{\color{muted}|}\quad "
    return (
        r"{\sffamily\color{muted}\small 国家数字服务出口基地 · 基地简报}\par\vspace{1mm}"
        rf"{{\sffamily\bfseries\LARGE\color{{ink}}{tex(base['name'], 110)}}}\par\vspace{{1.5mm}}"
        rf"{{\sffamily\small {tex(subtitle, 150)}{bar}{tex(place, 60)}{bar}{tex(recognised, 40)}}}\par\vspace{{2mm}}"
    )


def _positioning(ds, base_id: str, budget: Budget) -> str:
    base = _own(ds.bases, base_id).iloc[0]
    positioning = "报告未给出定位" if is_missing(base["positioning"]) else base["positioning"]
    industries = _own(ds.focus_industries, base_id)
    text, count = _joined([clip(x, 60) for x in industries["industry"]], budget.industries, "、")
    source = tex(_where(ds, base["source_section"], base["source_locator"]))
    return (
        r"\sect{定位与概况}"
        rf"\noindent{{\sffamily\bfseries 定位\quad}}{tex(positioning, budget.positioning)}\par\vspace{{1mm}}"
        rf"\noindent{{\sffamily\bfseries 概况\quad}}{tex(base['profile'], budget.profile)}"
        rf"\par\vspace{{0.5mm}}{{\footnotesize\color{{muted}}出处：{source}}}"
        r"\par\vspace{1mm}\noindent{\sffamily\bfseries 重点产业\quad}"
        + (tex(text) if count else "报告未列出")
        + _more(len(industries) - count, "项重点产业", base_id)
    )


def _figures(ds, base_id: str, budget: Budget) -> str:
    figures = _own(ds.key_figures, base_id)
    if figures.empty:
        return r"\sect{关键数据}{\small 报告未给出该基地的量化数据。}"
    shown = figures.head(budget.figures)
    rows = "".join(
        rf"{tex(r.metric, budget.figure_metric)} & {tex(figure_value(r.qualifier, r.value, r.unit), 30)} & "
        rf"{tex(SILENT if is_missing(r.year) else int(r.year))} & "
        rf"{tex(_where(ds, r.source_section, r.source_locator), budget.figure_source)}\\"
        for r in shown.itertuples()
    )
    head = " & ".join(rf"\sffamily\bfseries {h}" for h in ("指标", "数值", "年份", "出处"))
    return (
        r"\sect{关键数据}"
        r"\noindent{\small\begin{tabularx}{\linewidth}{@{}p{0.34\linewidth} l l X@{}}\toprule "
        + head
        + r"\\\midrule "
        + rows
        + r"\bottomrule\end{tabularx}}"
        + _more(len(figures) - len(shown), "项关键数据", base_id)
    )


def _result(ds, indicators, base_id: str) -> str:
    """Tier, median rank, 5–95% band and composite, as tiles, on a rank scale and in the book's words."""
    from .labels import CompositeStatus
    from .pages.common import CAVEAT
    from .pages.indicators import band, scenario_note, tier_label

    name = one_line(_own(ds.bases, base_id).iloc[0]["name"])
    rank = indicators.ranking.set_index("base_id").loc[base_id]
    n = int(indicators.base_count)
    low, high, median = int(rank["rank_p05"]), int(rank["rank_p95"]), float(rank["rank_median"])
    tier = tier_label(int(rank["tier"]))
    sentence = (  # as the base's page words it (dtbook.pages.bases.base_scores)
        f"在{scenario_note(indicators)}之后，{name}位于{tier}，中位排名第 {median:g} 名，"
        f"排名区间为{band(low, high)}（5%—95%）；公布情景下的综合指数为 {rank['composite']:.1f}。"
        f"有证据的要素占权重的 {rank['evidence_share']:.0%}，{CompositeStatus.label_of(rank['status'])}。"
    )
    tiles = [
        (tex(tier), "梯队"),
        (f"第 {median:g} 名", f"中位排名（{n} 个基地）"),
        (tex(band(low, high)), r"排名区间（5\%—95\%）"),
        (f"{rank['composite']:.1f}", "综合指数（0—100，公布情景）"),
    ]
    return (
        r"\sect{指标结果：梯队与排名区间}"
        r"\noindent\begin{tabularx}{\linewidth}{@{}*{4}{>{\centering\arraybackslash}X}@{}}"
        + " & ".join(rf"\tile{{{value}}}{{{label}}}" for value, label in tiles)
        + r"\end{tabularx}\par\vspace{1mm}"
        + band_picture(n, low, high, median, int(rank["rank"]))
        + rf"\par\vspace{{1mm}}{{\small {tex(sentence)}}}"
        + rf"\par\vspace{{0.5mm}}{{\footnotesize\color{{muted}}{tex(CAVEAT)}}}"
    )


def _elements(ds, indicators, base_id: str) -> str:
    """The nine elements in their three groups: level, score and the mean of all bases."""
    from .pages.bases import base_scores_reading
    from .pages.common import element_names

    names = element_names(ds)
    scores = _own(indicators.scores, base_id).set_index("element_id")
    means = indicators.element_means.set_index("element_id")["mean_score"]
    elements = ds.framework_elements
    head = " & ".join(rf"{{\footnotesize {h}}}" for h in ("要素", "等级", "得分", "均值"))
    columns = []
    for group in ds.framework_groups.sort_values("order").itertuples():
        rows = []
        for element in elements[elements["group_id"] == group.group_id].sort_values("order").itertuples():
            row = scores.loc[element.element_id]
            score = "无证据" if int(row["level"]) == 0 else f"{row['score']:.0f}"
            level, mean = int(row["level"]), means[element.element_id]
            rows.append(rf"{tex(names[element.element_id], 20)} & {level} & {score} & {mean:.1f}\\")
        columns.append(
            r"\begin{minipage}[t]{0.325\linewidth}\small"
            rf"{{\sffamily\bfseries {tex(group.name, 30)}}}\par\vspace{{0.5mm}}"
            r"\begin{tabularx}{\linewidth}{@{}X r r r@{}}\toprule "
            + head
            + r"\\\midrule "
            + "".join(rows)
            + r"\bottomrule\end{tabularx}\end{minipage}"
        )
    own = _own(indicators.scores, base_id).assign(element_name=lambda f: f["element_id"].map(names))
    return (
        r"\sect{九要素的证据等级与得分}\noindent"
        + r"\hfill".join(columns)
        + rf"\par\vspace{{1mm}}{{\small {tex(base_scores_reading(ds, own, base_id), 300)}}}"
        r"\par\vspace{1mm}{\footnotesize\color{muted}等级：0 无证据，1 方向性表述，2 具体举措，3 量化或国家级成果；"
        r"得分 = 等级 × 100 / 3；均值为全部基地的均值。本书按编码规则从报告第二部分编码并计算。}"
    )


def _recommendations(recs, base_id: str, budget: Budget) -> str:
    from .labels import RecommendationKind

    if recs.empty:
        return r"\sect{建议}{\small 报告对该基地的每个要素都给出了具体举措或更强的证据，因此不列建议。}"
    shown = recs.head(budget.recommendations)
    items = "".join(
        rf"\item[{int(r.priority)}.] {{\sffamily\bfseries {tex(r.element_name, 24)}}}"
        rf"{{\color{{muted}}（{tex(RecommendationKind.label_of(r.kind), 24)}）}}\quad{tex(r.actions, budget.action)}"
        rf"\par{{\footnotesize\color{{muted}}依据：{tex(r.trigger, budget.trigger)}}}"
        for r in shown.itertuples()
    )
    return (
        r"\sect{建议}\begin{itemize}[leftmargin=1.6em,labelsep=0.4em,itemsep=1mm,topsep=0pt]\small "
        + items
        + r"\end{itemize}"
        + _more(len(recs) - len(shown), "条建议", base_id)
        + r"\par{\footnotesize\color{muted}本书按指标规则生成；行动取自报告第三部分的“3+3+3”体系。}"
    )


def _policies(ds, base_id: str, budget: Budget) -> str:
    policies = _own(ds.policies, base_id)
    if policies.empty:
        out = r"\sect{报告点名的政策与举措}{\small 报告未点名该基地的具体政策文件。}"
    else:
        shown = policies.head(budget.policies)
        items = []
        for p in shown.itertuples():
            detail = "，".join(one_line(x) for x in (p.issuer, p.date) if not is_missing(x))
            items.append(
                tex(f"《{one_line(p.title)}》", budget.policy_title)
                + (rf"{{\color{{muted}}（{tex(detail, 60)}）}}" if detail else "")
            )
        out = r"\sect{报告点名的政策与举措}" + _list(items) + _more(len(policies) - len(shown), "件政策文件", base_id)
    measures = _own(ds.measures, base_id)
    if len(measures):
        text, count = _joined([clip(t, 80) for t in measures["title"]], budget.measures)
        out += (
            rf"\par\vspace{{1mm}}\noindent{{\small{{\sffamily\bfseries 建设举措与平台（{len(measures)} 项）\quad}}"
            rf"{tex(text)}}}" + _more(len(measures) - count, "项举措与平台", base_id)
        )
    return out


def _sources(ds, base_id: str, recs) -> str:
    titles = dict(zip(ds.report_sections["section_id"], ds.report_sections["title"]))
    numbers = dict(zip(ds.report_sections["section_id"], ds.report_sections["number"]))
    items = [
        rf"报告{tex(numbers.get(s, s))} {tex(titles.get(s, ''), 60)}：{tex(what, 90)}"
        for s, what in _cited_sections(ds, base_id, recs)
    ]
    items.append(rf"底本：{tex(publication_citation(ds)['gbt_report'], 160)}")
    return r"\sect{出处}" + _list(items)


def _edition(ds, base_id: str) -> str:
    edition, citation = ds.edition, publication_citation(ds)
    report_date = source_report(ds).get("date", "")
    return (
        r"\sect{版次与引用}\noindent\colorbox{panel}{\parbox{\dimexpr\linewidth-2\fboxsep}{\small"
        rf"\textbf{{版次}}：{tex(edition['edition'], 40)}，编制于 {tex(edition['data_date'], 20)}；"
        rf"各基地情况为报告发布时（{tex(report_date, 20)}）的情况。\par"
        rf"\textbf{{数据指纹}}：\texttt{{{tex(ds.fingerprint)}}}（同一数据生成的网站、PDF、简报与幻灯片指纹相同）\par"
        rf"\textbf{{引用}}：{tex(citation['gbt_publication'])}\par"
        rf"\textbf{{网页}}：本书网站该基地页 {_web_link(base_id)}，全部表格、图与数据可在网站“引用与下载”页下载。}}}}"
    )


def _joined(items: list[str], budget: int, separator: str = "；") -> tuple[str, int]:
    """As many items as fit in the budget, joined; returns the text and how many it holds."""
    text, count = "", 0
    for item in items:
        candidate = f"{text}{separator}{item}" if text else item
        if width(candidate) > budget:
            break
        text, count = candidate, count + 1
    if count == 0 and items:
        return clip(items[0], budget), 1
    return text, count


SECTION_USES = (
    ("bases", "定位与概况"),
    ("key_figures", "关键数据"),
    ("policies", "政策文件"),
    ("measures", "建设举措与平台"),
    ("focus_industries", "重点产业"),
    ("evidence", "证据编码"),
)


def _cited_sections(ds, base_id: str, recs) -> list[tuple[str, str]]:
    """The report sections the brief's facts come from, in the report's order, each with what it supplies."""
    uses: dict[str, list[str]] = {}
    for table, what in SECTION_USES:
        for section in _own(ds[table], base_id)["source_section"].dropna().unique():
            uses.setdefault(section, []).append(what)
    elements = ds.framework_elements.set_index("element_id")
    for element_id in recs["element_id"]:
        section = elements.at[element_id, "source_section"]
        uses.setdefault(section, [])
        if "建议行动" not in uses[section]:
            uses[section].append("建议行动")
    order = {s: i for i, s in enumerate(ds.report_sections["section_id"])}
    return [(s, "、".join(uses[s])) for s in sorted(uses, key=lambda s: order.get(s, len(order)))]


SCALE_CM = 14  # the rank scale's length in the brief


def band_picture(n: int, low: int, high: int, median: float, published: int) -> str:
    """The 5–95% rank band on a 1…n scale: a bar, the median as a dot, the published scenario's rank as a tick."""
    if n <= 1:
        return ""

    def x(rank: float) -> str:
        return f"{(rank - 1) / (n - 1) * SCALE_CM:.3f}"

    ticks = "".join(
        rf"\draw[muted] ({x(r)},-0.08)--({x(r)},0.08);\node[below,font=\tiny\sffamily,muted] at ({x(r)},-0.1) {{{r}}};"
        for r in range(1, n + 1)
        if n <= 30 or r in (1, n) or r % 5 == 0
    )
    return (
        r"\par\noindent\begin{center}\begin{tikzpicture}[x=1cm,y=1cm]"
        rf"\draw[muted,thin] (0,0)--({SCALE_CM},0);{ticks}"
        rf"\fill[accent!35] ({x(low)},-0.16) rectangle ({x(high)},0.16);"
        rf"\draw[accent,line width=1.2pt] ({x(published)},-0.25)--({x(published)},0.25);"
        rf"\fill[ink] ({x(median)},0) circle (0.09);"
        r"\node[left,font=\scriptsize\sffamily] at (-0.15,0) {排名};"
        rf"\node[right,font=\scriptsize\sffamily,muted] at ({SCALE_CM + 0.1},0) {{高$\rightarrow$低}};"
        r"\end{tikzpicture}\end{center}\vspace{-2mm}"
        r"{\footnotesize\color{muted}浅色条：5\%—95\% 排名区间；圆点：中位排名；竖线：公布情景下的排名。}"
    )


PREAMBLE = (
    r"""\documentclass[10pt]{article}
\usepackage[a4paper,top=18mm,bottom=20mm,left=17mm,right=17mm,headheight=14pt,headsep=5mm,footskip=10mm]{geometry}
"""
    + LATEX_FONTS  # the book's own, from dtbook.sphinx_ext
    + r"""\usepackage{xcolor,tikz,array,tabularx,booktabs,fancyhdr,enumitem}
\usepackage[hidelinks]{hyperref}
\definecolor{ink}{HTML}{1F2933}
\definecolor{accent}{HTML}{1D5C8C}
\definecolor{muted}{HTML}{5F6B76}
\definecolor{panel}{HTML}{EEF3F7}
\linespread{1.12}
\setlength{\parindent}{0pt}
\setlength{\emergencystretch}{3em}
\sloppy
\pagestyle{fancy}
\fancyhf{}
\renewcommand{\headrulewidth}{0.4pt}
\renewcommand{\footrulewidth}{0.4pt}
\fancyhead[L]{\sffamily\footnotesize\color{muted}国家数字服务出口基地与数字贸易示范区 · 基地简报}
\fancyhead[R]{\sffamily\footnotesize\color{muted}@EDITION@}
\fancyfoot[L]{\sffamily\scriptsize\color{muted}\stamp}
\fancyfoot[R]{\sffamily\scriptsize\color{muted}第 \thepage\ 页，共 2 页}
\newcommand{\sect}[1]{\par\vspace{2.6mm}{\sffamily\bfseries\color{accent}#1}\par\vspace{0.6mm}%
  {\color{accent}\hrule height 0.5pt}\par\vspace{1.4mm}}
\newcommand{\tile}[2]{\colorbox{panel}{\parbox[c][12mm][c]{\dimexpr\linewidth-2\fboxsep}{\centering
  {\sffamily\bfseries\large\color{ink}#1}\par\vspace{0.6mm}{\sffamily\scriptsize\color{muted}#2}}}}
"""
)


# ------------------------------------------------------------------------------------------------ compiling


def _run_tex(tex_file: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, openin_any="p", openout_any="p")  # TeX reads and writes nothing outside its folder
    return subprocess.run(
        [
            "xelatex",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-no-shell-escape",
            tex_file.name,
        ],
        cwd=tex_file.parent,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=300,
    )


def page_count(pdf: Path) -> int:
    """Pages of a PDF, from poppler's pdfinfo."""
    result = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, errors="replace")
    match = re.search(r"^Pages:\s+(\d+)", result.stdout, re.M)
    if result.returncode != 0 or not match:
        raise KitError(f"无法读取 {pdf.name} 的页数 (pdfinfo failed): {result.stderr.strip()}")
    return int(match.group(1))


def _tex_error(log: str) -> str:
    lines = [line for line in log.splitlines() if line.startswith("!")]
    return lines[0] if lines else "见日志 (see the log)"


@dataclass
class Brief:
    """A compiled brief: its base, the PDF and which budget it needed (0: the full one)."""

    base_id: str
    name: str
    pdf: Path
    attempt: int = 0

    def _repr_markdown_(self) -> str:
        from .output import md

        cut = "" if self.attempt == 0 else f"（文字较长，第 {self.attempt + 1} 次按更紧的篇幅排版）"
        return f"{md(self.name)}的简报：{BRIEF_PAGES} 页 A4，{_size(self.pdf)}{cut}。"


def compile_brief(ds, indicators, base_id: str, site_dir) -> Brief:
    """Write and compile one base's brief into <site_dir>/brief/<base_id>.pdf: two pages, or KitError naming the
    base. A brief longer than two pages is set again with a tighter budget, up to ATTEMPTS times."""
    folder = Path(site_dir) / BRIEF_RUN_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = one_line(_own(ds.bases, base_id).iloc[0]["name"])
    tex_file = folder / f"{base_id}.tex"
    pdf, pages = tex_file.with_suffix(".pdf"), None
    for attempt in range(ATTEMPTS):
        tex_file.write_text(brief_tex(ds, indicators, base_id, Budget().tighter(attempt)), encoding="utf-8")
        pdf.unlink(missing_ok=True)
        result = _run_tex(tex_file)
        if result.returncode != 0 or not pdf.exists():
            log = tex_file.with_suffix(".log")
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else result.stdout
            raise KitError(
                f"基地 {name}（{base_id}）的简报无法排版 / the brief of {base_id} could not be typeset: "
                + _tex_error(text)
            )
        pages = page_count(pdf)
        if pages == BRIEF_PAGES:
            for suffix in (".aux", ".out"):
                tex_file.with_suffix(suffix).unlink(missing_ok=True)
            return Brief(base_id, name, pdf, attempt)
    raise KitError(
        f"基地 {name}（{base_id}）的简报有 {pages} 页，不是 {BRIEF_PAGES} 页 / the brief of {base_id} has {pages} "
        f"pages, not {BRIEF_PAGES}, even with the tightest budget"
    )


# ------------------------------------------------------------------------------------------------ the deck


@dataclass(frozen=True)
class Figure:
    page: str  # e.g. "overview" or "bases/dalian"
    label: str  # e.g. "fig-locations"
    number: str  # as the book prints it, e.g. "图 2.1"
    title: str
    reading: str
    source: str
    edition: str
    png: Path
    alt: str = ""


FIGURE = re.compile(r'<figure class="dt-chart[^"]*" id="(?P<label>[a-z0-9][a-z0-9-]*)">(?P<body>.*?)</figure>', re.S)
NUMBER = re.compile(r'<span class="caption-number">(.*?)</span>', re.S)
TEXT = re.compile(r'<span class="caption-text">(.*?)</span>', re.S)


def _plain(markup: str) -> str:
    return one_line(html.unescape(re.sub(r"<[^>]+>", "", markup)))


def site_figures(html_dir: Path, pages: list[str]) -> list[Figure]:
    """Every chart of the rendered site, in reading order, with what its slide shows."""
    figures = []
    for page in pages:
        path = html_dir / "book" / f"{page}.html"
        if not path.exists():
            continue
        markup = re.sub(r"<script.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.S)
        for match in FIGURE.finditer(markup):
            label, body = match["label"], match["body"]
            number = NUMBER.search(body)
            text = TEXT.search(body)
            folder = html_dir / "downloads" / page
            meta_file, png = folder / f"{label}.meta.json", folder / f"{label}.png"
            if not meta_file.exists() or not png.exists():
                raise KitError(
                    f"图 {label}（页面 {page}）缺少文件 {meta_file.name} 或 {png.name} (chart files missing)"
                )
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            embedded = png_text(png)
            caption = one_line(meta.get("caption", ""))
            figures.append(
                Figure(
                    page=page,
                    label=label,
                    number=_plain(number.group(1)) if number else "",
                    title=_plain(text.group(1)) if text else caption,
                    reading=one_line(meta.get("reading", "")),
                    source="来源：" + one_line(meta.get("source") or embedded.get("Source", "")),
                    edition=one_line(embedded.get("Edition", "")),
                    png=png,
                    alt=one_line(meta.get("alt", "")),
                )
            )
    return figures


def png_text(png: Path) -> dict[str, str]:
    """The iTXt entries of a PNG (how dtbook.output writes a chart's title, source and edition into it)."""
    data = png.read_bytes()
    out, pos = {}, 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"iTXt":
            key, _, rest = chunk.partition(b"\0")
            # compression flag, method, language tag \0, translated keyword \0, text
            rest = rest[2:]
            _, _, rest = rest.partition(b"\0")
            _, _, text = rest.partition(b"\0")
            out[key.decode("latin-1")] = text.decode("utf-8", errors="replace")
        elif kind == b"IDAT":
            break
        pos += 12 + length
    return out


SLIDE_W, SLIDE_H = 13.333, 7.5  # inches: 16:9
FONT = "Microsoft YaHei"  # on the consultant's machine; other systems substitute their CJK sans


def build_deck(figures: list[Figure], ds, path: Path) -> Path:
    """The slide deck: a title slide, then one slide per figure."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches, Pt

    citation = publication_citation(ds)
    about = read_citation()
    edition = ds.edition
    stamp = f"{one_line(edition['edition'])}（编制于 {one_line(edition['data_date'])}）"
    authors = "，".join(one_line(a["name"]) for a in about["authors"])
    footer = (
        f"数据指纹 {ds.fingerprint} · 引用：{authors}《{one_line(about['title'])}》（{one_line(edition['edition'])}），"
        "完整引用见备注"
    )
    notes_common = (
        f"版次：{stamp}\n数据指纹：{ds.fingerprint}\n引用本出版物：{citation['gbt_publication']}\n"
        f"底本：{citation['gbt_report']}"
    )
    ink, muted, accent = RGBColor(0x1F, 0x29, 0x33), RGBColor(0x5F, 0x6B, 0x76), RGBColor(0x1D, 0x5C, 0x8C)

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = deck.slide_layouts[6]
    deck.core_properties.title = one_line(about["title"]) + " 图表集"
    deck.core_properties.author = one_line(about["authors"][0]["name"])
    deck.core_properties.subject = f"{stamp} · 数据指纹 {ds.fingerprint}"
    deck.core_properties.keywords = "数字贸易；国家数字服务出口基地；" + ds.fingerprint

    def text(slide, left, top, w, h, runs, name="text"):
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(w), Inches(h))
        box.name = name
        frame = box.text_frame
        frame.word_wrap = True
        for index, (content, size, color, bold) in enumerate(runs):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.space_after = Pt(size * 0.4)
            run = paragraph.add_run()
            run.text = content
            font = run.font
            font.size, font.bold, font.name = Pt(size), bold, FONT
            font.color.rgb = color
            _east_asian(run, FONT)
        return box

    def notes(slide, extra: str) -> None:
        slide.notes_slide.notes_text_frame.text = extra + "\n\n" + notes_common

    slide = deck.slides.add_slide(blank)
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.5), Inches(1.6), Inches(0.12), Inches(4.6))
    bar.fill.solid()
    bar.fill.fore_color.rgb = accent
    bar.line.fill.background()
    text(
        slide,
        0.8,
        1.6,
        11.7,
        2.2,
        [
            (one_line(about["title"]), 32, ink, True),
            (f"图表集：全书 {len(figures)} 幅图，每页一幅", 20, accent, False),
        ],
        "title",
    )
    text(
        slide,
        0.8,
        4.2,
        11.7,
        2.4,
        [
            (f"版次：{stamp}", 14, ink, False),
            (f"数据指纹：{ds.fingerprint}", 14, ink, False),
            (f"引用：{citation['gbt_publication']}", 12, muted, False),
            (f"底本：{citation['gbt_report']}", 12, muted, False),
            ("每页的图号、标题与来源同书中一致；演讲者备注中有完整引用与图的说明。", 11, muted, False),
        ],
        "edition",
    )
    notes(slide, "本图表集由构建全书的同一数据与同一命令生成。")

    for figure in figures:
        slide = deck.slides.add_slide(blank)
        heading = f"{figure.number}  {figure.title}" if figure.number else figure.title
        text(slide, 0.5, 0.3, 12.3, 0.75, [(heading, _fit(heading, (24, 20, 18)), ink, True)], "title")
        text(
            slide,
            0.5,
            1.05,
            12.3,
            0.7,
            [(figure.reading, _fit(figure.reading, (16, 14, 12), lines=2), accent, False)],
            "reading",
        )
        _picture(slide, figure.png, Inches(0.5), Inches(1.8), Inches(12.3), Inches(4.6))
        text(
            slide,
            0.5,
            6.45,
            12.3,
            0.9,
            [(f"{figure.source}　{figure.edition or stamp}", 11, ink, False), (footer, 8, muted, False)],
            "source",
        )
        notes(
            slide,
            f"{heading}\n{figure.reading}\n{figure.alt}\n{figure.source}\n网页：book/{figure.page}.html#{figure.label}",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    deck.save(str(path))
    return path


TEXT_WIDTH_PT = 12.3 * 72  # a slide's text boxes are 12.3 in wide


def _fit(text: str, sizes: tuple[int, ...], lines: int = 1) -> int:
    """The largest of the font sizes at which text fits in the given lines of a text box (a CJK character is about
    one em wide, a Latin one about half)."""
    for size in sizes:
        if width(text) * size / 2 <= TEXT_WIDTH_PT * lines * 0.95:
            return size
    return sizes[-1]


def _east_asian(run, typeface: str) -> None:
    """python-pptx sets the Latin typeface only; Chinese text takes the East Asian one (a:ea)."""
    from pptx.oxml.ns import qn

    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = rpr.makeelement(qn(tag), {})
            rpr.append(element)
        element.set("typeface", typeface)


def _picture(slide, png: Path, left, top, box_w, box_h) -> None:
    """The chart at the largest size that fits the box, centred in it, its aspect ratio kept."""
    from PIL import Image

    with Image.open(png) as image:
        w, h = image.size
    scale = min(box_w / w, box_h / h)
    pw, ph = int(w * scale), int(h * scale)
    picture = slide.shapes.add_picture(str(png), left + (box_w - pw) // 2, top + (box_h - ph) // 2, pw, ph)
    picture.name = "chart"


# ------------------------------------------------------------------------------------------------ the build


def assemble_kit(target: Path, brief_jobs: list, cache: Path, html_dir: Path, pages: list[str], ds) -> Path:
    """The kit folder the site publishes, made anew: briefs/<base_id>.pdf for every base of this build (from the
    brief runs in the cache), and the deck of the rendered site's figures."""
    shutil.rmtree(target, ignore_errors=True)
    (target / BRIEFS).mkdir(parents=True)
    for job in brief_jobs:
        base_id = dict(job.spec.params)["base_id"]
        if not BASE_ID.fullmatch(base_id):
            raise KitError(f"基地编号 {base_id!r} 不合规 (base id must match {BASE_ID.pattern})")
        pdf = cache / job.key / BRIEF_RUN_DIR / f"{base_id}.pdf"
        if not pdf.is_file():
            raise KitError(f"基地 {base_id} 的简报没有生成 (the brief of {base_id} is missing: {pdf})")
        pages_found = page_count(pdf)
        if pages_found != BRIEF_PAGES:
            raise KitError(
                f"基地 {base_id} 的简报有 {pages_found} 页，不是 {BRIEF_PAGES} 页 (the brief of {base_id} "
                f"has {pages_found} pages, not {BRIEF_PAGES})"
            )
        shutil.copyfile(pdf, target / BRIEFS / f"{base_id}.pdf")
    build_deck(site_figures(html_dir, pages), ds, target / DECK)
    return target


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def fill_sizes(site: Path) -> None:
    """Replace the cite page's size placeholders with each kit file's size (or say it was not built)."""
    kit = site / KIT_DIR
    for page in site.glob("book/**/*.html"):
        markup = page.read_text(encoding="utf-8")
        if SIZE_PATTERN.search(markup) is None:
            continue

        def size(match: re.Match) -> str:
            path = kit / match.group(1)
            return _size(path) if path.is_file() else "本次构建未生成"

        page.write_text(SIZE_PATTERN.sub(size, markup), encoding="utf-8")


def kit_entries(ds) -> list[tuple[str, str, str]]:
    """(path under <site>/kit/, link text, kind) for the cite page: every base's brief, then the deck."""
    bases = ds.bases.sort_values("order")
    entries = [(f"{BRIEFS}/{b}.pdf", one_line(n), "brief") for b, n in zip(bases["base_id"], bases["name"])]
    return entries + [(DECK, "全书图表幻灯片", "deck")]
