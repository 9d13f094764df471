"""Read and validate a data folder: every table typed, every problem reported at once.

Problems name the file, the CSV line (the header is line 1) and the column, so a
person editing a spreadsheet can find them. Nothing is built from a folder with problems.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .schema import SCHEMA_FILE, FieldSpec, TableSchema, load_schemas

LIST_SEPARATOR = ";"
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class DataIssue:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", 第 {self.row} 行 (line {self.row})"
        if self.column:
            where += f", 列 {self.column}"
        return f"{where}: {self.message}"


class DataValidationError(Exception):
    """Raised with every issue found in a data folder."""

    def __init__(self, issues: list[DataIssue]):
        self.issues = issues
        lines = "\n".join(f"  - {issue}" for issue in issues)
        super().__init__(f"数据校验失败，共 {len(issues)} 处问题 / data validation failed ({len(issues)} issues):\n{lines}")


@dataclass
class Dataset:
    """The validated tables of one data folder."""

    data_dir: Path
    tables: dict[str, pd.DataFrame]
    schemas: dict[str, TableSchema]
    fingerprint: str

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def edition(self) -> dict:
        return self.tables["edition"].iloc[0].to_dict()

    def base_ids(self) -> list[str]:
        """Base ids in publication order."""
        return self.tables["bases"].sort_values("order")["base_id"].tolist()


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _read_rows(path: Path, issues: list[DataIssue]) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    """Header and (line number, cells) rows, or None when the file cannot be read at all."""
    name = path.name
    if not path.exists():
        issues.append(DataIssue(name, None, None, "文件不存在 (file missing)"))
        return None
    raw = path.read_bytes()
    if not raw.strip():
        issues.append(DataIssue(name, None, None, "文件为空 (empty file)"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = _line_of_offset(raw, err.start)
        issues.append(DataIssue(name, line, None, f"不是 UTF-8 编码 (not UTF-8: byte 0x{raw[err.start]:02x} at offset {err.start})"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as err:
        issues.append(DataIssue(name, reader.line_num, None, f"CSV 格式错误 (malformed CSV: {err})"))
        return None
    header = [h.strip() for h in records[0][1]]
    rows = [(line, cells) for line, cells in records[1:] if any(c.strip() for c in cells)]
    return header, rows


def _check_header(name: str, header: list[str], table: TableSchema, issues: list[DataIssue]) -> bool:
    ok = True
    duplicates = sorted({h for h in header if header.count(h) > 1})
    for column in duplicates:
        issues.append(DataIssue(name, 1, column, "列名重复 (duplicate column)"))
        ok = False
    for column in table.columns:
        if column not in header:
            issues.append(DataIssue(name, 1, column, "缺少列 (missing column)"))
            ok = False
    for column in header:
        if column not in table.columns:
            issues.append(DataIssue(name, 1, column, "多余的列，模式中没有 (extra column not in schema)"))
            ok = False
    return ok


def _valid_partial_date(value: str) -> bool:
    match = PARTIAL_DATE.match(value)
    if not match:
        return False
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _convert(value: str, spec: FieldSpec):
    """The typed value of one non-empty cell, or raise ValueError with a reader-facing reason."""
    kind = spec.type
    if kind in ("integer", "year"):
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f"应为整数 (expected an integer), 实为 {value!r}")
        number = int(value)
        if kind == "year" and not 1900 <= number <= 2100:
            raise ValueError(f"年份超出范围 (year out of range): {number}")
    elif kind == "number":
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"应为数值 (expected a number), 实为 {value!r}") from None
        if number != number:
            raise ValueError("不能是 NaN (NaN is not a number here)")
    elif kind == "partial_date":
        if not _valid_partial_date(value):
            raise ValueError(f"日期应为 YYYY、YYYY-MM 或 YYYY-MM-DD (bad date), 实为 {value!r}")
        return value
    elif kind == "list":
        items = [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
        for item in items:
            _check_text_rules(item, spec)
        return items
    else:
        _check_text_rules(value, spec)
        return value
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"小于最小值 {spec.minimum} (below minimum): {value}")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"大于最大值 {spec.maximum} (above maximum): {value}")
    return number


def _check_text_rules(value: str, spec: FieldSpec) -> None:
    if spec.enum is not None and value not in spec.enum:
        raise ValueError(f"取值 {value!r} 不在允许值 {list(spec.enum)} 中 (not an allowed value)")
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        raise ValueError(f"取值 {value!r} 不符合格式 {spec.pattern} (does not match pattern)")


PANDAS_DTYPES = {"integer": "Int64", "year": "Int64", "number": "Float64"}


def _typed_table(name: str, header: list[str], rows, table: TableSchema, issues: list[DataIssue]) -> pd.DataFrame:
    if not rows:
        issues.append(DataIssue(name, None, None, "没有数据行 (no data rows)"))
    records, lines = [], []
    for line, cells in rows:
        if len(cells) != len(header):
            issues.append(DataIssue(name, line, None, f"有 {len(cells)} 个字段，表头有 {len(header)} 个 (row has {len(cells)} fields, header has {len(header)})"))
            continue
        cell_by_column = dict(zip(header, cells))
        record = {}
        for spec in table.fields:
            value = cell_by_column[spec.name].strip()
            if not value:
                if spec.required:
                    issues.append(DataIssue(name, line, spec.name, "必填字段为空 (required value is empty)"))
                record[spec.name] = [] if spec.type == "list" else None
                continue
            try:
                record[spec.name] = _convert(value, spec)
            except ValueError as err:
                issues.append(DataIssue(name, line, spec.name, str(err)))
                record[spec.name] = None
        records.append(record)
        lines.append(line)
    frame = pd.DataFrame.from_records(records, columns=table.columns)
    for spec in table.fields:
        if spec.type in PANDAS_DTYPES:
            frame[spec.name] = pd.array(frame[spec.name].tolist(), dtype=PANDAS_DTYPES[spec.type])
        elif spec.type != "list":
            frame[spec.name] = frame[spec.name].astype("string")
    frame.attrs["lines"] = lines
    return frame


def _check_unique(name: str, frame: pd.DataFrame, table: TableSchema, issues: list[DataIssue]) -> None:
    lines = frame.attrs["lines"]
    keys = [list(table.primary_key)] + [[f.name] for f in table.fields if f.unique]
    for key in keys:
        seen: dict[tuple, int] = {}
        for position, values in enumerate(frame[key].itertuples(index=False, name=None)):
            if any(v is None or v is pd.NA for v in values):
                continue
            if values in seen:
                shown = ", ".join(str(v) for v in values)
                issues.append(DataIssue(name, lines[position], "+".join(key), f"重复的标识 {shown}，与第 {seen[values]} 行相同 (duplicate id)"))
            else:
                seen[values] = lines[position]


def _check_references(tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema], issues: list[DataIssue]) -> None:
    for name, frame in tables.items():
        table = schemas[name]
        for spec in table.fields:
            if not spec.reference:
                continue
            target_table, target_field = spec.reference
            if target_table not in tables:
                continue
            known = set(tables[target_table][target_field].dropna())
            for position, value in enumerate(frame[spec.name]):
                values = value if isinstance(value, list) else ([] if value is None or value is pd.NA else [value])
                for item in values:
                    if item not in known:
                        issues.append(DataIssue(table.file, frame.attrs["lines"][position], spec.name,
                                                f"引用了不存在的 {target_table}.{target_field}: {item!r} (unknown reference)"))


def _check_taxonomy_tree(tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema], issues: list[DataIssue]) -> None:
    if "taxonomy" not in tables:
        return
    frame = tables["taxonomy"]
    level_of = dict(zip(frame["node_id"], frame["level"]))
    file = schemas["taxonomy"].file
    for position, row in enumerate(frame.itertuples(index=False)):
        line = frame.attrs["lines"][position]
        parent = row.parent_id
        if parent is None or parent is pd.NA:
            if row.level != 1:
                issues.append(DataIssue(file, line, "parent_id", "只有一级分类可以没有上级 (only level 1 has no parent)"))
        elif parent in level_of and level_of[parent] is not pd.NA and row.level is not pd.NA and level_of[parent] + 1 != row.level:
            issues.append(DataIssue(file, line, "level", f"层级应为上级层级加一 (level must be parent's level + 1): {row.level} vs {level_of[parent]}"))


def data_fingerprint(data_dir: Path, schemas: dict[str, TableSchema]) -> str:
    """Short hash of every table's bytes: names the data an edition was built from."""
    digest = hashlib.sha256()
    for table in schemas.values():
        path = Path(data_dir) / table.file
        digest.update(table.file.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def load_dataset(data_dir: str | Path, schema_file: Path = SCHEMA_FILE) -> Dataset:
    """Every table of data_dir, typed; raises DataValidationError listing all problems."""
    data_dir = Path(data_dir)
    schemas = load_schemas(schema_file)
    issues: list[DataIssue] = []
    if not data_dir.is_dir():
        raise DataValidationError([DataIssue(str(data_dir), None, None, "数据目录不存在 (data folder not found)")])
    tables: dict[str, pd.DataFrame] = {}
    for name, table in schemas.items():
        parsed = _read_rows(data_dir / table.file, issues)
        if parsed is None:
            continue
        header, rows = parsed
        if not _check_header(table.file, header, table, issues):
            continue
        frame = _typed_table(table.file, header, rows, table, issues)
        _check_unique(table.file, frame, table, issues)
        tables[name] = frame
    _check_references(tables, schemas, issues)
    _check_taxonomy_tree(tables, schemas, issues)
    if "edition" in tables and len(tables["edition"]) != 1:
        issues.append(DataIssue(schemas["edition"].file, None, None, "版次表必须恰好一行 (edition table needs exactly one row)"))
    if issues:
        raise DataValidationError(issues)
    return Dataset(data_dir=data_dir, tables=tables, schemas=schemas, fingerprint=data_fingerprint(data_dir, schemas))
