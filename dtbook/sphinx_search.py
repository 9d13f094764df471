"""Site search, as its own Sphinx extension: the book's search page runs our engine instead of Sphinx's.

- `config-inited`: dtbook/static is added last to `html_static_path`, so its `searchtools.js` replaces the
  file of that name Sphinx's basic theme ships (the theme loads it on every page; ours acts on the search
  page only).
- `build-finished` (HTML builder): every page of the book is read back from the output folder and the index
  the search page loads is written to `_static/` (see dtbook/search.py).
"""

from __future__ import annotations

from pathlib import Path

from .paths import PACKAGE
from .search import INDEX_FILE, write_search_index

STATIC = PACKAGE / "static"
BOOK = "book/"  # the book's pages; search.html and genindex.html are not searched


def add_static_path(app, config) -> None:
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]


def reading_order(env, root: str) -> list[str]:
    """The documents in the order a reader meets them: the table of contents depth first from the root,
    then any other document, by name."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order or docname not in env.all_docs:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(root)
    return order + sorted(set(env.all_docs) - set(order))


def write_index(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    site = Path(app.outdir)
    pages = [app.builder.get_target_uri(docname) for docname in reading_order(app.env, app.config.root_doc)]
    pages = [url for url in pages if url.startswith(BOOK) and (site / url).is_file()]
    write_search_index(site, pages, site / "_static" / INDEX_FILE)


def setup(app):
    app.connect("config-inited", add_static_path)
    app.connect("build-finished", write_index)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
