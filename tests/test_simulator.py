"""The indicator simulator's Python side: scenarios read, applied and computed with the book's own method
(dtbook.scenarios), the command that reproduces an exported scenario, and the data the page writes for the browser.
The browser side is compared with this in tests/test_browser_simulator.py."""

import json
import random
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, PROJECT

from dtbook import load_dataset
from dtbook.indicators import compute_indicators
from dtbook.pages import simulator as page
from dtbook.scenarios import (
    FORMAT,
    HYPOTHETICAL_QUOTE,
    ScenarioError,
    model_of,
    published,
    read_scenario,
    run_scenario,
    scenario_results,
    steps,
)

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


@pytest.fixture(scope="module")
def model(ds):
    return model_of(ds)


@pytest.fixture(scope="module")
def book(ds):
    return compute_indicators(ds)


def scenario(**parts) -> dict:
    return {"format": FORMAT, "version": 1, **parts}


def random_scenario(model, rng: random.Random, draws: int = 60) -> dict:
    """A scenario touching every kind of change, as tests/test_browser_simulator.py makes them."""
    evidence = model.evidence["evidence_id"].tolist()
    return scenario(
        settings={
            "scoring": rng.choice(["max", "sum"]),
            "saturation": rng.choice([1.5, 3, 4.5, 6, 9]),
            "missing": rng.choice(["zero", "skip", "mean", "min"]),
            "aggregation": rng.choice(["arithmetic", "group", "geometric"]),
            "weights": {e: rng.choice([0, 0.5, 1, 2, 3]) for e in rng.sample(model.design.element_ids, 3)},
            "group_weights": {g: rng.choice([0, 0.5, 2]) for g in rng.sample(model.group_ids, 1)},
            "draws": draws,
        },
        evidence={
            "off": rng.sample(evidence, 6),
            "added": [
                {
                    "base_id": rng.choice(model.design.base_ids),
                    "element_id": rng.choice(model.design.element_ids),
                    "strength": rng.randint(1, 3),
                    "note": rng.choice(["", "建成数据交易平台", "<b>x</b> & </script>"]),
                }
                for _ in range(rng.randint(0, 3))
            ],
        },
    )


def test_the_book_settings_give_the_published_indicators(model, book):
    results = scenario_results(model, published(model))
    ranking = pd.DataFrame(results["ranking"])
    expected = book.ranking[
        ["base_id", "composite", "rank", "rank_median", "rank_p05", "rank_p95", "tier", "status", "items"]
    ]
    pd.testing.assert_frame_equal(ranking[expected.columns], expected, check_dtype=False)
    assert ranking["evidence_share"].tolist() == book.ranking["evidence_share"].tolist()
    scores = pd.DataFrame(results["scores"])
    assert scores[["base_id", "element_id", "items", "level"]].equals(
        book.scores[["base_id", "element_id", "items", "level"]]
    )
    assert scores["score"].fillna(0).tolist() == book.scores["score"].tolist()  # the book shows no evidence as 0
    assert pd.DataFrame(results["recommendations"]).equals(book.recommendations)
    assert results["contributions"] == []


