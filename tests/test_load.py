"""The loader types every table and reports every problem with its file, line and column."""

import csv

import pandas as pd
import pytest
from conftest import append_row, cell, read_rows, set_cell, write_rows

from dtbook import DataValidationError, load_dataset

pytestmark = pytest.mark.unit


def issues_of(data_dir):
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_dir)
    return caught.value.issues


def only_issue(data_dir):
    issues = issues_of(data_dir)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def test_project_data_is_valid_and_typed(data_copy):
    ds = load_dataset(data_copy)
    assert len(ds.bases) >= 12
    assert ds.bases["order"].dtype == "Int64"
    assert ds.key_figures["value"].dtype == "Float64"
    assert all(isinstance(v, list) for v in ds.focus_industries["taxonomy_ids"])
    assert ds.base_ids()[0] == ds.bases.sort_values("order")["base_id"].iloc[0]


def test_missing_column_is_named(data_copy):
    rows = read_rows(data_copy / "bases.csv")
    drop = rows[0].index("city")
    write_rows(data_copy / "bases.csv", [r[:drop] + r[drop + 1 :] for r in rows])
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("bases.csv", 1, "city")
    assert "missing column" in issue.message


def test_extra_column_is_named(data_copy):
    rows = read_rows(data_copy / "measures.csv")
    write_rows(data_copy / "measures.csv", [r + ["x"] for r in rows[:1]] + [r + [""] for r in rows[1:]])
    rows = read_rows(data_copy / "measures.csv")
    rows[0][-1] = "comment"
    write_rows(data_copy / "measures.csv", rows)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("measures.csv", 1, "comment")
    assert "extra column" in issue.message


def test_wrong_type_names_file_line_and_column(data_copy):
    set_cell(data_copy / "key_figures.csv", 3, "value", "about forty")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("key_figures.csv", 3, "value")
    assert "expected a number" in issue.message


def test_bad_integer_and_year(data_copy):
    set_cell(data_copy / "bases.csv", 2, "order", "1.5")
    set_cell(data_copy / "national_trade.csv", 2, "year", "1820")
    issues = {(i.file, i.row, i.column) for i in issues_of(data_copy)}
    assert ("bases.csv", 2, "order") in issues
    assert ("national_trade.csv", 2, "year") in issues


def test_value_outside_enum(data_copy):
    set_cell(data_copy / "policies.csv", 2, "level", "乡级")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("policies.csv", 2, "level")
    assert "not an allowed value" in issue.message


def test_impossible_date(data_copy):
    set_cell(data_copy / "bases.csv", 4, "recognised", "2020-13")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("bases.csv", 4, "recognised")


def test_required_value_missing(data_copy):
    set_cell(data_copy / "measures.csv", 5, "title", "  ")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("measures.csv", 5, "title")
    assert "required" in issue.message


def test_duplicate_id_points_to_both_lines(data_copy):
    first = cell(data_copy / "measures.csv", 2, "measure_id")
    set_cell(data_copy / "measures.csv", 6, "measure_id", first)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row) == ("measures.csv", 6)
    assert "duplicate" in issue.message and "第 2 行" in issue.message


