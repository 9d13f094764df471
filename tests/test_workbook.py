"""The edition workbook: export → import gives the data folder byte for byte (real edition, 100 bases, after
LibreOffice), cells are read as their user meant or refused by sheet, row and column, every problem at once,
and a base added only in the workbook builds into its own page and every overview."""

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import DATA

from dtbook import DataValidationError, load_dataset
from dtbook.build import BuildError, build
from dtbook.schema import load_schemas
from dtbook.workbook import SheetIssue, export_workbook, load_workbook, read_workbook
from dtbook.workbook.__main__ import main
from dtbook.workbook.layout import CODES_SHEET, GUIDE_SHEET, META_SHEET, sheet_names

SCHEMAS = load_schemas()
SHEETS = sheet_names(SCHEMAS)


# ---------------------------------------------------------------- helpers


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {t.file: (folder / t.file).read_bytes() for t in SCHEMAS.values()}


def letter_of(sheet, field: str) -> str:
    """The column letter of a field, read from the field-name row as the import reads it."""
    return next(c.column_letter for c in sheet[2] if c.value == field)


def row_of(sheet, field: str, code: str) -> int:
    """The Excel row whose field shows code (as itself or as "code 名称")."""
    letter = letter_of(sheet, field)
    for row in range(3, sheet.max_row + 1):
        value = sheet[f"{letter}{row}"].value
        if value == code or (isinstance(value, str) and value.split(" ")[0] == code):
            return row
    raise LookupError(f"{field}={code}")


def cell(book, table: str, key_field: str, key: str, field: str):
    sheet = book[SHEETS[table]]
    return sheet[f"{letter_of(sheet, field)}{row_of(sheet, key_field, key)}"]


def edited(source: Path, target: Path, change) -> Path:
    """A copy of the workbook with change(book) applied and saved by openpyxl."""
    book = openpyxl.load_workbook(source)
    change(book)
    book.save(target)
    return target


def problems_of(path: Path, tmp_path: Path) -> list:
    with pytest.raises(DataValidationError) as raised:
        load_workbook(path, tmp_path / "imported")
    return raised.value.issues


def imported(path: Path, tmp_path: Path, name: str = "imported"):
    return load_workbook(path, tmp_path / name)


def clone_bases(source: Path, target: Path, n_bases: int) -> Path:
    """A synthetic edition: the real one plus clones of its bases under new ids, with every row of theirs in every
    table that names a base (ids and unique names made new), written as the project writes its CSV files."""
    shutil.copytree(source, target)

    def read(table):
        raw = (target / table.file).read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(raw, newline="")))
        return rows[0], rows[1:], "\r\n" if raw.split("\n", 1)[0].endswith("\r") else "\n"

    header, bases, _ = read(SCHEMAS["bases"])
    real = [r[header.index("base_id")] for r in bases]
    last_order = max(int(r[header.index("order")]) for r in bases)
    for table in SCHEMAS.values():
        base_field = "base_id" if table.name == "bases" else None
        base_field = base_field or next((f.name for f in table.fields if f.references == "bases.base_id"), None)
        if not base_field:
            continue
        header, rows, newline = read(table)
        at = header.index(base_field)
        renamed = [
            f.name for f in table.fields if (table.primary_key == (f.name,) or f.unique) and f.name != base_field
        ]
        added = []
        for number in range(len(real) + 1, n_bases + 1):
            new_id = f"synthetic-{number:03d}"
            for row in [list(r) for r in rows if r[at] == real[(number - 1) % len(real)]]:
                row[at] = new_id
                for name in renamed:
                    i = header.index(name)
                    if name == "order":
                        row[i] = str(last_order + number)
                    elif table.name == "bases":
                        row[i] = f"{row[i]}（合成{number:03d}）"
                    elif row[i]:
                        row[i] = f"{new_id}-{row[i]}"
                added.append(row)
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator=newline).writerows([header, *rows, *added])
        (target / table.file).write_bytes(buffer.getvalue().encode("utf-8"))
    return target


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The project's edition exported once; tests edit copies of it."""
    path = tmp_path_factory.mktemp("workbook") / "edition.xlsx"
    result = export_workbook(DATA, path)
    return {"path": path, "result": result, "fingerprint": load_dataset(DATA).fingerprint}


