"""Sphinx directives for numbered, downloadable tables and charts.

Notebooks write a table's CSV or a chart's spec and images under ``_extra/downloads``, with the
caption, note and description in a ``.meta.json`` beside them, and print a ``dt-table`` /
``dt-chart`` directive naming only the file. Sphinx turns them into numbered tables and figures:
docutils text nodes (so data is always text, never markup), an interactive vega chart in HTML
drawn by the vendored bundle, and the PNG in the PDF.
"""

from __future__ import annotations

import csv
import json
import re
from html import escape as html_escape
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from pybtex.plugin import register_plugin
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .citation import GBT7714Style
from .paths import BUNDLE_URL, EXTRA_DIR, PDF_NAME

PDF_DIR = "pdf"  # the build publishes the PDF as <site>/pdf/book.pdf

META_SUFFIX = ".meta.json"
LONG_TABLE_ROWS = 30  # longer tables scroll within about one screen on the web instead of filling many
# Tables scroll sideways when wider than the column: keyboard users must be able to reach and scroll them.
FOCUSABLE_TABLE = re.compile(r'<table (class="[^"]*\bdt-table\b)')
STAMP_PLACEHOLDER = "<!--dt-edition-stamp-->"  # replaced at publishing, so a new fingerprint rewrites no page
RESPONSIVE = "dtResponsive"  # charts.py marks charts that may take the column's width (spec usermeta)
EXPORT_LABELS = {
    ".csv": "CSV",
    ".xlsx": "XLSX",
    ".png": "PNG",
    ".svg": "SVG",
    ".pdf": "PDF（矢量）",
    ".json": "Vega-Lite JSON",
}


class dt_downloads(nodes.General, nodes.Element):
    """Links to the files behind a table or figure (site-relative paths)."""


class dt_break(nodes.Inline, nodes.Element):
    """A place where the PDF may break a long unspaced token (a URL in a table cell); nothing on the web."""


LONG_TOKEN = re.compile(r"[!-~]{16,}")  # a run of printable ASCII too long for a narrow column
BREAK_AFTER = re.compile(r"(?<=[/.?=&_\-])")


def _cell_paragraph(text: str) -> nodes.paragraph:
    """A table cell's text; long unspaced tokens get break points after / . ? = & _ - for the PDF."""
    paragraph = nodes.paragraph(text, "")
    position = 0
    for token in LONG_TOKEN.finditer(text):
        paragraph += nodes.Text(text[position : token.start()])
        for index, piece in enumerate(BREAK_AFTER.split(token.group(0))):
            if index:
                paragraph += dt_break()
            paragraph += nodes.Text(piece)
        position = token.end()
    paragraph += nodes.Text(text[position:])
    return paragraph


class dt_vega(nodes.General, nodes.Element):
    """An interactive chart: its Vega-Lite spec, drawn in the browser."""


def _site_path(directive: SphinxDirective, argument: str) -> tuple[str, Path]:
    """Site-relative path (under _extra) and file on disk for a directive argument."""
    rel, path = directive.env.relfn2path(argument)
    rel = Path(rel).as_posix()
    if not rel.startswith(EXTRA_DIR + "/"):
        raise directive.error(f"{argument}: files for tables and charts must live under /{EXTRA_DIR}/")
    return rel[len(EXTRA_DIR) + 1 :], Path(path)


