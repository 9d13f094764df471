"""End to end: the published site and PDF of the shared build (tests/conftest.py), read as a reader gets them."""

import json
import re
import subprocess
import zipfile

import pandas as pd
import pytest
from conftest import HOSTILE_SCRIPT, visible_text

pytestmark = pytest.mark.build


def page(site, name: str) -> str:
    return (site["dir"] / "book" / f"{name}.html").read_text(encoding="utf-8")


def test_build_executed_every_page(site):
    report, ds = site["report"], site["ds"]
    assert report.status == "built"
    assert set(report.executed) >= {f"bases/{b}" for b in ds.base_ids()} | {"overview", "indicators", "taxonomy"}
    assert report.rendered == ["html", "pdflatex"]


def test_every_base_has_its_page_with_positioning_and_figures(site):
    ds = site["ds"]
    for base in ds.bases.itertuples():
        text = visible_text(page(site, f"bases/{base.base_id}"))
        assert base.name in text
        if base.positioning is not pd.NA:
            assert base.positioning in text
        else:
            assert "报告未给出定位" in text
        for figure in ds.key_figures[ds.key_figures["base_id"] == base.base_id].itertuples():
            assert figure.metric in text and figure.unit in text
        for policy in ds.policies[ds.policies["base_id"] == base.base_id].itertuples():
            assert policy.title in text


def test_taxonomy_page_holds_every_node(site):
    text = visible_text(page(site, "taxonomy"))
    missing = [n for n in site["ds"].taxonomy["name"] if n not in text]
    assert not missing
    for node_id in site["ds"].taxonomy["node_id"]:
        assert f">{node_id}<" in page(site, "taxonomy")


def test_framework_page_holds_all_nine_elements_and_actions(site):
    ds = site["ds"]
    text = visible_text(page(site, "framework"))
    assert len(ds.framework_elements) == 9
    for name in list(ds.framework_elements["name"]) + list(ds.framework_groups["name"]):
        assert name in text
    for action in ds.framework_actions["action"]:
        assert action[:20] in text


def test_no_page_loads_anything_from_the_network(site):
    remote = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["'](?:https?:)?//""", re.I)
    css_remote = re.compile(r"url\(\s*['\"]?(?:https?:)?//", re.I)
    for path in site["dir"].rglob("*.html"):
        assert not remote.search(path.read_text(encoding="utf-8")), path
    for path in site["dir"].rglob("*.css"):
        assert not css_remote.search(path.read_text(encoding="utf-8", errors="replace")), path


def test_text_from_data_is_escaped(site):
    html = page(site, f"bases/{site['base']}")
    assert HOSTILE_SCRIPT not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_pages_show_no_code_parameters_warnings_or_tracebacks(site):
    for path in (site["dir"] / "book").rglob("*.html"):
        text = visible_text(path.read_text(encoding="utf-8"))
        for needle in ("Traceback", "Warning", "data_dir", "site_dir", "load_dataset", "import "):
            assert needle not in text, (path, needle)


def test_tables_and_figures_are_numbered_with_stable_anchors(site):
    overview = page(site, "overview")
    for anchor in ("tbl-bases", "fig-policy-timeline", "fig-locations", "tbl-key-figures"):
        assert f'id="{anchor}"' in overview
    assert re.search(r'caption-number">表 \d+(\.\d+)* ', overview)
    assert re.search(r'caption-number">图 \d+(\.\d+)* ', overview)


def test_table_downloads_match_the_data(site):
    ds = site["ds"]
    downloads = site["dir"] / "downloads"
    figures = pd.read_csv(downloads / "overview" / "tbl-key-figures.csv")
    assert len(figures) == len(ds.key_figures)
    with zipfile.ZipFile(downloads / "overview" / "tbl-key-figures.xlsx") as book:
        sheets = book.read("xl/workbook.xml").decode()
    assert "说明" in sheets and "数据" in sheets
    about = pd.read_excel(downloads / "overview" / "tbl-key-figures.xlsx", sheet_name="说明")
    assert ds.edition["edition"] in " ".join(about["内容"].astype(str))


def test_chart_downloads_carry_source_and_edition(site):
    folder = site["dir"] / "downloads" / "overview"
    png = (folder / "fig-policy-timeline.png").read_bytes()
    assert png.startswith(b"\x89PNG") and b"iTXt" in png and site["ds"].edition["edition"].encode() in png
    width = int.from_bytes(png[16:20], "big")
    assert width >= 1500  # rendered at 3x: sharp on slides
    svg = (folder / "fig-policy-timeline.svg").read_text(encoding="utf-8")
    assert "<desc>" in svg and site["ds"].edition["edition"] in svg
    spec = json.loads((folder / "fig-policy-timeline.vl.json").read_text(encoding="utf-8"))
    dated = site["ds"].policies["date"].notna().sum()
    assert len(spec["datasets"][next(iter(spec["datasets"]))]) == dated


