"""The indicator simulator in Chromium, on the shared site of tests/conftest.py (hostile text planted in its data):
driven through its controls over seeded random scenarios and compared with Python (dtbook.scenarios, the book's
own method) to the last digit; a shared link reproduces a scenario; the page works from file:// with the network
cut; downloads carry settings, edition and fingerprint; keyboard, phone width and axe."""

import io
import json
import random
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from browsing import DESKTOP, PHONE
from conftest import HOSTILE_EDITION, HOSTILE_SHORT
from test_browser import axe_problems

from dtbook.fmt import one_decimal
from dtbook.indicators import compute_indicators
from dtbook.scenarios import FORMAT, model_of, read_scenario, run_scenario

pytestmark = pytest.mark.browser

SIMULATOR = "book/simulator.html"
READY = ".dt-sim[data-state=ready]"
SEED = 20260415
SCENARIOS = 8
QUICK = 200  # draws per random scenario: the first 200 of the book's, as the page offers


@pytest.fixture
def reader(new_page):
    """A page of its own (a fresh context): no scenario left in its address from another test."""
    page = new_page(viewport=DESKTOP)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def book(site):
    ds = site["ds"]
    return {"ds": ds, "indicators": compute_indicators(ds), "model": model_of(ds)}


def open_page(page, address: str):
    page.goto(address)
    page.wait_for_selector(READY, timeout=30_000)


def settled(page):
    page.wait_for_selector(READY, timeout=30_000)


def control(name: str) -> str:
    return f".dt-sim [id$='-{name}']"


def app(page, expression: str):
    return page.evaluate(f"(() => {{ const app = dtSimulator.apps[0]; return {expression}; }})()")


def download(page, kind: str):
    with page.expect_download() as info:
        page.click(f".dt-sim button[data-download={kind}]")
    return info.value


def downloaded_json(page) -> dict:
    return json.loads(Path(download(page, "json").path()).read_text(encoding="utf-8"))


def random_scenarios(model, count: int) -> list[dict]:
    """Seeded scenarios touching every kind of change; the evidence changes on two bases."""
    rng = random.Random(SEED)
    out = []
    for _ in range(count):
        bases = rng.sample(model.design.base_ids, 2)
        own = model.evidence[model.evidence["base_id"].isin(bases)]["evidence_id"].tolist()
        added = [
            {
                "base_id": rng.choice(bases),
                "element_id": rng.choice(model.design.element_ids),
                "strength": rng.randint(1, 3),
                "note": rng.choice(["", "建成数据交易平台", "<b>x</b> & </script>"]),
            }
            for _ in range(rng.randint(0, 2))
        ]
        out.append(
            {
                "format": FORMAT,
                "version": 1,
                "settings": {
                    "scoring": rng.choice(["max", "sum"]),
                    "saturation": rng.choice([1.5, 3, 4.5, 6, 9]),
                    "missing": rng.choice(["zero", "skip", "mean", "min"]),
                    "aggregation": rng.choice(["arithmetic", "group", "geometric"]),
                    "weights": {e: rng.choice([0, 0.5, 2, 3]) for e in rng.sample(model.design.element_ids, 3)},
                    "group_weights": {g: rng.choice([0, 0.5, 2]) for g in rng.sample(model.group_ids, 1)},
                    "draws": QUICK,
                },
                "evidence": {
                    "off": rng.sample(own, min(4, len(own))),
                    # the order drive() adds them in: base by base
                    "added": sorted(added, key=lambda item: bases.index(item["base_id"])),
                },
                "view": bases[0],
                "bases": bases,
            }
        )
    return out


