"""Shared fixtures: writable data copies, a CSV cell editor, and the one published site (with its PDF)
that the site, PDF and browser tests all read. That site is built from the project's data with hostile
text planted in it, so every output path is checked against markup, MyST, LaTeX and file-reading tricks."""

import csv
import functools
import html
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dtbook import load_dataset
from dtbook.build import build

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "data"

# Planted in the shared site's data: each must be published as the literal text it is.
HOSTILE_NAME = "中关村软件园<img src=x onerror=alert(1)> #1 `{raw}` $x$"
HOSTILE_SHORT = "中关村<b>粗</b>"
HOSTILE_EDITION = "2026 年版 #2 {sub}`x`"
HOSTILE_PROFILE = (
    "概述\n```{literalinclude} ../../../../../../../../etc/passwd\n```\n"
    "```{raw} html\n<script>window.pwned=2</script>\n```\n{download}`/etc/passwd`"
)
HOSTILE_SCRIPT = "<script>window.pwned=1</script>"
HOSTILE_INDUSTRY = "区块链</script><script>window.pwned=3</script>"
HOSTILE_POLICY = r"\input{/etc/passwd} 100% $\$ ~^ _{x}"
WARNED_LINE = 4  # key_figures.csv line whose value is written in full-width digits
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def copy_project_data(target: Path) -> Path:
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def data_copy(tmp_path) -> Path:
    return copy_project_data(tmp_path / "data")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell; line counts like the error messages do (header = line 1)."""
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def cell(path: Path, line: int, column: str) -> str:
    rows = read_rows(path)
    return rows[line - 1][rows[0].index(column)]


def append_row(path: Path, values: dict[str, str]) -> int:
    """Append a row (missing columns empty); returns its line number."""
    rows = read_rows(path)
    rows.append([values.get(column, "") for column in rows[0]])
    write_rows(path, rows)
    return len(rows)


def line_of(path: Path, column: str, value: str) -> int:
    """Line of the first row whose column holds value."""
    rows = read_rows(path)
    return next(i for i, row in enumerate(rows, start=1) if i > 1 and row[rows[0].index(column)] == value)


def plant_hostile_text(data: Path) -> None:
    line = line_of(data / "bases.csv", "base_id", "zhongguancun")
    set_cell(data / "bases.csv", line, "name", HOSTILE_NAME)
    set_cell(data / "bases.csv", line, "short_name", HOSTILE_SHORT)
    set_cell(data / "bases.csv", line, "profile", HOSTILE_PROFILE)
    set_cell(data / "edition.csv", 2, "edition", HOSTILE_EDITION)
    set_cell(
        data / "measures.csv",
        line_of(data / "measures.csv", "base_id", "zhongguancun"),
        "description",
        "含有标记的文字 " + HOSTILE_SCRIPT,
    )
    industries = data / "focus_industries.csv"
    line = line_of(industries, "industry", "区块链")
    old_id = "/".join(cell(industries, line, c) for c in ("base_id", "industry"))
    set_cell(industries, line, "industry", HOSTILE_INDUSTRY)
    # the fact ledger names that row by its key: renamed with it, as an editor would
    ledger = data / "fact_ledger.csv"
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace(
            f"focus_industries:{old_id}", f"focus_industries:{old_id.split('/')[0]}/{HOSTILE_INDUSTRY}"
        ),
        encoding="utf-8",
    )
    set_cell(data / "policies.csv", line_of(data / "policies.csv", "base_id", "zhongguancun"), "title", HOSTILE_POLICY)
    # a spreadsheet habit the loader accepts with a warning: the same number in full-width digits
    value = cell(data / "key_figures.csv", WARNED_LINE, "value")
    set_cell(data / "key_figures.csv", WARNED_LINE, "value", value.translate(FULL_WIDTH))


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The published site (HTML and PDF) of one build of the project's data with hostile text planted."""
    root = tmp_path_factory.mktemp("site")
    data = copy_project_data(root / "data")
    plant_hostile_text(data)
    report = build(data, root / "out", with_pdf=True)
    ds = load_dataset(data)
    return {
        "dir": root / "out" / "site",
        "data": data,
        "ds": ds,
        "report": report,
        "out": root / "out",
        "base": ds.base_ids()[0],
    }


def visible_text(markup: str) -> str:
    """A page's text as a reader sees it: no scripts, no tags, entities decoded, whitespace collapsed."""
    markup = re.sub(r"<script.*?</script>", " ", markup, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


@pytest.fixture(scope="session")
def pdf_text(site):
    """The shared build's PDF as text (pdftotext -raw: content order, so table cells stay whole)."""
    pdf = site["dir"] / "pdf" / "book.pdf"
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# ---------------------------------------------------------------- the browser (tests/browsing.py)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def url(site):
    """Site path -> address on a local server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site["dir"])))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield lambda path="": f"http://127.0.0.1:{server.server_port}/{path}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def left_the_machine():
    """Every request the pages tried to send to another host (all of them refused)."""
    return []


@pytest.fixture(scope="session")
def dialogs():
    """Every alert, confirm or prompt a page opened: planted script that ran would show here."""
    return []


@pytest.fixture(scope="session")
def new_page(left_the_machine, dialogs):
    """Pages in fresh browser contexts where only 127.0.0.1 answers."""

    def route(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            left_the_machine.append(route.request.url)
            route.abort()

    from browsing import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def make(**options):
            context = browser.new_context(**options)
            context.route("**/*", route)
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            return page

        yield make
        browser.close()


@pytest.fixture(scope="session")
def page(new_page):
    from browsing import DESKTOP

    return new_page(viewport=DESKTOP)
