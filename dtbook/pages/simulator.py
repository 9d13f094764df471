"""The indicator simulator (指标模拟器): a page of its own and a compact version on each base page.

The simulator runs in the reader's browser (book/_static/dt-simulator.js). This module writes what it needs:

- the published data it starts from, as one script file in the simulator page's downloads folder
  (``downloads/simulator/dt-simulator-data.js``): a script element loads it from ``file://`` too, where fetch()
  cannot. Base pages load the same file, since a base page may read only its own rows. Data text is JSON
  inside a JavaScript file, with ``<``, ``>`` and ``&`` written as escapes, and the script sets it only as text;
- the mount points: static markup written here (no data text in it), plus a small JSON block saying which base a
  compact simulator is for.
"""

from __future__ import annotations

import json

import numpy as np

from ..indicators import Indicators, Settings
from ..output import Markdown
from ..scenarios import model_of
from .common import CAVEAT, PAGE_DOCS, doc_link

PAGE = "simulator"  # the page's name in _toc.yml (book/simulator): its downloads folder holds the data file
DATA_FILE = "dt-simulator-data.js"
SCRIPT = "_static/dt-simulator.js"
DATA_GLOBAL = "dtSimulatorData"
# Bases × uncertainty draws the browser computes by default: the book's draws while they fit (12 bases × 2000),
# the first 100 × k of them beyond (100 bases: 300 draws; benchmarks/simulator.py measures it).
DRAW_BUDGET = 30_000


