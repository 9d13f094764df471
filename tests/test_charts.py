"""Each chart draws what its data and caption say: rendered to SVG with vl-convert, marks counted."""

import re

import numpy as np
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
            "score": [80.0, np.nan, np.nan, 20.0, 50.0, 100.0],
            "items": [3, 0, 0, 1, 2, 4],
        }
    )
    svg = svg_of(charts.score_heatmap(scores, ["一", "二"], ["甲", "乙", "丙"]))
    grey = re.findall(rf'<path[^>]*fill="{charts.MISSING_FILL}"', svg)
    assert len(grey) == 2  # 甲·二 and 乙·一
    assert svg.count(">无证据</text>") == 2  # and each says so


def test_ranking_bars_are_dark_exactly_where_the_evidence_covers_enough_weight():
    ranking = pd.DataFrame(
        {
            "base_name": ["甲", "乙", "丙"],
            "composite": [70.0, 60.0, 50.0],
            "rank": [1, 2, 3],
            "rank_p05": [1, 1, 2],
            "rank_p95": [2, 3, 3],
            "status": [CompositeStatus.OK.key, CompositeStatus.THIN.key, CompositeStatus.OK.key],
        }
    )
    ranking["status_label"] = ranking["status"].map(CompositeStatus.label_of)
    svg = svg_of(charts.ranking_chart(ranking))
    bars = re.findall(r'<path aria-label="[^"]*综合指数[^"]*"[^>]*fill="#1f6f8b"[^>]*>', svg)
    opacities = sorted(re.search(r'opacity="([\d.]+)"', bar).group(1) if "opacity=" in bar else "1" for bar in bars)
    assert opacities == ["0.45", "1", "1"], bars
