"""Read and validate a data folder: every table typed, every problem reported at once.

Problems name the file, the CSV line (the header is line 1) and the column, so a
person editing a spreadsheet can find them. Nothing is built from a folder with problems.
Data text is untrusted (pasted from spreadsheets, web pages and PDFs): spreadsheet habits are
accepted where they are unambiguous, and values that are odd but possible become warnings.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .schema import SCHEMA_FILE, FieldSpec, TableSchema, load_schemas

LIST_SEPARATOR = re.compile("[;；]")
NOT_LIST_SEPARATOR = re.compile("[、,，]")
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
INTEGER = re.compile(r"-?\d+")
NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
NON_FINITE = re.compile(r"[-+]?(?:inf(?:inity)?|nan)", re.IGNORECASE)
THOUSANDS = re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")  # "0,500" is a decimal comma, not 500
# Every type but text is one line: no control character (C0 with tab, DEL, C1 with NEL), no U+2028/U+2029.
SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Text keeps tab and line breaks; other control characters are debris (NUL, form feed, mis-decoded C1).
TEXT_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# NFKC restricted to the full-width block U+FF01-U+FF5E: full NFKC would also read a PDF's
# superscript footnote mark as a digit ("120¹" as 1201).
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


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
        super().__init__(
            f"数据校验失败，共 {len(issues)} 处问题 / data validation failed ({len(issues)} issues):\n{lines}"
        )


@dataclass
class Dataset:
    """The validated tables of one data folder."""

    data_dir: Path
    tables: dict[str, pd.DataFrame]
    schemas: dict[str, TableSchema]
    fingerprint: str
    warnings: list[DataIssue] = field(default_factory=list)  # odd but possible values, worth a second look

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
        issues.append(
            DataIssue(
                name, line, None, f"不是 UTF-8 编码 (not UTF-8: byte 0x{raw[err.start]:02x} at offset {err.start})"
            )
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    records, start = [], 1
    try:
        for row in reader:  # line_num is where a record ends; a quoted line break makes it start earlier
            records.append((start, row))
            start = reader.line_num + 1
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


def _numeral(value: str, spec: FieldSpec, notes: list[str]) -> str:
    """The cell in ASCII digits: full-width read with a warning, unambiguous thousands separators dropped."""
    text = value.translate(FULL_WIDTH)
    if text != value:
        notes.append(f"已按半角数字读取 (full-width digits read as {text})")
    if text.endswith("%"):
        raise ValueError(
            f"数值中不写百分号，单位请写在 unit 列 (put the unit % in the unit column, not in the number): {value!r}"
        )
    if "," in text and spec.type != "year":
        if not THOUSANDS.fullmatch(text):
            raise ValueError(
                f"逗号不是有效的千位分隔符，也不接受小数逗号 (not a valid thousands separator; "
                f"decimal comma not accepted): {value!r}"
            )
        text = text.replace(",", "")
    return text


def _check_bounds(number: float, spec: FieldSpec, value: str, notes: list[str]) -> None:
    """min/max are errors; warn_min/warn_max flag values that are odd but possible."""
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"小于最小值 {spec.minimum} (below minimum): {value}")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"大于最大值 {spec.maximum} (above maximum): {value}")
    if spec.warn_min is not None and number < spec.warn_min:
        notes.append(
            f"小于 {spec.warn_min}，少见，请核对 (unusually low, below {spec.warn_min}; please check): {value}"
        )
    if spec.warn_max is not None and number > spec.warn_max:
        notes.append(
            f"大于 {spec.warn_max}，少见，请核对 (unusually high, above {spec.warn_max}; please check): {value}"
        )


def _convert(value: str, spec: FieldSpec, notes: list[str]):
    """The typed value of one non-empty cell, or raise ValueError with a reader-facing reason."""
    kind = spec.type
    if kind in ("integer", "year"):
        text = _numeral(value, spec, notes)
        if not INTEGER.fullmatch(text):
            raise ValueError(f"应为整数 (expected an integer), 实为 {value!r}")
        number = int(text)
        if kind == "year" and not 1900 <= number <= 2100:
            raise ValueError(f"年份超出范围 (year out of range): {number}")
    elif kind == "number":
        text = _numeral(value, spec, notes)
        if not (NUMBER.fullmatch(text) or NON_FINITE.fullmatch(text)):
            raise ValueError(f"应为数值 (expected a number), 实为 {value!r}")
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(f"应为有限数值，不能是无穷大或 NaN (number must be finite), 实为 {value!r}")
    elif kind == "partial_date":
        if not _valid_partial_date(value):
            raise ValueError(f"日期应为 YYYY、YYYY-MM 或 YYYY-MM-DD (bad date), 实为 {value!r}")
        _check_bounds(int(value[:4]), spec, value, notes)
        return value
    elif kind == "list":
        items = [item.strip() for item in LIST_SEPARATOR.split(value) if item.strip()]
        for item in items:
            if NOT_LIST_SEPARATOR.search(item):
                raise ValueError(f"列表请用分号 ; 或 ； 分隔 (separate list items with ;): {item!r}")
            _check_text_rules(item, spec)
        return items
    else:
        _check_text_rules(value, spec)
        return value
    _check_bounds(number, spec, value, notes)
    return number


def _cell(raw: str, spec: FieldSpec, notes: list[str]):
    """One cell typed; characters are checked before strip(), which would hide a trailing line break."""
    forbidden = (TEXT_FORBIDDEN if spec.type == "text" else SINGLE_LINE_FORBIDDEN).search(raw)
    if forbidden:
        code = f"U+{ord(forbidden.group()):04X}"
        if spec.type == "text":
            raise ValueError(f"文本中不能含控制字符 (control character in text): {code}")
        raise ValueError(
            f"单行字段不能含换行或控制字符 (line break or control character in a single-line field): {code}"
        )
    value = raw.strip()
    if value:
        return _convert(value, spec, notes)
    if spec.required:
        raise ValueError("必填字段为空 (required value is empty)")
    return [] if spec.type == "list" else None


def _check_text_rules(value: str, spec: FieldSpec) -> None:
    if spec.enum is not None and value not in spec.enum:
        raise ValueError(f"取值 {value!r} 不在允许值 {list(spec.enum)} 中 (not an allowed value)")
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        raise ValueError(f"取值 {value!r} 不符合格式 {spec.pattern} (does not match pattern)")


PANDAS_DTYPES = {"integer": "Int64", "year": "Int64", "number": "Float64"}


def _typed_table(
    name: str, header: list[str], rows, table: TableSchema, issues: list[DataIssue], warnings: list[DataIssue]
) -> pd.DataFrame:
    if not rows:
        issues.append(DataIssue(name, None, None, "没有数据行 (no data rows)"))
    records, lines = [], []
    for line, cells in rows:
        if len(cells) != len(header):
            issues.append(
                DataIssue(
                    name,
                    line,
                    None,
                    f"有 {len(cells)} 个字段，表头有 {len(header)} 个 "
                    f"(row has {len(cells)} fields, header has {len(header)})",
                )
            )
            continue
        cell_by_column = dict(zip(header, cells))
        record = {}
        for spec in table.fields:
            notes: list[str] = []
            try:
                record[spec.name] = _cell(cell_by_column[spec.name], spec, notes)
            except ValueError as err:
                issues.append(DataIssue(name, line, spec.name, str(err)))
                record[spec.name] = None
                continue
            warnings.extend(DataIssue(name, line, spec.name, note) for note in notes)
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
                issues.append(
                    DataIssue(
                        name,
                        lines[position],
                        "+".join(key),
                        f"重复的标识 {shown}，与第 {seen[values]} 行相同 (duplicate id)",
                    )
                )
            else:
                seen[values] = lines[position]


def _check_references(
    tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema], issues: list[DataIssue]
) -> None:
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
                        issues.append(
                            DataIssue(
                                table.file,
                                frame.attrs["lines"][position],
                                spec.name,
                                f"引用了不存在的 {target_table}.{target_field}: {item!r} (unknown reference)",
                            )
                        )


def row_ids(frame: pd.DataFrame, table: TableSchema) -> pd.Series:
    """Each row's id as other tables name it: the primary key, fields joined by "/"."""
    return frame[list(table.primary_key)].astype("string").fillna("").agg("/".join, axis=1)