@pytest.mark.parametrize(
    ("column", "value", "says"), [("table", "basez", "unknown table"), ("field", "citty", "unknown field")]
)
def test_field_source_naming_no_table_or_field_is_an_error(data_copy, column, value, says):
    set_cell(data_copy / "field_sources.csv", 2, column, value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("field_sources.csv", 2, column)
    assert says in issue.message and value in issue.message


def test_pointers_to_rows_this_edition_lacks_are_warned_and_dropped(data_copy):
    """An edition may leave out a base the report described: its notes and ledger pointers go, with a warning."""
    set_cell(data_copy / "field_sources.csv", 2, "row_id", "atlantis")
    table = cell(data_copy / "field_sources.csv", 2, "table")
    set_cell(data_copy / "fact_ledger.csv", 2, "shown_in", "measures:atlantis-m01；bases:tianjin")
    fact = cell(data_copy / "fact_ledger.csv", 2, "fact_id")
    ds = load_dataset(data_copy)
    warned = {(w.file, w.row, w.column): w.message for w in ds.warnings}
    assert (
        "atlantis" in warned[("field_sources.csv", 2, "row_id")] and table in warned[("field_sources.csv", 2, "row_id")]
    )
    assert "measures:atlantis-m01" in warned[("fact_ledger.csv", 2, "shown_in")]
    assert "atlantis" not in set(ds.field_sources["row_id"])
    assert ds.fact_ledger.set_index("fact_id").at[fact, "shown_in"] == "bases:tianjin"


def test_fact_shown_in_a_table_that_does_not_exist_is_an_error(data_copy):
    set_cell(data_copy / "fact_ledger.csv", 3, "shown_in", "measurez:tianjin-m01")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("fact_ledger.csv", 3, "shown_in")
    assert "measurez" in issue.message and "unknown table" in issue.message


def test_unknown_base_reference(data_copy):
    set_cell(data_copy / "key_figures.csv", 2, "base_id", "atlantis")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("key_figures.csv", 2, "base_id")
    assert "atlantis" in issue.message and "unknown reference" in issue.message


def test_unknown_taxonomy_node_in_list(data_copy):
    current = cell(data_copy / "focus_industries.csv", 2, "taxonomy_ids")
    set_cell(data_copy / "focus_industries.csv", 2, "taxonomy_ids", (current + ";T9.9").strip(";"))
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("focus_industries.csv", 2, "taxonomy_ids")
    assert "T9.9" in issue.message


def test_taxonomy_levels_must_form_a_tree(data_copy):
    rows = read_rows(data_copy / "taxonomy.csv")
    line = next(i for i, r in enumerate(rows, start=1) if r[rows[0].index("level")] == "3")
    set_cell(data_copy / "taxonomy.csv", line, "level", "4")
    issues = [i for i in issues_of(data_copy) if i.file == "taxonomy.csv"]
    assert any(i.row == line and i.column == "level" for i in issues)


def test_empty_file(data_copy):
    (data_copy / "errata.csv").write_bytes(b"")
    issue = only_issue(data_copy)
    assert issue.file == "errata.csv" and "empty file" in issue.message


def test_header_only_file(data_copy):
    rows = read_rows(data_copy / "errata.csv")
    write_rows(data_copy / "errata.csv", rows[:1])
    issue = only_issue(data_copy)
    assert issue.file == "errata.csv" and "no data rows" in issue.message


def test_wrong_encoding_names_the_line(data_copy):
    text = (data_copy / "bases.csv").read_text(encoding="utf-8")
    (data_copy / "bases.csv").write_bytes(text.encode("gb18030"))
    issue = only_issue(data_copy)
    assert issue.file == "bases.csv" and issue.row == 2 and "not UTF-8" in issue.message  # header is ASCII


def test_byte_order_mark_is_accepted(data_copy):
    path = data_copy / "bases.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_dataset(data_copy).bases) >= 12


def test_row_with_wrong_number_of_fields(data_copy):
    path = data_copy / "weights.csv"
    rows = read_rows(path)
    rows[2] = rows[2][:2]
    write_rows(path, rows)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row) == ("weights.csv", 3) and "fields" in issue.message


def test_every_problem_is_reported_at_once(data_copy):
    set_cell(data_copy / "bases.csv", 2, "region", "火星")
    set_cell(data_copy / "policies.csv", 3, "date", "去年")
    (data_copy / "coding_rules.csv").unlink()
    found = {(i.file, i.row, i.column) for i in issues_of(data_copy)}
    assert {("bases.csv", 2, "region"), ("policies.csv", 3, "date"), ("coding_rules.csv", None, None)} <= found


def test_error_message_is_readable(data_copy):
    set_cell(data_copy / "key_figures.csv", 3, "value", "n/a")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_copy)
    assert "key_figures.csv, 第 3 行 (line 3), 列 value" in str(caught.value)


def test_fingerprint_follows_the_data(data_copy):
    before = load_dataset(data_copy).fingerprint
    set_cell(data_copy / "key_figures.csv", 2, "value", "12345")
    after = load_dataset(data_copy).fingerprint
    assert before != after and len(after) == 12


def test_new_base_is_a_data_change_only(data_copy):
    line = append_row(
        data_copy / "bases.csv",
        {
            "base_id": "newbase",
            "order": "13",
            "name": "测试基地",
            "short_name": "测试",
            "city": "西安",
            "province": "陕西省",
            "region": "西北",
            "batch": "第二批",
            "recognised": "2026-01",
            "profile": "测试用。",
            "source_section": "s2",
            "source_locator": "测试",
        },
    )
    ds = load_dataset(data_copy)
    assert ds.base_ids()[-1] == "newbase" and line == len(ds.bases) + 1
    assert pd.isna(ds.bases.set_index("base_id").at["newbase", "positioning"])


def value_at(frame, line, column):
    return frame[column].iloc[frame.attrs["lines"].index(line)]


def warnings_at(ds, file, line, column):
    return [w.message for w in ds.warnings if (w.file, w.row, w.column) == (file, line, column)]


