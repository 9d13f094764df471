"""What one page's kernel may read: exactly the tables (and rows) its registry entry declares.

The build cuts each page's inputs out of the validated data and the indicators, hashes them for the
page's cache key, and hands them to the kernel as one file. The kernel sees nothing else: reading an
undeclared table raises, so a page can never show data its key does not cover."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .indicators import Indicators
from .load import Dataset
from .registry import ALL, Inputs, PageSpec
from .schema import TableSchema


class UndeclaredInput(LookupError):
    """A page read a table or value its registry entry (_toc.yml) does not declare."""


@dataclass
class PageData:
    """The part of a dataset one page declared; the same interface as Dataset for what it holds."""

    page: str
    tables: dict[str, pd.DataFrame]
    schemas: dict[str, TableSchema]
    base_id: str | None = None
    fingerprint_value: str | None = None  # only pages that read every table may print the fingerprint

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in self.__dict__.get("schemas", {}):
            raise UndeclaredInput(
                f"页面 {self.page} 读取了未在 _toc.yml 中声明的数据表 {name} "
                f"(page {self.page} reads table {name!r}, which its inputs in _toc.yml do not declare)"
            )
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.__getattr__(name)  # tables only: never a property such as edition

    @property
    def edition(self) -> dict:
        return self.tables["edition"].iloc[0].to_dict()

    @property
    def fingerprint(self) -> str:
        if self.fingerprint_value is None:
            raise UndeclaredInput(
                f"页面 {self.page} 使用了数据指纹，须声明 reads: all "
                f"(page {self.page} uses the data fingerprint: declare reads: all)"
            )
        return self.fingerprint_value

    def base_ids(self) -> list[str]:
        return self.bases.sort_values("order")["base_id"].tolist()


@dataclass
class PageInputs:
    """Everything one notebook run reads, in one file."""

    page: str
    params: dict
    data: PageData
    indicators: Indicators | None = None
    previous: PageData | None = None
    previous_indicators: Indicators | None = None
    warnings: list[str] = field(default_factory=list)
    digest: str = field(default="", compare=False)


def _frame_text(name: str, frame: pd.DataFrame) -> str:
    return f"## {name}\n" + frame.to_csv(index=False, lineterminator="\n")


def _cut(ds: Dataset, spec: PageSpec, base_id: str | None) -> PageData:
    inputs = spec.inputs
    tables = {}
    for name in inputs.tables(list(ds.schemas)):
        frame = ds[name]
        if name in inputs.own_rows:
            frame = frame[frame["base_id"] == base_id].reset_index(drop=True)
        tables[name] = frame
    return PageData(spec.page, tables, ds.schemas, base_id, ds.fingerprint if inputs.reads == ALL else None)


def page_inputs(
    spec: PageSpec, ds: Dataset, indicators: Indicators, previous: tuple[Dataset, Indicators] | None
) -> PageInputs:
    """Cut a page's inputs and compute their digest (the part of its cache key that is data)."""
    params = dict(spec.params)
    base_id = params.get("base_id")
    if spec.inputs.previous and previous is None:  # nothing to compare with: the page only says so
        spec = replace(spec, inputs=Inputs())
    bundle = PageInputs(spec.page, params, _cut(ds, spec, base_id))
    if spec.inputs.indicators == "all":
        bundle.indicators = indicators
    elif spec.inputs.indicators == "own":
        bundle.indicators = indicators.for_base(base_id)
    if spec.inputs.warnings:
        bundle.warnings = [str(issue) for issue in ds.warnings]
    if spec.inputs.previous and previous is not None:
        old, old_indicators = previous
        bundle.previous = PageData(spec.page, dict(old.tables), old.schemas, None, old.fingerprint)
        bundle.previous_indicators = old_indicators
    parts = [_frame_text(name, frame) for name, frame in bundle.data.tables.items()]
    parts.append(f"fingerprint {bundle.data.fingerprint_value}")
    for label, value in (("indicators", bundle.indicators), ("previous_indicators", bundle.previous_indicators)):
        if value is not None:
            parts.extend(_frame_text(f"{label}.{name}", frame) for name, frame in value.frames().items())
            parts.append(repr(value.settings))
    parts.extend(f"warning {w}" for w in bundle.warnings)
    if bundle.previous is not None:
        parts.append(f"previous {bundle.previous.fingerprint_value}")
    bundle.digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return bundle


def write_inputs(bundle: PageInputs, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(bundle, protocol=pickle.HIGHEST_PROTOCOL))


def read_inputs(path: str | Path) -> PageInputs:
    return pickle.loads(Path(path).read_bytes())