def _meta(directive: SphinxDirective, stem: Path) -> dict[str, str]:
    """Caption, note and description written beside the file by the notebook (plain text)."""
    path = stem.with_name(stem.name + META_SUFFIX)
    if not path.exists():
        raise directive.error(f"caption file not found: {path}")
    directive.env.note_dependency(str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def _caption(meta: dict[str, str], parent: nodes.Element) -> None:
    caption = meta.get("caption")
    if caption:
        node_type = nodes.title if isinstance(parent, nodes.table) else nodes.caption
        parent += node_type(caption, caption)


def _note(meta: dict[str, str]) -> list[nodes.Node]:
    text = meta.get("note")
    return [nodes.paragraph(text, text, classes=["dt-note"])] if text else []


class TableDirective(SphinxDirective):
    """``dt-table /_extra/downloads/page/name.csv`` with :name:; caption and note from name.meta.json."""

    required_arguments = 1
    option_spec = {"name": directives.unchanged}

    def run(self):
        site_path, path = _site_path(self, self.arguments[0])
        if not path.exists():
            raise self.error(f"table file not found: {path}")
        meta = _meta(self, path.with_suffix(""))
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        # longtable: may break across PDF pages; dt-long: on the web, scrolls in a frame with its header in view
        long = ["dt-long"] if len(body) > LONG_TABLE_ROWS else []
        table = nodes.table(classes=["dt-table", "colwidths-given", "longtable", *long])
        _caption(meta, table)
        group = nodes.tgroup(cols=len(header))
        table += group
        for width in _column_widths(header, body):
            group += nodes.colspec(colwidth=width)
        classes = {i: ["dt-num"] for i in _numeric_columns(header, body)}
        classes.update({i: ["dt-prose"] for i in _prose_columns(header, body)})
        group += nodes.thead("", self._row(header, classes))
        group += nodes.tbody("", *[self._row(row, classes) for row in body])
        self.add_name(table)
        stem = site_path.rsplit(".", 1)[0]
        files = [stem + suffix for suffix in (".csv", ".xlsx") if (path.with_suffix(suffix)).exists()]
        return [table, *_note(meta), dt_downloads(files=files)]

    @staticmethod
    def _row(cells: list[str], classes: dict[int, list[str]]) -> nodes.row:
        row = nodes.row()
        for index, cell in enumerate(cells):
            # an empty cell holds no paragraph: in the PDF an empty paragraph would add a blank line to the row
            content = [_cell_paragraph(cell)] if cell else []
            row += nodes.entry("", *content, classes=classes.get(index, []))
        return row


NUMBER = re.compile(r"[-+−]?\d[\d,]*(\.\d+)?%?")


def _numeric_columns(header: list[str], body: list[list[str]]) -> set[int]:
    """Columns whose every filled cell is a number: right-aligned and allowed to be narrow in HTML."""
    numeric = set()
    for index in range(len(header)):
        values = [row[index].strip() for row in body if index < len(row) and row[index].strip()]
        if values and all(NUMBER.fullmatch(value) for value in values):
            numeric.add(index)
    return numeric


SHORT_CELL = 14  # display width up to which a column is sized to its widest value
CELL_PADDING = 4  # a cell's padding, in display widths: a column as wide as its header keeps it on one line


PROSE_CELL = 40  # typical display width from which a column holds running text


def _prose_columns(header: list[str], body: list[list[str]]) -> set[int]:
    """Columns of running text (summaries, quotes): given more room in HTML than codes and labels."""
    prose = set()
    for index in range(len(header)):
        cells = [_display_width(row[index]) for row in body if index < len(row)]
        if cells and sum(cells) / len(cells) >= PROSE_CELL:
            prose.add(index)
    return prose


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _column_widths(header: list[str], body: list[list[str]]) -> list[int]:
    """Relative widths (CJK counts double): a column of short values is as wide as its widest value, so
    codes and levels never wrap; a column of running text grows with its typical length, so a summary
    gets more room than a source line."""
    widths = []
    for index, title in enumerate(header):
        cells = [_display_width(row[index]) for row in body if index < len(row)] or [0]
        longest, mean = max(cells), sum(cells) / len(cells)
        short = max(_display_width(title), 4, longest)
        widths.append((short if longest <= SHORT_CELL else SHORT_CELL + min(mean, 180) / 3) + CELL_PADDING)
    return widths


class ChartDirective(SphinxDirective):
    """``dt-chart /_extra/downloads/page/name`` (no suffix) with :name:; caption, description and note
    from name.meta.json. Expects name.vl.json (spec), name.png and name.pdf (the PDF edition's vector
    figure); the files are offered for download beside it.
    """

    required_arguments = 1
    option_spec = {"name": directives.unchanged}

    def run(self):
        site_stem, stem = _site_path(self, self.arguments[0])
        spec_file, png_file = stem.with_name(stem.name + ".vl.json"), stem.with_name(stem.name + ".png")
        pdf_file = stem.with_name(stem.name + ".pdf")
        for needed in (spec_file, png_file, pdf_file):
            if not needed.exists():
                raise self.error(f"chart file not found: {needed}")
        meta = _meta(self, stem)
        alt = meta.get("alt") or meta.get("caption", "")
        figure = nodes.figure(classes=["dt-chart"])
        # The PDF edition takes the vector PDF, with its fonts embedded; the web draws the spec instead.
        image = nodes.image(uri=self.arguments[0] + ".pdf", alt=alt, classes=["dt-chart-image"])
        figure += image
        figure += dt_vega(spec=spec_file.read_text(encoding="utf-8"), alt=alt)
        _caption(meta, figure)
        description = meta.get("alt")
        if description:
            figure += nodes.legend("", nodes.paragraph(description, description, classes=["dt-chart-description"]))
        self.add_name(figure)
        files = [
            site_stem + suffix
            for suffix in (".png", ".svg", ".pdf", ".vl.json")
            if stem.with_name(stem.name + suffix).exists()
        ]
        return [figure, *_note(meta), dt_downloads(files=files)]


class DropStaticChartImages(SphinxPostTransform):
    """In HTML the vega drawing replaces the PNG; the PNG stays a download."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs):
        for vega in self.document.findall(dt_vega):
            for image in vega.parent.findall(nodes.image):
                image.parent.remove(image)


# The PDF's own arrangement. Sections the PDF moves to an appendix, found by a section label or by the label
# of a table inside them, and the appendix label that receives them; per-base sections are grouped under the
# base's name. On the web these sections stay where they are: the same labels, the same links.
PDF_MOVES = [
    (re.compile(r"tbl-.+-(measures|evidence)"), "dt-appendix-bases", True),
    (re.compile(r"taxonomy-full-table"), "dt-appendix-table1", False),
    (re.compile(r"coding-(principles|rules)"), "dt-appendix-coding", False),
]  # each appendix label is a section of book/appendices; moved sections are appended to it
# Table sizes by chapter, from the first appendix on: the long appendix tables smallest, the rest a size down.
TABLE_SIZES = {
    "book/appendices": r"\scriptsize\linespread{1.05}\selectfont",
    "book/dictionary": r"\footnotesize\linespread{1.05}\selectfont",
}
BIBLIOGRAPHY_DOC = "book/references"  # LaTeX prints the bibliography once, at the end: this chapter is not repeated
FRONT_MATTER_TITLE = "导读"


class PdfLayout(SphinxPostTransform):
    """Arranges the one big LaTeX doctree as a report: the front page's sections become an unnumbered 导读,
    long per-base and reference tables move to appendices, sections left empty by web-only content go, and
    the appendices set their tables smaller. Runs after the web-only content has been removed."""

    default_priority = 900
    formats = ("latex",)

    def run(self, **kwargs):
        if not any(True for _ in self.document.findall(addnodes.start_of_file)):
            return  # a single document, not the assembled book
        _repair_parents(self.document)
        self._move_to_appendices()
        self._drop_empty_sections()
        self._front_matter()
        self._table_sizes()
        self._bibliography_once()

    def _move_to_appendices(self) -> None:
        targets = {}
        for target in self.document.findall(nodes.Element):
            for _, label, _ in PDF_MOVES:
                if label in target.get("ids", []):
                    targets[label] = target
        moving: dict[str, list[tuple[nodes.section, str]]] = {}
        for section in list(self.document.findall(nodes.section)):
            own_tables = [t for t in section.findall(nodes.table) if _section_of(t) is section]
            ids = [i for n in [section, *own_tables] for i in n.get("ids", [])]
            for pattern, label, grouped in PDF_MOVES:
                if label in targets and any(pattern.fullmatch(i) for i in ids) and section.parent is not None:
                    chapter = _chapter_title(section) if grouped else ""
                    moving.setdefault(label, []).append((section, chapter))
                    break
        for label, sections in moving.items():
            holder = targets[label]
            groups: dict[str, nodes.section] = {}
            for section, chapter in sections:
                if section.parent is None:
                    continue  # inside a section already moved
                section.parent.remove(section)
                if not chapter:
                    holder += section
                    continue
                if chapter not in groups:
                    group = nodes.section(ids=[f"{label}-{len(groups) + 1}"])
                    group += nodes.title(chapter, chapter)
                    holder += group
                    groups[chapter] = group
                groups[chapter] += section

    def _drop_empty_sections(self) -> None:
        for section in reversed(list(self.document.findall(nodes.section))):
            if _is_empty(section) and section.parent is not None and not _holds_targets(section):
                section.parent.remove(section)

    def _front_matter(self) -> None:
        """The root page's own sections (before the first inlined page) as one unnumbered chapter."""
        root = next(self.document.findall(nodes.section), None)
        if root is None:
            return
        front = [c for c in root.children if isinstance(c, nodes.section)]
        if not front:
            return
        at = 1 if isinstance(root[0], nodes.title) else 0  # the front page's opening text belongs to 导读 too
        heading = latex_escape(FRONT_MATTER_TITLE)
        root.insert(
            at,
            nodes.raw(
                "",
                f"\\chapter*{{{heading}}}\\addcontentsline{{toc}}{{chapter}}{{{heading}}}"
                f"\\markboth{{{heading}}}{{{heading}}}\n",
                format="latex",
            ),
        )
        for section in front:
            title = section.next_node(nodes.title)
            heading = nodes.raw("", f"\\section*{{{latex_escape(title.astext())}}}\n", format="latex")
            index = root.index(section)
            root.remove(section)
            body = [heading, *[c for c in section.children if not isinstance(c, nodes.title)]]
            for offset, child in enumerate(body):
                child.parent = None
                root.insert(index + offset, child)

    def _table_sizes(self) -> None:
        for start in self.document.findall(addnodes.start_of_file):
            size = TABLE_SIZES.get(start.get("docname"))
            if size:
                start.insert(0, nodes.raw("", f"\\renewcommand{{\\dttablesize}}{{{size}}}\n", format="latex"))

    def _bibliography_once(self) -> None:
        """The references page keeps only its citations, which LaTeX gathers into the one bibliography it
        prints at the end; its chapter heading would be a second, empty 参考文献."""
        for start in self.document.findall(addnodes.start_of_file):
            if start.get("docname") == BIBLIOGRAPHY_DOC:
                citations = list(start.findall(nodes.citation))
                for child in list(start.children):
                    start.remove(child)
                for citation in citations:
                    citation.parent = None
                    start += citation
                return


def _repair_parents(node: nodes.Element) -> None:
    """Sphinx assembles the book by giving each start_of_file node the children of a page's doctree without
    re-parenting them (sphinx.util.nodes.inline_all_toctrees): make every child point to its real parent."""
    for child in node.children:
        child.parent = node
        if isinstance(child, nodes.Element):
            _repair_parents(child)


def _section_of(node: nodes.Node) -> nodes.section | None:
    """The nearest section that holds a node."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    return parent


def _chapter_title(section: nodes.section) -> str:
    """The title of the page (chapter) a section belongs to."""
    node = section
    while node.parent is not None and not isinstance(node.parent, addnodes.start_of_file):
        node = node.parent
    return node.next_node(nodes.title).astext() if isinstance(node, nodes.section) else ""


def _is_empty(section: nodes.section) -> bool:
    """Nothing but its title: no text, no figure, no table, no raw output (web-only content already gone)."""
    title = section.next_node(nodes.title)
    text = section.astext().replace(title.astext() if title else "", "", 1).strip()
    solid = (nodes.image, nodes.table, nodes.figure, nodes.raw, nodes.section)
    return not text and not any(True for n in section.findall(lambda n: isinstance(n, solid)) if n is not section)


def _holds_targets(section: nodes.section) -> bool:
    """An empty section that is a placeholder for moved content (its label is in PDF_MOVES) stays."""
    return any(label in section.get("ids", []) for _, label, _ in PDF_MOVES)


def visit_break_latex(translator, node):
    translator.body.append(r"\allowbreak{}")
    raise nodes.SkipNode


def _prefix(translator) -> str:
    return "../" * translator.builder.current_docname.count("/")


def visit_downloads_html(translator, node):
    if node["files"]:
        links = " · ".join(
            f'<a href="{_prefix(translator)}{path}" download>{EXPORT_LABELS[_suffix(path)]}</a>'
            for path in node["files"]
        )
        translator.body.append(f'<p class="dt-downloads">下载：{links}</p>')
    raise nodes.SkipNode


def _suffix(path: str) -> str:
    return ".json" if path.endswith(".vl.json") else Path(path).suffix


def visit_vega_html(translator, node):
    prefix = _prefix(translator)
    if not getattr(translator, "_dt_bundle_loaded", False):
        translator.body.append(f'<script src="{prefix}{BUNDLE_URL}"></script>')
        translator._dt_bundle_loaded = True
    # The text alternative goes into the spec: vega labels the drawn SVG with it. The div holds the
    # export menu too, so it must not be role="img" (an image cannot contain controls).
    spec = json.loads(node["spec"])
    if node["alt"]:
        spec.setdefault("description", node["alt"])
    if spec.get("usermeta", {}).get(RESPONSIVE):
        # On screen the chart fills its column (a phone's too); its PNG and SVG keep the fixed width.
        spec["width"] = "container"
    spec = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    translator.body.append(
        '<div class="dt-vega"></div>'
        f'<script type="application/json" class="dt-vega-spec">{spec}</script>'
        f"<script>dtDrawCharts();</script>"
    )
    raise nodes.SkipNode


def finish_page_body(app, pagename, templatename, context, doctree):
    """Wide tables become keyboard-focusable, and every HTML page says which edition and which data produced
    it: the publish step fills the placeholder, so a new fingerprint costs a text replacement, not a rewrite of
    every page by Sphinx."""
    if "body" in context:
        context["body"] = FOCUSABLE_TABLE.sub(r'<table tabindex="0" \1', context["body"])
        context["body"] += f'<p class="dt-edition">{STAMP_PLACEHOLDER}</p>'


def escape_print_title(app, pagename, templatename, context, doctree):
    """sphinx-book-theme puts the page title's plain text into its print header unescaped (`pagetitle`, from
    title.astext()); a title that contains markup would become live HTML. Runs after the theme's handler."""
    if "pagetitle" in context:
        context["pagetitle"] = html_escape(str(context["pagetitle"]))


LATEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
    "`": r"\textasciigrave{}",
}


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in str(text))


# The fonts of every PDF the project typesets (the book and the kit's briefs): Latin in FreeSerif/FreeSans,
# Chinese in Noto CJK SC, TeX ligatures off so a backtick prints as a backtick.
LATEX_FONTS = r"""\usepackage{fontspec}
\defaultfontfeatures[\rmfamily,\sffamily,\ttfamily]{}
\usepackage[slantfont,boldfont]{xeCJK}
\setmainfont{FreeSerif}
\setsansfont{FreeSans}
\setmonofont{FreeMono}
\setCJKmainfont{NotoSerifCJKsc-Regular}[BoldFont=NotoSansCJKsc-Bold]
\setCJKsansfont{NotoSansCJKsc-Regular}[BoldFont=NotoSansCJKsc-Bold]
\setCJKmonofont{NotoSansMonoCJKsc-Regular}
\xeCJKsetup{CJKecglue={\hskip 0.2em plus 0.1em}}
"""
PDF_KEYWORDS = ["国家数字服务出口基地", "数字贸易", "数字贸易示范区", "指标体系"]


def set_title_page(app, config):
    """The PDF's fonts, its title page (title, authors, the report it is based on, edition and data
    fingerprint) and its metadata."""
    config.latex_elements["fontpkg"] = LATEX_FONTS
    title, author = latex_escape(config.html_title or config.project), latex_escape(config.author)
    source, stamp = latex_escape(config.dt_source), latex_escape(config.dt_stamp)
    config.latex_elements["maketitle"] = (
        "\\begin{titlepage}\\centering\\vspace*{4cm}"
        f"{{\\Huge\\bfseries {title}\\par}}\\vspace{{2.5em}}"
        f"{{\\Large {author}\\par}}\\vspace{{4em}}"
        f"{{\\large 底本：{source}\\par}}\\vfill"
        f"{{\\normalsize {stamp}\\par}}\\vspace{{1cm}}\\end{{titlepage}}"
    )
    # The PDF's own metadata, so a file handed on still says what it is, which edition and which data.
    keywords = latex_escape("，".join([*PDF_KEYWORDS, config.dt_stamp]))
    config.latex_elements["preamble"] = config.latex_elements.get("preamble", "") + (
        f"\\AtBeginDocument{{\\hypersetup{{pdftitle={{{title}}}, pdfauthor={{{author}}}, "
        f"pdfsubject={{底本：{source}}}, pdfkeywords={{{keywords}}}, bookmarksnumbered=true}}}}\n"
    )


