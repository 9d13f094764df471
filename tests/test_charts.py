"""Each chart draws what its data and caption say: rendered to SVG with vl-convert, marks counted."""

import re

import pandas as pd
import pytest
import vl_convert as vlc

from dtbook import charts
from dtbook.labels import CompositeStatus

pytestmark = pytest.mark.unit


def svg_of(chart) -> str:
    return vlc.vegalite_to_svg(chart.to_dict())


def test_heatmap_draws_a_grey_cell_for_every_element_without_evidence():
    scores = pd.DataFrame(
        {
            "base_name": ["甲", "甲", "乙", "乙", "丙", "丙"],
            "element_name": ["一", "二"] * 3,
            "level": [3, 0, 0, 1, 2, 3],
            "items": [3, 0, 0, 1, 2, 4],
        }
    )
    svg = svg_of(charts.score_heatmap(scores, ["一", "二"], ["甲", "乙", "丙"]))
    grey = re.findall(rf'<path[^>]*fill="{charts.MISSING_FILL}"', svg)
    assert len(grey) == 2  # 甲·二 and 乙·一
    assert svg.count(">无证据</text>") == 2  # and each says so
    # levels as drawn in the cells, plus one entry each in the legend
    assert svg.count(">3</text>") == 2 + 1 and svg.count(">1</text>") == 1 + 1 and svg.count(">2</text>") == 1 + 1


def test_ranking_bars_are_dark_exactly_where_the_evidence_covers_enough_weight():
    ranking = pd.DataFrame(
        {
            "base_name": ["甲", "乙", "丙"],
            "composite": [70.0, 60.0, 50.0],
            "rank": [1, 2, 3],
            "rank_median": [1.0, 2.0, 3.0],
            "rank_p05": [1, 1, 2],
            "rank_p95": [2, 3, 3],
            "tier": [1, 1, 2],
            "status": [CompositeStatus.OK.key, CompositeStatus.THIN.key, CompositeStatus.OK.key],
        }
    )
    ranking["status_label"] = ranking["status"].map(CompositeStatus.label_of)
    ranking["tier_label"] = ranking["tier"].map({1: "第一梯队", 2: "第二梯队"})
    svg = svg_of(charts.ranking_chart(ranking))
    bars = re.findall(r'<path aria-label="[^"]*综合指数[^"]*"[^>]*fill="#1f6f8b"[^>]*>', svg)
    opacities = sorted(re.search(r'opacity="([\d.]+)"', bar).group(1) if "opacity=" in bar else "1" for bar in bars)
    assert opacities == ["0.45", "1", "1"], bars
    bands = re.findall(r'<path aria-label="[^"]*排名下限: (\d+); 排名上限: (\d+)[^"]*"[^>]*role="graphics-symbol"', svg)
    assert sorted(set(bands)) == [("1", "2"), ("1", "3"), ("2", "3")]  # one band per base, as in the data


def test_pairwise_matrix_prints_every_share():
    pairs = pd.DataFrame({"base_name": ["甲", "乙"], "other_name": ["乙", "甲"], "p_above": [0.75, 0.25]})
    svg = svg_of(charts.pairwise_chart(pairs, ["甲", "乙"]))
    assert ">75</text>" in svg and ">25</text>" in svg