def _check_row_pointers(
    tables: dict[str, pd.DataFrame],
    schemas: dict[str, TableSchema],
    issues: list[DataIssue],
    warnings: list[DataIssue],
) -> None:
    """field_sources names a table, a row (or * for all) and a field; fact_ledger.shown_in names rows.
    A table or field that does not exist is an error. A row that does not exist is a warning, and the
    pointer is dropped: an edition may leave out a base the report described, and then the ledger counts
    those facts as not shown. Pointers into a table that already has problems are not checked."""
    troubled = {issue.file for issue in issues}
    ids = {
        name: set(row_ids(frame, schemas[name])) for name, frame in tables.items() if schemas[name].file not in troubled
    }

    def problem(name: str, position: int, column: str, message: str, found: list[DataIssue] = issues) -> None:
        found.append(DataIssue(schemas[name].file, tables[name].attrs["lines"][position], column, message))

    dangling = "；本版没有这一行，按未展示计 (row not in this edition: ignored)"

    if "field_sources" in tables:
        keep = []
        for position, row in enumerate(tables["field_sources"].itertuples(index=False)):
            keep.append(True)
            if row.table not in schemas:
                problem("field_sources", position, "table", f"没有名为 {row.table!r} 的数据表 (unknown table)")
            elif row.table not in ids:
                continue
            elif row.field not in schemas[row.table].columns:
                problem("field_sources", position, "field", f"{row.table} 没有字段 {row.field!r} (unknown field)")
            elif row.row_id != "*" and row.row_id not in ids[row.table]:
                keep[-1] = False
                problem("field_sources", position, "row_id", f"{row.table} 没有行 {row.row_id!r}{dangling}", warnings)
        tables["field_sources"] = _keep_rows(tables["field_sources"], keep)
    if "fact_ledger" in tables:
        kept = []
        for position, value in enumerate(tables["fact_ledger"]["shown_in"]):
            refs = [] if value is None or value is pd.NA else re.split(r"[;；]", value)
            valid = []
            for ref in filter(None, (r.strip() for r in refs)):
                table, _, rid = ref.partition(":")
                if table not in schemas:
                    problem("fact_ledger", position, "shown_in", f"引用了不存在的数据表 {ref!r} (unknown table)")
                elif table in ids and rid not in ids[table]:
                    problem("fact_ledger", position, "shown_in", f"引用了本版没有的数据行 {ref!r}{dangling}", warnings)
                    continue
                valid.append(ref)
            kept.append("；".join(valid) if valid else pd.NA)
        tables["fact_ledger"]["shown_in"] = pd.array(kept, dtype="string")