def test_a_file_without_settings_is_the_book(model):
    assert read_scenario(scenario(), model) == published(model)


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"format": "other", "version": 1}, "format"),
        (scenario(version=2), "version"),
        (scenario(settings={"weights": {"nope": 1}}), "unknown element"),
        (scenario(settings={"weights": {"bm_rules": -1}}), "out of range"),
        (scenario(settings={"weights": {"bm_rules": float("nan")}}), "finite"),
        (scenario(settings={"group_weights": {"nope": 1}}), "unknown group"),
        (scenario(settings={"saturation": 0}), "out of range"),
        (scenario(settings={"scoring": "median"}), "unknown option"),
        (scenario(settings={"missing": "drop"}), "unknown option"),
        (scenario(settings={"aggregation": "harmonic"}), "unknown option"),
        (scenario(settings={"draws": 0}), "integer"),
        (scenario(settings={"draws": 1.5}), "integer"),
        (scenario(evidence={"off": ["no-such-item"]}), "unknown evidence"),
        (scenario(evidence={"added": [{"base_id": "x", "element_id": "bm_rules", "strength": 1}]}), "unknown base"),
        (scenario(evidence={"added": [{"base_id": "dalian", "element_id": "x", "strength": 1}]}), "unknown element"),
        (scenario(evidence={"added": [{"base_id": "dalian", "element_id": "bm_rules", "strength": 4}]}), "1, 2 or 3"),
        (scenario(evidence={"added": [{"base_id": "dalian", "element_id": "bm_rules", "strength": True}]}), "1, 2"),
        (
            scenario(evidence={"added": [{"base_id": "dalian", "element_id": "bm_rules", "strength": 1, "note": 3}]}),
            "short text",
        ),
    ],
)
def test_a_scenario_that_does_not_fit_is_refused_with_its_place(model, payload, message):
    with pytest.raises(ScenarioError, match=message):
        read_scenario(payload, model)


def test_items_off_keep_data_order_and_added_items_follow(model):
    ids = model.evidence["evidence_id"].tolist()
    whatif = read_scenario(
        scenario(
            evidence={
                "off": [ids[9], ids[2]],
                "added": [{"base_id": "tianjin", "element_id": "is_platform", "strength": 3, "note": " 新 \t平台 "}],
            }
        ),
        model,
    )
    assert whatif.off == (ids[2], ids[9])
    assert whatif.added[0].note == "新 平台"


def test_contributions_add_up_to_the_change_in_a_fixed_order(model):
    payload = random_scenario(model, random.Random(3))
    whatif = read_scenario(payload, model)
    keys = [key for key, _ in steps(model, whatif)]
    kinds = [key.split(":")[0] for key in keys]
    order = ["scoring", "saturation", "missing", "aggregation", "group_weight", "weight", "off", "add"]
    assert kinds == sorted(kinds, key=order.index)
    assert steps(model, whatif)[-1][1] == replace(whatif, draws=published(model).draws)  # draws: not a change
    results = scenario_results(model, whatif)
    before = {r["base_id"]: r for r in scenario_results(model, published(model))["ranking"]}
    contributions = pd.DataFrame(results["contributions"])
    assert contributions["change"].drop_duplicates().tolist() == keys
    for row in results["ranking"]:
        own = contributions[contributions["base_id"] == row["base_id"]]
        assert own["delta"].sum() == pytest.approx(row["composite"] - before[row["base_id"]]["composite"], abs=1e-9)
        assert own["composite_after"].iloc[-1] == row["composite"]


def test_a_hypothetical_item_never_lowers_a_composite_and_is_quoted_as_hypothetical(model):
    """The method is monotone: an added item can only raise its base's composite (missing counted as zero)."""
    base = published(model)
    before = {r["base_id"]: r["composite"] for r in scenario_results(model, base)["ranking"]}
    for element in model.design.element_ids:
        for strength in (1, 2, 3):
            payload = scenario(
                settings={"draws": 1},
                evidence={
                    "added": [{"base_id": "dalian", "element_id": element, "strength": strength, "note": "设想"}]
                },
            )
            after = scenario_results(model, read_scenario(payload, model))
            dalian = next(r for r in after["ranking"] if r["base_id"] == "dalian")
            assert dalian["composite"] >= before["dalian"]
    # an element with no evidence, given a stated direction: the recommendation quotes the note, marked
    scores = scenario_results(model, base)["scores"]
    empty = next(s["element_id"] for s in scores if s["base_id"] == "dalian" and s["level"] == 0)
    payload = scenario(evidence={"added": [{"base_id": "dalian", "element_id": empty, "strength": 1, "note": "设想"}]})
    recs = scenario_results(model, read_scenario(payload, model))["recommendations"]
    quoted = [r for r in recs if r["base_id"] == "dalian" and r["element_id"] == empty]
    assert quoted and quoted[0]["kind"] == "direction" and f"“{HYPOTHETICAL_QUOTE}设想”" in quoted[0]["trigger"]


