"""Shared fixtures: a writable copy of the project's data folder, and a CSV cell editor."""
import csv
import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "data"


def copy_project_data(target: Path) -> Path:
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def data_copy(tmp_path) -> Path:
    return copy_project_data(tmp_path / "data")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell; line counts like the error messages do (header = line 1)."""
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def cell(path: Path, line: int, column: str) -> str:
    rows = read_rows(path)
    return rows[line - 1][rows[0].index(column)]


def append_row(path: Path, values: dict[str, str]) -> int:
    """Append a row (missing columns empty); returns its line number."""
    rows = read_rows(path)
    rows.append([values.get(column, "") for column in rows[0]])
    write_rows(path, rows)
    return len(rows)