def test_data_package_describes_every_table(site):
    ds = site["ds"]
    package = json.loads((site["dir"] / "data" / "datapackage.json").read_text(encoding="utf-8"))
    data = [r for r in package["resources"] if not r["path"].startswith("indicators/")]
    assert {r["name"] for r in data} == set(ds.schemas)
    indicators = [r for r in package["resources"] if r["path"].startswith("indicators/")]
    assert {r["path"] for r in indicators} == {
        "indicators/scores.csv",
        "indicators/coverage.csv",
        "indicators/ranking.csv",
        "indicators/recommendations.csv",
        "indicators/element_means.csv",
        "indicators/pairwise.csv",
        "indicators/sensitivity.csv",
        "indicators/coherence.csv",
        "indicators/correlations.csv",
        "indicators/reliability.csv",
    }
    ranking = pd.read_csv(site["dir"] / "data" / "indicators" / "ranking.csv")
    assert len(ranking) == len(ds.bases)  # published ranks follow the published composites, 1 = highest
    assert ranking["rank"].tolist() == ranking["composite"].rank(ascending=False, method="min").astype(int).tolist()
    assert package["fingerprint"] == ds.fingerprint and package["licenses"]
    for resource in data:
        table = pd.read_csv(site["dir"] / "data" / resource["path"], keep_default_na=False)
        assert len(table) == resource["rows"] == len(ds[resource["name"]])
        assert [f["name"] for f in resource["schema"]["fields"]] == list(table.columns)
        assert resource["sources"][0]["title"]
    bib = (site["dir"] / "data" / "policies.bib").read_text(encoding="utf-8")
    assert bib.count("@misc{") == len(set(zip(ds.policies["title"], ds.policies["issuer"].fillna(""))))


def test_every_page_carries_edition_and_fingerprint(site):
    ds = site["ds"]
    for path in (site["dir"] / "book").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert ds.fingerprint in html and ds.edition["edition"] in html, path


def test_executed_notebooks_are_downloadable(site):
    source = site["dir"] / "_sources" / "book" / "overview.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs and all(o.get("output_type") != "error" for o in outputs)


def test_sidebar_lists_bases_in_data_order(site):
    html = page(site, "overview")
    nav = html[html.index("bd-docs-nav") :]
    positions = [nav.index(f"bases/{b}.html") for b in site["ds"].base_ids()]
    assert positions == sorted(positions)


@pytest.mark.pdf
def test_site_links_the_pdf(site):
    assert 'href="../pdf/book.pdf"' in page(site, "index")
    assert (site["dir"] / "pdf" / "book.pdf").read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- the PDF edition


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.pdf
def test_pdf_holds_bases_framework_and_taxonomy_in_chinese(site, pdf_text):
    ds, flat = site["ds"], squeeze(pdf_text)
    for name in ds.bases["name"]:
        assert squeeze(name) in flat, name
    for name in ds.framework_elements["name"]:
        assert name in flat
    missing = [n for n in ds.taxonomy["name"] if squeeze(n) not in flat]
    assert not missing


@pytest.mark.pdf
def test_pdf_title_page_names_source_edition_and_fingerprint(site, pdf_text):
    first_page = squeeze(pdf_text.split("\f")[0])
    ds = site["ds"]
    report = ds.source_report.set_index("key")["value"]
    assert squeeze(report["author"]) in first_page and ds.fingerprint in first_page
    assert squeeze(ds.edition["edition"]) in first_page


@pytest.mark.pdf
def test_pdf_has_a_plausible_length_and_table_of_contents(site, pdf_text):
    pages = pdf_text.split("\f")
    assert 60 < len(pages) < 1000
    contents = squeeze("".join(pages[1:8]))
    assert "目录" in contents
    for chapter in ("基地总览", "数字贸易的定义与分类", "方法说明", "指标结果"):
        assert chapter in contents
    assert re.search(r"第\s*\d+\s*章", pdf_text)


