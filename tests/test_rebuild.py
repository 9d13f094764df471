"""Rebuilding on refreshed data: incremental execution, safe failure, a new base as a data change only.

One output folder is shared by the tests of this module, in order: a clean build, then rebuilds."""
import hashlib
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import append_row, cell, copy_project_data, read_rows, set_cell, write_rows
import dtbook.build as build_module
from dtbook import load_dataset
from dtbook.build import BuildError, build


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("rebuild")
    data = root / "data"
    copy_project_data(data)
    out = root / "out"
    report = build(data, out, with_pdf=False)
    return {"root": root, "data": data, "out": out, "first": report}


def copy_data(workspace, name: str) -> Path:
    target = workspace["root"] / name
    shutil.copytree(workspace["data"], target)
    return target


def test_clean_build_executes_every_page(workspace):
    report = workspace["first"]
    assert report.status == "built" and not report.reused
    pages = [p for p in build_module.NOTEBOOKS.glob("*.ipynb") if p.name != "base.ipynb"]
    assert len(report.executed) == len(pages) + len(pd.read_csv(workspace["data"] / "bases.csv"))


def test_rebuild_with_nothing_changed_executes_nothing(workspace):
    before = tree_digest(workspace["out"] / "site")
    report = build(workspace["data"], workspace["out"], with_pdf=False)
    assert report.status == "unchanged" and report.executed == [] and report.rendered == []
    assert tree_digest(workspace["out"] / "site") == before


def test_changing_one_figure_reruns_only_the_pages_that_show_it(workspace):
    path = workspace["data"] / "key_figures.csv"
    base_id = cell(path, 2, "base_id")
    set_cell(path, 2, "value", str(float(cell(path, 2, "value")) + 1))
    report = build(workspace["data"], workspace["out"], with_pdf=False)
    assert report.status == "built"
    assert sorted(report.executed) == sorted([f"bases/{base_id}", "overview", "cite"])  # cite quotes the fingerprint
    cite = (workspace["out"] / "site" / "book" / "cite.html").read_text(encoding="utf-8")
    assert load_dataset(workspace["data"]).fingerprint in cite
    figures = pd.read_csv(workspace["out"] / "site" / "downloads" / f"bases/{base_id}" / f"tbl-{base_id}-figures.csv")
    assert cell(path, 2, "metric") in set(figures["指标"])


@pytest.mark.parametrize("corrupt, expected", [
    (lambda d: set_cell(d / "key_figures.csv", 3, "value", "四十"), ["key_figures.csv", "第 3 行", "value"]),
    (lambda d: set_cell(d / "policies.csv", 4, "base_id", "nowhere"), ["policies.csv", "第 4 行", "base_id", "nowhere"]),
    (lambda d: (d / "taxonomy.csv").write_bytes(b""), ["taxonomy.csv", "empty file"]),
    (lambda d: write_rows(d / "bases.csv", [r[:-1] for r in read_rows(d / "bases.csv")]),
     ["bases.csv", "source_locator", "missing column"]),
])
def test_bad_data_stops_the_build_and_leaves_the_site_untouched(workspace, corrupt, expected):
    before = tree_digest(workspace["out"] / "site")
    data = copy_data(workspace, f"bad-{expected[0]}-{len(expected)}")
    corrupt(data)
    with pytest.raises(BuildError) as caught:
        build(data, workspace["out"], with_pdf=False)
    for needle in expected:
        assert needle in str(caught.value)
    assert tree_digest(workspace["out"] / "site") == before


def test_all_problems_are_reported_in_one_run(workspace):
    data = copy_data(workspace, "bad-many")
    set_cell(data / "bases.csv", 2, "region", "火星")
    set_cell(data / "measures.csv", 3, "kind", "传说")
    with pytest.raises(BuildError) as caught:
        build(data, workspace["out"], with_pdf=False)
    assert "bases.csv, 第 2 行" in str(caught.value) and "measures.csv, 第 3 行" in str(caught.value)