# ---------------------------------------------------------------- round trip


@pytest.mark.unit
def test_the_real_edition_round_trips_byte_for_byte(exported, tmp_path):
    assert exported["result"].warnings == []
    ds = imported(exported["path"], tmp_path)
    assert folder_bytes(tmp_path / "imported") == folder_bytes(DATA)
    assert ds.fingerprint == exported["fingerprint"]
    assert ds.warnings == []


@pytest.mark.unit
def test_a_synthetic_100_base_edition_round_trips(tmp_path):
    data = clone_bases(DATA, tmp_path / "synthetic", 100)
    original = load_dataset(data)
    assert len(original.bases) == 100 and "synthetic-100" in set(original.evidence["base_id"])
    result = export_workbook(data, tmp_path / "synthetic.xlsx")
    assert result.warnings == [] and result.rows["bases"] == 100
    ds = imported(tmp_path / "synthetic.xlsx", tmp_path)
    assert folder_bytes(tmp_path / "imported") == folder_bytes(data)
    assert ds.fingerprint == original.fingerprint


@pytest.mark.unit
def test_text_that_looks_like_a_formula_line_breaks_and_spaces_round_trip(data_copy, tmp_path):
    """Hostile or odd text is stored as text and comes back as it was, carriage returns included."""
    rows = list(csv.reader(io.StringIO((data_copy / "key_figures.csv").read_text(encoding="utf-8"), newline="")))
    quote = rows[0].index("quote")
    rows[1][quote] = '=HYPERLINK("http://example.invalid","点击")'
    rows[2][quote] = "+1 行一\r\n行二\r\n"
    rows[4][quote] = "  前后有空格\r\n  "
    rows[3][rows[0].index("metric")] = "@SUM(A1)"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (data_copy / "key_figures.csv").write_bytes(buffer.getvalue().encode("utf-8"))
    assert export_workbook(data_copy, tmp_path / "odd.xlsx").warnings == []
    book = openpyxl.load_workbook(tmp_path / "odd.xlsx")
    formula_like = cell(book, "key_figures", "figure_id", rows[1][0], "quote")
    assert formula_like.data_type == "s" and formula_like.value.startswith("=HYPERLINK")
    ds = imported(tmp_path / "odd.xlsx", tmp_path)
    assert folder_bytes(tmp_path / "imported") == folder_bytes(data_copy)
    assert ds.fingerprint == load_dataset(data_copy).fingerprint


# ---------------------------------------------------------------- what the workbook shows


