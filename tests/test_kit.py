"""The deliverable kit (dtbook.kit): a two-page brief per base and a slide deck of every figure, built with the
PDF by the same command, published beside it and linked from the cite page. Most tests read the shared site
(tests/conftest.py: the project's data with hostile text planted); two compile briefs of their own, to show
that long text still gives two pages and that a brief that cannot be two pages fails naming its base."""

import html
import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import HOSTILE_EDITION, HOSTILE_NAME, HOSTILE_POLICY, HOSTILE_SHORT

from dtbook import kit, load_dataset
from dtbook.build.plan import plan_briefs
from dtbook.citation import publication_citation
from dtbook.fmt import figure_value
from dtbook.indicators import compute_indicators
from dtbook.registry import BRIEFS_KEY, jupyter_book_toc, read_toc

PASSWD = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
A4 = (595.28, 841.89)  # points


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def briefs_of(site) -> Path:
    return site["dir"] / kit.KIT_DIR / kit.BRIEFS


# ---------------------------------------------------------------------------------------------------- briefs


@pytest.mark.pdf
def test_every_base_of_the_data_has_one_brief_of_two_a4_pages(site):
    ds = site["ds"]
    found = sorted(p.name for p in briefs_of(site).iterdir())
    assert found == sorted(f"{b}.pdf" for b in ds.base_ids())  # nothing else: no brief of a base that is gone
    assert len(found) == 12
    for pdf in briefs_of(site).iterdir():
        info = pdf_info(pdf)
        assert int(info["Pages"]) == 2, pdf.name
        width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, (pdf.name, info["Page size"])


@pytest.mark.pdf
def test_each_brief_names_its_base_its_sources_the_fingerprint_and_the_citation(site):
    ds = site["ds"]
    sections = dict(zip(ds.report_sections["section_id"], ds.report_sections["number"]))
    citation = squeeze(publication_citation(ds)["gbt_publication"])
    for base in ds.bases.itertuples():
        text = pdf_text(briefs_of(site) / f"{base.base_id}.pdf")
        flat = squeeze(text)
        assert squeeze(base.name) in flat, base.base_id
        page_two = squeeze(text.split("\f")[1])
        assert "出处" in page_two and f"报告{sections[base.source_section]}" in page_two, base.base_id
        assert "报告三（一）" in page_two or "报告三（二）" in page_two or "报告三（三）" in page_two, base.base_id
        assert ds.fingerprint in flat and citation in flat, base.base_id
        for page in text.split("\f")[:2]:  # every page's footer: edition and fingerprint
            assert ds.fingerprint in page, base.base_id
        assert f"book/bases/{base.base_id}.html" in flat  # where the rest is


@pytest.mark.pdf
def test_each_brief_shows_the_indicator_result_with_its_band_and_the_recommendations(site):
    ds = site["ds"]
    indicators = compute_indicators(ds)
    ranking = indicators.ranking.set_index("base_id")
    for base_id in ds.base_ids():
        flat = squeeze(pdf_text(briefs_of(site) / f"{base_id}.pdf"))
        rank = ranking.loc[base_id]
        low, high = int(rank["rank_p05"]), int(rank["rank_p95"])
        band = f"第{low}名" if low == high else f"第{low}—{high}名"
        assert f"中位排名第{rank['rank_median']:g}名" in flat and f"排名区间为{band}（5%—95%）" in flat, base_id
        assert f"综合指数为{rank['composite']:.1f}" in flat, base_id
        recs = indicators.recommendations[indicators.recommendations["base_id"] == base_id]
        for rec in recs.itertuples():
            assert squeeze(rec.element_name) in flat and squeeze(rec.actions)[:20] in flat, (base_id, rec.element_name)


@pytest.mark.pdf
def test_key_figures_read_their_qualifier_in_the_chinese_place(site):
    ds = site["ds"]
    figures = ds.key_figures[ds.key_figures["qualifier"].fillna("") == "以上"]
    checked = 0
    for row in figures.itertuples():
        flat = squeeze(pdf_text(briefs_of(site) / f"{row.base_id}.pdf"))
        if squeeze(row.metric) in flat:  # shown (a long list is cut)
            value = squeeze(figure_value(row.qualifier, row.value, row.unit))
            assert value.endswith("以上") and value in flat, row.figure_id
            checked += 1
    assert checked >= 2


