"""The site's chrome as a reader meets it (issue 12): sidebar toggles that work on a phone and on a desktop,
interface text in Chinese, charts and tables that fit a phone, one font for text and digits, a clean console,
a favicon, visible keyboard focus and CSV downloads that Excel reads. Same shared site, server and browser as
tests/test_browser.py."""

import re

import pytest
from browsing import PHONE, visit

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PAGES = {
    "home": "book/index.html",
    "overview": "book/overview.html",
    "taxonomy": "book/taxonomy.html",
    "indicators": "book/indicators.html",
    "search": "search.html",
}
BOM = b"\xef\xbb\xbf"
# English interface text the themes and vega used to write (issue 12); "Ctrl+K" may stay.
ENGLISH = re.compile(
    r"Toggle (primary|secondary) sidebar|Color mode|System Settings|\bLight\b|\bDark\b|Link to this"
    r"|Back to top|\bSearch\b|Copyright|Print to PDF|[XY]-axis|axis titled|legend titled|\bMain\b|\bPage\b"
)


def pages(site) -> dict[str, str]:
    return PAGES | {"base": f"book/bases/{site['base']}.html"}


def visible(page, selector: str):
    """The first element matching selector that is displayed."""
    return page.locator(selector).locator("visible=true").first


# ---------------------------------------------------------------- 1. the sidebar toggles


def test_phone_menu_opens_the_navigation_and_its_links_navigate(url, new_page):
    phone = new_page(viewport=PHONE)
    visit(phone, url(PAGES["overview"]))
    visible(phone, ".primary-toggle").click()
    dialog = phone.locator("#pst-primary-sidebar-modal")
    dialog.wait_for(state="visible", timeout=5_000)
    assert phone.evaluate("document.getElementById('pst-primary-sidebar-modal').open")
    chapter = dialog.locator("nav.bd-docs-nav a[href$='taxonomy.html']")
    chapter.click(timeout=5_000)  # fails unless the link is visible, enabled and receives the tap
    phone.wait_for_url(re.compile(r"/book/taxonomy\.html"), timeout=10_000)


def test_phone_contents_icon_opens_the_page_contents(url, new_page):
    phone = new_page(viewport=PHONE)
    visit(phone, url(PAGES["taxonomy"]))
    visible(phone, ".secondary-toggle").click()
    dialog = phone.locator("#pst-secondary-sidebar-modal")
    dialog.wait_for(state="visible", timeout=5_000)
    assert dialog.locator("nav a.nav-link").locator("visible=true").count() > 0
    phone.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=5_000)
    assert phone.locator("#pst-secondary-sidebar nav a.nav-link").count() > 0  # the contents went back


def test_desktop_menu_hides_and_shows_the_sidebar(url, new_page):
    desk = new_page(viewport=DESKTOP)
    visit(desk, url(PAGES["overview"]))
    sidebar = desk.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    visible(desk, ".primary-toggle").click()
    sidebar.wait_for(state="hidden", timeout=5_000)
    assert not desk.evaluate("document.getElementById('pst-primary-sidebar-modal').open")
    visible(desk, ".primary-toggle").click()
    sidebar.wait_for(state="visible", timeout=5_000)


# ---------------------------------------------------------------- 2. interface text in Chinese

