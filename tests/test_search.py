"""The site search in a real browser: every phrase a reader sees on a page finds that page, from a server and
from file://, ranked sensibly, one result per page, with clean snippets and planted markup shown as text.

What a page "shows" is taken from the browser itself: the innerText of each page's article with scripts off
(no chart drawn), minus the download links and the edition stamp, which the search leaves out on purpose
(the stamp is the same on every page). The phrases searched for are cut from that text by position, not
chosen by hand."""

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from browsing import links
from conftest import HOSTILE_INDUSTRY, HOSTILE_NAME

from dtbook.search import INDEX_FILE

pytestmark = pytest.mark.browser

HAN = re.compile(r"[\u4e00-\u9fff]{4,}")
ISSUE_PHRASES = ("数字贸易", "数据跨境", "跨境数据流动", "中国声谷", "离岸外包")  # issue 12: Sphinx found none
SUMMARY = "document.querySelector('#search-results p.search-summary')?.textContent.includes('。')"
INDEX_LIMIT = 1_000_000  # bytes: above this, keep only what snippets need


@pytest.fixture(scope="module")
def texts(site, url, new_page) -> dict[str, str]:
    """Site path of every page of the book -> the text its article shows (scripts off)."""
    reader = new_page(java_script_enabled=False)
    shown = {}
    for path in sorted(p.relative_to(site["dir"]).as_posix() for p in site["dir"].glob("book/**/*.html")):
        reader.goto(url(path))
        shown[path] = reader.evaluate("""() => {
            for (const e of document.querySelectorAll('article .dt-downloads, article .dt-edition'))
                e.style.display = 'none';
            return document.querySelector('article.bd-article').innerText;
        }""")
    reader.context.close()
    return shown


def results(page, address: str) -> list[dict]:
    """Each result of a search page: site path, fragment, title, snippet and its marked parts, best first."""
    page.goto(address)
    page.wait_for_function(SUMMARY, timeout=15_000)
    found = links(page, "#search-results ul.search li")
    details = page.eval_on_selector_all(
        "#search-results ul.search li",
        """items => items.map(li => ({
            title: li.querySelector('a').textContent,
            snippet: li.querySelector('p.context')?.textContent || '',
            marks: [...li.querySelectorAll('p.context mark')].map(m => m.textContent)}))""",
    )
    return [{"path": path, "fragment": fragment, **detail} for (path, fragment), detail in zip(found, details)]


def search(page, url, query: str) -> list[dict]:
    return results(page, url(f"search.html?q={quote(query)}"))


