"""The loader types every table and reports every problem with its file, line and column."""
import pandas as pd
import pytest

from conftest import append_row, cell, read_rows, set_cell, write_rows
from dtbook import DataValidationError, load_dataset


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
    write_rows(data_copy / "bases.csv", [r[:drop] + r[drop + 1:] for r in rows])
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
    line = append_row(data_copy / "bases.csv", {
        "base_id": "newbase", "order": "13", "name": "测试基地", "short_name": "测试", "city": "西安",
        "province": "陕西省", "region": "西北", "batch": "第二批", "recognised": "2026-01", "profile": "测试用。",
        "source_section": "s2", "source_locator": "测试"})
    ds = load_dataset(data_copy)
    assert ds.base_ids()[-1] == "newbase" and line == len(ds.bases) + 1
    assert pd.isna(ds.bases.set_index("base_id").at["newbase", "positioning"])