def drive(page, scenario: dict) -> None:
    """Set a scenario through the page's controls, as a reader would."""
    page.get_by_role("button", name="全部恢复为公布结果").click()
    settled(page)
    settings = scenario["settings"]
    for name in ("scoring", "missing", "aggregation"):
        page.select_option(control(name), settings[name])
    page.fill(control("saturation"), str(settings["saturation"]))
    page.select_option(control("draws"), str(settings["draws"]))
    for element, weight in settings["weights"].items():
        page.fill(control(f"w-{element}"), str(weight))
    for group, weight in settings["group_weights"].items():
        page.fill(control(f"g-{group}"), str(weight))
    evidence = scenario["evidence"]
    for base in scenario["bases"] + [scenario["view"]]:
        page.select_option(control("base"), base)
        for evidence_id in evidence["off"]:
            box = page.locator(f".dt-sim input[data-evidence='{evidence_id}']")
            if box.count() and box.is_checked():
                box.uncheck()
        for item in (i for i in evidence["added"] if i["base_id"] == base and not i.get("_done")):
            page.select_option(control("add-element"), item["element_id"])
            page.select_option(control("add-strength"), str(item["strength"]))
            page.fill(control("add-note"), item["note"])
            page.get_by_role("button", name="添加", exact=True).click()
            item["_done"] = True
    settled(page)
    for item in evidence["added"]:
        item.pop("_done", None)


def shown_table(page, caption: str) -> list[list[str]]:
    return page.evaluate(
        """caption => {
        const table = [...document.querySelectorAll('.dt-sim table')].find(t => t.caption.textContent === caption);
        return [...table.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent));
    }""",
        caption,
    )


def test_the_book_settings_give_the_book_numbers_to_the_last_digit(site, url, reader, book):
    page = reader
    open_page(page, url(SIMULATOR))
    assert app(page, "app.state.draws") == book["indicators"].settings.uncertainty_draws
    results = app(page, "app.results")
    ranking = book["indicators"].ranking
    columns = ["base_id", "composite", "rank", "rank_median", "rank_p05", "rank_p95", "tier", "status", "items"]
    assert [{c: r[c] for c in columns} for r in results["ranking"]] == ranking[columns].to_dict(orient="records")
    assert [r["evidence_share"] for r in results["ranking"]] == ranking["evidence_share"].tolist()
    scores = book["indicators"].scores
    assert [
        (s["base_id"], s["element_id"], s["items"], s["level"], s["score"] or 0.0) for s in results["scores"]
    ] == list(zip(scores["base_id"], scores["element_id"], scores["items"], scores["level"], scores["score"]))
    assert results["recommendations"] == book["indicators"].recommendations.to_dict(orient="records")
    # the WebAssembly generator and the JavaScript one give the same draws
    assert app(page, "app.model.generatorKind") == "wasm"
    fallback = app(page, "(dtSimulator.wasm = false, app.model.results(app.state))")
    assert app(page, "(dtSimulator.wasm = true, app.model.generatorKind)") == "js"
    assert fallback == results
    names = dict(zip(book["ds"].bases["base_id"], book["ds"].bases["short_name"]))
    shown = {row[0]: row for row in shown_table(page, "全部基地：公布结果与情景")}
    for row in ranking.itertuples():
        printed = shown[names[row.base_id]]
        assert printed[1] == printed[2] == one_decimal(row.composite), row.base_id
        assert printed[3] == printed[4] == str(row.rank), row.base_id


def test_random_scenarios_driven_through_the_page_equal_python(site, url, reader, book):
    page = reader
    open_page(page, url(SIMULATOR))
    for number, scenario in enumerate(random_scenarios(book["model"], SCENARIOS), start=1):
        drive(page, scenario)
        exported = downloaded_json(page)
        assert read_scenario(exported, book["model"]) == read_scenario(scenario, book["model"]), number
        python = run_scenario(book["ds"], exported)["results"]
        assert exported["results"] == python, number
        names = dict(zip(book["ds"].bases["base_id"], book["ds"].bases["short_name"]))
        shown = {row[0]: row for row in shown_table(page, "全部基地：公布结果与情景")}
        for row in python["ranking"]:
            printed = shown[names[row["base_id"]]]
            assert printed[2] == one_decimal(row["composite"]) and printed[4] == str(row["rank"]), (number, row)


