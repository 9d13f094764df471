"""Read an edition workbook back into CSV tables, and validate them exactly as a data folder is validated.

Each cell becomes the text a CSV file would hold: text as written, numbers as Excel shows them at full
precision, real Excel dates in a date column at the precision their format shows, a reference picked from a
drop-down ("T1.2 数字技术贸易") as its code. What cannot be read as the user meant (a formula, a merged range,
a logical or error value, a percentage, a date where no date belongs) is a problem naming the cell. Every
problem, the loader's included, is reported at once as the sheet, row and column letter Excel shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from ..load import DataIssue, Dataset, DataValidationError, load_dataset
from ..schema import SCHEMA_FILE, FieldSpec, TableSchema, load_schemas
from .layout import (
    CODES_SHEET,
    FIELD_ROW,
    FIRST_DATA_ROW,
    FORMAT_ID,
    GUIDE_SHEET,
    META_SHEET,
    cell_unescape,
    column_labels,
    display,
    format_decimals,
    label_fields,
    number_text,
    sheet_names,
)

LIST_SPLIT = re.compile("([;；])")
ROW_MENTION = re.compile(r"第 (\d+) 行")
TEXT_SPEC = FieldSpec(name="", type="string")


@dataclass(frozen=True)
class SheetIssue(DataIssue):
    """A problem where Excel shows it: file is the sheet, row the Excel row, column the Chinese header."""

    letter: str | None = None

    def __str__(self) -> str:
        where = f"{self.file} 工作表"
        if self.row is not None:
            where += f", 第 {self.row} 行"
        if self.letter:
            where += f", {self.letter} 列 {self.column or ''}".rstrip()
        elif self.column:
            where += f", 列 {self.column}"
        return f"{where}: {self.message}"


@dataclass
class SheetTable:
    """One data sheet read as CSV text, with where each record and field stands in the sheet."""

    name: str
    sheet: str
    header: list[str] = field(default_factory=list)
    records: list[list[str]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the Excel row of each record
    letters: dict[str, str] = field(default_factory=dict)  # field name -> column letter
    labels: dict[str, str] = field(default_factory=dict)  # field name -> Chinese header
    newline: str = "\n"
    bom: bool = False
    lines: dict[int, int] = field(default_factory=dict)  # CSV line of a record -> Excel row, once written

    def index(self, name: str) -> int | None:
        """Position of a field among the sheet's columns (field names compared without surrounding spaces)."""
        return next((i for i, h in enumerate(self.header) if h.strip() == name), None)

    def column(self, name: str) -> list[str]:
        index = self.index(name)
        return [] if index is None else [record[index] for record in self.records]

    def csv_bytes(self) -> bytes:
        """The table as load.py reads it: csv minimal quoting, the file's own line ending; records its lines."""
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator=self.newline).writerows([self.header, *self.records])
        text = buffer.getvalue()
        reader, start, position = csv.reader(io.StringIO(text, newline="")), 1, 0
        self.lines = {}
        for index, _ in enumerate(reader):
            if index:
                self.lines[start] = self.rows[position]
                position += 1
            start = reader.line_num + 1
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


@dataclass
class Reading:
    """A workbook read into tables; problems are errors, notes are warnings, both located in the sheets."""

    tables: dict[str, SheetTable]
    problems: list[SheetIssue]
    notes: list[SheetIssue]
    blocked: set[tuple[str, int, str | None]]  # cells a problem was reported for: the loader need not repeat it
    fingerprint: str = ""
    sheets: dict[str, str] = field(default_factory=dict)  # CSV file name -> its sheet (found, or the one expected)


@dataclass
class Meta:
    sheets: dict[str, str] = field(default_factory=dict)  # table -> sheet
    formats: dict[str, tuple[str, bool]] = field(default_factory=dict)  # table -> (newline, bom)
    exported: dict[str, dict[str, str]] = field(default_factory=dict)  # "table.field" -> {display: code}
    fingerprint: str = ""
    format: str = ""


