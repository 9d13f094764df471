"""The reader's experience in a real browser: Debian's Chromium driven by Playwright against the site
built from a copy of the data and served on 127.0.0.1, with every request for another host refused.
The site is the shared build of tests/conftest.py (with hostile text planted in its data); one server
and one browser serve every test in this module. Playwright never downloads a browser here; axe-core
comes from tests/browser (npm ci)."""

import re
from urllib.parse import quote

import pytest
from browsing import DESKTOP, PHONE, links, visit
from conftest import HOSTILE_NAME, PROJECT

from dtbook.paths import BUNDLE_URL

pytestmark = pytest.mark.browser

AXE = PROJECT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
INLINE_SCRIPT_LIMIT = 4096  # characters; the chart library must come from its own file, not the page
# pydata-sphinx-theme's own header buttons, markup this project does not write and CSS cannot rename:
# the search button is named "搜索" but also shows the hint "Ctrl+K", and the colour-mode button is named
# "Color mode" while Font Awesome titles its icons 亮色/暗色. Only this rule, only these elements.
THEME_EXCEPTIONS = {"label-content-name-mismatch": ".search-button__button, .theme-switch-button"}


def path_of(site, label: str) -> str:
    """Site path of a page; "base" is the first base page in publication order."""
    return {
        "home": "book/index.html",
        "overview": "book/overview.html",
        "base": f"book/bases/{site['base']}.html",
        "taxonomy": "book/taxonomy.html",
        "indicators": "book/indicators.html",
        "errata": "book/errata.html",
        "search": "search.html",
    }[label]


def test_charts_draw_offline_and_show_tooltips(site, url, page, left_the_machine):
    for path in (path_of(site, label) for label in ("overview", "base", "indicators")):
        assert set(visit(page, url(path))) == {"done"}, path
        charts = page.eval_on_selector_all(
            "div.dt-vega",
            """divs => divs.map(d => ({
            marks: d.querySelectorAll('svg g.role-mark > *').length,
            label: d.querySelector('[role=graphics-document]')?.getAttribute('aria-label') || ''}))""",
        )
        assert all(chart["marks"] > 0 for chart in charts), (path, charts)
        assert all(chart["label"].strip() for chart in charts), (path, "chart without a text alternative")
        point = page.eval_on_selector(
            "div.dt-vega",
            """div => {
            const area = m => { const r = m.getBoundingClientRect(); return r.width * r.height; };
            const mark = [...div.querySelectorAll('svg g.role-mark > path')]
                .reduce((a, b) => area(b) > area(a) ? b : a);
            mark.scrollIntoView({block: 'center', inline: 'center'});
            const r = mark.getBoundingClientRect();
            return {x: r.left + r.width / 2, y: r.top + r.height / 2};
        }""",
        )
        page.mouse.move(point["x"], point["y"])
        tooltip = page.locator("#vg-tooltip-element.visible")
        tooltip.wait_for(timeout=5_000)
        assert tooltip.inner_text().strip(), path
        page.mouse.move(0, 0)
    assert not left_the_machine


def search(page, url, query: str) -> list[str]:
    """Site paths the search page lists for query, best first."""
    page.goto(url(f"search.html?q={quote(query)}"))
    page.wait_for_function(
        "document.querySelector('#search-results p.search-summary')?.textContent.trim()", timeout=15_000
    )
    return [path for path, _ in links(page, "#search-results ul.search li")]


def test_chinese_search_finds_terms_typed_without_spaces(site, url, page, left_the_machine):
    ds = site["ds"]
    industries = ds.focus_industries
    for term in ("区块链", "人工智能"):
        expected = {f"book/bases/{b}.html" for b in industries.loc[industries["industry"] == term, "base_id"]}
        assert expected
        found = set(search(page, url, term))
        assert expected <= found, (term, sorted(expected - found))
    assert "book/bases/hainan.html" in search(page, url, "区块链")
    for base in ds.bases.itertuples():
        page_of_base = f"book/bases/{base.base_id}.html"
        for name in {base.name, base.short_name}:
            assert page_of_base in search(page, url, name), name
    assert not left_the_machine


def test_base_pages_link_to_overview_indicators_and_their_taxonomy_classes(site, url, page):
    ds = site["ds"]
    industries = ds.focus_industries
    targets = {}
    for base_id in ds.base_ids():
        page.goto(url(f"book/bases/{base_id}.html"))
        found = links(page, "article.bd-article")
        assert ("book/overview.html", "") in found, base_id
        assert {("book/indicators.html", "tbl-tiers"), ("book/indicators.html", "fig-score-heatmap")} <= set(found), (
            base_id
        )
        ids = industries.loc[industries["base_id"] == base_id, "taxonomy_ids"]
        classes = {f"tax-{node.split('.')[0].lower()}" for nodes in ids for node in nodes}
        linked = {
            fragment for path, fragment in found if path == "book/taxonomy.html" and re.fullmatch(r"tax-t\d+", fragment)
        }
        assert linked == classes, base_id
        for path, fragment in found:
            if fragment and path in ("book/indicators.html", "book/taxonomy.html"):
                targets.setdefault(path, set()).add(fragment)
    for path, fragments in targets.items():
        page.goto(url(path))
        missing = [f for f in sorted(fragments) if not page.evaluate("id => !!document.getElementById(id)", f)]
        assert not missing, (path, missing)


def test_overview_links_to_every_base_page(site, url, page):
    page.goto(url("book/overview.html"))
    linked = {path for path, _ in links(page, "article.bd-article")}
    assert {f"book/bases/{b}.html" for b in site["ds"].base_ids()} <= linked