def test_a_shared_link_reproduces_a_scenario(site, url, reader, new_page, book):
    page = reader
    scenario = random_scenarios(book["model"], SCENARIOS + 1)[-1]
    open_page(page, url(SIMULATOR))
    drive(page, scenario)
    link = page.input_value(control("link"))
    assert urlsplit(link).fragment.startswith("sim=")
    assert page.evaluate("location.href") == link  # the address bar holds the scenario too
    expected = app(page, "app.results")
    other = new_page(viewport=DESKTOP)
    open_page(other, link)
    assert app(other, "app.results") == expected
    assert app(other, "app.model.payload(app.state)") == app(page, "app.model.payload(app.state)")
    assert other.input_value(control("base")) == scenario["view"]
    for element, weight in scenario["settings"]["weights"].items():
        assert float(other.input_value(control(f"w-{element}"))) == weight
    for evidence_id in scenario["evidence"]["off"]:
        box = other.locator(f".dt-sim input[data-evidence='{evidence_id}']")
        assert box.count() == 0 or not box.is_checked()
    other.context.close()
    # a link that cannot be read says so and falls back to the book's settings
    broken = new_page(viewport=DESKTOP)
    open_page(broken, url(SIMULATOR) + "#sim=bm90IGpzb24")
    assert "无法读取" in broken.inner_text(".dt-sim-status")
    assert app(broken, "app.results.contributions.length") == 0
    broken.context.close()


def test_the_compact_simulator_on_a_base_page_hands_its_scenario_to_the_full_one(site, url, reader, book):
    base = site["ds"].base_ids()[1]  # not the first: the full simulator must open at this base
    address = url(f"book/bases/{base}.html")
    open_page(reader, address)
    assert reader.evaluate("location.hash") == ""  # the book's settings leave the page's address alone
    reader.click(".dt-sim details:nth-of-type(2) > summary")
    first = book["model"].evidence.query("base_id == @base")["evidence_id"].iloc[0]
    reader.locator(f".dt-sim input[data-evidence='{first}']").uncheck()
    settled(reader)
    python = run_scenario(book["ds"], {"format": FORMAT, "version": 1, "evidence": {"off": [first]}})["results"]
    mine = next(r for r in python["ranking"] if r["base_id"] == base)
    summary = reader.inner_text(".dt-sim-summary")
    assert one_decimal(mine["composite"]) in summary and f"第 {mine['rank']} 名" in summary
    full = reader.get_attribute(".dt-sim-full-link", "href")
    assert full.endswith(reader.evaluate("location.hash"))
    reader.click(".dt-sim-full-link")
    settled(reader)
    assert urlsplit(reader.url).path.endswith(SIMULATOR)
    assert app(reader, "app.state.off") == [first]
    assert reader.input_value(control("base")) == base
    assert app(reader, "app.results.ranking") == python["ranking"]


def test_works_from_file_with_the_network_cut(site, new_page, left_the_machine):
    """Offline, every request for another host refused (conftest's new_page): from disk, like a reader who
    opened the folder."""
    reader = new_page(viewport=DESKTOP, offline=True)
    refused = []
    reader.context.unroute("**/*")  # conftest's route lets only 127.0.0.1 through: here only files may load
    reader.context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else (refused.append(route.request.url), route.abort())
        ),
    )
    requested, errors = [], []
    reader.on("request", lambda request: requested.append(request.url))
    reader.on("pageerror", lambda error: errors.append(str(error)))
    for path in (SIMULATOR, f"book/bases/{site['base']}.html"):
        open_page(reader, (site["dir"] / path).as_uri())
        assert reader.evaluate("dtSimulator.apps.length") == 1
        assert app(reader, "app.results.ranking.length") == len(site["ds"].base_ids())
        reader.evaluate("document.querySelectorAll('.dt-sim details').forEach(d => { d.open = true; })")
        reader.fill(control("w-bm_rules"), "3")
        settled(reader)
        assert reader.evaluate("location.hash").startswith("#sim=")
        link = reader.evaluate("location.href")
        reader.goto("about:blank")
        open_page(reader, link)
        assert app(reader, "app.state.weights.bm_rules") == 3
    reader.context.close()
    assert [u for u in requested if not u.startswith(("file:", "data:", "blob:", "about:"))] == []
    assert errors == [] and refused == [] and not left_the_machine


