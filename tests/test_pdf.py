"""The PDF edition as a document one hands to a client: within its page targets, nothing outside the text
block, no near-empty page, Table 1 with every code whole, vector figures, captions as Chinese writes them,
one bibliography, and metadata and bookmarks that say what the file is."""

import re
import subprocess
from collections import Counter
from html import unescape

import pypdf
import pytest

pytestmark = pytest.mark.pdf

MAIN_BODY_PAGES, TOTAL_PAGES = 120, 180
CM = 72 / 2.54
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@pytest.fixture(scope="module")
def pdf(site):
    return site["dir"] / "pdf" / "book.pdf"


@pytest.fixture(scope="module")
def layout_pages(pdf):
    """Each page's text as laid out (pdftotext -layout), one string per page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _first_page_of_chapter(pages: list[str], title: str) -> int:
    for number, text in enumerate(pages, 1):
        if re.search(rf"第\s*\d+\s*章\s*\n+\s*{title}\s*\n", text):
            return number
    raise AssertionError(f"no chapter {title}")


def test_the_main_body_and_the_whole_keep_to_their_page_targets(layout_pages):
    appendix = _first_page_of_chapter(layout_pages, "附表")
    assert appendix - 1 <= MAIN_BODY_PAGES, appendix
    assert len(layout_pages) <= TOTAL_PAGES


def test_no_page_is_left_nearly_empty(layout_pages):
    """Every page but the title page has at least three lines besides its running head and folio."""
    for number, text in enumerate(layout_pages[1:], 2):
        lines = [line for line in text.splitlines() if line.strip()]
        body = lines[1:-1] if re.search(r"\d+\s*$", lines[-1]) else lines
        assert len(body) >= 3, (number, body)


def test_nothing_is_set_outside_the_text_block(pdf):
    """Every word on every page, figures' labels and long URLs included, lies within the text block, whose
    edges are where full lines of running text start and end (the most common left and right edges)."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = [
        (unescape(w.group(5)), float(w.group(1)), float(w.group(3)), float(w.group(4)) - float(w.group(2)))
        for page in re.finditer(r"<page [^>]*>(.*?)</page>", bbox, flags=re.S)
        for w in WORD.finditer(page.group(1))
    ]
    left = Counter(round(x) for _, x, _, _ in words).most_common(1)[0][0]
    right = Counter(round(x) for _, _, x, _ in words).most_common(1)[0][0]
    assert right - left > 14 * CM  # A4 with margins of about 2 cm: the edges found are the text block's
    outside = [(text, round(a), round(b)) for text, a, b, h in words if a < left - _slack(text, h, 0) - 2]
    outside += [(text, round(a), round(b)) for text, a, b, h in words if b > right + _slack(text, h, -1) + 2]
    assert not outside, (left, right, outside[:10])


def _slack(word: str, height: float, end: int) -> float:
    """A full-width punctuation mark at a line's start or end is set half-width (xeCJK), but its box stays a
    whole glyph (about the text's height) wide: allow those half glyphs, and nothing else."""
    marks = "（“‘《〔「【" if end == 0 else "）”’》〕」】。，、；：！？"
    run = len(word) - len(word.lstrip(marks)) if end == 0 else len(word) - len(word.rstrip(marks))
    return 0.6 * run * height


def test_table_one_prints_every_code_whole_in_its_hierarchy(site, layout_pages):
    start = next(i for i, text in enumerate(layout_pages) if re.search(r"表\s*\d+\.\d+\s+数字贸易分类一览表", text))
    text = "\n".join(layout_pages[start : start + 12])
    taxonomy = site["ds"].taxonomy
    for node in taxonomy.itertuples():
        assert re.search(rf"(?<![\w.]){re.escape(node.node_id)}(?![\w.])", text), node.node_id
    deepest = taxonomy[taxonomy["level"] == 5].iloc[0]
    line = next(line for line in text.splitlines() if re.search(rf"{re.escape(deepest.node_id)}\s", line))
    assert deepest["name"] in line


def test_figures_are_vector_with_text_one_can_find(site, pdf, pdf_text):
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 2, images  # the header only: no raster image anywhere
    # the location chart labels each base by its short name: searchable text inside the figure
    page = next(p for p in pdf_text.split("\f") if "各基地所在城市（示意" in p)
    shown = [name for name in site["ds"].bases["short_name"] if name in page]
    assert len(shown) == len(site["ds"].bases), shown


def test_captions_read_as_chinese_writes_them(pdf_text):
    assert len(re.findall(r"图 \d+\.\d+ \S", pdf_text)) >= 10
    assert len(re.findall(r"表 \d+\.\d+ \S", pdf_text)) >= 30
    assert not re.search(r"[图表] \d+\.\d+[:：]", pdf_text)


def test_one_bibliography_numbered_in_order_of_first_mention(site, layout_pages):
    headings = [n for n, text in enumerate(layout_pages, 1) if re.match(r"\s*参考文献\s*\n", text)]
    assert len(headings) == 1, headings
    entries = re.findall(r"^\[(\d+)\] (.+)$", "\n".join(layout_pages[headings[0] - 1 :]), flags=re.M)
    assert [int(n) for n, _ in entries] == list(range(1, len(entries) + 1))
    policies = site["ds"].policies.drop_duplicates(["title", "issuer"])
    assert len(entries) == len(policies)
    first = policies.iloc[0]
    assert first["title"].replace(" ", "") in entries[0][1].replace(" ", "")


def test_metadata_and_bookmarks_say_what_the_file_is(site, pdf):
    reader = pypdf.PdfReader(pdf)
    meta = reader.metadata
    ds = site["ds"]
    assert meta.title and meta.author and ds.fingerprint in meta["/Keywords"]
    assert ds.source_report.set_index("key").at["title", "value"].replace(" ", "") in meta.subject.replace(" ", "")

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    marks = list(titles(reader.outline))
    assert "导读" in marks[0] and any("基地总览" in m for m in marks) and any("附表" in m for m in marks)
    assert any(re.match(r"\d+\.\d+ ", m) for m in marks)  # sections too, numbered as in the text
    # in the appendix, each base's measures and evidence stand under the base's name
    appendix = marks[next(i for i, m in enumerate(marks) if "附表" in m) :]
    groups = [m for i, m in enumerate(appendix) if appendix[i + 1 : i + 3] == ["建设举措与平台", "证据明细"]]
    assert len(groups) == len(ds.bases), groups
    plain = [n for n in ds.bases.sort_values("order")["name"] if re.fullmatch(r"[\w（）]+", n)]  # not the planted one
    assert [re.sub(r"^[\d.]+ ", "", g) for g in groups if re.sub(r"^[\d.]+ ", "", g) in plain] == plain
    links = [a for p in reader.pages for a in (p.get("/Annots") or []) if a.get_object().get("/Subtype") == "/Link"]
    assert len(links) > 100