@pytest.mark.pdf
def test_pdf_uses_embedded_cjk_fonts_without_missing_glyphs(site):
    fonts = subprocess.run(
        ["pdffonts", str(site["dir"] / "pdf" / "book.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert any("NotoSerifCJK" in line for line in fonts) and any("NotoSansCJK" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts)  # every font embedded
    log = (site["out"] / "stage" / "_build" / "latex" / "book.log").read_text(errors="replace")
    assert "Missing character" not in log


def test_pages_do_without_the_icon_script_but_keep_the_icon_font(site):
    for path in (site["dir"] / "book").rglob("*.html"):
        assert "fontawesome.js" not in path.read_text(encoding="utf-8"), path
    css = (site["dir"] / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    font = re.search(r"url\((\.\./vendor/fontawesome/webfonts/fa-solid-900\.woff2)\)", css).group(1)
    assert (site["dir"] / "_static" / "styles" / font).resolve().exists()


def test_indicator_results_lead_with_tiers_and_carry_their_audit(site, pdf_text):
    indicators, audit = page(site, "indicators"), page(site, "audit")
    for anchor in ("tbl-tiers", "fig-ranking", "fig-pairwise", "tbl-pairwise", "fig-score-heatmap", "fig-report-items"):
        assert f'id="{anchor}"' in indicators, anchor
    assert indicators.index('id="tbl-tiers"') < indicators.index('id="fig-score-heatmap"')  # the headline first
    for anchor in (
        "tbl-audit-steps",
        "tbl-reliability",
        "tbl-coding-disagreements",
        "tbl-coherence",
        "tbl-sensitivity",
    ):
        assert f'id="{anchor}"' in audit, anchor
    ranking = pd.read_csv(site["dir"] / "data" / "indicators" / "ranking.csv")
    short = site["ds"].bases.set_index("base_id")["short_name"]
    shown = pd.read_csv(site["dir"] / "downloads" / "indicators" / "tbl-tiers.csv")
    assert shown["梯队"].nunique() == ranking["tier"].nunique() >= 2
    for _, members in ranking.groupby("tier"):  # the page's tiers are the published ones
        label = shown.loc[shown["基地"] == short[members["base_id"].iloc[0]], "梯队"].iloc[0]
        assert set(shown.loc[shown["梯队"] == label, "基地"]) == set(short[members["base_id"]])
    text = visible_text(indicators)
    assert "显著" not in text and "显著" not in visible_text(audit)  # no significance language without a sampling model
    flat = squeeze(pdf_text)
    for words in ("指标审计", "编码信度", "两两比较", "梯队", "统计一致性"):
        assert words in flat, words


def test_front_page_leads_with_findings_from_the_data(site):
    home = page(site, "index")
    text = visible_text(home[home.index('<article class="bd-article"') : home.index("</article>")])
    ds = site["ds"]
    policies = pd.read_csv(site["data"] / "policies.csv", keep_default_na=False)
    bases = pd.read_csv(site["data"] / "bases.csv", keep_default_na=False)
    assert f"{len(bases)} 个国家数字服务出口基地" in text and f"{len(policies)} 份政策文件" in text  # counted by hand
    assert 'id="fig-home-locations"' in home
    ranking = pd.read_csv(site["dir"] / "data" / "indicators" / "ranking.csv")
    findings = text[text.index("指标结果一览") : text.index("基地分布", text.index("指标结果一览"))]
    assert f"分为 {ranking['tier'].nunique()} 个梯队" in findings
    for row in ranking.itertuples():  # every base in its tier with its band
        short = ds.bases.set_index("base_id").at[row.base_id, "short_name"]
        band = f"第 {row.rank_p05} 名" if row.rank_p05 == row.rank_p95 else f"第 {row.rank_p05}—{row.rank_p95} 名"
        assert squeeze(f"{short}（{band}）") in squeeze(findings), short
    for base_id in ds.base_ids():
        assert f'href="bases/{base_id}.html"' in home
    assert findings.index("第一梯队") < text.index("基地分布")


def test_downloadable_notebooks_carry_the_page_own_parameters_and_no_build_paths(site):
    for base_id in site["ds"].base_ids():
        text = (site["dir"] / "_sources" / "book" / "bases" / f"{base_id}.ipynb").read_text(encoding="utf-8")
        assert f"base_id = '{base_id}'" in text
        assert str(site["out"]) not in text and "/cache/" not in text and "inputs.pkl" not in text


def test_reader_text_names_no_files_or_options_of_the_build(site):
    """File names and command options belong to the README. Exceptions: the cite page's download list, and the
    errata page's data warnings, which tell an editor the file, line and column to look at."""
    developer = re.compile(r"[\w/.-]+\.(?:csv|md|py|yaml|ipynb)\b|--[a-z]+|\bdata/")
    for path in (site["dir"] / "book").rglob("*.html"):
        if path.stem == "cite":
            continue
        markup = path.read_text(encoding="utf-8")
        article = markup[markup.index('<article class="bd-article"') : markup.index("</article>")]
        text = visible_text(article).split("数据合理性提示")[0]
        found = developer.findall(text)
        assert not found, (path.name, found[:5])
