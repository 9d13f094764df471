"""The indicator simulator's weight and speed: what its own code weighs, and how long a recomputation takes in
Chromium with the 12 real bases and with 100 synthetic ones (benchmarks/synthetic.py).

Prints figures beside the issue's targets (the simulator's own code at most 60 KB gzipped; a recomputation with
100 bases within 100 ms); it is not a test and asserts nothing. A recomputation is timed three ways:

- point: scores, composites, ranks, each change's contribution and the recommendations (no uncertainty draws);
- with the draws: point plus rank bands and tiers from the first N of the book's draws (N = 200 and the book's own);
- in the page: another rule for missing elements chosen in the full simulator, until its answer is on screen (the
  point results, shown at once) and until the bands and tiers are in (with the draws the page uses by default for
  that many bases). After a typed number the page waits 30 ms more, so that typing "2.5" recomputes them once.

    python benchmarks/simulator.py [--repeat N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from page_weight import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the benchmarks' one Chromium setup)

SCRIPT = ROOT / "book" / "_static" / "dt-simulator.js"
CSS = ROOT / "book" / "_static" / "dt.css"
TARGET_CODE_GZIP = 60_000  # bytes
TARGET_MS_100 = 100.0
PAGE = """<!doctype html><meta charset="utf-8"><title>simulator benchmark</title>
<div class="dt-sim" data-dt-sim="full"></div><p class="dt-edition">数据指纹 000000000000</p>
<script src="data.js"></script><script src="dt-simulator.js"></script>
"""

TIMING = """async ([repeat, drawsList]) => {
    const model = new dtSimulator.Model(window.dtSimulatorData);
    const state = model.read({format: 'dtbook-indicator-scenario', version: 1,
        settings: {weights: {bm_rules: 2}, missing: 'mean'},
        evidence: {off: [model.evidence[0].id], added: [{base_id: model.bases[1].id, element_id: 'is_platform',
                   strength: 3, note: 'x'}]}});
    const median = xs => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const time = (draws) => {
        const runs = [];
        for (let i = 0; i < repeat + 1; i++) {
            const s = Object.assign({}, state, {draws: draws || 1});
            const t = performance.now();
            model.results(s, draws ? {} : {draws: false});
            runs.push(performance.now() - t);
        }
        return median(runs.slice(1));  // the first run warms the JIT
    };
    const out = {bases: model.nB, items: model.evidence.length, point: time(0)};
    for (const d of drawsList) out['draws_' + d] = time(d);
    // in the page: choose another rule for missing elements, wait for the answer on screen and for the bands
    const app = dtSimulator.apps[0], root = app.root, select = root.querySelector("[id$='-missing']");
    out.page_draws = app.state.draws;
    const shown = [], ready = [];
    for (let i = 0; i < repeat + 1; i++) {
        const t = performance.now();
        select.value = ['mean', 'min', 'skip', 'zero'][i % 4];
        select.dispatchEvent(new Event('change', {bubbles: true}));
        shown.push(performance.now() - t);
        await new Promise(done => {
            const check = () => root.getAttribute('data-state') === 'ready' ? done() : setTimeout(check, 1);
            check();
        });
        ready.push(performance.now() - t);
    }
    out.page_shown = median(shown.slice(1));
    out.page_ready = median(ready.slice(1));
    return out;
}"""


def _gzip(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def css_section() -> bytes:
    text = CSS.read_text(encoding="utf-8")
    start = text.find("/* ==== 指标模拟器")
    end = text.find("/* ==== end of 指标模拟器 ==== */")
    return text[start:end].encode("utf-8") if start >= 0 and end > start else b""


def data_script(data: Path) -> str:
    from dtbook import load_dataset
    from dtbook.indicators import compute_indicators
    from dtbook.pages.simulator import data_script as write

    ds = load_dataset(data)
    return write(ds, compute_indicators(ds))


def measure(repeat: int = 7) -> dict:
    """Sizes in bytes (raw, gzip level 6) and timings in milliseconds (medians)."""
    from playwright.sync_api import sync_playwright
    from synthetic import make_dataset

    code = SCRIPT.read_bytes()
    css = css_section()
    figures = {"code": {"raw": len(code), "gzip": _gzip(code)}, "css": {"raw": len(css), "gzip": _gzip(css)}}
    scratch = Path(tempfile.mkdtemp(prefix="dtbook-sim-bench-"))
    try:
        datasets = {"12": ROOT / "data", "100": make_dataset(ROOT / "data", scratch / "data-100", 100)}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for label, data in datasets.items():
                folder = scratch / f"page-{label}"
                folder.mkdir()
                script = data_script(data)
                (folder / "data.js").write_text(script, encoding="utf-8")
                shutil.copyfile(SCRIPT, folder / "dt-simulator.js")
                (folder / "index.html").write_text(PAGE, encoding="utf-8")
                page = browser.new_page()
                page.goto((folder / "index.html").as_uri())
                page.wait_for_selector(".dt-sim[data-state=ready]", timeout=60_000)
                book_draws = page.evaluate("dtSimulatorData.settings.uncertainty_draws")
                timings = page.evaluate(TIMING, [repeat, sorted({200, book_draws})])
                timings["data_gzip"] = _gzip(script.encode("utf-8"))
                timings["book_draws"] = book_draws
                figures[label] = timings
                page.close()
            browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return figures


def print_figures(figures: dict) -> None:
    code, css = figures["code"], figures["css"]
    verdict = "PASS" if code["gzip"] + css["gzip"] <= TARGET_CODE_GZIP else "MISS"
    print(
        f"  own code: dt-simulator.js {code['raw'] / 1000:.1f} KB ({code['gzip'] / 1000:.1f} KB gzip) + its CSS "
        f"{css['raw'] / 1000:.1f} KB ({css['gzip'] / 1000:.1f} KB gzip) = {(code['gzip'] + css['gzip']) / 1000:.1f} KB "
        f"gzip (target <= {TARGET_CODE_GZIP / 1000:.0f} KB): {verdict}"
    )
    for label in ("12", "100"):
        f = figures[label]
        draws = f["book_draws"]
        print(
            f"  {f['bases']} bases ({f['items']} evidence items; data file {f['data_gzip'] / 1000:.1f} KB gzip): "
            f"point {f['point']:.1f} ms; with 200 draws {f['draws_200']:.1f} ms; with the book's {draws} draws "
            f"{f[f'draws_{draws}']:.1f} ms"
        )
        print(
            f"    in the page (default {f['page_draws']} draws): answer on screen {f['page_shown']:.1f} ms, "
            f"bands and tiers in {f['page_ready']:.1f} ms"
        )
    f = figures["100"]
    answer = max(f["page_shown"], f["point"])
    print(
        f"  100 bases: the page answers in {answer:.1f} ms and has bands and tiers ({f['page_draws']} draws) in "
        f"{f['page_ready']:.1f} ms (target <= {TARGET_MS_100:g} ms): "
        f"{'PASS' if f['page_ready'] <= TARGET_MS_100 else 'MISS'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per figure (median; one more warms up)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    figures = measure(args.repeat)
    print("indicator simulator:")
    print_figures(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