@pytest.mark.pdf
def test_brief_fonts_are_all_embedded(site):
    for pdf in briefs_of(site).iterdir():
        rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        fonts = rows[2:]
        assert fonts, pdf.name
        assert all(line.split()[-5] == "yes" for line in fonts), (pdf.name, fonts)  # emb sub uni object ID
        assert any("NotoSerifCJK" in line or "NotoSansCJK" in line for line in fonts), pdf.name


@pytest.mark.pdf
def test_hostile_text_is_printed_literally_in_the_brief(site):
    text = pdf_text(briefs_of(site) / "zhongguancun.pdf")
    flat = squeeze(text)
    for planted in (HOSTILE_NAME, HOSTILE_SHORT, HOSTILE_POLICY, HOSTILE_EDITION):
        assert squeeze(planted) in flat, planted
    assert PASSWD not in text and "root:x:0:0" not in flat


# ---------------------------------------------------------------------------------------------------- deck

FIGURE = re.compile(r'<figure class="dt-chart[^"]*" id="([a-z0-9-]+)">(.*?)</figure>', re.S)


def site_figures(site) -> list[dict]:
    """Every figure of the built site in reading order, read from the HTML and its chart files."""
    info = json.loads((site["dir"] / "build-info.json").read_text(encoding="utf-8"))
    out = []
    for page in info["pages"]:
        path = site["dir"] / "book" / f"{page}.html"
        markup = re.sub(r"<script.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.S)
        for label, body in FIGURE.findall(markup):
            number = html.unescape(re.search(r'class="caption-number">(.*?)</span>', body).group(1)).strip()
            title = html.unescape(re.search(r'class="caption-text">(.*?)</span>', body).group(1)).strip()
            meta = json.loads((site["dir"] / "downloads" / page / f"{label}.meta.json").read_text(encoding="utf-8"))
            out.append({"label": label, "page": page, "number": number, "title": title, "meta": meta})
    return out


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


@pytest.mark.pdf
def test_deck_has_one_slide_per_figure_with_number_title_reading_source_and_edition(site):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    ds = site["ds"]
    deck = Presentation(str(site["dir"] / kit.KIT_DIR / kit.DECK))
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.01
    figures = site_figures(site)
    count = sum(
        len(re.findall(r'<figure class="dt-chart', p.read_text(encoding="utf-8")))
        for p in (site["dir"] / "book").rglob("*.html")
    )
    assert len(figures) == count >= 20
    slides = list(deck.slides)
    assert len(slides) == 1 + count  # a title slide, then one per figure
    edition = ds.edition["edition"]
    citation = publication_citation(ds)["gbt_publication"]
    title_slide = slide_text(slides[0])
    assert ds.fingerprint in title_slide and squeeze(citation) in squeeze(title_slide)
    for figure, slide in zip(figures, slides[1:]):
        text = squeeze(slide_text(slide))
        where = (figure["page"], figure["label"])
        assert re.fullmatch(r"图 \d+(\.\d+)?", figure["number"]), where
        assert squeeze(f"{figure['number']} {figure['title']}") in text, where
        assert figure["meta"]["reading"] and squeeze(figure["meta"]["reading"]) in text, where
        assert squeeze(figure["meta"]["source"]) in text and squeeze(edition) in text, where
        assert ds.fingerprint in text, where
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1, where
        picture = pictures[0]
        assert picture.left >= 0 and picture.top >= 0, where
        assert picture.left + picture.width <= deck.slide_width and picture.top + picture.height <= deck.slide_height
        notes = slide.notes_slide.notes_text_frame.text
        assert ds.fingerprint in notes and squeeze(citation) in squeeze(notes), where


# ---------------------------------------------------------------------------------------------------- cite page


@pytest.mark.pdf
def test_cite_page_links_every_brief_by_name_and_the_deck_and_the_links_resolve(site):
    ds = site["ds"]
    page = site["dir"] / "book" / "cite.html"
    markup = page.read_text(encoding="utf-8")
    assert "dt-kit-size" not in markup  # every size filled in at publishing
    kit_list = re.search(r'<ul class="dt-kit">(.*?)</ul>', markup, re.S).group(1)
    links = {href: html.unescape(text) for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', kit_list)}
    names = dict(zip(ds.bases["base_id"], ds.bases["name"]))
    for base_id, name in names.items():
        href = f"../kit/briefs/{base_id}.pdf"
        assert links.get(href) == name, base_id
    assert "../kit/deck.pptx" in links
    assert len(links) == len(names) + 1
    for href in links:
        assert not href.startswith(("/", "http")), href  # relative: works from file:// too
        target = (page.parent / href).resolve()
        assert target.is_file() and target.stat().st_size > 10_000, href
    assert len(re.findall(r"\d+ KB|\d+\.\d MB", kit_list)) == len(links)


# ---------------------------------------------------------------------------------------------------- machinery


@pytest.mark.unit
def test_briefs_are_declared_in_the_registry_and_hidden_from_jupyter_book(data_copy):
    toc = read_toc()
    assert toc[BRIEFS_KEY]["notebook"] == "brief"
    assert BRIEFS_KEY not in jupyter_book_toc(["dalian"])
    ds = load_dataset(data_copy)
    jobs = plan_briefs(ds, compute_indicators(ds))
    assert [job.page for job in jobs] == [f"briefs/{b}" for b in ds.base_ids()]
    for job in jobs:
        base_id = dict(job.spec.params)["base_id"]
        for table in ("key_figures", "policies", "measures"):
            assert set(job.inputs.data[table]["base_id"]) <= {base_id}  # its own rows only
        assert job.inputs.data.fingerprint == ds.fingerprint
    assert len({job.key for job in jobs}) == len(jobs)
    assert [job.key for job in plan_briefs(ds, compute_indicators(ds))] == [job.key for job in jobs]


@pytest.mark.unit
def test_data_text_reaches_latex_escaped_and_grouped():
    hostile = "\\input{/etc/passwd} 100% $x$ #1 _a ^b ~c `d` &e\n[opt] *"
    out = kit.tex(hostile)
    assert out.startswith("{") and out.endswith("}")
    assert "\\input" not in out.replace("\\textbackslash{}input", "")
    for ch in "%$#_&":
        assert f"\\{ch}" in out
    assert "\n" not in out
    clipped = kit.clip("数" * 100, 21)
    assert clipped.endswith("…") and kit.width(clipped) <= 21


def _stressed(base_id: str):
    """The project's data with one base's every text and list far longer than the report's."""
    ds = load_dataset(Path(__file__).resolve().parent.parent / "data")
    indicators = compute_indicators(ds)
    tables, long = ds.tables, "数字贸易" * 300
    bases = tables["bases"].copy()
    own = bases["base_id"] == base_id
    for field in ("name", "short_name", "province", "city"):
        bases.loc[own, field] = "很长的名称" * 20
    bases.loc[own, ["positioning", "profile"]] = long
    tables["bases"] = bases
    for table, field, copies in (
        ("key_figures", "metric", 8),
        ("measures", "title", 8),
        ("focus_industries", "industry", 8),
    ):
        frame = tables[table]
        extra = pd.concat([frame[frame["base_id"] == base_id]] * copies, ignore_index=True)
        extra[field] = "很长的条目" * 12
        tables[table] = pd.concat([frame, extra], ignore_index=True)
    policies = tables["policies"]
    extra = pd.concat([policies[policies["base_id"].notna()].head(3)] * 6, ignore_index=True)
    extra["base_id"], extra["title"] = base_id, "很长的政策标题" * 12
    tables["policies"] = pd.concat([policies, extra], ignore_index=True)
    recs = indicators.recommendations.copy()
    recs.loc[recs["base_id"] == base_id, ["actions", "trigger"]] = long
    indicators.recommendations = recs
    return ds, indicators


@pytest.mark.pdf
def test_a_brief_of_very_long_text_is_still_two_pages_and_says_where_the_rest_is(tmp_path):
    ds, indicators = _stressed("xiamen")
    brief = kit.compile_brief(ds, indicators, "xiamen", tmp_path)
    assert kit.page_count(brief.pdf) == 2
    flat = squeeze(pdf_text(brief.pdf))
    assert re.search(r"另有\d+项关键数据见本书网站该基地页book/bases/xiamen\.html", flat)
    assert re.search(r"另有\d+件政策文件见", flat) and ds.fingerprint in flat


@pytest.mark.pdf
def test_a_brief_that_cannot_be_two_pages_fails_naming_its_base(tmp_path, monkeypatch):
    ds, indicators = _stressed("xiamen")
    monkeypatch.setattr(kit, "ATTEMPTS", 1)  # no tighter budget to fall back on
    roomy = kit.Budget(profile=20_000, figures=60, policies=40, action=20_000)
    monkeypatch.setattr(kit.Budget, "tighter", lambda self, step: roomy)
    with pytest.raises(kit.KitError, match=r"很长的名称.*（xiamen）的简报有 \d+ 页，不是 2 页"):
        kit.compile_brief(ds, indicators, "xiamen", tmp_path)
