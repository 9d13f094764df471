"""The page registry: every page of the book, its notebook and the inputs it may read, from `_toc.yml`.

The build derives three things from it: the table of contents Jupyter Book reads (per-base pages
expanded in data order, registry keys stripped), the list of notebook runs, and what each run may
see. Adding a page or a base touches one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .paths import NOTEBOOKS, TOC_FILE

ALL = "all"
BASE_GLOB = "book/bases/*"
REGISTRY_KEYS = {"inputs", "each", "notebook"}
INPUT_KEYS = {"reads", "own_rows", "indicators", "previous", "warnings"}
ALWAYS_READ = ("edition", "report_sections")  # every page prints the edition and cites report sections
BRIEFS_KEY = "briefs"  # the kit's per-base briefs (dtbook.kit): run like base pages, not pages of the book


class RegistryError(ValueError):
    """_toc.yml names an unknown table, key or notebook."""


@dataclass(frozen=True)
class Inputs:
    reads: tuple[str, ...] | str = ()  # table names, or ALL
    own_rows: tuple[str, ...] = ()
    indicators: str | None = None  # None, "all" or "own"
    previous: bool = False
    warnings: bool = False  # the data's warnings (odd but possible values), as the loader reports them

    def tables(self, known: list[str]) -> list[str]:
        """Every table this page sees, whole or in part, in schema order."""
        if self.reads == ALL:
            return list(known)
        wanted = set(self.reads) | set(self.own_rows) | set(ALWAYS_READ)
        return [name for name in known if name in wanted]


@dataclass(frozen=True)
class PageSpec:
    """One page: its document name under book/, its notebook, its parameters and its inputs."""

    page: str  # e.g. "overview" or "bases/dalian"
    notebook: Path
    inputs: Inputs
    params: tuple[tuple[str, str], ...] = ()
    title: str | None = None  # per-base pages: the base's name from data, set by the build

    @property
    def docname(self) -> str:
        return f"book/{self.page}"


def read_toc(path: Path = TOC_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _inputs(raw: dict | None, where: str, tables: list[str]) -> Inputs:
    raw = raw or {}
    unknown = set(raw) - INPUT_KEYS
    if unknown:
        raise RegistryError(f"_toc.yml, {where}: unknown input keys {sorted(unknown)}")
    reads = raw.get("reads", [])
    named = ([] if reads == ALL else list(reads)) + list(raw.get("own_rows", []))
    missing = [name for name in named if name not in tables]
    if missing:
        raise RegistryError(f"_toc.yml, {where}: unknown tables {missing}")
    if raw.get("indicators") not in (None, "all", "own"):
        raise RegistryError(f"_toc.yml, {where}: indicators must be all or own")
    return Inputs(
        reads=ALL if reads == ALL else tuple(reads),
        own_rows=tuple(raw.get("own_rows", [])),
        indicators=raw.get("indicators"),
        previous=bool(raw.get("previous", False)),
        warnings=bool(raw.get("warnings", False)),
    )


def _notebook(name: str, where: str) -> Path:
    path = NOTEBOOKS / f"{name}.ipynb"
    if not path.exists():
        raise RegistryError(f"_toc.yml, {where}: notebook {path.relative_to(NOTEBOOKS.parent)} not found")
    return path


def _entries(toc: dict):
    """Every chapter entry of the toc, in reading order."""
    for part in toc.get("parts", []):
        yield from part.get("chapters", [])


def page_specs(base_rows: list[tuple[str, str]], tables: list[str], toc: dict | None = None) -> list[PageSpec]:
    """All pages in reading order; base_rows is (base_id, name) per base in publication order."""
    toc = toc or read_toc()
    root = toc["root"].removeprefix("book/")
    specs = [PageSpec(root, _notebook(root, "root"), _inputs(toc.get("root_inputs"), "root", tables))]
    for entry in _entries(toc):
        where = entry.get("file") or entry.get("glob")
        if entry.get("each") == "base":
            if entry.get("glob") != BASE_GLOB:
                raise RegistryError(f"_toc.yml, {where}: per-base pages must use glob {BASE_GLOB}")
            notebook, inputs = _notebook(entry["notebook"], where), _inputs(entry.get("inputs"), where, tables)
            specs.extend(
                PageSpec(f"bases/{base_id}", notebook, inputs, (("base_id", base_id),), title=name)
                for base_id, name in base_rows
            )
        else:
            page = entry["file"].removeprefix("book/")
            specs.append(PageSpec(page, _notebook(page, where), _inputs(entry.get("inputs"), where, tables)))
    return specs


def brief_specs(base_rows: list[tuple[str, str]], tables: list[str], toc: dict | None = None) -> list[PageSpec]:
    """The kit's briefs (the `briefs` entry of _toc.yml): one run of its notebook per base, in publication order,
    with the inputs it declares; none if the toc declares no briefs."""
    toc = toc or read_toc()
    entry = toc.get(BRIEFS_KEY)
    if entry is None:
        return []
    if entry.get("each") != "base":
        raise RegistryError(f"_toc.yml, {BRIEFS_KEY}: briefs must be declared with each: base")
    notebook, inputs = _notebook(entry["notebook"], BRIEFS_KEY), _inputs(entry.get("inputs"), BRIEFS_KEY, tables)
    return [
        PageSpec(f"{BRIEFS_KEY}/{base_id}", notebook, inputs, (("base_id", base_id),), title=name)
        for base_id, name in base_rows
    ]


def jupyter_book_toc(base_ids: list[str], toc: dict | None = None) -> dict:
    """The toc as Jupyter Book wants it: base pages listed in data order, registry keys removed."""
    toc = toc or read_toc()

    def clean(node):
        if isinstance(node, list):
            out = []
            for item in node:
                if isinstance(item, dict) and item.get("each") == "base":
                    out.extend({"file": f"book/bases/{base_id}"} for base_id in base_ids)
                else:
                    out.append(clean(item))
            return out
        if isinstance(node, dict):
            return {key: clean(value) for key, value in node.items() if key not in REGISTRY_KEYS}
        return node

    cleaned = clean(toc)
    cleaned.pop("root_inputs", None)
    cleaned.pop(BRIEFS_KEY, None)
    return cleaned
