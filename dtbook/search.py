"""The site search's word list: the names the book uses, as a jieba user dictionary.

Sphinx cuts Chinese page text into words with jieba when it writes the search index, and the
search page looks a query typed without spaces up as one word. A name jieba does not know
(合肥高新区, 区块链) is cut into pieces in the index and the query never matches; listed here,
it stays whole (jieba's search mode still indexes its shorter words too).
"""

from __future__ import annotations

import re
from pathlib import Path

from .files import write_if_changed
from .load import Dataset

FREQUENCY = 100000  # far above jieba's own words, so a listed name wins over its pieces
SEPARATORS = re.compile(r"\W+")  # the search page splits queries on the same characters


def search_terms(ds: Dataset) -> list[str]:
    """Base names and short names, industries, taxonomy nodes and framework elements, split at punctuation."""
    names = [
        *ds.bases["name"],
        *ds.bases["short_name"],
        *ds.focus_industries["industry"],
        *ds.taxonomy["name"],
        *ds.taxonomy["short_name"].dropna(),
        *ds.framework_elements["name"],
    ]
    return sorted({piece for name in names for piece in SEPARATORS.split(str(name)) if len(piece) > 1})


def write_search_dictionary(ds: Dataset, path: Path) -> None:
    """One "term frequency tag" line per term; the file is left alone (and its mtime kept) when unchanged."""
    text = "".join(f"{term} {FREQUENCY} n\n" for term in search_terms(ds))
    write_if_changed(path, text)
