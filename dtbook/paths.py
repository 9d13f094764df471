"""Where things are: the project's folders and the site's fixed paths. Imports nothing heavy, so notebooks,
the build and the Sphinx extension can all share it."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent
NOTEBOOKS = PROJECT / "notebooks"
TOC_FILE = PROJECT / "_toc.yml"
CONFIG_FILE = PROJECT / "_config.yml"
CITATION_FILE = PROJECT / "CITATION.cff"
# The source report's text, in the shared folder beside the repository.
REPORT_TEXT = PROJECT.parent / "shared" / "seed" / "000_19a10c5e00cb25f7.txt"

EXTRA_DIR = "_extra"  # copied into the site root by Sphinx (html_extra_path)
DOWNLOADS = "downloads"  # <site>/downloads/<page>/: every table's and chart's files
DATA_PACKAGE = "data"  # <site>/data/: the published data package
BUNDLE_URL = "vendor/vega-bundle.js"  # the vendored chart library, site-relative
PDF_NAME = "book.pdf"
