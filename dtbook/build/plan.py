"""Plan: one notebook run per page of the registry, each with the inputs it may read and a cache key.

A run's key hashes the notebook, the package code, the page's parameters and exactly the inputs the
build hands to its kernel (see dtbook.inputs): an input that changes always changes the key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..indicators import Indicators
from ..inputs import PageInputs, page_inputs
from ..load import Dataset
from ..paths import CITATION_FILE, PACKAGE
from ..registry import PageSpec, brief_specs, page_specs

CODE_SUFFIXES = {".py", ".js", ".css", ".yaml"}


@dataclass
class Job:
    spec: PageSpec
    inputs: PageInputs
    key: str

    @property
    def page(self) -> str:
        return self.spec.page

    @property
    def template(self) -> Path:
        return self.spec.notebook


def sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def code_digest() -> str:
    """Everything in the package that can change what a notebook prints (the build stages excepted)."""
    files = sorted(
        p for p in PACKAGE.rglob("*") if p.suffix in CODE_SUFFIXES and "build" not in p.relative_to(PACKAGE).parts
    )
    return sha(
        *(p.relative_to(PACKAGE).as_posix() + "\n" + p.read_text(encoding="utf-8") for p in files),
        CITATION_FILE.read_bytes(),
    )


def plan(ds: Dataset, indicators: Indicators, previous: tuple[Dataset, Indicators] | None) -> list[Job]:
    """Every page of the book in reading order, with its inputs and key."""
    bases = ds.bases.sort_values("order")
    specs = page_specs(list(zip(bases["base_id"], bases["name"])), list(ds.schemas))
    return _jobs(specs, ds, indicators, previous)


def plan_briefs(ds: Dataset, indicators: Indicators) -> list[Job]:
    """The kit's briefs (dtbook.kit): one run per base of the `briefs` entry's notebook, keyed like a page."""
    bases = ds.bases.sort_values("order")
    return _jobs(brief_specs(list(zip(bases["base_id"], bases["name"])), list(ds.schemas)), ds, indicators, None)


def _jobs(
    specs: list[PageSpec], ds: Dataset, indicators: Indicators, previous: tuple[Dataset, Indicators] | None
) -> list[Job]:
    code = code_digest()
    jobs = []
    for spec in specs:
        inputs = page_inputs(spec, ds, indicators, previous)
        key = sha(
            spec.notebook.read_bytes(),
            json.dumps(dict(spec.params), sort_keys=True),
            spec.title or "",
            inputs.digest,
            code,
        )[:20]
        jobs.append(Job(spec, inputs, key))
    return jobs