# Untrusted text: single-line fields hold one line, text holds no control characters.


def test_line_break_is_reported_on_the_line_where_the_row_starts(data_copy):
    set_cell(data_copy / "bases.csv", 3, "name", "中关村\n软件园")
    set_cell(data_copy / "bases.csv", 5, "region", "火星")  # the fifth record now starts on line 6
    issues = issues_of(data_copy)
    assert [(i.file, i.row, i.column) for i in issues] == [("bases.csv", 3, "name"), ("bases.csv", 6, "region")]
    assert str(issues[0]).startswith(
        "bases.csv, 第 3 行 (line 3), 列 name: 单行字段不能含换行或控制字符 "
        "(line break or control character in a single-line field)"
    )


@pytest.mark.parametrize(
    "value",
    [
        "北京\n",
        "北\r京",
        "北\v京",
        "北\f京",
        "北\x85京",
        "北\u2028京",
        "北\u2029京",
        "北\t京",
        "北\x00京",
        "北\x1b京",
        "北\x7f京",
        "北\x9f京",
    ],
)
def test_single_line_field_rejects_line_breaks_and_control_characters(data_copy, value):
    rows = read_rows(data_copy / "bases.csv")
    rows[3][rows[0].index("city")] = value
    with (data_copy / "bases.csv").open(
        "w", encoding="utf-8", newline=""
    ) as handle:  # quoted, as spreadsheets write a lone \r
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("bases.csv", 4, "city")
    assert "single-line field" in issue.message and f"U+{ord(value.strip('北京')[0]):04X}" in issue.message


def test_list_item_rejects_a_line_break(data_copy):
    set_cell(data_copy / "focus_industries.csv", 2, "taxonomy_ids", "T5.1;\u2028T1.1")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("focus_industries.csv", 2, "taxonomy_ids")
    assert "single-line field" in issue.message


def test_url_is_single_line(tmp_path):
    schema = tmp_path / "schema.yaml"
    schema.write_text(
        "tables:\n  links:\n    file: links.csv\n    title: t\n    source: s\n    primary_key: url\n"
        "    fields:\n      - {name: url, type: url, required: true}\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    data.mkdir()
    write_rows(data / "links.csv", [["url"], ["https://example.org/a"], ["https://example.org/\nb"]])
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data, schema_file=schema)
    assert [(i.file, i.row, i.column) for i in caught.value.issues] == [("links.csv", 3, "url")]


def test_text_keeps_line_breaks_and_tabs(data_copy):
    set_cell(data_copy / "measures.csv", 3, "description", "第一段\r\n第二段\t（续）")
    assert value_at(load_dataset(data_copy).measures, 3, "description") == "第一段\r\n第二段\t（续）"


@pytest.mark.parametrize("char", ["\x00", "\x0c", "\x0b", "\x1b", "\x85"])
def test_text_rejects_other_control_characters(data_copy, char):
    set_cell(data_copy / "measures.csv", 3, "description", f"描述{char}文字")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("measures.csv", 3, "description")
    assert f"control character in text): U+{ord(char):04X}" in issue.message


