"""Write a data folder as one edition workbook, generated from the schema.

One sheet per table (the schema's title), the Chinese header and the field name as two locked header rows,
what each column holds in the header's comment and as the input message of every cell below it, drop-down
lists for allowed values and for references ("code 名称"), number and text formats from the field types, frozen
headers and a filter. Sheets and header rows are protected; data cells stay editable and rows can be inserted,
deleted, sorted and added. After writing, the workbook is read back: every table must give the bytes of its
CSV file again, or the export says which table does not.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.protection import SheetProtection

from ..load import LIST_SEPARATOR, load_dataset
from ..schema import SCHEMA_FILE, FieldSpec, TableSchema, load_schemas
from .importer import read_workbook
from .layout import (
    CODES_SHEET,
    COLUMN_WIDTHS,
    FIELD_ROW,
    FIRST_DATA_ROW,
    FORMAT_ID,
    GUIDE_SHEET,
    LAST_ROW,
    META_SHEET,
    TYPE_LABELS,
    as_number,
    cell_escape,
    column_labels,
    display,
    label_fields,
    number_format,
    sheet_names,
)

UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_FONT = Font(bold=True)
FIELD_FONT = Font(italic=True, color="666666", size=9)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
FIELD_FILL = PatternFill("solid", fgColor="F2F2F2")
PROMPT_MAX, PROMPT_TITLE_MAX = 255, 32
MAX_CELL = 32767  # characters Excel keeps in one cell


@dataclass
class Exported:
    path: Path
    fingerprint: str
    rows: dict[str, int]  # table -> data rows
    warnings: list[str] = field(default_factory=list)


@dataclass
class CsvTable:
    header: list[str]
    records: list[list[str]]
    newline: str
    bom: bool
    raw: bytes


def read_csv_table(path: Path) -> CsvTable:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    records = list(csv.reader(io.StringIO(text, newline="")))
    body = [r for r in records[1:] if any(c != "" for c in r)]
    return CsvTable(records[0], body, "\r\n" if first_line.endswith("\r") else "\n", bom, raw)


def field_help(table: TableSchema, spec: FieldSpec, sheets: dict[str, str], schemas: dict[str, TableSchema]) -> str:
    """What a column holds, for the header's comment and the cells' input message."""
    lines = [spec.description] if spec.description else []
    lines.append(f"类型：{TYPE_LABELS[spec.type]}")
    if spec.unit:
        lines.append(f"单位：{spec.unit}")
    lines.append("必填" if spec.required else "可留空")
    if spec.unique or table.primary_key == (spec.name,):
        lines.append("不得重复")
    elif spec.name in table.primary_key:
        lines.append(f"与{'、'.join(k for k in table.primary_key if k != spec.name)}一起不得重复")
    if spec.enum:
        lines.append(f"允许值：{'、'.join(spec.enum)}")
    if spec.reference:
        target, target_field = spec.reference
        label = column_labels(schemas[target], [target_field])[target_field]
        how = "多项用 ； 分隔" if spec.type == "list" else "可从下拉列表选择（显示为“编号 名称”）"
        lines.append(f"须为「{sheets[target]}」工作表中已有的{label}；{how}，也可只写编号")
    if spec.minimum is not None or spec.maximum is not None:
        low = "" if spec.minimum is None else f"{spec.minimum:g}"
        high = "" if spec.maximum is None else f"{spec.maximum:g}"
        lines.append(f"范围：{low} 至 {high}" if low and high else (f"不小于 {low}" if low else f"不大于 {high}"))
    if spec.not_after:
        target, _, target_field = spec.not_after.partition(".")
        label = column_labels(schemas[target], [target_field])[target_field]
        lines.append(f"不晚于「{sheets[target]}」工作表的{label}")
    if spec.pattern:
        lines.append(f"格式（正则表达式）：{spec.pattern}")
    lines.append(f"字段名：{spec.name}")
    return "\n".join(lines)


class CodeLists:
    """The 代码表 sheet: each drop-down's values in a column, referenced by the data validations."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.column = 0
        self.ranges: dict[object, str] = {}
        self.meta: list[list[str]] = []

    def _add_column(self, title: str, subtitle: str, values: list[str]) -> str:
        self.column += 1
        letter = get_column_letter(self.column)
        self.sheet.cell(1, self.column, title).font = HEADER_FONT
        self.sheet.cell(2, self.column, subtitle).font = FIELD_FONT
        for row, value in enumerate(values, start=FIRST_DATA_ROW):
            cell = self.sheet.cell(row, self.column, cell_escape(value))
            cell.data_type = "s"
        self.sheet.column_dimensions[letter].width = 16 if subtitle == "编号" else 36
        return letter

    def _range(self, letter: str, count: int) -> str:
        return f"'{CODES_SHEET}'!${letter}${FIRST_DATA_ROW}:${letter}${FIRST_DATA_ROW + count - 1}"

    def enum(self, title: str, values: tuple[str, ...]) -> str | None:
        if values not in self.ranges and values:
            self.ranges[values] = self._range(self._add_column(title, "允许值", list(values)), len(values))
        return self.ranges.get(values)

    def reference(self, key: str, title: str, codes: list[str], shown: list[str]) -> str | None:
        if key not in self.ranges and codes:
            code_letter = self._add_column(title, "编号", codes)
            shown_letter = self._add_column(title, "下拉显示", shown)
            self.ranges[key] = self._range(shown_letter, len(shown))
            last = FIRST_DATA_ROW + len(codes) - 1
            self.meta.append(["list", key, code_letter, shown_letter, str(FIRST_DATA_ROW), str(last)])
        return self.ranges.get(key)


