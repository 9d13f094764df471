"""Data text is untrusted: the shared site (tests/conftest.py) was built with markup, MyST directives and
roles, LaTeX, a `#` and file paths planted in names, profiles, the edition, policies and industries.
Every output must show them as literal text and publish nothing the data did not say."""

import html
import re
import subprocess
from pathlib import Path

import pytest
from conftest import (
    HOSTILE_EDITION,
    HOSTILE_INDUSTRY,
    HOSTILE_NAME,
    HOSTILE_POLICY,
    HOSTILE_PROFILE,
    HOSTILE_SHORT,
    WARNED_LINE,
)

pytestmark = pytest.mark.build

PASSWD = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]  # e.g. root:x:0:0:root:/root:/bin/bash
LIVE = ["<img src=x", "<b>粗</b>", "<script>window.pwned", "onerror=alert(1)>"]


def text_of(markup: str) -> str:
    markup = re.sub(r"<script.*?</script>", " ", markup, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def site_files(site) -> list[Path]:
    return [p for p in site["dir"].rglob("*") if p.is_file()]


JSON_BLOCK = re.compile(r'<script type="application/json"[^>]*>.*?</script>', re.S | re.I)


def test_no_planted_markup_is_live_in_any_page_or_image(site):
    """In HTML and SVG the planted tags must be escaped. Chart specs sit in JSON script blocks, where text is
    inert unless it ends the block: a block is cut at the first </script>, so an unescaped one would leave
    the rest of the planted text live and caught here. (CSV, JSON and notebooks hold the literal text, as data.)"""
    for path in site_files(site):
        if path.suffix in (".html", ".svg"):
            content = JSON_BLOCK.sub("", path.read_text(encoding="utf-8"))
            found = [needle for needle in LIVE if needle in content]
            assert not found, (path, found)


def test_planted_text_reads_literally_in_title_heading_sidebar_and_neighbours(site):
    base = (site["dir"] / "book" / "bases" / f"{site['base']}.html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<title>(.*?)</title>", base, re.S).group(1))
    assert HOSTILE_NAME in title
    heading = text_of(re.search(r"<h1.*?</h1>", base, re.S).group(0))
    assert HOSTILE_NAME in heading
    body = text_of(base)
    assert " ".join(HOSTILE_PROFILE.split()) in body  # directives and roles shown as typed, on one line
    overview = (site["dir"] / "book" / "overview.html").read_text(encoding="utf-8")
    sidebar = text_of(overview[overview.index("bd-docs-nav") : overview.index("</nav>", overview.index("bd-docs-nav"))])
    assert HOSTILE_NAME in sidebar
    neighbour = site["ds"].base_ids()[1]
    following = (site["dir"] / "book" / "bases" / f"{neighbour}.html").read_text(encoding="utf-8")
    previous = following[following.index("prev-next-area") :]
    assert HOSTILE_NAME in text_of(previous)
    assert HOSTILE_SHORT in text_of(overview)


def test_edition_label_with_a_hash_is_printed_on_every_page(site):
    for path in (site["dir"] / "book").rglob("*.html"):
        stamp = re.search(r'<p class="dt-edition">(.*?)</p>', path.read_text(encoding="utf-8"), re.S)
        assert stamp and HOSTILE_EDITION in html.unescape(stamp.group(1)), path


def test_nothing_from_outside_the_project_is_published(site):
    for path in site_files(site):
        assert path.name != "passwd", path
        assert PASSWD.encode() not in path.read_bytes(), path


def test_pdf_shows_planted_text_literally_and_no_outside_file(site):
    pdf = site["dir"] / "pdf" / "book.pdf"
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = squeeze(text)
    assert squeeze(HOSTILE_NAME) in flat
    assert squeeze(HOSTILE_POLICY) in flat  # in the policy tables and the bibliography, as typed
    assert squeeze(HOSTILE_EDITION) in squeeze(text.split("\f")[0])
    assert PASSWD not in text and "root:x:0:0" not in flat


def test_downloads_and_charts_carry_the_literal_text(site):
    downloads = site["dir"] / "downloads"
    pages = {f"book/{page}" for page in site["report"].executed + site["report"].reused}
    for folder in (p for p in downloads.rglob("*") if p.is_dir() and any(f.is_file() for f in p.iterdir())):
        assert f"book/{folder.relative_to(downloads).as_posix()}" in pages, folder
    matrix = (downloads / "overview" / "fig-industries.vl.json").read_text(encoding="utf-8")
    assert HOSTILE_INDUSTRY.replace("/", "\\/") in matrix or HOSTILE_INDUSTRY in matrix
    industries = (site["dir"] / "book" / "overview.html").read_text(encoding="utf-8")
    assert "</script><script>window.pwned=3" not in industries and "<\\/script><script>window.pwned=3" in industries


def test_a_value_accepted_with_a_warning_is_listed_in_the_report_and_on_the_errata_page(site):
    where = f"key_figures.csv, 第 {WARNED_LINE} 行 (line {WARNED_LINE}), 列 value"
    assert any(w.startswith(where) for w in site["report"].warnings), site["report"].warnings
    errata = text_of((site["dir"] / "book" / "errata.html").read_text(encoding="utf-8"))
    assert where in errata and "半角" in errata