# Plausibility declared in the schema: min/max are errors, warn_min/warn_max warnings, not_after the data date.


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "NaN", "Infinity", "1e999"])
def test_numbers_must_be_finite(data_copy, value):
    set_cell(data_copy / "key_figures.csv", 3, "value", value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("key_figures.csv", 3, "value")
    assert "number must be finite" in issue.message


@pytest.mark.parametrize("value, problem", [("-3", "below minimum"), ("2000000000", "above maximum")])
def test_key_figure_bounds_are_errors(data_copy, value, problem):
    set_cell(data_copy / "key_figures.csv", 3, "value", value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("key_figures.csv", 3, "value") and problem in issue.message


def test_odd_but_possible_values_are_warnings(data_copy):
    set_cell(data_copy / "key_figures.csv", 3, "value", "2000000")
    set_cell(data_copy / "national_trade.csv", 3, "growth_pct", "150")
    set_cell(data_copy / "national_trade.csv", 4, "growth_pct", "-60")
    ds = load_dataset(data_copy)
    assert value_at(ds.key_figures, 3, "value") == 2000000
    assert [(w.file, w.row, w.column) for w in ds.warnings] == [
        ("key_figures.csv", 3, "value"),
        ("national_trade.csv", 3, "growth_pct"),
        ("national_trade.csv", 4, "growth_pct"),
    ]
    assert "unusually high" in ds.warnings[0].message and "unusually low" in ds.warnings[2].message
    assert str(ds.warnings[1]) == (
        "national_trade.csv, 第 3 行 (line 3), 列 growth_pct: "
        "大于 100，少见，请核对 (unusually high, above 100; please check): 150"
    )


@pytest.mark.parametrize(
    "file, line, column, value",
    [
        ("policies.csv", 3, "date", "2099-12"),
        ("policies.csv", 3, "date", "2026-12"),
        ("key_figures.csv", 3, "year", "2099"),
        ("bases.csv", 2, "recognised", "2027"),
        ("national_trade.csv", 2, "year", "2030"),
        ("background_facts.csv", 2, "year", "2027"),
    ],
)
def test_nothing_after_the_data_date(data_copy, file, line, column, value):
    set_cell(data_copy / file, line, column, value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == (file, line, column)
    assert "later than edition.data_date 2026-11" in issue.message


def test_the_data_dates_own_month_and_year_are_allowed(data_copy):
    set_cell(data_copy / "policies.csv", 3, "date", "2026-11-30")
    set_cell(data_copy / "key_figures.csv", 3, "year", "2026")
    set_cell(data_copy / "bases.csv", 2, "recognised", "2026")
    load_dataset(data_copy)


@pytest.mark.parametrize(
    "file, column, value",
    [
        ("policies.csv", "date", "0001-01"),
        ("policies.csv", "date", "1948-12-31"),
        ("key_figures.csv", "year", "1948"),
        ("bases.csv", "recognised", "1999-12"),
    ],
)
def test_dates_have_a_lower_year(data_copy, file, column, value):
    set_cell(data_copy / file, 3, column, value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == (file, 3, column) and "below minimum" in issue.message


def test_project_data_has_no_errors_and_shows_its_warnings(data_copy):
    ds = load_dataset(data_copy)
    print(f"{len(ds.warnings)} warnings in the project data", *ds.warnings, sep="\n")
    assert all(w.file in {t.file for t in ds.schemas.values()} for w in ds.warnings)


# Spreadsheet habits: accepted where unambiguous, named exactly where not.


@pytest.mark.parametrize("value", ["T5.1；T1.1", "T5.1; T1.1", "T5.1 ；T1.1；"])
def test_full_width_semicolon_separates_list_items(data_copy, value):
    set_cell(data_copy / "focus_industries.csv", 2, "taxonomy_ids", value)
    assert value_at(load_dataset(data_copy).focus_industries, 2, "taxonomy_ids") == ["T5.1", "T1.1"]


@pytest.mark.parametrize("value", ["T5.1、T1.1", "T5.1,T1.1", "T5.1，T1.1"])
def test_other_list_separators_are_named(data_copy, value):
    set_cell(data_copy / "focus_industries.csv", 2, "taxonomy_ids", value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("focus_industries.csv", 2, "taxonomy_ids")
    assert "列表请用分号 ; 或 ； 分隔 (separate list items with ;)" in issue.message


@pytest.mark.parametrize("value, number", [("1,200", 1200), ("1,200.5", 1200.5), ("12,345", 12345), (" 1,200 ", 1200)])
def test_thousands_separators_are_read(data_copy, value, number):
    set_cell(data_copy / "key_figures.csv", 3, "value", value)
    ds = load_dataset(data_copy)
    assert value_at(ds.key_figures, 3, "value") == number and ds.warnings == []


def test_large_number_with_separators_is_read_and_flagged(data_copy):
    set_cell(data_copy / "key_figures.csv", 3, "value", "12,345,678")
    ds = load_dataset(data_copy)
    assert value_at(ds.key_figures, 3, "value") == 12345678
    assert [w.column for w in ds.warnings] == ["value"] and "unusually high" in ds.warnings[0].message


@pytest.mark.parametrize("value", ["1,2", "12,34", "1,2345", "0,500", "1,200,5", ",200", "1,200,"])
def test_ambiguous_commas_are_errors(data_copy, value):
    set_cell(data_copy / "key_figures.csv", 3, "value", value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("key_figures.csv", 3, "value")
    assert "not a valid thousands separator" in issue.message and "decimal comma not accepted" in issue.message


@pytest.mark.parametrize(
    "file, line, column, value, read",
    [
        ("key_figures.csv", 3, "value", "１２０", 120),
        ("key_figures.csv", 3, "value", "１，２００", 1200),
        ("national_trade.csv", 3, "growth_pct", "－１．５", -1.5),
        ("key_figures.csv", 3, "year", "２０２１", 2021),
        ("report_sections.csv", 3, "page", "１２", 12),
    ],
)
def test_full_width_digits_are_read_with_a_warning(data_copy, file, line, column, value, read):
    set_cell(data_copy / file, line, column, value)
    ds = load_dataset(data_copy)
    assert value_at(ds[file.removesuffix(".csv")], line, column) == read
    shown = value.translate({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)})
    assert warnings_at(ds, file, line, column) == [f"已按半角数字读取 (full-width digits read as {shown})"]
    assert len(ds.warnings) == 1


@pytest.mark.parametrize("value", ["25%", "２５％"])
def test_percent_sign_belongs_in_the_unit_column(data_copy, value):
    set_cell(data_copy / "key_figures.csv", 3, "value", value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == ("key_figures.csv", 3, "value") and "unit column" in issue.message


@pytest.mark.parametrize("value", ["120¹", "1_000", "1 200", "12万", "0x10"])
def test_other_number_spellings_are_not_guessed(data_copy, value):
    set_cell(data_copy / "key_figures.csv", 3, "value", value)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == (
        "key_figures.csv",
        3,
        "value",
    ) and "expected a number" in issue.message


def test_integers_take_thousands_separators_but_years_do_not(data_copy):
    set_cell(data_copy / "report_sections.csv", 3, "page", "1,200")
    assert value_at(load_dataset(data_copy).report_sections, 3, "page") == 1200
    set_cell(data_copy / "key_figures.csv", 3, "year", "2,021")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == (
        "key_figures.csv",
        3,
        "year",
    ) and "expected an integer" in issue.message


def test_taxonomy_cycle_is_named_on_each_row_and_not_as_a_level_problem(data_copy):
    set_cell(data_copy / "taxonomy.csv", 2, "parent_id", "T1.1")  # T1 → T1.1 → T1
    issues = issues_of(data_copy)
    assert [(i.file, i.row, i.column, i.message) for i in issues] == [
        ("taxonomy.csv", 2, "parent_id", "上级关系成环 (cycle in parent_id): T1 → T1.1 → T1"),
        ("taxonomy.csv", 3, "parent_id", "上级关系成环 (cycle in parent_id): T1.1 → T1 → T1.1"),
    ]


@pytest.mark.parametrize("file, line, own_id", [("taxonomy.csv", 3, "T1.1"), ("report_sections.csv", 5, "s2.1")])
def test_self_parent_is_a_cycle(data_copy, file, line, own_id):
    set_cell(data_copy / file, line, "parent_id", own_id)
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == (file, line, "parent_id")
    assert issue.message == f"上级关系成环 (cycle in parent_id): {own_id} → {own_id}"


# The data folder holds tables only.


@pytest.mark.parametrize("name", ["schema.yaml", "extra.yml"])
def test_data_folder_must_not_carry_a_schema(data_copy, name):
    (data_copy / name).write_text("tables: {}\n", encoding="utf-8")
    issue = only_issue(data_copy)
    assert (issue.file, issue.row, issue.column) == (name, None, None)
    assert issue.message.startswith(
        "数据目录不应包含模式文件；模式由程序提供 (dtbook/schema.yaml)，请删除该文件 "
        "(a data folder must not carry its own schema"
    )


def test_misnamed_table_is_reported_not_ignored(data_copy):
    (data_copy / "errata.csv").rename(data_copy / "eratta.csv")
    issues = {i.file: i.message for i in issues_of(data_copy)}
    assert set(issues) == {"eratta.csv", "errata.csv"}
    assert "not a table of the schema" in issues["eratta.csv"] and "did you mean errata.csv" in issues["eratta.csv"]
    assert (
        "(expected one of): background_facts.csv, base_locations.csv, bases.csv, coding_first.csv,"
        in issues["eratta.csv"]
    )
    assert "file missing" in issues["errata.csv"]


def test_schema_ships_with_the_code():
    from dtbook.schema import SCHEMA_FILE

    assert SCHEMA_FILE.parent.name == "dtbook" and SCHEMA_FILE.is_file()


@pytest.mark.parametrize(
    "field, problem",
    [
        ("{name: n, type: number, warn_mx: 3}", "unknown keys"),
        ("{name: n, type: number, max: 1.0e9}", "must be a number"),
        ("{name: n, type: string, min: 1}", "cannot have min/max"),
        ("{name: n, type: year, not_after: edition.date}", "names no field"),
    ],
)
def test_schema_mistakes_fail_loudly(tmp_path, field, problem):
    from dtbook.schema import load_schemas

    schema = tmp_path / "schema.yaml"
    schema.write_text(
        "tables:\n  t:\n    file: t.csv\n    title: t\n    source: s\n    primary_key: n\n"
        f"    fields:\n      - {field}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=problem):
        load_schemas(schema)