def _keep_rows(frame: pd.DataFrame, keep: list[bool]) -> pd.DataFrame:
    """The rows marked True, with their CSV line numbers kept for later messages."""
    lines = [line for line, ok in zip(frame.attrs["lines"], keep) if ok]
    kept = frame[keep].reset_index(drop=True)
    kept.attrs["lines"] = lines
    return kept


def _check_cycles(
    tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema], issues: list[DataIssue]
) -> dict[str, set]:
    """Rows whose parent chain comes back to themselves, by table: a tree check on them would only add noise."""
    cyclic: dict[str, set] = {}
    for name, frame in tables.items():
        table = schemas[name]
        for spec in table.fields:
            if spec.type == "list" or not spec.reference or spec.reference[0] != name:
                continue
            ids = frame[spec.reference[1]]
            parent_of = {
                child: parent for child, parent in zip(ids, frame[spec.name]) if not (pd.isna(child) or pd.isna(parent))
            }
            line_of = dict(zip(ids, frame.attrs["lines"]))
            for start in parent_of:
                path, node = [start], parent_of[start]
                while node != start and node in parent_of and node not in path:
                    path.append(node)
                    node = parent_of[node]
                if node == start:
                    cyclic.setdefault(name, set()).add(start)
                    issues.append(
                        DataIssue(
                            table.file,
                            line_of[start],
                            spec.name,
                            f"上级关系成环 (cycle in {spec.name}): {' → '.join([*path, start])}",
                        )
                    )
    return cyclic


def _check_not_after(tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema], issues: list[DataIssue]) -> None:
    """A year or date later than e.g. the edition's data date cannot be a fact of this edition."""
    for name, frame in tables.items():
        for spec in schemas[name].fields:
            if not spec.not_after:
                continue
            target_table, _, target_field = spec.not_after.partition(".")
            limits = tables[target_table][target_field] if target_table in tables else []
            if len(limits) != 1 or pd.isna(limits.iloc[0]):  # a missing or broken edition is reported elsewhere
                continue
            limit = str(limits.iloc[0])
            for line, value in zip(frame.attrs["lines"], frame[spec.name]):
                shown = "" if pd.isna(value) else str(value)
                common = min(len(shown), len(limit))  # compare at the coarser precision: 2026 is not after 2026-11
                if shown[:common] > limit[:common]:
                    issues.append(
                        DataIssue(
                            schemas[name].file,
                            line,
                            spec.name,
                            f"晚于 {spec.not_after}（{limit}）(later than {spec.not_after} {limit}): {shown}",
                        )
                    )