def _read_meta(book) -> Meta:
    meta = Meta()
    if META_SHEET not in book.sheetnames:
        return meta
    rows = [[("" if v is None else str(v)) for v in row] for row in book[META_SHEET].iter_rows(values_only=True)]
    for row in rows:
        kind, rest = (row[0], row[1:]) if row else ("", [])
        if kind == "format" and rest:
            meta.format = rest[0]
        elif kind == "fingerprint" and rest:
            meta.fingerprint = rest[0]
        elif kind == "table" and len(rest) >= 5:
            meta.sheets[rest[0]] = rest[1]
            meta.formats[rest[0]] = ("\r\n" if rest[3] == "CRLF" else "\n", rest[4] == "1")
        elif kind == "list" and len(rest) >= 5 and CODES_SHEET in book.sheetnames:
            codes, shown = _code_list(book[CODES_SHEET], rest[1], rest[2], int(rest[3]), int(rest[4]))
            meta.exported[rest[0]] = dict(zip(shown, codes))
    return meta


def _code_list(sheet, code_column: str, display_column: str, first: int, last: int) -> tuple[list[str], list[str]]:
    codes = [sheet[f"{code_column}{row}"].value for row in range(first, last + 1)]
    shown = [sheet[f"{display_column}{row}"].value for row in range(first, last + 1)]
    pairs = [(str(c), str(s)) for c, s in zip(codes, shown) if c is not None and s is not None]
    return [c for c, _ in pairs], [s for _, s in pairs]


def _date_precision(fmt: str) -> str:
    """'day', 'month' or 'year': what a date format shows ("yyyy-mm" -> month, "mmm-yy" -> month)."""
    codes = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt or "").lower()
    if "d" in codes or not re.search("[ym]", codes):
        return "day"
    return "month" if "m" in codes else "year"


def _shows_percent(fmt: str) -> bool:
    return "%" in re.sub(r'"[^"]*"|\\.', "", fmt or "")


class CellProblem(ValueError):
    """The cell cannot be read as its user meant it: the message says what to do."""


