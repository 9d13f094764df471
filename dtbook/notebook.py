"""The one setup call of every notebook: open the inputs the build cut for this page."""

from __future__ import annotations

from dataclasses import dataclass

from .indicators import Indicators
from .inputs import PageData, read_inputs
from .output import Page


@dataclass
class PageContext:
    ds: PageData
    indicators: Indicators | None
    page: Page
    params: dict
    previous: PageData | None
    previous_indicators: Indicators | None
    warnings: list[str]


def open_page(inputs: str, site_dir: str) -> PageContext:
    """What this page may read, and where its tables and charts go; both paths are set by the build."""
    if not inputs or not site_dir:
        raise RuntimeError(
            "笔记本由构建程序运行：python -m dtbook.build（或 make book）"
            " / notebooks are run by the build, which sets `inputs` and `site_dir`"
        )
    bundle = read_inputs(inputs)
    page = Page(bundle.data, site_dir, bundle.page)
    return PageContext(
        bundle.data,
        bundle.indicators,
        page,
        bundle.params,
        bundle.previous,
        bundle.previous_indicators,
        bundle.warnings,
    )