def test_fewer_draws_are_the_first_draws_of_the_book(model):
    """The simulator's quicker settings use the first N of the book's draws, never another random sequence."""
    from dtbook.indicators import simulate

    items = model.evidence[["evidence_id", "base_id", "element_id", "strength"]]
    all_draws = simulate(items, model.design, model.settings)
    some = simulate(items, model.design, replace(model.settings, uncertainty_draws=150))
    assert (all_draws[:150] == some).all()
    results = scenario_results(model, read_scenario(scenario(settings={"draws": 150}), model))
    assert [r["rank_median"] for r in results["ranking"]] == np.median(some, axis=0).tolist()


def run_command(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dtbook.indicators", "--data", str(DATA), *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )


def test_the_command_reproduces_an_exported_scenario(ds, model, tmp_path):
    payload = random_scenario(model, random.Random(11))
    payload["fingerprint"] = ds.fingerprint
    payload["results"] = {"ranking": "what the browser showed: ignored on reading"}
    file = tmp_path / "scenario.json"
    file.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    printed = run_command("--scenario", str(file), "--format", "json")
    assert printed.returncode == 0, printed.stderr
    out = json.loads(printed.stdout)
    assert out["results"] == run_scenario(ds, payload)["results"]
    assert out["fingerprint"] == ds.fingerprint and "warning" not in out
    assert read_scenario(out["scenario"], model) == read_scenario(payload, model)
    as_csv = run_command("--scenario", str(file))
    assert as_csv.returncode == 0
    for table in ("scenario", "ranking", "scores", "contributions", "recommendations"):
        assert f"# {table}\n" in as_csv.stdout
    assert f"fingerprint,{ds.fingerprint}" in as_csv.stdout


def test_the_command_names_a_bad_scenario_and_other_data(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(scenario(settings={"missing": "drop"})), encoding="utf-8")
    printed = run_command("--scenario", str(bad))
    assert printed.returncode == 2 and "settings.missing" in printed.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert run_command("--scenario", str(broken)).returncode == 2
    other = tmp_path / "other.json"
    other.write_text(json.dumps(scenario(fingerprint="000000000000")), encoding="utf-8")
    printed = run_command("--scenario", str(other), "--format", "json")
    assert printed.returncode == 0 and "000000000000" in printed.stderr


def test_the_page_data_holds_the_method_inputs_and_no_markup(ds, book):
    data = page.simulator_data(ds, book)
    assert [e[0] for e in data["evidence"]] == ds.evidence["evidence_id"].tolist()  # data order: the draws follow it
    assert [b[0] for b in data["bases"]] == ds.base_ids()
    state = np.random.default_rng(book.settings.uncertainty_seed).bit_generator.state["state"]
    assert int(data["rng"]["state"], 16) == state["state"] and int(data["rng"]["inc"], 16) == state["inc"]
    assert [row[0] for row in data["published"]] == book.ranking["base_id"].tolist()
    hostile = dict(data, note="</script><script>alert(1)</script> & \u2028")
    text = page._script_json(hostile)
    assert not any(ch in text for ch in "<>&\u2028")
    assert json.loads(text)["note"] == hostile["note"]


def test_the_markup_carries_no_data_text_and_finds_its_files(tmp_path):
    class FakePage:
        def __init__(self, name):
            self.page = name

    full = page.compact(FakePage("bases/dalian"), "dalian")
    assert '<script src="../../downloads/simulator/dt-simulator-data.js"></script>' in full.html
    assert '<script src="../../_static/dt-simulator.js"></script>' in full.html
    assert '{"base":"dalian","full":"../../book/simulator.html"}' in full.html
    assert full.markdown == "" and repr(full) == "指标模拟器（网页版）"


def test_the_browser_uses_the_book_draws_while_they_fit(book):
    settings = book.settings
    assert page.default_draws(12, settings) == settings.uncertainty_draws
    assert page.default_draws(100, settings) == 300
    assert page.default_draws(10_000, settings) == 100