@pytest.mark.parametrize("label", ["home", "overview", "base", "taxonomy", "indicators", "errata", "search"])
def test_sidebar_lists_base_pages_in_data_order(site, url, page, label):
    page.goto(url(path_of(site, label)))
    listed = [
        m.group(1) for p, _ in links(page, "nav.bd-docs-nav") if (m := re.fullmatch(r"book/bases/(\w+)\.html", p))
    ]
    assert listed == site["ds"].base_ids()


def test_phone_width_has_no_sideways_scrolling_and_wide_tables_scroll_in_place(site, url, new_page, left_the_machine):
    phone = new_page(viewport=PHONE)
    for path in (path_of(site, "base"), path_of(site, "taxonomy")):
        visit(phone, url(path))
        scroll, client = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client + 1, (path, scroll, client)
        tables = phone.eval_on_selector_all(
            "table.dt-table",
            """tables => tables.map(t => ({
            id: t.id, scroll: t.scrollWidth, client: t.clientWidth, overflow: getComputedStyle(t).overflowX,
            right: t.getBoundingClientRect().right}))""",
        )
        assert tables, path
        for table in tables:
            assert table["overflow"] in ("auto", "scroll") and table["right"] <= client + 1, (path, table)
        assert any(table["scroll"] > table["client"] for table in tables), (path, "no wide table to check")
    assert not left_the_machine


def axe_problems(page) -> list[dict]:
    """Serious and critical axe-core violations, minus the theme exceptions above."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async exceptions => {
        const result = await axe.run();
        return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({
            id: v.id, help: v.help,
            nodes: v.nodes.filter(n => !(exceptions[v.id]
                                         && document.querySelector(n.target[0])?.matches(exceptions[v.id])))
                          .map(n => n.target.join(' '))
        })).filter(v => v.nodes.length);
    }""",
        THEME_EXCEPTIONS,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_problems(site, url, new_page, left_the_machine, scheme):
    reader = new_page(viewport=DESKTOP, color_scheme=scheme)
    for path in (path_of(site, label) for label in ("home", "base", "taxonomy", "indicators")):
        visit(reader, url(path))
        assert reader.evaluate("document.documentElement.dataset.theme") == scheme
        assert axe_problems(reader) == [], path
    assert not left_the_machine


def test_screenshots_for_review(site, url, page):
    folder = site["out"] / "screenshots"
    folder.mkdir(exist_ok=True)
    for label in ("home", "base", "indicators"):
        assert "failed" not in visit(page, url(path_of(site, label)))
        page.screenshot(path=str(folder / f"{label}.png"), full_page=True)
        assert (folder / f"{label}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def requests_for(page, address: str) -> list[str]:
    seen = []

    def record(request):
        seen.append(request.url)

    page.on("request", record)
    visit(page, address)
    page.remove_listener("request", record)
    return seen


def test_chart_library_loads_once_from_its_own_file_and_only_where_needed(site, url, page):
    bundle = url(BUNDLE_URL)
    with_charts = [path_of(site, label) for label in ("home", "overview", "base", "taxonomy", "indicators")]
    for path in with_charts + [path_of(site, "errata"), path_of(site, "search")]:
        requested = [r for r in requests_for(page, url(path)) if "vega" in r]
        assert requested == ([bundle] if path in with_charts else []), path
        inline = page.eval_on_selector_all(
            "script:not([src])",
            """scripts => scripts
            .filter(s => !s.type || /javascript|module/.test(s.type)).map(s => s.textContent.length)""",
        )
        assert max(inline) < INLINE_SCRIPT_LIMIT, path


def test_planted_markup_never_runs_on_pages_or_in_search_results(site, url, page, dialogs):
    """The shared site's data carries <img onerror>, <script> and </script> in a base name, a profile, a
    measure and an industry: on the base page, the overview (charts) and the search results for the base's
    name, none of it may become an element or run."""
    pages = [f"book/bases/{site['base']}.html", "book/overview.html", f"search.html?q={quote('中关村软件园')}"]
    for path in pages:
        visit(page, url(path))
        if path.startswith("search"):
            page.wait_for_function(
                "document.querySelectorAll('#search-results ul.search li').length > 0", timeout=15_000
            )
        planted = page.evaluate("""() => ({
            pwned: [window.pwned, window.pwned2, window.pwned3].filter(v => v !== undefined),
            images: [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length,
            handlers: [...document.querySelectorAll('*')]
                .filter(e => (e.getAttribute('onerror') || '').includes('alert')).length,
            bold: [...document.querySelectorAll('b')].filter(b => b.textContent === '粗').length})""")
        assert planted == {"pwned": [], "images": 0, "handlers": 0, "bold": 0}, (path, planted)
        if path.startswith("search"):
            titles = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.textContent)")
            assert any(HOSTILE_NAME in title for title in titles), titles
    assert dialogs == []


def test_long_tables_scroll_within_one_screen_with_their_header_in_view(site, url, page):
    page.goto(url(path_of(site, "overview")))
    tables = page.eval_on_selector_all(
        "table.dt-table",
        """tables => tables.map(t => ({id: t.id, rows: t.querySelectorAll('tbody tr').length,
            height: t.getBoundingClientRect().height, scroll: t.scrollHeight}))""",
    )
    viewport = page.viewport_size["height"]
    long = [t for t in tables if t["rows"] > 30]
    assert long, "the overview has long tables (policies, key figures)"
    for table in long:
        assert table["height"] <= viewport and table["scroll"] > table["height"], table
    first = long[0]["id"]
    page.eval_on_selector(f"#{first}", "t => { t.scrollTop = 400; }")
    header = page.eval_on_selector(
        f"#{first}", "t => t.querySelector('thead th').getBoundingClientRect().top - t.getBoundingClientRect().top"
    )
    assert 0 <= header < 60  # the header row stays at the top of the scrolled frame