FONTAWESOME_SCRIPT = re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\s*')
_TOGGLE_PRIMARY, _TOGGLE_SECONDARY = "显示或隐藏目录导航", "显示或隐藏本页目录"
# Interface text the themes write in English whatever the language: sphinx-book-theme 1.3.0 hard-codes the
# toggles' titles and the navigation's label in its templates, and Sphinx 7.4 and pydata-sphinx-theme 0.17.1
# have no zh_CN translation of these messages. Exact attribute text, so nothing a page says is touched.
INTERFACE_TEXT = {
    'title="Toggle primary sidebar"': f'title="{_TOGGLE_PRIMARY}" aria-label="{_TOGGLE_PRIMARY}"',
    'title="Toggle secondary sidebar"': f'title="{_TOGGLE_SECONDARY}" aria-label="{_TOGGLE_SECONDARY}"',
    'aria-label="Color mode" data-bs-title="Color mode"': 'aria-label="配色模式" data-bs-title="配色模式"',
    'title="System Settings"': 'title="跟随系统"',
    'title="Light"': 'title="亮色"',
    'title="Dark"': 'title="暗色"',
    'aria-label="Main"': 'aria-label="全书目录"',
    'aria-label="Page"': 'aria-label="本页目录"',
    'title="Link to this heading"': 'title="链接到此标题"',
    'title="Link to this table"': 'title="链接到此表格"',
    'title="Link to this image"': 'title="链接到此图"',
    'title="Link to this code"': 'title="链接到此代码"',
    'title="Link to this definition"': 'title="链接到此定义"',
    'title="Link to this term"': 'title="链接到此术语"',
    'title="Link to this equation"': 'title="链接到此公式"',
    'title="Link to this toctree"': 'title="链接到此目录"',
}