def _displays(tables: dict[str, CsvTable], schemas: dict[str, TableSchema]) -> dict[str, dict[str, str]]:
    """For every referenced field: code -> "code 名称"."""
    out: dict[str, dict[str, str]] = {}
    for table in schemas.values():
        for spec in table.fields:
            if not spec.reference:
                continue
            target, target_field = spec.reference
            key = f"{target}.{target_field}"
            if key in out or target not in tables:
                continue
            csv_table = tables[target]
            header = [h.strip() for h in csv_table.header]
            code_at = header.index(target_field)
            label_at = [header.index(f) for f in label_fields(schemas[target]) if f in header]
            out[key] = {
                r[code_at].strip(): display(r[code_at].strip(), " ".join(r[i] for i in label_at))
                for r in csv_table.records
                if r[code_at].strip()
            }
    return out


def _shown(text: str, spec: FieldSpec, shown: dict[str, str]) -> str:
    """A reference cell as the workbook shows it: each known code with its name; separators kept."""
    if spec.type != "list":
        return shown.get(text, text)
    pieces = LIST_SEPARATOR.split(text)
    separators = LIST_SEPARATOR.findall(text)
    out = []
    for piece in pieces:
        core = piece.strip()
        label = shown.get(core)
        if label and not LIST_SEPARATOR.search(label):
            start = piece.index(core)
            piece = piece[:start] + label + piece[start + len(core) :]
        out.append(piece)
    return "".join(p + s for p, s in zip(out, separators + [""]))


def _validation(
    spec: FieldSpec, label: str, help_text: str, letter: str, formula: str | None, target_sheet: str | None
) -> DataValidation:
    prompt = help_text if len(help_text) <= PROMPT_MAX else help_text[: PROMPT_MAX - 1] + "…"
    options = {
        "allow_blank": True,
        "showInputMessage": True,
        "promptTitle": label[:PROMPT_TITLE_MAX],
        "prompt": prompt,
    }
    if formula:
        options.update(type="list", formula1=formula, showErrorMessage=spec.type != "list")  # list: several items
    if formula and spec.enum:  # fixed values: anything else is refused as typed
        options.update(errorStyle="stop", errorTitle="不是允许值", error=f"{label}只能取：{'、'.join(spec.enum)}")
    elif formula and spec.type != "list":  # a reference: a row added in the workbook is not in the list yet
        options.update(
            errorStyle="warning",
            errorTitle="列表中没有这个编号",
            error=f"列表中没有这个值。新增的行请先加到「{target_sheet}」工作表；也可以只写编号。导入时会检查它是否存在。保留吗？",
        )
    options["error"] = options.get("error", "")[:PROMPT_MAX] or None
    validation = DataValidation(**options)
    validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}")
    return validation


def _protect(sheet) -> None:
    """Header cells locked; inserting, deleting, sorting and filtering rows and formatting stay allowed."""
    sheet.protection = SheetProtection(
        sheet=True,
        formatCells=False,
        formatColumns=False,
        formatRows=False,
        insertRows=False,
        deleteRows=False,
        sort=False,
        autoFilter=False,
        insertColumns=True,
        deleteColumns=True,
        insertHyperlinks=True,
        objects=True,
        scenarios=True,
        selectLockedCells=False,
        selectUnlockedCells=False,
    )