@pytest.mark.unit
def test_the_workbook_is_generated_from_the_schema(exported):
    book = openpyxl.load_workbook(exported["path"])
    titles = [SHEETS[name] for name in SCHEMAS]
    assert book.sheetnames == [GUIDE_SHEET, *titles, CODES_SHEET, META_SHEET]
    assert all(len(t) <= 31 for t in titles) and len(set(titles)) == len(titles)
    assert book.security.lockStructure and book[META_SHEET].sheet_state == "hidden"

    guide = "\n".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row if c.value is not None)
    edition = csv_rows(DATA / "edition.csv")[0]
    assert edition["edition"] in guide and exported["fingerprint"] in guide and "make book DATA=" in guide

    policies = book[SHEETS["policies"]]
    header = next(csv.reader((DATA / "policies.csv").open(encoding="utf-8")))
    assert [c.value for c in policies[2]] == header
    labels = {c.value: h.value for c, h in zip(policies[2], policies[1])}
    assert labels["date"] == "日期" and labels["level"] == "发文层级" and labels["base_id"] == "基地"
    level = policies[f"{letter_of(policies, 'level')}1"]
    spec = SCHEMAS["policies"].field("level")
    assert spec.description in level.comment.text and "、".join(spec.enum) in level.comment.text
    assert "单位：度（东经）" in book[SHEETS["base_locations"]]["C1"].comment.text

    validations = {str(v.sqref).split(":")[0]: v for v in policies.data_validations.dataValidation}
    assert len(validations) == len(header)  # every column has its input message
    assert all(v.showInputMessage and v.prompt for v in validations.values())
    codes = book[CODES_SHEET]

    def listed(validation) -> list[str]:
        sheet, cells = validation.formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        return [c.value for row in codes[first:last] for c in row]

    enum = validations[f"{letter_of(policies, 'level')}3"]
    assert enum.type == "list" and enum.errorStyle == "stop" and listed(enum) == list(spec.enum)
    bases = csv_rows(DATA / "bases.csv")
    reference = validations[f"{letter_of(policies, 'base_id')}3"]
    assert listed(reference) == [f"{b['base_id']} {b['name']}" for b in bases]
    first_base = bases[0]
    assert cell(book, "policies", "base_id", first_base["base_id"], "base_id").value == (
        f"{first_base['base_id']} {first_base['name']}"
    )
    industries = book[SHEETS["focus_industries"]]
    nodes = {row["node_id"]: row["name"] for row in csv_rows(DATA / "taxonomy.csv")}
    mapped = csv_rows(DATA / "focus_industries.csv")[0]["taxonomy_ids"]
    assert industries[f"{letter_of(industries, 'taxonomy_ids')}3"].value == f"{mapped} {nodes[mapped]}"

    # formats: numbers as numbers (showing the decimals the CSV has), dates and text as text, years as integers
    locations = book[SHEETS["base_locations"]]
    for row, place in enumerate(csv_rows(DATA / "base_locations.csv"), start=3):
        for field in ("lon", "lat"):  # numbers, "118.10" too: a number shown with the CSV's decimals
            shown = locations[f"{letter_of(locations, field)}{row}"]
            decimals = len(place[field].partition(".")[2])
            assert isinstance(shown.value, (int, float)) and shown.value == float(place[field])
            assert shown.number_format == ("0." + "0" * decimals if decimals else "General")
    assert policies.column_dimensions[letter_of(policies, "date")].number_format == "@"
    figures = book[SHEETS["key_figures"]]
    assert figures.column_dimensions[letter_of(figures, "year")].number_format == "0"

    # frozen, protected headers; editable data cells and rows
    assert policies.freeze_panes == "B3" and policies.auto_filter.ref.startswith("A2:")
    assert policies.protection.sheet and not policies.protection.insertRows and not policies.protection.deleteRows
    assert policies.protection.insertColumns and policies.protection.deleteColumns
    assert policies["A1"].protection.locked and policies["A2"].protection.locked
    assert not policies["A3"].protection.locked and not policies.column_dimensions["A"].protection.locked


# ---------------------------------------------------------------- cells read as meant