def polish_pages(app, exception):
    """The published pages do without the Font Awesome script (the theme's stylesheet already draws its icons
    with the web font; the 540 KB script that redraws them as SVG is most of a page's weight), and the
    themes' English interface text reads in Chinese."""
    if exception is None and app.builder.format == "html":
        for page in Path(app.outdir).rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            lean = FONTAWESOME_SCRIPT.sub("", html)
            for english, chinese in INTERFACE_TEXT.items():
                lean = lean.replace(english, chinese)
            if lean != html:
                page.write_text(lean, encoding="utf-8")


def _script_key(script) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    return (str(getattr(script, "filename", script) or ""), tuple(sorted(attributes.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree):
    """sphinx-thebe and sphinx-togglebutton (loaded by Jupyter Book) add inline scripts after the builder's
    init, which reach the page twice (once as filename None, once as ""), so Sphinx's own de-duplication
    misses them: every page declared `const THEBE_JS_URL` twice and logged a SyntaxError. Each script is kept
    once, in its first place."""
    files = context.get("script_files")
    if isinstance(files, list):
        unique = {}
        for script in files:
            unique.setdefault(_script_key(script), script)
        files[:] = list(unique.values())


def pdf_download(app, pagename, templatename, context, doctree):
    """sphinx-book-theme's download menu offers ".pdf" as window.print(): it opens the book's PDF instead.
    Runs after the theme's handler has filled header_buttons."""
    pathto = context.get("pathto")
    for group in context.get("header_buttons", []):
        for index, button in enumerate(group.get("buttons", [])):
            if button.get("label") == "download-pdf-button" and pathto:
                group["buttons"][index] = {
                    "type": "link",
                    "url": pathto(f"{PDF_DIR}/{PDF_NAME}", 1),
                    "text": ".pdf",
                    "tooltip": "下载全书 PDF",
                    "icon": "fas fa-file-pdf",
                    "label": "download-pdf-button",
                }


def skip(translator, node):
    raise nodes.SkipNode


def setup(app):
    app.add_node(dt_downloads, html=(visit_downloads_html, None), latex=(skip, None), text=(skip, None))
    app.add_node(dt_vega, html=(visit_vega_html, None), latex=(skip, None), text=(skip, None))
    app.add_node(dt_break, html=(skip, None), latex=(visit_break_latex, None), text=(skip, None))
    app.add_directive("dt-table", TableDirective)
    app.add_directive("dt-chart", ChartDirective)
    app.add_post_transform(DropStaticChartImages)
    app.add_post_transform(PdfLayout)
    register_plugin("pybtex.style.formatting", "gbt7714", GBT7714Style)
    app.add_config_value("dt_stamp", "", "")  # the PDF's title page only (LaTeX is always rebuilt whole)
    app.add_config_value("dt_source", "", "")
    app.connect("config-inited", set_title_page)
    app.connect("build-finished", polish_pages)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("html-page-context", pdf_download, priority=900)
    app.connect("html-page-context", finish_page_body)
    app.connect("html-page-context", escape_print_title, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
