"""Stage: assemble the folder Jupyter Book renders: config, toc, executed notebooks, downloads, data package.

Files whose bytes did not change keep their mtime, so Sphinx re-reads only what changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import vl_convert
import yaml

from ..citation import policies_bibtex, source_report
from ..datapackage import write_data_package
from ..files import copy_if_changed, sync_tree, write_if_changed
from ..indicators import Indicators
from ..load import Dataset
from ..paths import BUNDLE_URL, CONFIG_FILE, DATA_PACKAGE, DOWNLOADS, EXTRA_DIR, PACKAGE, PROJECT
from ..registry import jupyter_book_toc
from .execute import NOTEBOOK
from .plan import Job


def edition_stamp(ds: Dataset) -> str:
    edition = ds.edition
    return f"{edition['edition']} · 编制于 {edition['data_date']} · 数据指纹 {ds.fingerprint}"


def write_vega_bundle(path: Path) -> None:
    """The vendored chart library (vega, vega-lite, vega-embed in a function scope) plus the drawing code.
    Made once per vl-convert version: building the bundle takes seconds."""
    marker = path.with_name(path.name + ".version")
    version = f"{vl_convert.__version__}\n" + (PACKAGE / "charts.js").read_text(encoding="utf-8")
    if path.exists() and marker.exists() and marker.read_text(encoding="utf-8") == version:
        return
    snippet = "window.dtVegaEmbed = vegaEmbed;"
    write_if_changed(
        path,
        "(function () {\n"
        + vl_convert.javascript_bundle(snippet)
        + "\n})();\n"
        + (PACKAGE / "charts.js").read_text(encoding="utf-8"),
    )
    marker.write_text(version, encoding="utf-8")


def assemble(stage: Path, jobs: list[Job], cache: Path, ds: Dataset, indicators: Indicators) -> None:
    stage.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    report = source_report(ds)
    sphinx = config["sphinx"]["config"]
    sphinx["dt_stamp"] = edition_stamp(ds)
    sphinx["dt_source"] = f"{report['author']}《{report['title']}》（{report['date']}）"
    write_if_changed(stage / "_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    toc = yaml.safe_dump(jupyter_book_toc(ds.base_ids()), allow_unicode=True, sort_keys=False)
    write_if_changed(stage / "_toc.yml", toc)
    _rewrite_all_pages_if_navigation_changed(stage, toc + "\n".join(job.spec.title or "" for job in jobs))
    book = stage / "book"
    sync_tree(PROJECT / "book" / "_static", book / "_static")
    wanted = {f"{job.page}.ipynb" for job in jobs}
    for job in jobs:
        copy_if_changed(cache / job.key / NOTEBOOK, book / f"{job.page}.ipynb")
    for path in book.rglob("*.ipynb"):
        if path.relative_to(book).as_posix() not in wanted:
            path.unlink()
    downloads = stage / EXTRA_DIR / DOWNLOADS
    staging = stage / "downloads.new"
    shutil.rmtree(staging, ignore_errors=True)
    for job in jobs:  # hard links: cheap, and sync_tree then copies only changed files
        source = cache / job.key / EXTRA_DIR / DOWNLOADS / job.page
        if source.exists():
            shutil.copytree(source, staging / job.page, copy_function=_link, dirs_exist_ok=True)
    sync_tree(staging, downloads)
    shutil.rmtree(staging, ignore_errors=True)
    write_if_changed(stage / "references.bib", policies_bibtex(ds.policies))
    write_vega_bundle(stage / EXTRA_DIR / BUNDLE_URL)
    write_data_package(ds, indicators, stage / EXTRA_DIR / DATA_PACKAGE)


def _rewrite_all_pages_if_navigation_changed(stage: Path, navigation: str) -> None:
    """Every page carries the sidebar and prev/next links. Sphinx rewrites only the pages it re-read, so when a
    page is added, removed or renamed the others would keep the old navigation: their HTML is removed so that
    Sphinx writes them again (writing is cheap; nothing is re-read)."""
    if write_if_changed(stage / ".navigation", navigation):
        for page in (stage / "_build" / "html").rglob("*.html"):
            page.unlink()


def _link(source: str, target: str) -> None:
    try:
        Path(target).hardlink_to(source)
    except OSError:
        shutil.copyfile(source, target)