def default_draws(bases: int, settings: Settings) -> int:
    """The draws the simulator starts with (dt-simulator.js computes the same from the data file)."""
    return min(settings.uncertainty_draws, max(100, DRAW_BUDGET // bases // 100 * 100))


def _script_json(value) -> str:
    """JSON that is inert wherever it is put: no characters of markup, no line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _number(value) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else value


def simulator_data(ds, indicators: Indicators) -> dict:
    """Everything the browser computes from, in the order the method takes it (bases and elements in design
    order, evidence in data order: the uncertainty simulation draws item by item)."""
    model = model_of(ds)
    settings: Settings = model.settings
    state = np.random.default_rng(settings.uncertainty_seed).bit_generator.state["state"]
    action_text = (
        model.actions.sort_values(["element_id", "order"])
        .groupby("element_id")["action"]
        .apply(lambda a: "；".join(text.rstrip("。") for text in list(a)[: settings.actions_per_recommendation]))
        .to_dict()
    )
    groups = ds.framework_groups.set_index("group_id")["name"]
    ranking = indicators.ranking.set_index("base_id").loc[model.design.base_ids].reset_index()
    return {
        "version": 1,
        "draw_budget": DRAW_BUDGET,
        "edition": {"edition": ds.edition["edition"], "data_date": str(ds.edition["data_date"])},
        "settings": {name: getattr(settings, name) for name in settings.__dataclass_fields__},
        "rng": {"state": f"{state['state']:032x}", "inc": f"{state['inc']:032x}"},
        "groups": [[g, groups[g]] for g in model.group_ids],
        "elements": [
            [e, model.element_names[e], g, _number(w)]
            for e, g, w in zip(model.design.element_ids, model.design.groups, model.design.weights)
        ],
        "bases": [[b, model.base_names[b]] for b in model.design.base_ids],
        "evidence": [
            [row.evidence_id, row.base_id, row.element_id, int(row.strength), row.shows, row.quote]
            for row in ds.evidence.itertuples()
        ],
        "actions": action_text,
        "published": [
            [
                row.base_id,
                None if np.isnan(row.composite) else float(row.composite),
                int(row.rank),
                float(row.rank_median),
                int(row.rank_p05),
                int(row.rank_p95),
                int(row.tier),
            ]
            for row in ranking.itertuples()
        ],
    }


def data_script(ds, indicators: Indicators) -> str:
    return f"window.{DATA_GLOBAL} = {_script_json(simulator_data(ds, indicators))};\n"


class WebOnly:
    """Markup for the web page (text/html) and a note in its place for the PDF (text/markdown). The markup is
    written here, never from data."""

    def __init__(self, html: str, markdown: str = ""):
        self.html, self.markdown = html, markdown

    def _repr_html_(self) -> str:
        return self.html

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:  # the notebook's plain-text output: stable, so re-runs give the same notebook
        return "指标模拟器（网页版）"


def _prefix(page_name: str) -> str:
    """From a page (book/<page>.html) to the site root."""
    return "../" * (page_name.count("/") + 1)


def _scripts(page_name: str) -> str:
    root = _prefix(page_name)
    return f'<script src="{root}downloads/{PAGE}/{DATA_FILE}"></script>\n<script src="{root}{SCRIPT}"></script>\n'


LOADING = (
    '<noscript><p class="dt-sim-warning">指标模拟器在浏览器中运行，需要启用 JavaScript。</p></noscript>\n'
    '<p class="dt-sim-loading">指标模拟器正在加载……</p>\n'
)


def introduction(ds, indicators: Indicators) -> Markdown:
    """What the simulator does, the book's settings it starts from, and how its numbers relate to the book's."""
    settings = indicators.settings
    draws = default_draws(indicators.base_count, settings)
    draws_text = (
        "模拟器默认全部使用；也可以只用前 200、500 或 1000 个以加快计算，"
        if draws == settings.uncertainty_draws
        else f"基地较多，模拟器默认只用前 {draws} 个以便即时计算（可改用全部），"
    )
    weights = ds.weights.set_index("component")["weight"]
    same = weights.nunique() == 1
    weight_text = (
        f"九个要素权重均为 {weights.iloc[0]:g}"
        if same
        else "要素权重见" + doc_link("方法说明", PAGE_DOCS["methodology"])
    )
    return Markdown(
        "本页在浏览器中按本书的方法重新计算指标。可以改变要素与层面的权重、计分规则及其饱和点、没有证据的要素的处理和"
        "汇总方式，也可以对某个基地不计入某些证据，或添加报告中没有的假设条目（要素、强度、说明），随即看到要素得分、"
        "综合指数、排名、排名区间与梯队如何变化，每项变化各贡献多少，以及随之得出的建议。每个基地的页面上也有只针对该基地的"
        "简版模拟器。全部计算在本机完成，不联网，也不上传任何内容。\n\n"
        "本书的设置（各控件中标“本书”）：计分规则取最强证据；没有证据的要素按零计；算术平均；"
        f"{weight_text}，三个层面权重均为 1；"
        f"饱和点 {settings.saturation:g}（只用于“强度之和”规则与不确定性分析）。\n\n"
        "与本书的关系：在本书设置下，模拟器算出的要素得分、综合指数、排名与建议与"
        + doc_link("指标结果", PAGE_DOCS["indicators"])
        + "完全相同。排名区间与梯队来自与本书相同的随机情景序列"
        f"（本书共 {settings.uncertainty_draws} 个情景），{draws_text}"
        "这时排名区间与梯队是估算，结果旁注明所用的情景数。\n\n"
        "情景可以用链接分享（链接中包含全部设置与改动，打开即重现），也可以下载：情景文件（JSON，含结果，本书的计算程序可以"
        "复算出相同的数字），以及结果表（CSV 或 XLSX，写明设置、版次与数据指纹）。\n\n" + CAVEAT
    )


def simulator(ds, indicators: Indicators, page) -> WebOnly:
    """The full simulator: writes the data file the browser computes from, and the mount point."""
    (page.folder / DATA_FILE).write_text(data_script(ds, indicators), encoding="utf-8")
    html = '<div class="dt-sim" data-dt-sim="full">\n' + LOADING + "</div>\n" + _scripts(page.page)
    note = (
        "指标模拟器是网页版的交互功能：在浏览器中打开本书网页版的“指标模拟器”一页即可使用。"
        "下文说明它的计算方法与本书结果的关系。"
    )
    return WebOnly(html, note)


def method_notes(indicators: Indicators) -> Markdown:
    settings = indicators.settings
    return Markdown(
        "**各项变化的贡献。** 情景中的变化按固定顺序逐项加入：计分规则、饱和点、没有证据的要素的处理、汇总方式、"
        "各层面权重、"
        "各要素权重（按“3+3+3”体系的顺序）、不计入的证据（按证据表的顺序）、假设条目（按添加的顺序）。每项的贡献是加入该项后"
        "综合指数的变化（前面各项已经生效），因此各项贡献之和等于情景与公布结果之差。顺序不同，单项贡献可能不同，合计不变。\n\n"
        "**权重。** 一个要素的实际权重是它的要素权重乘以所在层面的权重；“先层面后总体”的汇总方式中三个层面等权，"
        "层面权重不起作用。"
        "权重为 0 的要素不计入综合指数。\n\n"
        "**排名区间与梯队。** 与本书相同，每个情景同时改变编码（每条证据以 "
        f"{settings.noise_shift:.0%} 的概率上下偏移一级、以 {settings.noise_drop:.0%} 的概率被略去）、"
        "计分规则（饱和点取所设值的一半、本身和一倍半）、缺失要素的处理、汇总方式与权重（各乘以 0 到 2 之间的随机数）；"
        "所设的权重、饱和点与证据是这些情景的"
        "出发点。梯队按中位排名依次排列，只有当前梯队的首位基地在至少 "
        f"{settings.tier_threshold:.0%} 的情景中排在某基地之前时，该基地才开启新的梯队。\n\n"
        "**假设条目与建议。** 假设条目按所选强度计入，与报告中的证据同样计分；"
        "建议的规则与本书相同（先列没有证据的要素，再列只有"
        "方向性表述的要素，同等情况下权重大者在前）。依据一栏引用假设条目时标“（假设）”。"
    )


def compact(page, base_id: str) -> WebOnly:
    """The compact simulator of one base page: its own evidence, the rules and weights, its results; the full
    simulator opens with the same scenario. Its data file is the one the simulator page writes."""
    config = _script_json({"base": base_id, "full": f"{_prefix(page.page)}book/{PAGE}.html"})
    html = (
        '<div class="dt-sim" data-dt-sim="compact">\n'
        f'<script type="application/json" class="dt-sim-config">{config}</script>\n'
        + LOADING
        + "</div>\n"
        + _scripts(page.page)
    )
    return WebOnly(html, "")
