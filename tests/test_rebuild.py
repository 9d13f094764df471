"""Rebuilding on refreshed data: incremental execution, safe failure, a new base as a data change only.

One output folder is shared by the tests of this module, in order: a clean build, then rebuilds."""

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import PROJECT, append_row, cell, copy_project_data, read_rows, set_cell, write_rows

import dtbook.registry as registry
from dtbook import load_dataset
from dtbook.build import BuildError, build
from dtbook.paths import NOTEBOOKS

pytestmark = pytest.mark.build


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


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
    pages = [p for p in NOTEBOOKS.glob("*.ipynb") if p.name not in ("base.ipynb", "brief.ipynb")]  # brief: the kit
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
    # cite quotes the fingerprint and the data dictionary counts every table's rows
    assert sorted(report.executed) == sorted([f"bases/{base_id}", "overview", "cite", "dictionary"])
    cite = (workspace["out"] / "site" / "book" / "cite.html").read_text(encoding="utf-8")
    assert load_dataset(workspace["data"]).fingerprint in cite
    figures = pd.read_csv(workspace["out"] / "site" / "downloads" / f"bases/{base_id}" / f"tbl-{base_id}-figures.csv")
    assert cell(path, 2, "metric") in set(figures["指标"])


@pytest.mark.parametrize(
    "corrupt, expected",
    [
        (lambda d: set_cell(d / "key_figures.csv", 3, "value", "四十"), ["key_figures.csv", "第 3 行", "value"]),
        (
            lambda d: set_cell(d / "policies.csv", 4, "base_id", "nowhere"),
            ["policies.csv", "第 4 行", "base_id", "nowhere"],
        ),
        (lambda d: (d / "taxonomy.csv").write_bytes(b""), ["taxonomy.csv", "empty file"]),
        (
            lambda d: write_rows(d / "bases.csv", [r[:-1] for r in read_rows(d / "bases.csv")]),
            ["bases.csv", "source_locator", "missing column"],
        ),
    ],
)
def test_bad_data_stops_the_build_and_leaves_the_site_untouched(workspace, corrupt, expected):
    before = tree_digest(workspace["out"] / "site")
    data = copy_data(workspace, f"bad-{expected[0]}-{len(expected)}")
    corrupt(data)
    with pytest.raises(BuildError) as caught:
        build(data, workspace["out"], with_pdf=False)
    for needle in expected:
        assert needle in str(caught.value)
    assert tree_digest(workspace["out"] / "site") == before
    report = json.loads((workspace["out"] / "build-report.json").read_text(encoding="utf-8"))
    assert report["status"] == "failed" and expected[0] in report["message"]  # describes this attempt


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
    line = append_row(data / "weights.csv", {"component": "no_such_component", "weight": "1", "rationale": "测试"})
    with pytest.raises(BuildError, match="no_such_component") as caught:
        build(data, workspace["out"], with_pdf=False)
    assert f"weights.csv, 第 {line} 行" in str(caught.value) and "component" in str(caught.value)
    assert tree_digest(workspace["out"] / "site") == before


