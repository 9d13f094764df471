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
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .paths import BUNDLE_URL, EXTRA_DIR, PDF_NAME

PDF_DIR = "pdf"  # the build publishes the PDF as <site>/pdf/book.pdf

META_SUFFIX = ".meta.json"
LONG_TABLE_ROWS = 30  # longer tables scroll within about one screen on the web instead of filling many
# Tables scroll sideways when wider than the column: keyboard users must be able to reach and scroll them.
FOCUSABLE_TABLE = re.compile(r'<table (class="[^"]*\bdt-table\b)')
STAMP_PLACEHOLDER = "<!--dt-edition-stamp-->"  # replaced at publishing, so a new fingerprint rewrites no page
RESPONSIVE = "dtResponsive"  # charts.py marks charts that may take the column's width (spec usermeta)
EXPORT_LABELS = {".csv": "CSV", ".xlsx": "XLSX", ".png": "PNG", ".svg": "SVG", ".json": "Vega-Lite JSON"}


class dt_downloads(nodes.General, nodes.Element):
    """Links to the files behind a table or figure (site-relative paths)."""


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
            row += nodes.entry("", nodes.paragraph(cell, cell), classes=classes.get(index, []))
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
        widths.append((short if longest <= SHORT_CELL else SHORT_CELL + min(mean, 180) / 3) + 3)
    return widths


class ChartDirective(SphinxDirective):
    """``dt-chart /_extra/downloads/page/name`` (no suffix) with :name:; caption, description and note
    from name.meta.json. Expects name.vl.json (spec) and name.png; name.svg is offered for download.
    """

    required_arguments = 1
    option_spec = {"name": directives.unchanged}

    def run(self):
        site_stem, stem = _site_path(self, self.arguments[0])
        spec_file, png_file = stem.with_name(stem.name + ".vl.json"), stem.with_name(stem.name + ".png")
        for needed in (spec_file, png_file):
            if not needed.exists():
                raise self.error(f"chart file not found: {needed}")
        meta = _meta(self, stem)
        alt = meta.get("alt") or meta.get("caption", "")
        figure = nodes.figure(classes=["dt-chart"])
        figure += nodes.image(uri=self.arguments[0] + ".png", alt=alt, classes=["dt-chart-image"])
        figure += dt_vega(spec=spec_file.read_text(encoding="utf-8"), alt=alt)
        _caption(meta, figure)
        description = meta.get("alt")
        if description:
            figure += nodes.legend("", nodes.paragraph(description, description, classes=["dt-chart-description"]))
        self.add_name(figure)
        files = [
            site_stem + suffix for suffix in (".png", ".svg", ".vl.json") if stem.with_name(stem.name + suffix).exists()
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


def set_title_page(app, config):
    """The PDF's title page: title, authors, the report it is based on, edition and data fingerprint."""
    title, author = latex_escape(config.html_title or config.project), latex_escape(config.author)
    source, stamp = latex_escape(config.dt_source), latex_escape(config.dt_stamp)
    config.latex_elements["maketitle"] = (
        "\\begin{titlepage}\\centering\\vspace*{4cm}"
        f"{{\\Huge\\bfseries {title}\\par}}\\vspace{{2.5em}}"
        f"{{\\Large {author}\\par}}\\vspace{{4em}}"
        f"{{\\large 底本：{source}\\par}}\\vfill"
        f"{{\\normalsize {stamp}\\par}}\\vspace{{1cm}}\\end{{titlepage}}"
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
    app.add_directive("dt-table", TableDirective)
    app.add_directive("dt-chart", ChartDirective)
    app.add_post_transform(DropStaticChartImages)
    app.add_config_value("dt_stamp", "", "")  # the PDF's title page only (LaTeX is always rebuilt whole)
    app.add_config_value("dt_source", "", "")
    app.connect("config-inited", set_title_page)
    app.connect("build-finished", polish_pages)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("html-page-context", pdf_download, priority=900)
    app.connect("html-page-context", finish_page_body)
    app.connect("html-page-context", escape_print_title, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