INTERFACE_TEXT = """() => {
    const scopes = ['.bd-header', '.bd-header-article', '#pst-primary-sidebar', '#pst-secondary-sidebar',
                    '.bd-footer-content', '.bd-footer', '#pst-back-to-top', 'div.dt-vega', 'a.headerlink'];
    const found = [];
    for (const scope of document.querySelectorAll(scopes.join(','))) {
        for (const el of [scope, ...scope.querySelectorAll('*')]) {
            for (const name of ['title', 'aria-label', 'data-bs-title', 'data-bs-original-title', 'placeholder',
                                'aria-roledescription', 'aria-description']) {
                const value = el.getAttribute(name);
                if (value) found.push(value);
            }
            if (el.matches('button, a, summary, [role=button], p, span, kbd, label')) found.push(el.textContent);
        }
    }
    return found;
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_interface_text_is_chinese(site, url, new_page, viewport):
    reader = new_page(viewport=viewport)
    for label, path in pages(site).items():
        visit(reader, url(path))
        english = sorted({text.strip() for text in reader.evaluate(INTERFACE_TEXT) if ENGLISH.search(text)})
        assert english == [], (label, english)


def test_download_menu_opens_the_books_pdf(site, url, page):
    visit(page, url(PAGES["overview"]))
    item = page.locator(".dropdown-download-buttons .btn-download-pdf-button")
    assert item.get_attribute("onclick") is None
    href = page.evaluate("document.querySelector('.dropdown-download-buttons .btn-download-pdf-button').href")
    assert href == url("pdf/book.pdf")
    assert page.request.get(href).status == 200


# ---------------------------------------------------------------- 3. charts and tables on a phone

CHART_FRAMES = """() => [...document.querySelectorAll('div.dt-vega svg')].map(svg => {
    const column = document.querySelector('article.bd-article').getBoundingClientRect();
    const r = svg.getBoundingClientRect();
    let frame = svg.parentElement;
    while (frame && !['auto', 'scroll'].includes(getComputedStyle(frame).overflowX)) frame = frame.parentElement;
    const hint = frame && frame.previousElementSibling;
    return {
        id: svg.closest('figure')?.id, fits: r.left >= column.left - 1 && r.right <= column.right + 1,
        frame: !!frame, scrolls: !!frame && frame.scrollWidth > frame.clientWidth,
        frameInside: !!frame && frame.getBoundingClientRect().right <= window.innerWidth + 1,
        cue: !!frame && frame.classList.contains('dt-scrolls') && !!hint
             && hint.classList.contains('dt-scroll-hint') && hint.offsetParent !== null
             && hint.textContent.includes('左右滑动'),
    };
})"""


def test_phone_charts_fit_or_scroll_with_a_cue(site, url, new_page):
    phone = new_page(viewport=PHONE)
    fitted = 0
    for label in ("overview", "base", "taxonomy", "indicators"):
        assert set(visit(phone, url(pages(site)[label]))) == {"done"}, label
        scroll, client = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client + 1, (label, scroll, client)
        charts = phone.evaluate(CHART_FRAMES)
        assert charts, label
        for chart in charts:
            assert chart["fits"] or (chart["frame"] and chart["frameInside"] and chart["cue"]), (label, chart)
        fitted += sum(chart["fits"] for chart in charts)
    assert fitted >= 4  # the simple charts take the phone's width instead of scrolling


def test_phone_wide_table_keeps_its_first_column_in_view(url, new_page):
    phone = new_page(viewport=PHONE)
    visit(phone, url(PAGES["overview"]))
    state = phone.evaluate("""() => {
        const table = [...document.querySelectorAll('table.dt-table')].find(t => t.scrollWidth > t.clientWidth + 50);
        const cell = table.querySelector('tbody tr td');
        const before = cell.getBoundingClientRect().left;
        table.scrollLeft = 250;
        const r = cell.getBoundingClientRect(), t = table.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {scrolled: table.scrollLeft, shift: Math.abs(r.left - before), inside: r.left >= t.left - 1,
                onTop: cell.contains(hit)};
    }""")
    assert state["scrolled"] > 0 and state["shift"] <= 1 and state["inside"] and state["onTop"], state


def test_phone_table_cells_are_not_squeezed(site, url, new_page):
    phone = new_page(viewport=PHONE)
    for label in ("overview", "base", "indicators"):
        visit(phone, url(pages(site)[label]))
        # a text cell of three characters or more is at least 5em wide: no more two characters a line
        narrow = phone.evaluate("""() => [...document.querySelectorAll('table.dt-table td, table.dt-table th')]
            .filter(c => c.textContent.trim().length >= 3 && !/^[-+−\\d.,%]+$/.test(c.textContent.trim()))
            .filter(c => c.getBoundingClientRect().width < 5 * parseFloat(getComputedStyle(c).fontSize))
            .map(c => c.textContent.trim())""")
        assert narrow == [], (label, narrow[:5])


def test_phone_taxonomy_shows_level_five_names(url, new_page):
    phone = new_page(viewport=PHONE)
    visit(phone, url(PAGES["taxonomy"]))
    cells = phone.evaluate("""() => [...document.querySelectorAll('#tbl-taxonomy tbody tr')]
        .map(tr => tr.children[5]).filter(td => td && td.textContent.trim()).slice(0, 5).map(td => {
            window.scrollTo(0, td.getBoundingClientRect().top + window.scrollY - 200);  // down only, not sideways
            const r = td.getBoundingClientRect();
            return {text: td.textContent.trim(), left: r.left, right: r.right, width: r.width};
        })""")
    assert cells
    for cell in cells:
        assert cell["width"] > 0 and cell["left"] >= 0 and cell["right"] <= PHONE["width"], cell


# ---------------------------------------------------------------- 4. typography and chrome


def test_captions_and_tables_use_the_body_font(url, page):
    visit(page, url(PAGES["overview"]))
    fonts = page.evaluate("""() => Object.fromEntries(
        ['article.bd-article p', 'caption .caption-number', 'caption .caption-text', 'figcaption .caption-text',
         'table.dt-table td'].map(s => {
            const style = getComputedStyle(document.querySelector(s));
            return [s, [style.fontFamily, style.fontWeight, style.fontStyle]];
        }))""")
    body = fonts.pop("article.bd-article p")
    assert "Noto Sans CJK SC" in body[0]
    assert all(font == body for font in fonts.values()), (body, fonts)


def test_desktop_shows_one_search_button_and_narrow_tables_keep_their_width(site, url, new_page):
    desk = new_page(viewport=DESKTOP)
    visit(desk, url(PAGES["overview"]))
    buttons = desk.locator(".search-button__button").locator("visible=true").count()
    assert buttons == 1
    widths = []
    for label in ("base", "indicators", "taxonomy"):
        visit(desk, url(pages(site)[label]))
        widths += desk.evaluate("""() => [...document.querySelectorAll('table.dt-table')].map(t => ({
            id: t.id, box: t.getBoundingClientRect().width, content: t.scrollWidth, column: t.parentElement.clientWidth
        }))""")
    # scrollWidth is a whole number of pixels and leaves out the borders: allow 3 px
    assert all(w["box"] <= w["content"] + 3 for w in widths), [w for w in widths if w["box"] > w["content"] + 3]
    assert [w for w in widths if w["box"] < w["column"] - 50], widths  # so the narrow ones sit in narrow boxes


# ---------------------------------------------------------------- 5. small faults


def test_no_console_errors_or_warnings(site, url, new_page):
    reader = new_page(viewport=DESKTOP)
    messages = []
    reader.on("console", lambda m: messages.append((m.type, m.text)) if m.type in ("error", "warning") else None)
    reader.on("pageerror", lambda error: messages.append(("pageerror", str(error))))
    failed = []
    reader.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    for label in ("home", "overview", "base", "taxonomy", "indicators", "search"):
        visit(reader, url(pages(site)[label]))
        reader.wait_for_timeout(300)
        assert (messages, failed) == ([], []), label


def test_favicon_is_served(url, page):
    visit(page, url(PAGES["home"]))
    href = page.evaluate("document.querySelector('link[rel~=icon]')?.href")
    assert href
    response = page.request.get(href)
    assert response.status == 200 and response.body()[:4] == b"\x00\x00\x01\x00"


FOCUS = """() => { const s = getComputedStyle(document.activeElement);
    return {cls: document.activeElement.className, style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""


def focus_by_keyboard(page, selector: str) -> dict:
    # from the top of the page, Tab like a keyboard user: the header comes before the article, whose
    # tables and downloads would otherwise lie in between
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.evaluate(FOCUS)
    raise AssertionError(f"{selector} never took the keyboard focus")


@pytest.mark.parametrize(
    ("viewport", "controls"),
    [
        (
            DESKTOP,
            [".bd-header-article .primary-toggle", ".dropdown-download-buttons > button", ".search-button-field"],
        ),
        (
            PHONE,
            [
                ".bd-header-article .primary-toggle",
                ".dropdown-download-buttons > button",
                ".bd-header-article .search-button",
            ],
        ),
    ],
    ids=["desktop", "phone"],
)
def test_header_controls_show_a_focus_ring(url, new_page, viewport, controls):
    reader = new_page(viewport=viewport)
    visit(reader, url(PAGES["overview"]))
    for selector in controls:
        focused = focus_by_keyboard(reader, selector)
        assert focused["style"] != "none" and focused["width"] >= 2, (selector, focused)


def test_csv_downloads_start_with_a_byte_order_mark(url, page):
    visit(page, url(PAGES["overview"]))
    hrefs = page.eval_on_selector_all(".dt-downloads a[href$='.csv']", "links => links.map(a => a.href)")
    assert hrefs
    for href in hrefs:
        assert page.request.get(href).body()[:3] == BOM, href