def errata_with_cell(tmp_path, monkeypatch, cell) -> int:
    """The build's notebooks, with cell appended to errata.ipynb; returns the notebook's number of cells."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    broken = nbformat.read(notebooks / "errata.ipynb", as_version=4)
    broken.cells.append(cell)
    nbformat.write(broken, notebooks / "errata.ipynb")
    monkeypatch.setattr(registry, "NOTEBOOKS", notebooks)
    return len(broken.cells)


def test_notebook_error_names_notebook_and_cell_and_publishes_nothing(workspace, tmp_path, monkeypatch):
    cells = errata_with_cell(tmp_path, monkeypatch, nbformat.v4.new_code_cell("raise RuntimeError('故意的错误')"))
    before = tree_digest(workspace["out"] / "site")
    with pytest.raises(BuildError) as caught:
        build(workspace["data"], workspace["out"], with_pdf=False)
    message = str(caught.value)
    # counted as a reader counts the template's cells: the appended cell is the last one, numbered from 1
    assert "notebooks/errata.ipynb" in message and f"cell {cells} (raise RuntimeError" in message
    assert "RuntimeError: 故意的错误" in message
    assert tree_digest(workspace["out"] / "site") == before


def test_new_base_is_added_by_data_alone_with_a_changelog(workspace):
    data = copy_data(workspace, "edition-2")
    common = {"source_section": "s2", "source_locator": "测试用合成数据"}
    append_row(
        data / "bases.csv",
        {
            "base_id": "xian",
            "order": "13",
            "name": "西安软件新城",
            "short_name": "西安软件新城",
            "city": "西安",
            "province": "陕西省",
            "region": "西北",
            "batch": "第二批",
            "recognised": "2026-06",
            "positioning": "丝路数字服务枢纽",
            "profile": "用于检验新增基地流程的合成数据。",
            **common,
        },
    )
    append_row(
        data / "base_locations.csv",
        {"base_id": "xian", "city": "西安", "lon": "108.95", "lat": "34.27", "source": "测试"},
    )
    append_row(
        data / "policies.csv",
        {
            "policy_id": "xian-p01",
            "base_id": "xian",
            "title": "西安软件新城测试方案",
            "issuer": "西安市",
            "level": "市级",
            "date": "2026-05",
            "relation": "制定",
            **common,
        },
    )
    append_row(
        data / "measures.csv",
        {
            "measure_id": "xian-m01",
            "base_id": "xian",
            "kind": "平台",
            "status": "计划",
            "title": "丝路数字服务平台",
            "description": "测试用平台。",
            **common,
        },
    )
    append_row(
        data / "key_figures.csv",
        {
            "figure_id": "xian-f01",
            "base_id": "xian",
            "metric": "入驻企业数",
            "value": "321",
            "unit": "家",
            "year": "2026",
            "quote": "入驻企业321家",
            **common,
        },
    )
    append_row(
        data / "focus_industries.csv", {"base_id": "xian", "industry": "软件服务", "taxonomy_ids": "T1.1.2.2", **common}
    )
    append_row(
        data / "evidence.csv",
        {
            "evidence_id": "xian-e01",
            "base_id": "xian",
            "element_id": "is_platform",
            "strength": "2",
            "shows": "建有平台",
            "quote": "丝路数字服务平台",
            **common,
        },
    )
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


def test_render_failure_names_the_page_and_the_log_not_a_traceback(workspace, tmp_path, monkeypatch):
    errata_with_cell(
        tmp_path, monkeypatch, nbformat.v4.new_markdown_cell("见 {doc}`没有这一页 </book/no-such-page>`。")
    )
    before = tree_digest(workspace["out"] / "site")
    with pytest.raises(BuildError) as caught:
        build(workspace["data"], workspace["out"], with_pdf=False)
    message = str(caught.value)
    assert "页面 errata" in message and "no-such-page" in message and "Traceback" not in message
    assert str(workspace["out"] / "logs" / "html.log") in message
    assert tree_digest(workspace["out"] / "site") == before


def test_a_second_build_on_the_same_folder_stops_at_once(workspace):
    """Two builds on one output folder: the second refuses at once, the first finishes and publishes."""
    data = copy_data(workspace, "concurrent")
    set_cell(data / "key_figures.csv", 2, "value", "77")
    command = [sys.executable, "-m", "dtbook.build", "--data", str(data), "--out", str(workspace["out"]), "--no-pdf"]
    first = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    report = workspace["out"] / "build-report.json"
    deadline = time.time() + 60
    while time.time() < deadline and json.loads(report.read_text(encoding="utf-8"))["pid"] != first.pid:
        time.sleep(0.1)
    started = time.perf_counter()
    second = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True)
    assert second.returncode == 1 and time.perf_counter() - started < 15
    assert "正被另一次构建使用" in second.stderr and f"pid {first.pid}" in second.stderr
    assert "Traceback" not in second.stderr
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert json.loads(report.read_text(encoding="utf-8"))["status"] == "built"
    figures = pd.read_csv(workspace["out"] / "site" / "downloads" / "overview" / "tbl-key-figures.csv")
    assert any(value.startswith("77 ") for value in figures["数值"].astype(str))


def test_an_unwritable_output_folder_is_named_in_the_message(workspace, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(BuildError, match="无法写入输出目录") as caught:
        build(workspace["data"], blocker / "out", with_pdf=False)
    assert str(blocker / "out") in str(caught.value) and "Traceback" not in str(caught.value)


def test_an_immutable_output_folder_is_refused_before_any_work(workspace, tmp_path):
    out = tmp_path / "locked"
    out.mkdir()
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.fail("chattr +i is not supported here; this test needs an ext4-like file system")
    try:
        started = time.perf_counter()
        with pytest.raises(BuildError, match="无法写入输出目录") as caught:
            build(workspace["data"], out, with_pdf=False)
        assert time.perf_counter() - started < 10 and "Operation not permitted" in str(caught.value)
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)


def test_a_removed_base_leaves_nothing_of_it_published(workspace, tmp_path):
    """The published site is a function of the data: rebuilding without a base into a used folder gives
    exactly the files of a clean build of the same data."""
    data = copy_data(workspace, "without-dalian")
    for path in data.glob("*.csv"):  # every table that names bases loses dalian's rows
        rows = read_rows(path)
        if "base_id" in rows[0]:
            column = rows[0].index("base_id")
            write_rows(path, [rows[0]] + [r for r in rows[1:] if r[column] != "dalian"])
    build(data, workspace["out"], with_pdf=False)
    clean = tmp_path / "clean"
    build(data, clean, with_pdf=False)
    reused, fresh = workspace["out"] / "site", clean / "site"

    def files(site):
        return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())

    assert files(reused) == files(fresh)
    assert not any("dalian" in name for name in files(reused))
    for path in (reused / "book").rglob("*.html"):
        assert "bases/dalian" not in path.read_text(encoding="utf-8"), path
    releases = list((workspace["out"] / "releases").iterdir())
    assert len(releases) == 1 and reused.resolve() == releases[0].resolve()