@pytest.mark.unit
def test_cells_are_read_as_their_user_meant(exported, tmp_path):
    policies = csv_rows(DATA / "policies.csv")
    figures = csv_rows(DATA / "key_figures.csv")
    whole = next(f for f in figures if f["value"].isdigit() and len(f["value"]) >= 2)
    other = next(f for f in figures if f["value"].isdigit() and f is not whole)
    dated = policies[:4]
    full_width = other["value"].translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    def change(book):
        # real Excel dates, at the precision their format shows
        for policy, (day, fmt) in zip(
            dated,
            [
                (dt.datetime(2020, 4, 1), "yyyy-mm"),
                (dt.date(2019, 11, 15), "yyyy/m/d"),
                (dt.datetime(2018, 1, 1), "yyyy"),
            ],
        ):
            target = cell(book, "policies", "policy_id", policy["policy_id"], "date")
            target.value, target.number_format = day, fmt
        cell(book, "policies", "policy_id", dated[3]["policy_id"], "date").value = 2017  # a year typed as a number
        # a number stored as text, and one typed in full-width digits
        cell(book, "key_figures", "figure_id", whole["figure_id"], "value").value = whole["value"]
        cell(book, "key_figures", "figure_id", other["figure_id"], "value").value = full_width
        # more decimals than the cell's format shows: kept, not rounded to the format
        lon = cell(book, "base_locations", "base_id", "zhongguancun", "lon")
        lon.value = 116.4052851
        # references: the bare code, and another base under its drop-down name
        bases = csv_rows(DATA / "bases.csv")
        cell(book, "key_figures", "figure_id", figures[0]["figure_id"], "base_id").value = bases[0]["base_id"]
        # a hidden row is still data
        book[SHEETS["measures"]].row_dimensions[5].hidden = True

    ds = imported(edited(exported["path"], tmp_path / "meant.xlsx", change), tmp_path)
    out = tmp_path / "imported"
    dates = {p["policy_id"]: p["date"] for p in csv_rows(out / "policies.csv")}
    assert [dates[p["policy_id"]] for p in dated] == ["2020-04", "2019-11-15", "2018", "2017"]
    values = {f["figure_id"]: f["value"] for f in csv_rows(out / "key_figures.csv")}
    assert values[whole["figure_id"]] == whole["value"]
    assert values[other["figure_id"]] == full_width  # written as typed: the loader reads it, with a warning
    assert ds.key_figures.set_index("figure_id").loc[other["figure_id"], "value"] == float(other["value"])
    lon = {r["base_id"]: r["lon"] for r in csv_rows(out / "base_locations.csv")}
    assert lon["zhongguancun"] == "116.4052851"
    assert (out / "measures.csv").read_bytes() == (DATA / "measures.csv").read_bytes()
    first = next(r for r in csv_rows(out / "key_figures.csv") if r["figure_id"] == figures[0]["figure_id"])
    assert first["base_id"] == figures[0]["base_id"]

    sheet = openpyxl.load_workbook(tmp_path / "meant.xlsx")[SHEETS["key_figures"]]
    row = row_of(sheet, "figure_id", other["figure_id"])
    warnings = [str(w) for w in ds.warnings]
    assert f"{SHEETS['key_figures']} 工作表, 第 {row} 行, {letter_of(sheet, 'value')} 列 数值: 已按半角数字读取" in (
        "\n".join(warnings)
    )
    assert any(w.startswith(f"{SHEETS['measures']} 工作表, 第 5 行: 已隐藏") for w in warnings)


@pytest.mark.unit
def test_references_shown_as_code_and_name_are_read_as_the_code(exported, tmp_path):
    bases = csv_rows(DATA / "bases.csv")
    nodes = csv_rows(DATA / "taxonomy.csv")
    industry = csv_rows(DATA / "focus_industries.csv")[0]
    measure = csv_rows(DATA / "measures.csv")[0]

    def change(book):
        sheet = book[SHEETS["focus_industries"]]
        target = sheet[f"{letter_of(sheet, 'taxonomy_ids')}3"]
        target.value = (
            f"{nodes[1]['node_id']} {nodes[1]['name']}；{nodes[2]['node_id']}; {nodes[3]['node_id']} {nodes[3]['name']}"
        )
        other = bases[1]
        cell(
            book, "measures", "measure_id", measure["measure_id"], "base_id"
        ).value = f"{other['base_id']} {other['name']}"

    imported(edited(exported["path"], tmp_path / "refs.xlsx", change), tmp_path)
    out = tmp_path / "imported"
    first = next(r for r in csv_rows(out / "focus_industries.csv") if r["industry"] == industry["industry"])
    assert first["taxonomy_ids"] == f"{nodes[1]['node_id']}；{nodes[2]['node_id']}; {nodes[3]['node_id']}"
    moved = next(r for r in csv_rows(out / "measures.csv") if r["measure_id"] == measure["measure_id"])
    assert moved["base_id"] == bases[1]["base_id"]

    def contradiction(book):
        cell(
            book, "measures", "measure_id", measure["measure_id"], "base_id"
        ).value = f"{bases[1]['base_id']} {bases[2]['name']}"

    issues = problems_of(edited(exported["path"], tmp_path / "wrong.xlsx", contradiction), tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "wrong.xlsx")[SHEETS["measures"]]
    row = row_of(sheet, "measure_id", measure["measure_id"])
    where = f"{SHEETS['measures']} 工作表, 第 {row} 行, {letter_of(sheet, 'base_id')} 列 基地"
    assert [str(i).split(": ")[0] for i in issues] == [where]
    assert "编号与名称不一致" in str(issues[0]) and bases[1]["name"] in str(issues[0])