def _write_sheet(
    sheet,
    table: TableSchema,
    csv_table: CsvTable,
    sheets: dict[str, str],
    schemas: dict[str, TableSchema],
    codes: CodeLists,
    displays: dict[str, dict[str, str]],
) -> None:
    columns = [h.strip() for h in csv_table.header]
    labels = column_labels(table, columns)
    specs = [table.field(c) for c in columns]
    for index, (raw_name, column, spec) in enumerate(zip(csv_table.header, columns, specs), start=1):
        letter = get_column_letter(index)
        help_text = field_help(table, spec, sheets, schemas)
        head = sheet.cell(1, index, labels[column])
        head.font, head.protection, head.alignment = HEADER_FONT, LOCKED, WRAP
        head.fill = REQUIRED_FILL if spec.required else OPTIONAL_FILL
        comment = Comment(help_text, "dtbook")
        comment.width, comment.height = 320, 40 + 18 * help_text.count("\n") + len(help_text) // 2
        head.comment = comment
        name_cell = sheet.cell(FIELD_ROW, index, raw_name)
        name_cell.font, name_cell.fill, name_cell.protection = FIELD_FONT, FIELD_FILL, LOCKED
        name_cell.data_type = "s"
        dimension = sheet.column_dimensions[letter]
        dimension.width = 26 if spec.reference else COLUMN_WIDTHS.get(spec.type, 12)
        dimension.width = 18 if column == table.primary_key[0] and not spec.reference else dimension.width
        dimension.number_format = number_format(spec)
        dimension.protection = UNLOCKED
        dimension.alignment = WRAP if spec.type == "text" else TOP
        formula, target_sheet = None, None
        if spec.enum:
            formula = codes.enum(f"{labels[column]}（{sheets[table.name]}）", spec.enum)
        elif spec.reference:
            key = f"{spec.reference[0]}.{spec.reference[1]}"
            target_sheet = sheets[spec.reference[0]]
            shown = displays.get(key, {})
            target_label = column_labels(schemas[spec.reference[0]], [spec.reference[1]])[spec.reference[1]]
            title = f"{target_sheet}·{target_label}"
            formula = codes.reference(key, title, list(shown), list(shown.values()))
        sheet.add_data_validation(_validation(spec, labels[column], help_text, letter, formula, target_sheet))
    rest = ColumnDimension(sheet, index=get_column_letter(len(columns) + 1), width=10)
    rest.min, rest.max = len(columns) + 1, 16384
    rest.protection = UNLOCKED  # whole rows unlocked, so that rows can be deleted on the protected sheet
    sheet.column_dimensions[get_column_letter(len(columns) + 1)] = rest

    shown_by_column = [displays.get(f"{s.reference[0]}.{s.reference[1]}", {}) if s.reference else None for s in specs]
    for row, record in enumerate(csv_table.records, start=FIRST_DATA_ROW):
        for index, (text, spec) in enumerate(zip(record, specs), start=1):
            if text == "":
                continue
            cell = sheet.cell(row, index)
            number = as_number(text, spec)
            if number is not None:
                cell.value = number[0]
                cell.number_format = number_format(spec, number[1])
            else:
                shown = shown_by_column[index - 1]
                cell.value = cell_escape(_shown(text, spec, shown) if shown else text)
                cell.data_type = "s"  # text that starts with "=" stays text
                cell.number_format = "@"
            cell.protection = UNLOCKED
            cell.alignment = WRAP if spec.type == "text" else TOP
    last = get_column_letter(len(columns))
    sheet.freeze_panes = f"B{FIRST_DATA_ROW}"
    sheet.auto_filter.ref = f"A{FIELD_ROW}:{last}{max(FIELD_ROW + 1, FIELD_ROW + len(csv_table.records))}"
    sheet.row_dimensions[1].height = 30
    _protect(sheet)


GUIDE = (
    "这个工作簿是本出版物一个版次的全部数据：每张数据表一个工作表，与数据目录中的 CSV 文件一一对应。",
    "1. 每个工作表第 1 行是中文列名（橙色为必填，蓝色可留空），鼠标停在列名上可看到该列的说明、单位和允许值；"
    "第 2 行是程序读取的字段名。这两行和工作表本身受保护，请勿改动。",
    "2. 从第 3 行起每行一条记录：可直接修改，在表末添加新行，或插入、删除、排序行。隐藏或筛选掉的行仍会导入。",
    "3. 有下拉箭头的列从列表中选择：允许值是固定的；基地、要素、表1节点等引用显示为“编号 名称”，"
    "导入时按编号读取，也可以只写编号。新增的基地要先加到「{bases}」工作表，再在其他工作表引用它。",
    "4. 表1节点等列表列可填多个编号，用 ； 分隔。日期列是文本：写 2021、2021-06 或 2021-06-15，"
    "按报告的精度。数值列只写数字，单位写在单位列，不写 %。",
    "5. 不要使用公式或合并单元格：导入只读取输入的值；遇到公式、合并单元格、逻辑值或错误值，"
    "会指出是哪个工作表、哪一行、哪一列。",
    "6. 新增一个基地：在「{bases}」和「{locations}」各添加一行，再在政策、举措、关键数据、重点产业、"
    "证据编码等工作表添加它的行；它的页面和各个总览会随数据生成。",
    "7. 改好后保存为 .xlsx，然后构建：make book DATA=工作簿.xlsx；也可以先导入为数据目录："
    "python -m dtbook.workbook import 工作簿.xlsx --out editions/新版次。"
    "所有问题一次列出，指明工作表、行号和列（如「政策文件 工作表, 第 12 行, F 列 日期」）。",
    "8. 数据指纹：未经修改的工作簿导入后，数据指纹仍是上面的值（网站每页都显示所用数据的指纹）。",
)


