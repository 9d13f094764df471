"""What a notebook shows: numbered tables and charts with their download files, and safe text.

Every table is written as CSV and XLSX, every chart as Vega-Lite JSON, PNG and SVG, under
``<site_dir>/_extra/downloads/<page>/``, each with a ``.meta.json`` holding its caption, note and
description. The notebook prints a directive that names only the file: data text never enters MyST,
so nothing in it (a ``#``, a line break, a backtick) can be read as markup or options. The Sphinx
extension turns the directive into a numbered table or figure with download links.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

from .fmt import is_missing
from .paths import DOWNLOADS, EXTRA_DIR

META_SUFFIX = ".meta.json"  # caption, note and description of a table or chart, read by the Sphinx extension
LABEL = re.compile(r"[a-z0-9][a-z0-9-]*")  # figure and table anchors: code-made, never data text
PNG_SCALE = 3  # about 300 dpi at the printed size: sharp on slides and paper
ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md(text) -> str:
    """Data text made safe for MyST: every markup character is shown as itself."""
    if is_missing(text):
        return ""
    return ASCII_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


class Markdown:
    """MyST text a notebook cell displays; myst-nb parses it into the page."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __add__(self, other: Markdown) -> Markdown:
        return Markdown(self.text + "\n\n" + other.text)


def web_only(content: Markdown) -> Markdown:
    """Content the PDF leaves out (a table the PDF has elsewhere, a link list); keep it at the end of its
    chapter, so the tables and figures before it have the same numbers on the web and in the PDF."""
    return Markdown(f"````{{only}} html\n{content.text}\n````")


def pdf_only(content: Markdown) -> Markdown:
    """Content only the PDF shows: a print form of something the web shows interactively."""
    return Markdown(f"````{{only}} latex\n{content.text}\n````")


@dataclass
class Page:
    """One page's outputs: where its files go and the edition they belong to."""

    dataset: object  # Dataset or PageData: only its edition is read
    site_dir: Path
    page: str

    def __post_init__(self):
        self.site_dir = Path(self.site_dir)
        self.folder.mkdir(parents=True, exist_ok=True)

    @property
    def folder(self) -> Path:
        return self.site_dir / EXTRA_DIR / DOWNLOADS / self.page

    @property
    def stamp(self) -> str:
        edition = self.dataset.edition
        return f"{edition['edition']}（编制于 {edition['data_date']}）"

    def _directive_path(self, filename: str) -> str:
        return f"/{EXTRA_DIR}/{DOWNLOADS}/{self.page}/{filename}"

    def table(self, frame: pd.DataFrame, name: str, caption: str, source: str) -> Markdown:
        """A numbered table (label ``name``) with CSV and XLSX downloads."""
        frame = frame.astype(object).where(frame.notna(), "")
        csv_file = self.folder / f"{name}.csv"
        # With a byte-order mark: Excel on Chinese Windows reads BOM-less CSV as GBK and garbles it.
        frame.to_csv(csv_file, index=False, encoding="utf-8-sig")
        self._write_xlsx(frame, self.folder / f"{name}.xlsx", caption, source)
        self._write_meta(name, caption=caption, note=f"来源：{source}。{self.stamp}")
        return self._directive("dt-table", csv_file.name, name)

    def chart(
        self, chart: alt.TopLevelMixin, name: str, caption: str, alt_text: str, source: str, reading: str
    ) -> Markdown:
        """A numbered figure: interactive in HTML, vector in the PDF, PNG/SVG/PDF downloads. alt_text says
        what the chart draws; reading is its one-line takeaway, for the slide deck and the brief."""
        spec = chart.to_dict()
        (self.folder / f"{name}.vl.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        meta = {"Title": caption, "Source": source, "Edition": self.stamp, "Description": alt_text}
        svg = vlc.vegalite_to_svg(spec)
        png = vlc.svg_to_png(svg, scale=PNG_SCALE)  # one rendering for PNG, SVG and PDF: the same drawing, less time
        (self.folder / f"{name}.png").write_bytes(_png_with_text(png, meta))
        (self.folder / f"{name}.svg").write_text(_svg_with_metadata(svg, meta), encoding="utf-8")
        # Vector with its fonts embedded, from the same rendering: the PDF edition's figure, its text searchable.
        (self.folder / f"{name}.pdf").write_bytes(vlc.svg_to_pdf(svg))
        self._write_meta(
            name, caption=caption, alt=alt_text, note=f"来源：{source}。{self.stamp}", source=source, reading=reading
        )
        return self._directive("dt-chart", name, name)

    def _write_meta(self, name: str, **texts: str) -> None:
        meta = {key: _one_line(value) for key, value in texts.items()}
        (self.folder / f"{name}{META_SUFFIX}").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    def _directive(self, directive: str, filename: str, name: str) -> Markdown:
        if not LABEL.fullmatch(name):
            raise ValueError(f"label {name!r} must match {LABEL.pattern}")
        return Markdown(f"```{{{directive}}} {self._directive_path(filename)}\n:name: {name}\n```")

    def _write_xlsx(self, frame: pd.DataFrame, path: Path, caption: str, source: str) -> None:
        about = pd.DataFrame({"项目": ["表题", "来源", "版次"], "内容": [caption, source, self.stamp]})
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="数据", index=False)
            about.to_excel(writer, sheet_name="说明", index=False)


def _png_with_text(png: bytes, meta: dict[str, str]) -> bytes:
    """PNG with iTXt chunks (UTF-8) after the header chunk, so the file carries its source."""
    chunks = b""
    for key, value in meta.items():
        data = key.encode("latin-1") + b"\x00\x00\x00\x00\x00" + value.encode("utf-8")
        chunks += struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    header_end = 8 + 4 + 4 + 13 + 4  # signature + IHDR length, type, data, crc
    return png[:header_end] + chunks + png[header_end:]


def _svg_with_metadata(svg: str, meta: dict[str, str]) -> str:
    from xml.sax.saxutils import escape

    title = f"<title>{escape(meta['Title'])}</title>"
    desc = f"<desc>{escape(meta['Description'])} 来源：{escape(meta['Source'])}。{escape(meta['Edition'])}</desc>"
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + title + desc, svg, count=1)