# ---------------------------------------------------------------- problems, located as Excel shows them

HOSTILE = {
    "formula": (lambda c: setattr(c, "value", "=1+2"), "单元格是公式 =1+2"),
    "logical": (lambda c: setattr(c, "value", True), "逻辑值 TRUE"),
    "percentage": (lambda c: (setattr(c, "value", 0.12), setattr(c, "number_format", "0%")), "按百分比显示"),
    "date in a number column": (
        lambda c: setattr(c, "value", dt.datetime(2021, 3, 4)),
        "被 Excel 读成了日期 2021-03-04",
    ),
    "date with a time": (lambda c: setattr(c, "value", dt.datetime(2021, 3, 4, 13, 30)), "带时间的日期"),
}


@pytest.mark.unit
def test_hostile_cells_are_refused_by_sheet_row_and_column(exported, tmp_path):
    """Each case in a value cell of its own row of 关键数据: one problem each, naming that cell."""
    figures = csv_rows(DATA / "key_figures.csv")[2 : 2 + len(HOSTILE)]

    def change(book):
        for (write, _), figure in zip(HOSTILE.values(), figures):
            write(cell(book, "key_figures", "figure_id", figure["figure_id"], "value"))

    path = edited(exported["path"], tmp_path / "hostile.xlsx", change)
    shown = [str(i) for i in problems_of(path, tmp_path)]
    sheet = openpyxl.load_workbook(path)[SHEETS["key_figures"]]
    assert len(shown) == len(HOSTILE), shown  # the emptied required cells are not reported again
    for (case, (_, expected)), figure, issue in zip(HOSTILE.items(), figures, shown):
        row = row_of(sheet, "figure_id", figure["figure_id"])
        assert issue.startswith(
            f"{SHEETS['key_figures']} 工作表, 第 {row} 行, {letter_of(sheet, 'value')} 列 数值: "
        ), case
        assert expected in issue, case


@pytest.mark.unit
def test_merged_cells_a_value_without_a_column_and_a_year_given_as_a_date_are_named(exported, tmp_path):
    def change(book):
        measures = book[SHEETS["measures"]]
        measures.merge_cells(f"{letter_of(measures, 'base_id')}4:{letter_of(measures, 'base_id')}6")
        policies = book[SHEETS["policies"]]
        policies.cell(7, policies.max_column + 2, "备忘")
        figures = book[SHEETS["key_figures"]]
        figures[f"{letter_of(figures, 'year')}3"].value = dt.datetime(2021, 6, 1)

    path = edited(exported["path"], tmp_path / "odd.xlsx", change)
    shown = [str(i) for i in problems_of(path, tmp_path)]
    book = openpyxl.load_workbook(path)
    base = letter_of(book[SHEETS["measures"]], "base_id")
    beyond = openpyxl.utils.get_column_letter(book[SHEETS["policies"]].max_column)
    year = letter_of(book[SHEETS["key_figures"]], "year")
    assert shown == [
        f"{SHEETS['policies']} 工作表, 第 7 行, {beyond} 列: 这一列第 2 行没有字段名，内容不会被导入："
        "请把它移到有字段名的列 (a value in a column without a field name would be lost)",
        f"{SHEETS['measures']} 工作表, 第 4 行, {base} 列 基地: 合并单元格 {base}4:{base}6："
        "导入不读取合并单元格，请取消合并，并在每行各填一次 (merged cells: unmerge them)",
        f"{SHEETS['key_figures']} 工作表, 第 3 行, {year} 列 年份: 年份列中是 Excel 日期 2021-06-01："
        "请只写四位年份 (a date in a year column)",
    ]  # the merged rows' emptied cells are not reported again as "required value is empty"


