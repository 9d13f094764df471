"""The content of each page, built from data, one module per chapter: the notebooks call these and display
the result. Every function returns Markdown (MyST) for one part of a page."""

from . import appendix, audit, background, bases, framework, home, indicators, methodology, overview, taxonomy

__all__ = [
    "appendix",
    "audit",
    "background",
    "bases",
    "framework",
    "home",
    "indicators",
    "methodology",
    "overview",
    "taxonomy",
]