def _write_guide(sheet, ds, sheets: dict[str, str], tables: dict[str, CsvTable], schemas) -> None:
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["C"].width = 10
    sheet.column_dimensions["D"].width = 60
    sheet.cell(1, 1, "版次数据工作簿").font = Font(bold=True, size=14)
    edition = ds.edition
    facts = [
        ("版次", str(edition.get("edition", ""))),
        ("数据截止时间", str(edition.get("data_date", ""))),
        ("数据指纹", ds.fingerprint),
        ("工作簿格式", FORMAT_ID),
    ]
    for row, (key, value) in enumerate(facts, start=3):
        sheet.cell(row, 1, key).font = HEADER_FONT
        sheet.cell(row, 2, value).data_type = "s"
    row = len(facts) + 4
    for template in GUIDE:
        line = template.format(bases=sheets.get("bases", ""), locations=sheets.get("base_locations", ""))
        cell = sheet.cell(row, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 15 * (1 + len(line) // 55)
        row += 1
    row += 1
    for column, title in enumerate(("工作表", "数据文件", "行数", "内容"), start=1):
        sheet.cell(row, column, title).font = HEADER_FONT
    for name, table in schemas.items():
        row += 1
        values = (sheets[name], table.file, len(tables[name].records), table.description or table.source)
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, value).alignment = TOP
    _protect(sheet)


def export_workbook(data_dir: Path, out: Path, schema_file: Path = SCHEMA_FILE, verify: bool = True) -> Exported:
    """Write data_dir (a valid data folder) as a workbook at out; raises DataValidationError if it is not valid."""
    data_dir, out = Path(data_dir), Path(out)
    ds = load_dataset(data_dir, schema_file)
    schemas = load_schemas(schema_file)
    sheets = sheet_names(schemas)
    tables = {name: read_csv_table(data_dir / table.file) for name, table in schemas.items()}
    displays = _displays(tables, schemas)

    book = openpyxl.Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    data_sheets = {name: book.create_sheet(sheets[name]) for name in schemas}
    codes = CodeLists(book.create_sheet(CODES_SHEET))
    meta = book.create_sheet(META_SHEET)
    for name, table in schemas.items():
        _write_sheet(data_sheets[name], table, tables[name], sheets, schemas, codes, displays)
    _write_guide(guide, ds, sheets, tables, schemas)
    codes.sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    _protect(codes.sheet)
    meta_rows = [["format", FORMAT_ID], ["fingerprint", ds.fingerprint]]
    for name, table in schemas.items():
        newline = "CRLF" if tables[name].newline == "\r\n" else "LF"
        meta_rows.append(["table", name, sheets[name], table.file, newline, "1" if tables[name].bom else "0"])
    for values in meta_rows + codes.meta:
        meta.append(values)
    meta.sheet_state = "hidden"
    _protect(meta)
    book.security = WorkbookProtection(lockStructure=True)

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial.xlsx")
    try:
        book.save(partial)
        result = Exported(out, ds.fingerprint, {n: len(t.records) for n, t in tables.items()})
        if verify:
            result.warnings = _verify(partial, tables, schemas, schema_file)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return result


def _verify(path: Path, tables: dict[str, CsvTable], schemas: dict[str, TableSchema], schema_file: Path) -> list[str]:
    """Read the workbook back: name every table whose CSV bytes would not come back exactly."""
    reading = read_workbook(path, schema_file)
    problems = [f"导出的工作簿读回时出错 (the workbook does not read back): {p}" for p in reading.problems]
    for name, table in schemas.items():
        original = tables[name].raw
        long = [len(c) for r in tables[name].records for c in r if len(c) > MAX_CELL]
        if long:
            problems.append(f"{table.file}: 有单元格超过 Excel 的 {MAX_CELL} 字符上限 (a cell exceeds Excel's limit)")
        sheet_table = reading.tables.get(name)
        again = sheet_table.csv_bytes() if sheet_table else b""
        if again != original:
            line = next(
                (i for i, (a, b) in enumerate(zip(again.split(b"\n"), original.split(b"\n")), start=1) if a != b),
                min(again.count(b"\n"), original.count(b"\n")) + 1,
            )
            problems.append(
                f"{table.file}: 从工作簿导入后与原文件不逐字节相同（自第 {line} 行起），内容的值不变但数据指纹会变 "
                f"(does not round-trip byte for byte from line {line})"
            )
    return problems