@pytest.mark.unit
def test_every_problem_is_reported_at_once_where_excel_shows_it(exported, tmp_path):
    policy = next(p for p in csv_rows(DATA / "policies.csv") if p["date"])
    measures = csv_rows(DATA / "measures.csv")
    figure = csv_rows(DATA / "key_figures.csv")[1]

    def change(book):
        cell(book, "policies", "policy_id", policy["policy_id"], "date").value = "2020/4/1"  # a date typed as text
        cell(book, "measures", "measure_id", measures[0]["measure_id"], "kind").value = "其他"
        sheet = book[SHEETS["measures"]]  # a row added under an id that is taken
        row = sheet.max_row + 1
        for field, value in measures[1].items():
            sheet[f"{letter_of(sheet, field)}{row}"] = value
        cell(book, "key_figures", "figure_id", figure["figure_id"], "value").value = "=2*3"
        cell(book, "key_figures", "figure_id", figure["figure_id"], "unit").value = None  # required
        cell(book, "key_figures", "figure_id", figure["figure_id"], "base_id").value = "nowhere"

    path = edited(exported["path"], tmp_path / "broken.xlsx", change)
    book = openpyxl.load_workbook(path)
    with pytest.raises(DataValidationError) as raised:
        load_workbook(path, tmp_path / "imported")
    issues = raised.value.issues
    assert all(isinstance(i, SheetIssue) for i in issues)
    shown = [str(i) for i in issues]
    p_sheet, m_sheet, f_sheet = (book[SHEETS[t]] for t in ("policies", "measures", "key_figures"))
    p_row = row_of(p_sheet, "policy_id", policy["policy_id"])
    duplicate = m_sheet.max_row
    f_row = row_of(f_sheet, "figure_id", figure["figure_id"])
    expected_starts = [
        f"{SHEETS['key_figures']} 工作表, 第 {f_row} 行, {letter_of(f_sheet, 'value')} 列 数值: 单元格是公式 =2*3",
        f"{SHEETS['policies']} 工作表, 第 {p_row} 行, {letter_of(p_sheet, 'date')} 列 日期: 日期应为 YYYY、YYYY-MM 或 "
        "YYYY-MM-DD (bad date), 实为 '2020/4/1'",
        f"{SHEETS['measures']} 工作表, 第 3 行, {letter_of(m_sheet, 'kind')} 列 类别: 取值 '其他' 不在允许值",
        f"{SHEETS['measures']} 工作表, 第 {duplicate} 行, A 列 举措编号: 重复的标识 {measures[1]['measure_id']}，"
        "与第 4 行相同",
        f"{SHEETS['key_figures']} 工作表, 第 {f_row} 行, {letter_of(f_sheet, 'unit')} 列 单位: 必填字段为空",
        f"{SHEETS['key_figures']} 工作表, 第 {f_row} 行, {letter_of(f_sheet, 'base_id')} 列 基地: 引用了不存在的 "
        "bases.base_id: 'nowhere'",
    ]
    assert len(shown) == len(expected_starts), "\n".join(shown)
    for start in expected_starts:
        assert sum(s.startswith(start) for s in shown) == 1, (start, shown)
    assert "(line" not in str(raised.value)  # CSV lines never leak into workbook messages