def test_data_that_breaks_the_indicators_is_refused(workspace):
    before = tree_digest(workspace["out"] / "site")
    data = copy_data(workspace, "bad-weights")
    append_row(data / "weights.csv", {"component": "no_such_component", "weight": "1", "rationale": "测试"})
    with pytest.raises(BuildError, match="no_such_component"):
        build(data, workspace["out"], with_pdf=False)
    assert tree_digest(workspace["out"] / "site") == before


def test_notebook_error_names_notebook_and_cell_and_publishes_nothing(workspace, tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(build_module.NOTEBOOKS, notebooks)
    broken = nbformat.read(notebooks / "errata.ipynb", as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('故意的错误')"))
    nbformat.write(broken, notebooks / "errata.ipynb")
    monkeypatch.setattr(build_module, "NOTEBOOKS", notebooks)
    before = tree_digest(workspace["out"] / "site")
    with pytest.raises(BuildError) as caught:
        build(workspace["data"], workspace["out"], with_pdf=False)
    message = str(caught.value)
    assert "notebooks/errata.ipynb" in message and f"cell {len(broken.cells) - 1} (raise RuntimeError" in message
    assert "RuntimeError: 故意的错误" in message
    assert tree_digest(workspace["out"] / "site") == before


def test_new_base_is_added_by_data_alone_with_a_changelog(workspace):
    data = copy_data(workspace, "edition-2")
    common = {"source_section": "s2", "source_locator": "测试用合成数据"}
    append_row(data / "bases.csv", {
        "base_id": "xian", "order": "13", "name": "西安软件新城", "short_name": "西安软件新城", "city": "西安",
        "province": "陕西省", "region": "西北", "batch": "第二批", "recognised": "2026-06", "positioning": "丝路数字服务枢纽",
        "profile": "用于检验新增基地流程的合成数据。", **common})
    append_row(data / "base_locations.csv", {"base_id": "xian", "city": "西安", "lon": "108.95", "lat": "34.27",
                                             "source": "测试"})
    append_row(data / "policies.csv", {"policy_id": "xian-p01", "base_id": "xian", "title": "西安软件新城测试方案",
                                       "issuer": "西安市", "level": "市级", "date": "2026-05", "relation": "制定", **common})
    append_row(data / "measures.csv", {"measure_id": "xian-m01", "base_id": "xian", "kind": "平台", "status": "计划",
                                       "title": "丝路数字服务平台", "description": "测试用平台。", **common})
    append_row(data / "key_figures.csv", {"figure_id": "xian-f01", "base_id": "xian", "metric": "入驻企业数",
                                          "value": "321", "unit": "家", "year": "2026", "quote": "入驻企业321家", **common})
    append_row(data / "focus_industries.csv", {"base_id": "xian", "industry": "软件服务", "taxonomy_ids": "T1.1.2.2", **common})
    append_row(data / "evidence.csv", {"evidence_id": "xian-e01", "base_id": "xian", "element_id": "is_platform",
                                       "strength": "2", "shows": "建有平台", "quote": "丝路数字服务平台", **common})
    report = build(data, workspace["out"], previous=workspace["data"], with_pdf=False)
    site = workspace["out"] / "site"
    assert "bases/xian" in report.executed
    page = (site / "book" / "bases" / "xian.html").read_text(encoding="utf-8")
    assert "西安软件新城" in page and "丝路数字服务枢纽" in page and "入驻企业数" in page
    overview = pd.read_csv(site / "downloads" / "overview" / "tbl-bases.csv")
    assert len(overview) == 13 and "西安软件新城" in set(overview["基地"])
    changelog = (site / "book" / "changelog.html").read_text(encoding="utf-8")
    assert "新增基地：西安软件新城" in changelog
    assert "入驻企业数" in changelog or "xian-f01" in changelog
    nav = (site / "book" / "overview.html").read_text(encoding="utf-8")
    assert "bases/xian.html" in nav