def _check_taxonomy_tree(
    tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema], issues: list[DataIssue], cyclic: set
) -> None:
    if "taxonomy" not in tables:
        return
    frame = tables["taxonomy"]
    level_of = dict(zip(frame["node_id"], frame["level"]))
    file = schemas["taxonomy"].file
    for position, row in enumerate(frame.itertuples(index=False)):
        if row.node_id in cyclic:
            continue
        line = frame.attrs["lines"][position]
        parent = row.parent_id
        if parent is None or parent is pd.NA:
            if row.level != 1:
                issues.append(
                    DataIssue(file, line, "parent_id", "只有一级分类可以没有上级 (only level 1 has no parent)")
                )
        elif (
            parent in level_of
            and level_of[parent] is not pd.NA
            and row.level is not pd.NA
            and level_of[parent] + 1 != row.level
        ):
            issues.append(
                DataIssue(
                    file,
                    line,
                    "level",
                    f"层级应为上级层级加一 (level must be parent's level + 1): {row.level} vs {level_of[parent]}",
                )
            )


def _check_folder(data_dir: Path, schemas: dict[str, TableSchema], issues: list[DataIssue]) -> None:
    """Files that would otherwise be ignored: a schema of the folder's own, or a table under a mistyped name."""
    expected = sorted(table.file for table in schemas.values())
    for path in sorted(data_dir.iterdir()):
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            issues.append(
                DataIssue(
                    path.name,
                    None,
                    None,
                    "数据目录不应包含模式文件；模式由程序提供 (dtbook/schema.yaml)，请删除该文件 "
                    "(a data folder must not carry its own schema; the schema comes with the program "
                    "(dtbook/schema.yaml), delete this file)",
                )
            )
        elif suffix == ".csv" and path.name not in expected:
            guess = difflib.get_close_matches(path.name, expected, n=1)
            hint = f"是否应为 {guess[0]}？(did you mean {guess[0]}?) " if guess else ""
            issues.append(
                DataIssue(
                    path.name,
                    None,
                    None,
                    f"不是模式中的表，不会被读取 (not a table of the schema, would be ignored). "
                    f"{hint}应为以下文件之一 (expected one of): {', '.join(expected)}",
                )
            )


def data_fingerprint(data_dir: Path, schemas: dict[str, TableSchema]) -> str:
    """Short hash of every table's bytes: names the data an edition was built from."""
    digest = hashlib.sha256()
    for table in schemas.values():
        path = Path(data_dir) / table.file
        digest.update(table.file.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def load_dataset(data_dir: str | Path, schema_file: Path = SCHEMA_FILE) -> Dataset:
    """Every table of data_dir, typed, with its warnings; raises DataValidationError listing all errors."""
    data_dir = Path(data_dir)
    schemas = load_schemas(schema_file)
    issues: list[DataIssue] = []
    warnings: list[DataIssue] = []
    if not data_dir.is_dir():
        raise DataValidationError([DataIssue(str(data_dir), None, None, "数据目录不存在 (data folder not found)")])
    _check_folder(data_dir, schemas, issues)
    tables: dict[str, pd.DataFrame] = {}
    for name, table in schemas.items():
        parsed = _read_rows(data_dir / table.file, issues)
        if parsed is None:
            continue
        header, rows = parsed
        if not _check_header(table.file, header, table, issues):
            continue
        frame = _typed_table(table.file, header, rows, table, issues, warnings)
        _check_unique(table.file, frame, table, issues)
        tables[name] = frame
    _check_references(tables, schemas, issues)
    _check_row_pointers(tables, schemas, issues, warnings)
    cyclic = _check_cycles(tables, schemas, issues)
    _check_taxonomy_tree(tables, schemas, issues, cyclic.get("taxonomy", set()))
    _check_not_after(tables, schemas, issues)
    if "edition" in tables and len(tables["edition"]) != 1:
        issues.append(
            DataIssue(schemas["edition"].file, None, None, "版次表必须恰好一行 (edition table needs exactly one row)")
        )
    if issues:
        raise DataValidationError(issues)
    return Dataset(
        data_dir=data_dir,
        tables=tables,
        schemas=schemas,
        fingerprint=data_fingerprint(data_dir, schemas),
        warnings=warnings,
    )