@pytest.mark.unit
def test_a_missing_or_foreign_sheet_and_a_file_that_is_no_workbook_are_named(exported, tmp_path):
    def change(book):
        del book[SHEETS["taxonomy_notes"]]
        book.create_sheet("草稿")

    shown = [str(i) for i in problems_of(edited(exported["path"], tmp_path / "sheets.xlsx", change), tmp_path)]
    assert shown == [
        f"{SHEETS['taxonomy_notes']} 工作表: 缺少工作表「{SHEETS['taxonomy_notes']}」（数据表 taxonomy_notes.csv）"
        "(sheet missing)",
        "草稿 工作表: 不是数据表的工作表，不会被导入 (not a table of the schema, would be ignored)",
    ]
    fake = tmp_path / "fake.xlsx"
    fake.write_text("policy_id,base_id\n", encoding="utf-8")
    (issue,) = problems_of(fake, tmp_path)
    assert "无法作为 XLSX 工作簿读取" in str(issue) and issue.file == "fake.xlsx"


# ---------------------------------------------------------------- the commands


@pytest.mark.unit
def test_the_commands_export_and_import_and_a_failed_import_changes_nothing(exported, tmp_path, capsys):
    assert main(["export", "--data", str(DATA), "--out", str(tmp_path / "cli.xlsx")]) == 0
    assert exported["fingerprint"] in capsys.readouterr().out
    out = tmp_path / "edition"
    assert main(["import", str(tmp_path / "cli.xlsx"), "--out", str(out)]) == 0
    assert folder_bytes(out) == folder_bytes(DATA)
    assert exported["fingerprint"] in capsys.readouterr().out

    figure = csv_rows(DATA / "key_figures.csv")[0]
    broken = edited(
        tmp_path / "cli.xlsx",
        tmp_path / "broken.xlsx",
        lambda b: setattr(cell(b, "key_figures", "figure_id", figure["figure_id"], "value"), "value", "很多"),
    )
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert main(["import", str(broken), "--out", str(out)]) == 1
    assert f"{SHEETS['key_figures']} 工作表, 第 " in capsys.readouterr().err
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before

    not_valid = shutil.copytree(DATA, tmp_path / "not-valid")
    (not_valid / "edition.csv").write_text("edition,data_date,note\n", encoding="utf-8")
    assert main(["export", "--data", str(not_valid), "--out", str(tmp_path / "no.xlsx")]) == 1
    assert "edition.csv" in capsys.readouterr().err and not (tmp_path / "no.xlsx").exists()


# ---------------------------------------------------------------- LibreOffice and the build


