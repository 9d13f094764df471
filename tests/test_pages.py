"""Small pieces of page building checked by hand: escaping, the icicle layout, table widths, PNG metadata."""

import zlib

import pandas as pd
import pytest

from dtbook.output import _png_with_text, md
from dtbook.pages.taxonomy import taxonomy_layout
from dtbook.sphinx_ext import _column_widths, _prose_columns, latex_escape

pytestmark = pytest.mark.unit


def test_md_shows_markup_as_text():
    assert md("<script>alert(1)</script>") == r"\<script\>alert\(1\)\<\/script\>"
    assert md("**粗体** `代码` [链接](x)") == r"\*\*粗体\*\* \`代码\` \[链接\]\(x\)"
    assert md("第一行\n第二行") == "第一行 第二行"
    assert md(pd.NA) == "" and md(None) == ""


def test_icicle_layout_spans_leaves():
    taxonomy = pd.DataFrame(
        {
            "node_id": ["T1", "T1.1", "T1.1.1", "T1.1.2", "T1.2", "T2"],
            "parent_id": [None, "T1", "T1.1", "T1.1", "T1", None],
            "level": [1, 2, 3, 3, 2, 1],
            "name": ["甲", "甲一", "甲一一", "甲一二", "甲二", "乙"],
        }
    )
    layout = taxonomy_layout(taxonomy).set_index("node_id")
    assert (layout.loc["T1", "start"], layout.loc["T1", "end"]) == (0, 3)  # leaves 甲一一, 甲一二, 甲二
    assert (layout.loc["T1.1", "start"], layout.loc["T1.1", "end"]) == (0, 2)
    assert (layout.loc["T1.2", "start"], layout.loc["T1.2", "end"]) == (2, 3)
    assert (layout.loc["T2", "start"], layout.loc["T2", "end"]) == (3, 4)  # a leaf at level 1
    assert layout.loc["T1.1.2", "path"] == "甲 › 甲一 › 甲一二"


def test_column_widths_fit_short_values_and_grow_with_typical_text():
    widths = _column_widths(["年份", "编号", "说明"], [["2024", "T1.2.1.1.1", "很长的说明" * 10], ["2020", "T1", "短"]])
    # 年份: its header is 4 wide (CJK counts double); 编号: the widest code, 10; 说明: 14 + mean (100 + 2) / 2 / 3;
    # each plus a padding of 4
    assert widths == [4 + 4, 10 + 4, 14 + 17 + 4]
    assert _prose_columns(["年份", "编号", "说明"], [["2024", "T1", "很长的说明" * 10], ["2020", "T1", "短"]]) == {2}


def test_latex_escape():
    assert latex_escape("50% & $1_2#{x}") == r"50\% \& \$1\_2\#\{x\}"


def test_png_metadata_chunk_is_valid():
    png = b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR" + bytes(13) + b"CRC!" + b"rest"
    tagged = _png_with_text(png, {"Source": "报告"})
    start = 8 + 25
    length = int.from_bytes(tagged[start : start + 4], "big")
    chunk_type, data = tagged[start + 4 : start + 8], tagged[start + 8 : start + 8 + length]
    crc = int.from_bytes(tagged[start + 8 + length : start + 12 + length], "big")
    assert chunk_type == b"iTXt" and data.endswith("报告".encode()) and crc == zlib.crc32(b"iTXt" + data)
    assert tagged.endswith(b"rest")


def test_pairwise_section_lists_adjacent_pairs_when_the_matrix_would_be_unreadable(tmp_path):
    import sys

    from conftest import DATA, PROJECT

    sys.path.insert(0, str(PROJECT / "benchmarks"))
    from synthetic import make_dataset

    from dtbook import load_dataset
    from dtbook.indicators import compute_indicators
    from dtbook.output import Page
    from dtbook.pages.indicators import MATRIX_LIMIT, pairwise

    ds = load_dataset(make_dataset(DATA, tmp_path / "data", MATRIX_LIMIT + 5))
    page = Page(ds, tmp_path / "site", "indicators")
    text = pairwise(ds, page, compute_indicators(ds)).text
    assert "fig-pairwise" not in text and "tbl-pairwise" in text
    table = pd.read_csv(page.folder / "tbl-pairwise.csv", encoding="utf-8-sig")
    assert len(table) == MATRIX_LIMIT + 5 - 1  # each base against the next one
