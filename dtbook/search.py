"""The site search: the index its search page reads.

The search page (dtbook/static/searchtools.js) matches a query against the text a reader sees on each page:
every term as a contiguous substring, so a Chinese phrase typed without spaces is found wherever it stands,
dictionary word or not. `search_index` reads every rendered page once the HTML is written and keeps, per
page, its address, title, section headings with their anchors and article text; `write_search_index` writes
that as a JavaScript file assigning `window.DT_SEARCH`, which a <script> tag loads from a server and from
`file://` alike (a fetch would not).

Sphinx still writes its own index (searchindex.js); nothing of the book reads it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from .files import write_if_changed

INDEX_FILE = "dt-search-index.js"  # in the site's _static folder, beside searchtools.js
INDEX_GLOBAL = "DT_SEARCH"


# ---------------------------------------------------------------- the page index

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Not read as page text: code and data (chart specs are <script type="application/json">), controls, and the
# page furniture that repeats on every page.
SKIPPED_TAGS = {"script", "style", "template", "noscript", "svg", "button", "form", "nav", "header", "footer", "aside"}
SKIPPED_CLASSES = {
    "dt-downloads",  # "下载：CSV · XLSX" under every table and chart
    "dt-edition",  # the edition stamp, the same on every page (filled in only when the site is published)
    "dt-vega",  # where a chart is drawn
    "headerlink",  # the "#" beside each heading
}
BLOCKS = {
    *("address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption", "figure"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "li", "main", "ol", "p", "pre", "section", "summary"),
    *("table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


class _ArticleText(HTMLParser):
    """The reader-visible text of a page's article (`<article class="bd-article">`), one line per block, with
    its headings: (level, text, anchor)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[tuple[int, str, str]] = []
        self._open: list[tuple[str, str]] = []  # (tag, id) of the open elements
        self._article = None  # depth of the article element while inside it
        self._skip = None  # depth of the skipped element while inside it
        self._heading = None  # [level, parts, own or headerlink anchor, enclosing element's id] inside a heading

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if self._article is not None and self._skip is None:
            if tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES:
                if tag not in VOID:
                    self._skip = len(self._open)
                if self._heading is not None and "headerlink" in classes and not self._heading[2]:
                    self._heading[2] = (attributes.get("href") or "").removeprefix("#")
            elif tag in BLOCKS:
                self.parts.append("\n")
            if tag in HEADINGS and self._skip is None and self._heading is None:
                self._heading = [int(tag[1]), [], attributes.get("id") or "", self._enclosing_id()]
        if tag in VOID:
            return
        if tag == "article" and "bd-article" in classes and self._article is None:
            self._article = len(self._open)
        self._open.append((tag, attributes.get("id") or ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID or not any(name == tag for name, _ in self._open):
            return  # a stray end tag
        while self._open:
            name, _ = self._open.pop()
            depth = len(self._open)
            if self._skip is not None and depth <= self._skip:
                self._skip = None
            if self._heading is not None and name in HEADINGS:
                level, parts, anchor, enclosing = self._heading
                self.headings.append((level, _clean("".join(parts)), anchor or enclosing))
                self._heading = None
            if self._article is not None and name in BLOCKS:
                self.parts.append("\n")
            if self._article is not None and depth <= self._article:
                self._article = None
            if name == tag:
                return

    def handle_data(self, data):
        if self._article is not None and self._skip is None:
            self.parts.append(data)
            if self._heading is not None:
                self._heading[1].append(data)

    def _enclosing_id(self) -> str:
        return next((ident for _, ident in reversed(self._open) if ident), "")

    def text(self) -> str:
        return _clean("".join(self.parts))


def _clean(text: str) -> str:
    """Spaces collapsed as a browser shows them, one line per block, no empty lines."""
    lines = (SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def page_entry(html: str, url: str) -> dict:
    """One page of the index: its address (site-relative), title (its first top-level heading as shown, with
    its number), the headings below it as [text, anchor] in page order, and its article text."""
    parser = _ArticleText()
    parser.feed(html)
    parser.close()
    title = min(parser.headings, default=(0, url, ""), key=lambda heading: heading[0])[1]
    headings = [[text, anchor] for level, text, anchor in parser.headings if level > 1 and anchor and text]
    return {"url": url, "title": title, "headings": headings, "text": parser.text()}


def search_index(site: Path, pages: list[str]) -> dict:
    """The index of the given pages (site-relative paths of rendered HTML files, in book order)."""
    return {"pages": [page_entry((site / url).read_text(encoding="utf-8"), url) for url in pages]}


def write_search_index(site: Path, pages: list[str], path: Path) -> None:
    """The index as a script (`window.DT_SEARCH = {...};`); unchanged bytes are not rewritten."""
    data = json.dumps(search_index(site, pages), ensure_ascii=False, separators=(",", ":"))
    write_if_changed(path, f"window.{INDEX_GLOBAL} = {data};\n")