@pytest.mark.build
def test_a_workbook_saved_by_libreoffice_imports_unchanged(exported, tmp_path):
    """LibreOffice rewrites the whole file (its own styles, shared strings, number formats, validations); the
    data read back is the same, byte for byte."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed (make test installs libreoffice-calc-nogui)"
    source = tmp_path / "source" / "edition.xlsx"
    source.parent.mkdir()
    shutil.copy(exported["path"], source)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "lo"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    saved = tmp_path / "lo" / "edition.xlsx"
    with zipfile.ZipFile(saved) as archive:
        assert "LibreOffice" in archive.read("docProps/app.xml").decode("utf-8")
    assert saved.read_bytes() != source.read_bytes()
    reading = read_workbook(saved)
    assert reading.problems == [] and reading.notes == []
    ds = imported(saved, tmp_path)
    assert folder_bytes(tmp_path / "imported") == folder_bytes(DATA)
    assert ds.fingerprint == exported["fingerprint"]


NEW_BASE = {
    "bases": {
        "base_id": "xian",
        "order": 13,
        "name": "西安软件新城",
        "short_name": "西安软件新城",
        "city": "西安",
        "province": "陕西省",
        "region": "西北",
        "batch": "第二批",
        "recognised": "2026-06",
        "positioning": "丝路数字服务枢纽",
        "profile": "用于检验工作簿新增基地流程的合成数据。",
    },
    "base_locations": {"base_id": "xian", "city": "西安", "lon": 108.95, "lat": 34.27, "source": "测试"},
    "policies": {
        "policy_id": "xian-p01",
        "base_id": "xian 西安软件新城",
        "title": "西安软件新城测试方案",
        "issuer": "西安市",
        "level": "市级",
        "date": "2026-05",
        "relation": "制定",
    },
    "measures": {
        "measure_id": "xian-m01",
        "base_id": "xian",
        "kind": "平台",
        "status": "计划",
        "title": "丝路数字服务平台",
        "description": "测试用平台。",
    },
    "key_figures": {
        "figure_id": "xian-f01",
        "base_id": "xian",
        "metric": "入驻企业数",
        "value": 321,
        "unit": "家",
        "year": 2026,
        "quote": "入驻企业321家",
    },
    "focus_industries": {"base_id": "xian", "industry": "软件服务"},
    "evidence": {
        "evidence_id": "xian-e01",
        "base_id": "xian",
        "strength": 2,
        "shows": "建有平台",
        "quote": "丝路数字服务平台",
    },
}


def add_new_base(book) -> None:
    """The new base's rows, typed into the sheets as an analyst would: codes bare or as the drop-down shows them."""
    codes = book[CODES_SHEET]
    shown = [c.value for row in codes.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    node = next(s for s in shown if s.startswith("T1.") and " " in s)
    element = next(s for s in shown if s.startswith("is_platform "))
    section = next(s for s in shown if s.startswith("s2 "))
    extra = {"focus_industries": {"taxonomy_ids": node}, "evidence": {"element_id": element}}
    for table, values in NEW_BASE.items():
        sheet = book[SHEETS[table]]
        row = sheet.max_row + 1
        values = {**values, **extra.get(table, {})}
        if "source_section" in SCHEMAS[table].columns:
            values |= {"source_section": section, "source_locator": "测试用合成数据"}
        for field, value in values.items():
            sheet[f"{letter_of(sheet, field)}{row}"] = value


@pytest.mark.build
def test_a_base_added_only_in_the_workbook_builds_into_its_page_and_every_overview(exported, tmp_path):
    workbook = edited(exported["path"], tmp_path / "edition-2027.xlsx", add_new_base)
    out = tmp_path / "out"
    report = build(workbook, out, with_pdf=False)
    assert report.status == "built" and "bases/xian" in report.executed
    site = out / "site"
    page = (site / "book" / "bases" / "xian.html").read_text(encoding="utf-8")
    assert "西安软件新城" in page and "丝路数字服务枢纽" in page and "入驻企业数" in page
    overview = pd.read_csv(site / "downloads" / "overview" / "tbl-bases.csv")
    assert len(overview) == 13 and "西安软件新城" in set(overview["基地"])
    assert "bases/xian.html" in (site / "book" / "overview.html").read_text(encoding="utf-8")
    downloads = site / "downloads"  # the overview tables and charts of the home, overview and indicator pages
    for name in (
        "index/fig-home-locations.vl.json",
        "overview/tbl-policies.csv",
        "overview/tbl-key-figures.csv",
        "indicators/tbl-scores.csv",
        "indicators/tbl-tiers.csv",
    ):
        assert "西安软件新城" in (downloads / name).read_text(encoding="utf-8"), name
    published = (site / "data" / "bases.csv").read_text(encoding="utf-8")
    assert "xian,13,西安软件新城" in published  # the imported table, codes not "code 名称"

    # a broken workbook: the build names the cell and leaves the published site as it was
    release = os.readlink(site)
    figure = csv_rows(DATA / "key_figures.csv")[0]
    broken = edited(
        workbook,
        tmp_path / "broken.xlsx",
        lambda b: setattr(cell(b, "key_figures", "figure_id", figure["figure_id"], "year"), "value", "去年"),
    )
    with pytest.raises(BuildError) as raised:
        build(broken, out, with_pdf=False)
    sheet = openpyxl.load_workbook(broken)[SHEETS["key_figures"]]
    where = f"{SHEETS['key_figures']} 工作表, 第 {row_of(sheet, 'figure_id', figure['figure_id'])} 行, "
    assert f"{where}{letter_of(sheet, 'year')} 列 年份: 应为整数" in str(raised.value)
    assert os.readlink(site) == release
    assert "西安软件新城" in (site / "book" / "bases" / "xian.html").read_text(encoding="utf-8")