def phrases_of(text: str) -> list[str]:
    """Three Chinese phrases of 4–8 characters cut from a page's text at fixed places: from the runs of Chinese
    characters at the start, a third and two thirds of the way through, each from its middle."""
    runs = HAN.findall(text)
    chosen = []
    for k in range(3) if runs else ():
        run = runs[len(runs) * k // 3]
        size = min(len(run), 4 + 2 * k)  # 4, 6 and 8 characters
        start = (len(run) - size) // 2
        chosen.append(run[start : start + size])
    return list(dict.fromkeys(chosen))


def assert_clean(result: dict, query: str) -> None:
    snippet = result["snippet"].lstrip("…").strip()
    assert snippet and not snippet.startswith((".pdf", "下载")), result
    assert query.lower() in result["snippet"].lower(), result
    assert result["marks"] and all(mark.lower() == query.lower() for mark in result["marks"]), result


def test_every_phrase_cut_from_a_page_finds_that_page(site, url, page, texts, left_the_machine):
    searched = 0
    for path, text in texts.items():
        for phrase in phrases_of(text):
            found = search(page, url, phrase)
            paths = [r["path"] for r in found]
            assert path in paths, (phrase, path, paths)
            assert len(paths) == len(set(paths)), (phrase, paths)
            assert_clean(found[paths.index(path)], phrase)
            searched += 1
    assert searched >= 40
    assert not left_the_machine


@pytest.mark.parametrize("phrase", ISSUE_PHRASES)
def test_phrases_sphinx_missed_find_every_page_that_shows_them(site, url, page, texts, phrase):
    expected = {path for path, text in texts.items() if phrase in text}
    assert expected, phrase
    found = search(page, url, phrase)
    paths = [r["path"] for r in found]
    assert len(paths) == len(set(paths)), paths
    assert set(paths) == expected, (sorted(expected - set(paths)), sorted(set(paths) - expected))
    for result in found:
        assert_clean(result, phrase)
        assert not result["fragment"] or result["fragment"] in {"", *anchors_with(site, result["path"], phrase)}


def anchors_with(site, path: str, phrase: str) -> set[str]:
    """Anchors of the section headings of a page whose text holds phrase."""
    html = (site["dir"] / path).read_text(encoding="utf-8")
    # a labelled section keeps its automatic id on an empty span before the heading
    heading = r'<section id="([^"]+)">\s*(?:<span id="[^"]*"></span>)?<h[2-6][^>]*>(.*?)</h[2-6]>'
    sections = re.findall(heading, html, re.S)
    return {anchor for anchor, heading in sections if phrase in re.sub(r"<[^>]+>", "", heading)}


def test_a_base_name_lists_its_page_first(site, url, page):
    for base in site["ds"].bases.itertuples():
        found = search(page, url, base.name)
        assert found and found[0]["path"] == f"book/bases/{base.base_id}.html", (base.name, found[:3])


def test_latin_terms_match_in_either_case_and_every_term_must_be_found(site, url, page, texts):
    upper, lower = search(page, url, "SOFTWARE PARK"), search(page, url, "software park")
    assert upper and [r["path"] for r in upper] == [r["path"] for r in lower]
    both = search(page, url, "中国声谷 量子中心")
    assert {r["path"] for r in both} == {p for p, t in texts.items() if "中国声谷" in t and "量子中心" in t}
    page.goto(url(f"search.html?q={quote('中国声谷 并无此词组')}"))
    page.wait_for_function(SUMMARY, timeout=15_000)
    assert page.eval_on_selector_all("#search-results ul.search li", "items => items.length") == 0


def test_search_works_from_file_with_snippets(site, new_page, texts, left_the_machine):
    reader = new_page()
    reader.context.unroute("**/*")  # the shared contexts answer 127.0.0.1 only; here files answer, nothing else

    def only_files(route):
        if urlsplit(route.request.url).scheme == "file":
            route.continue_()
        else:
            left_the_machine.append(route.request.url)
            route.abort()

    reader.context.route("**/*", only_files)
    root = Path(site["dir"]).absolute()
    prefix = root.as_posix().lstrip("/") + "/"
    for phrase in ("中国声谷", "跨境数据流动"):
        found = results(reader, f"{root.as_uri()}/search.html?q={quote(phrase)}")
        assert {r["path"].removeprefix(prefix) for r in found} == {p for p, t in texts.items() if phrase in t}
        for result in found:
            assert_clean(result, phrase)
    reader.context.close()
    assert not left_the_machine


def test_planted_markup_in_a_base_name_is_found_and_shown_as_text(site, url, page, dialogs):
    for query, expected in ((HOSTILE_NAME, f"book/bases/{site['base']}.html"), (HOSTILE_INDUSTRY, None)):
        found = search(page, url, query)
        assert found, query
        if expected:
            assert found[0]["path"] == expected and HOSTILE_NAME in found[0]["title"], found[0]
        assert any(query in r["snippet"] for r in found), [r["snippet"] for r in found]
        planted = page.evaluate("""() => ({
            pwned: [window.pwned, window.pwned2, window.pwned3].filter(v => v !== undefined),
            images: document.querySelectorAll('#search-results img').length,
            scripts: document.querySelectorAll('#search-results script').length,
            bold: document.querySelectorAll('#search-results b').length})""")
        assert planted == {"pwned": [], "images": 0, "scripts": 0, "bold": 0}, (query, planted)
    assert dialogs == []


def test_search_page_logs_no_errors(site, url, new_page):
    reader = new_page()
    problems = []
    reader.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    reader.on("pageerror", lambda error: problems.append(str(error)))
    for query in ("中国声谷", "并无此词组", HOSTILE_NAME):
        results(reader, url(f"search.html?q={quote(query)}"))
    reader.goto(url("search.html"))
    assert problems == []
    reader.context.close()


def test_index_is_one_small_script_loaded_by_the_search_page_only(site, url, new_page):
    index = site["dir"] / "_static" / INDEX_FILE
    assert index.read_text(encoding="utf-8").startswith("window.DT_SEARCH = {")
    assert index.stat().st_size < INDEX_LIMIT
    reader = new_page()
    seen = []
    reader.on("request", lambda request: seen.append(request.url))
    reader.goto(url(f"book/bases/{site['base']}.html"))
    assert not any(INDEX_FILE in address for address in seen)
    results(reader, url(f"search.html?q={quote('中国声谷')}"))
    assert any(address.endswith(f"_static/{INDEX_FILE}") for address in seen)
    reader.context.close()