def test_downloads_carry_settings_edition_and_fingerprint(site, url, reader, book):
    page = reader
    open_page(page, url(SIMULATOR))
    page.fill(control("w-bm_rules"), "2")
    settled(page)
    fingerprint = book["ds"].fingerprint
    payload = downloaded_json(page)
    assert (payload["edition"], payload["fingerprint"]) == (HOSTILE_EDITION, fingerprint)
    assert payload["settings"]["weights"] == {"bm_rules": 2}
    text = Path(download(page, "csv").path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff# 说明\n")
    assert f"数据指纹,{fingerprint}\n" in text and f"版次,{HOSTILE_EDITION}\n" in text
    assert "要素权重：规则对接,2\n" in text
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download(page, "xlsx").path()).read_bytes()))
    assert workbook.sheetnames == ["说明", "排名", "要素得分", "变化贡献", "建议"]
    about = {row[0]: row[1] for row in workbook["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["版次"] == HOSTILE_EDITION and about["数据指纹"] == fingerprint and about["要素权重：规则对接"] == 2
    header, *rows = list(workbook["排名"].iter_rows(values_only=True))
    by_base = {row[header.index("base_id")]: row for row in rows}
    for row in payload["results"]["ranking"]:
        assert by_base[row["base_id"]][header.index("综合指数（情景）")] == row["composite"]


def test_keyboard_alone_changes_the_scenario(site, url, reader):
    page = reader
    open_page(page, url(SIMULATOR))
    page.get_by_role("button", name="全部恢复为公布结果").click()
    settled(page)
    box = page.locator(".dt-sim input[data-evidence]").first
    box.focus()
    page.keyboard.press("Space")
    settled(page)
    assert app(page, "app.state.off.length") == 1
    page.locator(control("w-td_path")).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2.5")
    settled(page)
    assert app(page, "app.state.weights.td_path") == 2.5
    page.locator(control("scoring")).focus()
    page.keyboard.press("ArrowDown")
    settled(page)
    assert app(page, "app.state.scoring") == "sum"
    assert "已重新计算" in page.inner_text(".dt-sim-status")


def test_planted_markup_stays_text(site, url, reader, dialogs):
    page = reader
    open_page(page, url(SIMULATOR))
    page.select_option(control("base"), site["base"])
    page.select_option(control("add-element"), "is_platform")
    page.fill(control("add-note"), "<img src=x onerror=alert(9)>")
    page.get_by_role("button", name="添加", exact=True).click()
    settled(page)
    planted = page.evaluate("""() => ({
        images: [...document.querySelectorAll('.dt-sim img')].length,
        bold: [...document.querySelectorAll('.dt-sim b')].length,
        options: [...document.querySelectorAll('.dt-sim option')].map(o => o.textContent)})""")
    assert planted["images"] == 0 and planted["bold"] == 0
    assert HOSTILE_SHORT in planted["options"]
    assert "<img src=x onerror=alert(9)>" in page.inner_text(".dt-sim")
    assert dialogs == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_problems(site, url, new_page, scheme):
    reader = new_page(viewport=DESKTOP, color_scheme=scheme)
    for path in (SIMULATOR, f"book/bases/{site['base']}.html"):
        open_page(reader, url(path))
        reader.evaluate("document.querySelectorAll('.dt-sim details').forEach(d => { d.open = true; })")
        reader.fill(control("w-bm_rules"), "2")  # results with contributions, changed controls
        settled(reader)
        assert axe_problems(reader) == [], (path, scheme)
    reader.context.close()


def test_phone_width_has_no_sideways_scrolling(site, url, new_page):
    phone = new_page(viewport=PHONE)
    for path in (SIMULATOR, f"book/bases/{site['base']}.html"):
        open_page(phone, url(path))
        phone.evaluate("document.querySelectorAll('.dt-sim details').forEach(d => { d.open = true; })")
        scroll, client = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client + 1, (path, scroll, client)
        wide = phone.evaluate("""() => [...document.querySelectorAll('.dt-sim *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                         && !e.closest('.dt-sim-scroll')).map(e => e.tagName + '.' + e.className)""")
        assert wide == [], (path, wide[:5])
    phone.context.close()