def cell_text(cell, spec: FieldSpec) -> str:
    """One cell as CSV text, or raise CellProblem."""
    value = cell.value
    if value is None:
        return ""
    if cell.data_type == "f" or isinstance(value, (ArrayFormula, DataTableFormula)):
        formula = value.text if isinstance(value, ArrayFormula) else str(value)
        raise CellProblem(
            f"单元格是公式 {formula}，导入只读取输入的值：请改为直接输入的值（复制后“选择性粘贴 → 数值”） "
            f"(a formula: enter the value itself)"
        )
    if cell.data_type == "e":
        raise CellProblem(f"单元格是错误值 {value} (an error value)")
    if isinstance(value, bool):
        raise CellProblem(f"单元格是逻辑值 {str(value).upper()}，请输入文本或数值 (a logical value)")
    if isinstance(value, str):
        return cell_unescape(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return _date_text(value, cell.number_format, spec)
    if isinstance(value, (dt.time, dt.timedelta)):
        raise CellProblem(f"单元格是时间 {value}，请输入文本或数值 (a time value)")
    if isinstance(value, (int, float)):
        return _number_text(value, cell.number_format, spec)
    raise CellProblem(f"无法读取的单元格内容 {value!r} (unreadable cell)")


def _date_text(value: dt.date, fmt: str, spec: FieldSpec) -> str:
    shown = value.strftime("%Y-%m-%d")
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        raise CellProblem(f"单元格是带时间的日期 {value:%Y-%m-%d %H:%M}，只接受日期 (a date with a time of day)")
    if spec.type == "partial_date":
        precision = _date_precision(fmt)
        return {"day": shown, "month": shown[:7], "year": shown[:4]}[precision]
    if spec.type == "year":
        raise CellProblem(f"年份列中是 Excel 日期 {shown}：请只写四位年份 (a date in a year column)")
    raise CellProblem(
        f"单元格被 Excel 读成了日期 {shown}：请把单元格设为文本格式后重新输入 (Excel turned this into a date)"
    )


def _number_text(value: int | float, fmt: str, spec: FieldSpec) -> str:
    if _shows_percent(fmt):
        raise CellProblem(
            f"单元格按百分比显示，实际值为 {number_text(value)}：请输入不带 % 的数值，百分号写在单位列 "
            f"(a percentage cell: enter the number without %, the unit goes in the unit column)"
        )
    if spec.type == "partial_date":
        if isinstance(value, int) or float(value).is_integer():
            year = int(value)
            if 1000 <= year <= 9999:
                return str(year)
        raise CellProblem(
            f"日期列中是数值 {number_text(value)}：请按文本输入 YYYY、YYYY-MM 或 YYYY-MM-DD (a number in a date column)"
        )
    return number_text(value, format_decimals(fmt))


class RefIndex:
    """The codes of one referenced field and every way a cell may show them."""

    def __init__(self, codes: list[str], labels: list[str], exported: dict[str, str]):
        self.codes = {c.strip() for c in codes if c.strip()}
        self.label = {c.strip(): display(c.strip(), label) for c, label in zip(codes, labels) if c.strip()}
        self.shown = {**{s: c for s, c in exported.items() if c in self.codes}, **{s: c for c, s in self.label.items()}}

    def code(self, text: str) -> str:
        """The code a cell names, or the text itself for the loader to judge; raises on a code under a wrong name."""
        core = text.strip()
        if not core or core in self.codes:
            return text
        if core in self.shown:
            return self.shown[core]
        first, _, rest = core.partition(" ")
        if rest and first in self.codes:
            raise CellProblem(
                f"编号与名称不一致：{first} 是「{self.label[first]}」，不是「{rest.strip()}」；请从下拉列表选择，"
                f"或只写编号 (the code and the name disagree)"
            )
        return text

    def codes_of_list(self, text: str) -> str:
        """A list cell with each item's code, separators and spacing kept."""
        pieces = LIST_SPLIT.split(text)
        for index in range(0, len(pieces), 2):
            piece = pieces[index]
            core = piece.strip()
            if core:
                start = piece.index(core)
                pieces[index] = piece[:start] + self.code(core) + piece[start + len(core) :]
        return "".join(pieces)


def _spec(table: TableSchema, column: str) -> FieldSpec:
    return table.field(column.strip()) if column.strip() in table.columns else TEXT_SPEC


def _read_sheet(sheet, table: TableSchema, name: str, reading: Reading) -> SheetTable | None:
    title = sheet.title
    out = SheetTable(name=name, sheet=title)

    def problem(row: int | None, letter: str | None, label: str | None, message: str) -> None:
        reading.problems.append(SheetIssue(title, row, label, message, letter))
        reading.blocked.add((title, row, letter))

    rows = list(sheet.iter_rows())
    if len(rows) < FIELD_ROW:
        problem(None, None, None, f"工作表没有第 {FIELD_ROW} 行的字段名，无法读取 (no field-name row)")
        return None
    fields = ["" if c.value is None else str(c.value) for c in rows[FIELD_ROW - 1]]
    while fields and not fields[-1].strip():
        fields.pop()
    keep = [index for index, name_ in enumerate(fields) if name_.strip()]
    out.header = [fields[i] for i in keep]
    labels = column_labels(table, [f.strip() for f in out.header])
    out.letters = {fields[i].strip(): get_column_letter(i + 1) for i in keep}
    out.labels = {f.strip(): labels[f.strip()] for f in out.header}
    specs = {i: _spec(table, fields[i]) for i in keep}

    for rng in list(sheet.merged_cells.ranges):
        min_col, min_row, max_col, max_row = range_boundaries(str(rng))
        letter = get_column_letter(min_col)
        field_name = fields[min_col - 1].strip() if min_col <= len(fields) else None
        problem(
            min_row,
            letter,
            out.labels.get(field_name or "", None),
            f"合并单元格 {rng}：导入不读取合并单元格，请取消合并，并在每行各填一次 (merged cells: unmerge them)",
        )
        for row in range(min_row, max_row + 1):
            for column in range(min_col, max_col + 1):
                reading.blocked.add((title, row, get_column_letter(column)))

    hidden_rows = []
    for cells in rows[FIRST_DATA_ROW - 1 :]:
        if not cells:
            continue
        row = cells[0].row
        record = [""] * len(keep)
        has_data = False
        for position, index in enumerate(keep):
            if index >= len(cells):
                break
            cell = cells[index]
            letter = get_column_letter(index + 1)
            try:
                text = cell_text(cell, specs[index])
            except CellProblem as err:
                problem(row, letter, out.labels[fields[index].strip()], str(err))
                has_data = True
                continue
            record[position] = text
            has_data = has_data or text != ""
        for index in range(len(cells)):
            if index in specs or cells[index].value is None or str(cells[index].value).strip() == "":
                continue
            problem(
                row,
                get_column_letter(index + 1),
                None,
                f"这一列第 {FIELD_ROW} 行没有字段名，内容不会被导入：请把它移到有字段名的列 "
                f"(a value in a column without a field name would be lost)",
            )
            has_data = True
        if not has_data:
            continue
        if sheet.row_dimensions[row].hidden:
            hidden_rows.append(row)
        out.records.append(record)
        out.rows.append(row)
    if hidden_rows:
        shown = "、".join(str(r) for r in hidden_rows[:20]) + ("……" if len(hidden_rows) > 20 else "")
        reading.notes.append(
            SheetIssue(
                title,
                hidden_rows[0],
                None,
                f"已隐藏（或被筛选掉）的第 {shown} 行仍作为数据导入 (hidden or filtered rows are imported as data)",
            )
        )
    hidden_columns = [
        out.letters[f.strip()]
        for f in out.header
        if sheet.column_dimensions[out.letters[f.strip()]].hidden and any(r[out.index(f.strip())] for r in out.records)
    ]
    if hidden_columns:
        reading.notes.append(
            SheetIssue(
                title,
                None,
                None,
                f"已隐藏的 {'、'.join(hidden_columns)} 列仍作为数据导入 (hidden columns are imported as data)",
            )
        )
    return out


def _resolve_references(reading: Reading, schemas: dict[str, TableSchema], meta: Meta) -> None:
    """Reference cells that show "code 名称" become the code; other text is left for the loader to judge."""
    indexes: dict[str, RefIndex] = {}
    for name, sheet_table in reading.tables.items():
        table = schemas[name]
        for spec in table.fields:
            position = sheet_table.index(spec.name)
            if not spec.reference or position is None:
                continue
            target_name, target_field = spec.reference
            target = reading.tables.get(target_name)
            if target is None:
                continue
            key = f"{target_name}.{target_field}"
            if key not in indexes:
                label_columns = [target.column(f) for f in label_fields(schemas[target_name])]
                labels = [" ".join(parts) for parts in zip(*label_columns)] if label_columns else []
                codes = target.column(target_field)
                indexes[key] = RefIndex(codes, labels or [""] * len(codes), meta.exported.get(key, {}))
            index = indexes[key]
            letter, label = sheet_table.letters[spec.name], sheet_table.labels[spec.name]
            for record, row in zip(sheet_table.records, sheet_table.rows):
                try:
                    value = record[position]
                    record[position] = index.codes_of_list(value) if spec.type == "list" else index.code(value)
                except CellProblem as err:
                    reading.problems.append(SheetIssue(sheet_table.sheet, row, label, str(err), letter))
                    reading.blocked.add((sheet_table.sheet, row, letter))


def open_workbook(path: Path):
    """The workbook as openpyxl reads it (formulas as formulas), or raise DataValidationError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise DataValidationError([DataIssue(str(path), None, None, "工作簿不存在 (workbook not found)")])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # extensions openpyxl does not keep (e.g. from other programs)
            return openpyxl.load_workbook(path, data_only=False, rich_text=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise DataValidationError(
            [
                DataIssue(
                    path.name,
                    None,
                    None,
                    f"无法作为 XLSX 工作簿读取：{err}（请在 Excel/WPS/LibreOffice 中另存为 .xlsx） "
                    f"(not a readable .xlsx workbook)",
                )
            ]
        ) from None


def read_workbook(path: Path, schema_file: Path = SCHEMA_FILE) -> Reading:
    """Every data sheet of the workbook as CSV tables, with every problem found in the cells."""
    schemas = load_schemas(schema_file)
    book = open_workbook(path)
    meta = _read_meta(book)
    derived = sheet_names(schemas)
    reading = Reading(tables={}, problems=[], notes=[], blocked=set(), fingerprint=meta.fingerprint)
    if meta.format and meta.format != FORMAT_ID:
        reading.notes.append(
            SheetIssue(META_SHEET, None, None, f"工作簿格式 {meta.format}，本程序为 {FORMAT_ID} (format version)")
        )
    known = set()
    for name, table in schemas.items():
        candidates = [meta.sheets.get(name), derived[name]]
        sheet_name = next((s for s in candidates if s and s in book.sheetnames), None)
        reading.sheets[table.file] = sheet_name or derived[name]
        if sheet_name is None:
            reading.problems.append(
                SheetIssue(
                    derived[name],
                    None,
                    None,
                    f"缺少工作表「{derived[name]}」（数据表 {table.file}）(sheet missing)",
                )
            )
            continue
        known.add(sheet_name)
        sheet_table = _read_sheet(book[sheet_name], table, name, reading)
        if sheet_table is not None:
            sheet_table.newline, sheet_table.bom = meta.formats.get(name, ("\n", False))
            reading.tables[name] = sheet_table
    expected = [derived[n] for n in schemas]
    for extra in book.sheetnames:
        if extra in known or extra in (GUIDE_SHEET, CODES_SHEET, META_SHEET):
            continue
        guess = difflib.get_close_matches(extra, expected, n=1)
        hint = f"是否应为「{guess[0]}」？" if guess else ""
        reading.problems.append(
            SheetIssue(
                extra,
                None,
                None,
                f"不是数据表的工作表，不会被导入 {hint}(not a table of the schema, would be ignored)",
            )
        )
    _resolve_references(reading, schemas, meta)
    return reading


def write_tables(reading: Reading, folder: Path, schemas: dict[str, TableSchema]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, sheet_table in reading.tables.items():
        (folder / schemas[name].file).write_bytes(sheet_table.csv_bytes())


def locate(issue: DataIssue, reading: Reading, schemas: dict[str, TableSchema]) -> SheetIssue | DataIssue:
    """A loader issue (file, CSV line, field) as the sheet, Excel row and column letter it comes from."""
    by_file = {schemas[name].file: t for name, t in reading.tables.items()}
    sheet_table = by_file.get(issue.file)
    if sheet_table is None:
        sheet = reading.sheets.get(issue.file)
        return SheetIssue(sheet, None, issue.column, issue.message) if sheet else issue

    def row_of(line: int | None) -> int | None:
        if line is None:
            return None
        return FIELD_ROW if line == 1 else sheet_table.lines.get(line, line)

    message = ROW_MENTION.sub(lambda m: f"第 {row_of(int(m.group(1)))} 行", issue.message)
    columns = issue.column.split("+") if issue.column else []
    letters = [sheet_table.letters[c] for c in columns if c in sheet_table.letters]
    label = "+".join(sheet_table.labels.get(c, c) for c in columns) or None
    return SheetIssue(sheet_table.sheet, row_of(issue.row), label, message, "、".join(letters) or None)


def _repeats(issue: SheetIssue | DataIssue, reading: Reading) -> bool:
    """True if a problem the import reported already covers this loader issue."""
    if not isinstance(issue, SheetIssue):
        return False
    if issue.row is None:
        return any(p.file == issue.file for p in reading.problems)
    letters = (issue.letter or "").split("、")
    return (issue.file, issue.row, None) in reading.blocked or any(
        (issue.file, issue.row, letter) in reading.blocked for letter in letters
    )


def load_workbook(path: Path, folder: Path, schema_file: Path = SCHEMA_FILE) -> Dataset:
    """Import the workbook into folder (created, tables written) and load it: the Dataset, with its warnings
    located in the workbook, or DataValidationError listing every problem of the cells and of the data."""
    schemas = load_schemas(schema_file)
    reading = read_workbook(path, schema_file)
    write_tables(reading, Path(folder), schemas)
    try:
        ds = load_dataset(folder, schema_file)
    except DataValidationError as err:
        located = [locate(issue, reading, schemas) for issue in err.issues]
        raise DataValidationError(reading.problems + [i for i in located if not _repeats(i, reading)]) from None
    if reading.problems:
        raise DataValidationError(reading.problems)
    ds.warnings = reading.notes + [locate(w, reading, schemas) for w in ds.warnings]
    return ds
