"""Page weight: what a reader downloads for the main pages of a built site, in a real browser.

Serves a built site folder on 127.0.0.1 (with `Cache-Control: max-age=600`, as GitHub Pages
does) and loads each page in Chromium twice: cold, in a fresh browser context (empty cache), and
warm, as the second page of a context that first opened another page. Bytes are counted on the
server, so only responses actually fetched count (cache hits never reach it); each body is
gzip-compressed at level 6, which is what a compressing web server would send. Also writes
screenshots of the home page, a base page and the indicators page for review. Builds nothing
and asserts nothing: it prints the figures beside the targets.

    python benchmarks/page_weight.py [SITE_DIR] [--screenshots DIR]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BUNDLE = "vendor/vega-bundle.js"
TARGETS = {"base": {"cold": 1.1e6, "warm": 150e3}}  # bytes after gzip, from the issue
SCREENSHOTS = ("home", "base", "indicators")
VIEWPORT = {"width": 1280, "height": 900}


class _Handler(SimpleHTTPRequestHandler):
    """Static files with a cache lifetime; records every body it sends."""

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def copyfile(self, source, outputfile):
        body = source.read()
        self.server.sent.append((urlsplit(self.path).path, body))
        outputfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serve(site_dir: Path):
    """The site on a free local port; yields (base URL, list of (path, body) sent so far)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site_dir)))
    server.sent = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", server.sent
    finally:
        server.shutdown()
        server.server_close()


def pages_of(site_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Page label -> site path (the base page is the first base in publication order), and label -> the
    page a reader plausibly opened before it: another base page for a base page, the overview for the home
    page, else the home page."""
    bases = [
        p
        for p in json.loads((site_dir / "build-info.json").read_text(encoding="utf-8"))["pages"]
        if p.startswith("bases/")
    ]
    pages = {
        "home": "book/index.html",
        "overview": "book/overview.html",
        "base": f"book/{bases[0]}.html",
        "taxonomy": "book/taxonomy.html",
        "indicators": "book/indicators.html",
    }
    before = dict.fromkeys(pages, pages["home"])
    before["home"] = pages["overview"]
    before["base"] = f"book/{bases[1]}.html" if len(bases) > 1 else pages["home"]
    return pages, before


def _gzip_size(body: bytes, cache: dict[bytes, int]) -> int:
    if body not in cache:
        cache[body] = len(gzip.compress(body, compresslevel=6))
    return cache[body]


def _load(page, url: str, sent: list) -> dict:
    """Navigate page to url; what the browser asked for and what the server sent meanwhile."""
    start, requested = len(sent), []

    def record(request):
        requested.append(request.url)

    page.on("request", record)
    page.goto(url, wait_until="networkidle")
    page.wait_for_function("[...document.querySelectorAll('div.dt-vega')].every(d => d.dataset.drawn !== 'pending')")
    page.remove_listener("request", record)
    return {"requested": [u for u in requested if not u.startswith("data:")], "sent": sent[start:]}


def measure(site_dir: Path, screenshots: Path | None = None) -> list[dict]:
    """One row per page: gzip bytes fetched and requests, cold and warm; screenshots into `screenshots`."""
    site_dir = Path(site_dir)
    pages, came_from = pages_of(site_dir)
    sizes: dict[bytes, int] = {}
    rows = []
    with serve(site_dir) as (base, sent), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, path in pages.items():
            with browser.new_context(viewport=VIEWPORT) as context:
                page = context.new_page()
                cold = _load(page, base + path, sent)
                if screenshots is not None and label in SCREENSHOTS:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / f"{label}.png"), full_page=True)
            with browser.new_context(viewport=VIEWPORT) as context:
                page = context.new_page()
                _load(page, base + came_from[label], sent)
                warm = _load(page, base + path, sent)
            rows.append(
                {
                    "page": label,
                    "path": path,
                    "cold_gzip_bytes": sum(_gzip_size(body, sizes) for _, body in cold["sent"]),
                    "cold_requests": len(cold["requested"]),
                    "warm_after": came_from[label],
                    "warm_gzip_bytes": sum(_gzip_size(body, sizes) for _, body in warm["sent"]),
                    "warm_requests": len(warm["requested"]),
                    "warm_fetched": len(warm["sent"]),
                    "bundle_requests": sum(urlsplit(u).path.endswith("/" + BUNDLE) for u in cold["requested"]),
                }
            )
        browser.close()
    return rows


def _kb(n: float) -> str:
    return f"{n / 1000:.0f} KB"


def print_table(rows: list[dict]) -> None:
    header = [
        "page",
        "cold (gzip)",
        "target",
        "requests",
        "warm (gzip)",
        "target",
        "fetched/requests",
        "bundle",
        "warm after",
    ]
    lines = [header]
    for row in rows:
        target = TARGETS.get(row["page"], {})
        lines.append(
            [
                row["page"],
                _kb(row["cold_gzip_bytes"]),
                f"< {_kb(target['cold'])}" if target else "",
                str(row["cold_requests"]),
                _kb(row["warm_gzip_bytes"]),
                f"< {_kb(target['warm'])}" if target else "",
                f"{row['warm_fetched']}/{row['warm_requests']}",
                str(row["bundle_requests"]),
                row["warm_after"],
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)))
    print(f"bundle: requests of {BUNDLE} on a cold load (1 on pages with charts, 0 elsewhere).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, nargs="?", default=ROOT / "_build" / "site", help="built site folder")
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=None,
        help="folder for the screenshots (default: screenshots/ beside the site folder)",
    )
    args = parser.parse_args(argv)
    site = args.site.resolve()
    screenshots = args.screenshots or site.parent / "screenshots"
    print_table(measure(site, screenshots))
    print(f"screenshots: {screenshots}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
