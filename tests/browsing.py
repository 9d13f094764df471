"""What the browser tests share: Debian's Chromium driven by Playwright, a local server for the shared site,
and small page helpers. The fixtures live in conftest.py; Playwright never downloads a browser here."""

import contextlib
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SETTLED = "[...document.querySelectorAll('div.dt-vega')].every(d => ['done', 'failed'].includes(d.dataset.drawn))"


def visit(page, address: str) -> list[str]:
    """Open a page and wait for its charts to settle; returns their data-drawn states."""
    page.goto(address)
    with contextlib.suppress(PlaywrightTimeout):  # the callers assert on the states, which say what never finished
        page.wait_for_function(SETTLED, timeout=20_000)
    return page.eval_on_selector_all("div.dt-vega", "divs => divs.map(d => d.dataset.drawn || 'not started')")


def site_path(address: str) -> str:
    return urlsplit(address).path.lstrip("/")


def links(page, scope: str) -> list[tuple[str, str]]:
    """(site path, fragment) of every link inside scope."""
    hrefs = page.eval_on_selector_all(f"{scope} a[href]", "anchors => anchors.map(a => a.href)")
    return [(site_path(href), urlsplit(href).fragment) for href in hrefs]
