"""An edition as one XLSX workbook: export a data folder, edit it in Excel, WPS or LibreOffice, import it back.

    python -m dtbook.workbook export --data DIR --out FILE.xlsx
    python -m dtbook.workbook import FILE.xlsx --out DIR

The round trip is lossless: a workbook exported and imported without edits gives the data folder's CSV files
byte for byte, so its data fingerprint is unchanged. The build reads a workbook directly (`--data FILE.xlsx`):
it is imported into a fresh folder and validated exactly as CSV, every problem named by sheet, row and column.
"""

from __future__ import annotations

from pathlib import Path

from .export import Exported, export_workbook
from .importer import Reading, SheetIssue, load_workbook, read_workbook

__all__ = ["Exported", "Reading", "SheetIssue", "export_workbook", "is_workbook", "load_workbook", "read_workbook"]


def is_workbook(path: str | Path) -> bool:
    """True if the build should import path as a workbook rather than read it as a data folder."""
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")
