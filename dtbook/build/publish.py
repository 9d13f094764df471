"""Publish: make a complete new site folder, then switch `site` to it in one atomic step.

`<out>/site` is a symbolic link to `<out>/releases/<id>`; replacing a link with os.replace is atomic, so a
reader always finds a whole site, the old one or the new one. A site holds exactly this build's pages,
downloads and sources: files Sphinx left from pages or tables that no longer exist are pruned first."""

from __future__ import annotations

import json
import os
import shutil
import time
from html import escape
from pathlib import Path

from ..files import remove
from ..kit import KIT_DIR, fill_sizes
from ..paths import DATA_PACKAGE, DOWNLOADS, EXTRA_DIR, PDF_NAME
from ..sphinx_ext import STAMP_PLACEHOLDER

SITE, RELEASES, INFO = "site", "releases", "build-info.json"
EXTRA_TREES = (DOWNLOADS, DATA_PACKAGE, "vendor")  # what html_extra_path puts at the site root


def prune_stale(html: Path, stage: Path, docnames: set[str]) -> None:
    """Remove output Sphinx keeps from earlier renders: pages and sources of documents that are gone, extra
    files (downloads, data) no longer staged, images no page refers to."""
    for path in list(html.glob("book/**/*.html")):
        if path.relative_to(html).with_suffix("").as_posix() not in docnames:
            path.unlink()
    sources = html / "_sources"
    for path in list(sources.rglob("*")) if sources.exists() else []:
        if path.is_file() and path.relative_to(sources).as_posix().split(".")[0] not in docnames:
            path.unlink()
    extra = stage / EXTRA_DIR
    for tree in EXTRA_TREES:
        for path in list((html / tree).rglob("*")) if (html / tree).exists() else []:
            if path.is_file() and not (extra / path.relative_to(html)).exists():
                path.unlink()
    images = html / "_images"
    if images.exists():
        pages = "".join(p.read_text(encoding="utf-8") for p in html.rglob("*.html"))
        for path in images.iterdir():
            if path.name not in pages:
                path.unlink()
    for path in sorted(html.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _stamp_pages(site: Path, stamp: str) -> None:
    text = escape(stamp)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if STAMP_PLACEHOLDER in html:
            page.write_text(html.replace(STAMP_PLACEHOLDER, text), encoding="utf-8")


SEARCH_INDEX, INDEX_PREFIX, INDEX_SUFFIX = "searchindex.js", "Search.setIndex(", ")"


def _escape_search_titles(site: Path) -> None:
    """Sphinx's search page writes result titles with innerHTML. Its index holds page titles as HTML (escaped,
    with the section-number span) but section titles ("alltitles") as plain text: a heading with markup
    would run in the results. The published index holds those HTML-escaped too, so they show as typed. (The
    stage keeps Sphinx's own index, which incremental renders read back.)"""
    path = site / SEARCH_INDEX
    text = path.read_text(encoding="utf-8")
    index = json.loads(text.removeprefix(INDEX_PREFIX).removesuffix(INDEX_SUFFIX))
    index["alltitles"] = {escape(title): places for title, places in index["alltitles"].items()}
    path.write_text(INDEX_PREFIX + json.dumps(index, sort_keys=True) + INDEX_SUFFIX, encoding="utf-8")


def publish(stage: Path, out: Path, pdf: Path | None, info: dict, stamp: str, kit: Path | None = None) -> Path:
    """Copy the rendered site (and the PDF and the kit, when built) into a new release, then point `site` at it;
    old releases are removed."""
    releases = out / RELEASES
    releases.mkdir(exist_ok=True)
    release = releases / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    shutil.copytree(stage / "_build" / "html", release)
    if pdf is not None:
        (release / "pdf").mkdir()
        shutil.copyfile(pdf, release / "pdf" / PDF_NAME)
    if kit is not None:  # briefs and deck (dtbook.kit), beside the PDF
        shutil.copytree(kit, release / KIT_DIR)
    fill_sizes(release)  # the cite page lists the kit's files with their sizes
    _stamp_pages(release, stamp)
    _escape_search_titles(release)
    (release / INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    site = out / SITE
    if site.exists() and not site.is_symlink():  # a site folder from before releases: move it aside first
        site.rename(releases / "previous-folder")
    link = out / f".{SITE}.new"
    remove(link)
    link.symlink_to(Path(RELEASES) / release.name)
    os.replace(link, site)
    for old in releases.iterdir():
        if old != release:
            remove(old)
    return site


def published_info(out: Path) -> dict:
    path = out / SITE / INFO
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
