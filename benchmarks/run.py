"""Build benchmarks: seconds, CPU seconds and peak memory of clean, unchanged, one-change and scaled builds.

Prints figures beside the issue's targets; it is not a test and asserts nothing:

- clean HTML build of the real bases: total (wall clock) at most 5 times its own render-only stage (Jupyter
  Book `html`, from build-report.json), both measured in the same run;
- no-change rebuild;
- one key figure changed: at most 20% of the clean HTML build; with how many pages Sphinx read and wrote (from
  OUT/logs/html.log) and how many of Sphinx's HTML files changed (the footer stamp is put in at publishing, so
  a page whose content did not change should not be rewritten);
- clean build with PDF (not with --quick);
- 30 and 100 synthetic bases (100 not with --quick): at most 150 s for 100, growing linearly (seconds per
  added base, 12->30 beside 30->100).

Each build runs as `python -m dtbook.build` inside its own fresh `python -c` wrapper process, which times it and
reads getrusage(RUSAGE_CHILDREN): CPU seconds (user + system) of the build's whole process tree (build process,
notebook kernels, jupyter-book, LaTeX: every process of it was waited for), and ru_maxrss, the largest resident
set of any one of them (not the sum of processes alive at the same time). A fresh wrapper has no earlier
children, so the figures cover that build only.

Wall-clock figures are only meaningful on an otherwise idle machine: each row shows the 1-minute load average
before and after its build, and CPU seconds, which another process's load changes much less. The run warns if
the project's code, notebooks or configuration changed while it ran.

    python benchmarks/run.py [--quick] [--out DIR] [--json FILE] [--no-page-weight]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from synthetic import make_dataset  # noqa: E402

WRAPPER = """
import json, resource, subprocess, sys, time
with open(sys.argv[1], "w") as log:
    start = time.perf_counter()
    rc = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}))
"""
# what the build reads besides the data folder (the data schema is dtbook/schema.yaml): a change here
# invalidates the figures
PROJECT_INPUTS = ("dtbook", "notebooks", "book", "_config.yml", "_toc.yml", "CITATION.cff")
TARGET_RATIO = 5.0  # clean HTML build / its html render stage
TARGET_ONE_FIGURE = 0.20  # one key figure changed / clean HTML build
TARGET_100 = 150.0  # seconds for 100 bases, clean HTML build
SPHINX_STEP = re.compile(r"^(reading sources|writing output)\.\.\. \[\s*\d+%\] (\S+)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def project_digest() -> str:
    paths = [ROOT / name for name in PROJECT_INPUTS]
    files = sorted(
        p
        for path in paths
        for p in ([path] if path.is_file() else path.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    )
    return hashlib.sha256(b"".join(p.relative_to(ROOT).as_posix().encode() + p.read_bytes() for p in files)).hexdigest()


def sphinx_pages(out: Path) -> dict[str, list[str]]:
    """Pages Sphinx read and wrote in the build's html render, from its log (empty if it did not render)."""
    log = out / "logs" / "html.log"
    steps: dict[str, list[str]] = {"reading sources": [], "writing output": []}
    if log.exists():
        for line in ANSI.sub("", log.read_text(encoding="utf-8", errors="replace")).splitlines():
            match = SPHINX_STEP.match(line.strip())
            if match:
                steps[match[1]].append(match[2])
    return {"read": steps["reading sources"], "written": steps["writing output"]}


def html_digests(out: Path) -> dict[str, str]:
    """Sphinx's own HTML output (before publishing puts the footer stamp in), page -> digest."""
    html = out / "stage" / "_build" / "html"
    return (
        {
            p.relative_to(html).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(html.rglob("*.html"))
        }
        if html.exists()
        else {}
    )


def measure(label: str, data: Path, out: Path, pdf: bool = False) -> dict:
    """One build in a fresh wrapper process, so its RUSAGE_CHILDREN covers this build only."""
    build = [sys.executable, "-m", "dtbook.build", "--data", str(data), "--out", str(out)]
    build += [] if pdf else ["--no-pdf"]
    log = out.parent / f"{label.replace(' ', '-').replace('+', 'and')}.log"
    report_file = out / "build-report.json"
    load = os.getloadavg()[0]
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(log), *build], cwd=ROOT, capture_output=True, text=True, check=True
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    report = (
        json.loads(report_file.read_text(encoding="utf-8"))
        if report_file.exists()
        else {"status": "failed", "executed": [], "seconds": {}}
    )
    sphinx = sphinx_pages(out) if "html" in report.get("rendered", []) else {"read": [], "written": []}
    print(
        f"  {label}: {report['status']} in {figures['seconds']:.1f} s ({figures['cpu']:.1f} CPU s), "
        f"{len(report['executed'])} notebooks executed, load {load:.2f} -> {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    if figures["rc"] != 0:  # keep going: the other figures are still worth printing
        print(f"  BUILD FAILED, log {log}:\n" + "\n".join(log.read_text().splitlines()[-15:]), flush=True)
    return {
        "seconds": figures["seconds"],
        "cpu": figures["cpu"],
        "mb": figures["maxrss_kb"] / 1024,
        "report": report,
        "ok": figures["rc"] == 0,
        "load": load,
        "load_after": os.getloadavg()[0],
        "sphinx": sphinx,
    }


def bump_first_figure(data: Path) -> str:
    """Add 1 to the first key figure's value (one base's page changes); returns that base_id."""
    path = data / "key_figures.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    value = rows[0]["value"]
    rows[0]["value"] = str(int(value) + 1) if value.lstrip("-").isdigit() else str(float(value) + 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows[0]["base_id"]


def copy_real(target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns("parts"))
    return target


def print_table(rows: list[dict]) -> None:
    columns = list(rows[0])
    widths = {c: max(len(str(c)), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(f"{c:<{widths[c]}}" for c in columns))
    for row in rows:
        print("  ".join(f"{str(row.get(c, '')):<{widths[c]}}" for c in columns))


def page_weight(site: Path):
    """The sibling helper's page-weight rows and table printer, if it exists; a message otherwise."""
    if not (HERE / "page_weight.py").exists():
        return "benchmarks/page_weight.py does not exist: page weight skipped"
    try:
        import page_weight as module

        return module.measure(site), getattr(module, "print_table", print_table)
    except Exception as err:  # another helper's code: report it, keep the build figures
        return f"page_weight.measure failed: {type(err).__name__}: {err}"


def simulator_figures() -> dict | None:
    """The simulator's code weight and recomputation times, printed (benchmarks/simulator.py)."""
    try:
        import simulator as module

        figures = module.measure()
        module.print_figures(figures)
        return figures
    except Exception as err:  # keep the build figures
        print(f"  simulator.measure failed: {type(err).__name__}: {err}")
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 100-base and PDF builds")
    parser.add_argument("--out", type=Path, help="scratch folder, kept (default: a temporary folder, removed)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--no-page-weight", action="store_true", help="skip the page weights (a headless browser)")
    args = parser.parse_args(argv)
    scratch = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="dtbook-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        figures = run(scratch, args.quick, not args.no_page_weight)
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        if not args.out:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _verdict(ok: bool | None, built: bool) -> str:
    return "FAILED" if not built else "" if ok is None else "PASS" if ok else "MISS"


def run(scratch: Path, quick: bool, weights_too: bool = True) -> dict:
    for name in ("out-12", "out-12-pdf", "out-30", "out-100"):
        shutil.rmtree(scratch / name, ignore_errors=True)
    real = copy_real(scratch / "data-12")
    n_real = sum(1 for _ in (real / "bases.csv").open(encoding="utf-8")) - 1
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}; {ROOT} at {commit or '?'}; scratch {scratch}; {os.cpu_count()} CPUs "
        f"(notebook workers: the build's default, one per CPU)",
        flush=True,
    )
    before = project_digest()

    results = {}
    results["clean"] = clean = measure("clean", real, scratch / "out-12")
    site = scratch / "out-12" / "site"  # a link to out-12/releases/<id>, replaced by the next build that publishes
    weights = page_weight(site.resolve()) if weights_too else "skipped (--no-page-weight)"
    results["unchanged"] = measure("unchanged", real, scratch / "out-12")
    sphinx_before = html_digests(scratch / "out-12")
    changed_base = bump_first_figure(real)
    results["one figure"] = measure("one figure", real, scratch / "out-12")
    sphinx_after = html_digests(scratch / "out-12")
    if not quick:
        results["clean + PDF"] = measure(
            "clean + PDF", copy_real(scratch / "data-12-pdf"), scratch / "out-12-pdf", pdf=True
        )
    for n in [30] if quick else [30, 100]:
        data = make_dataset(ROOT / "data", scratch / f"data-{n}", n)
        results[f"{n} bases"] = measure(f"{n} bases", data, scratch / f"out-{n}")
    changed_meanwhile = project_digest() != before

    t_clean, stages = clean["seconds"], clean["report"]["seconds"]
    html = stages.get("html")
    ratio = t_clean / html if html else None
    t_one = results["one figure"]["seconds"]
    t30 = results["30 bases"]["seconds"]
    per_base_30 = (t30 - t_clean) / (30 - n_real)
    t100 = results.get("100 bases", {}).get("seconds")
    per_base_100 = (t100 - t30) / 70 if t100 is not None else None
    growth = per_base_100 / per_base_30 if per_base_100 is not None and per_base_30 > 0 else None
    # "linear" fails only if the marginal cost of a base grows (superlinear)
    shape = (
        None
        if growth is None
        else "sublinear"
        if growth < 0.75
        else "roughly linear"
        if growth <= 1.33
        else "superlinear"
    )
    targets = {
        "clean": (f"total <= {TARGET_RATIO:g} x html", None if ratio is None else ratio <= TARGET_RATIO),
        "unchanged": ("", None),
        "one figure": (f"<= {TARGET_ONE_FIGURE:.0%} of clean", t_one <= TARGET_ONE_FIGURE * t_clean),
        "clean + PDF": ("", None),
        "30 bases": ("", None),
        "100 bases": (
            f"<= {TARGET_100:g} s, linear",
            t100 is not None and t100 <= TARGET_100 and shape != "superlinear",
        ),
    }
    rows = []
    for label, r in results.items():
        target, ok = targets.get(label, ("", None))
        seconds = r["report"]["seconds"]
        rows.append(
            {
                "run": label if "bases" in label else f"{label} ({n_real} bases)",
                "wall s": f"{r['seconds']:.1f}",
                "CPU s": f"{r['cpu']:.1f}",
                "execute s": seconds.get("execute", ""),
                "html s": seconds.get("html", ""),
                "pdf s": seconds.get("pdflatex", ""),
                "% of clean": f"{100 * r['seconds'] / t_clean:.0f}%",
                "notebooks": len(r["report"]["executed"]),
                "sphinx read/wrote": f"{len(r['sphinx']['read'])}/{len(r['sphinx']['written'])}",
                "peak MB": f"{r['mb']:.0f}",
                "status": r["report"]["status"],
                "load before/after": f"{r['load']:.2f}/{r['load_after']:.2f}",
                "target": target,
                "verdict": _verdict(ok, r["ok"]),
            }
        )
    print()
    print_table(rows)

    print(
        f"\nclean HTML build ({n_real} bases): total {t_clean:.1f} s wall (build-report total "
        f"{stages.get('total', '?')} s; {clean['cpu']:.1f} CPU s), execute {stages.get('execute', '?')} s, "
        f"html render {html or '?'} s"
    )
    if ratio is not None:
        print(
            f"  total / html = {ratio:.2f} x (target <= {TARGET_RATIO:g} x): "
            f"{_verdict(ratio <= TARGET_RATIO, clean['ok'])}"
        )
    unchanged = results["unchanged"]
    print(
        f"no-change rebuild: {unchanged['seconds']:.1f} s, status {unchanged['report']['status']}, "
        f"{len(unchanged['report']['executed'])} notebooks executed"
    )
    one = results["one figure"]
    changed_html = sorted(p for p in sphinx_after if sphinx_before.get(p) != sphinx_after[p])
    print(
        f"one key figure changed (first key_figures row, base {changed_base}): {t_one:.1f} s = "
        f"{100 * t_one / t_clean:.0f}% of clean (target <= {TARGET_ONE_FIGURE:.0%}): "
        f"{_verdict(t_one <= TARGET_ONE_FIGURE * t_clean, one['ok'])}"
    )
    print(f"  executed: {', '.join(one['report']['executed']) or 'nothing'}")
    print(
        f"  Sphinx read {len(one['sphinx']['read'])} and wrote {len(one['sphinx']['written'])} of "
        f"{len(sphinx_after)} pages: wrote {', '.join(one['sphinx']['written']) or 'none'}"
    )
    print(f"  Sphinx HTML files whose bytes changed: {len(changed_html)}: {', '.join(changed_html) or 'none'}")
    if "clean + PDF" in results:
        pdf = results["clean + PDF"]
        print(
            f"clean build with PDF: {pdf['seconds']:.1f} s (pdflatex {pdf['report']['seconds'].get('pdflatex', '?')} s)"
        )
    print(
        f"synthetic bases: 30 bases {t30:.1f} s"
        + (f", 100 bases {t100:.1f} s (target <= {TARGET_100:g} s)" if t100 else "")
    )
    print(f"  seconds per added base {n_real}->30: {per_base_30:.2f}")
    if growth is not None:
        print(
            f"  seconds per added base 30->100: {per_base_100:.2f}; overall {n_real}->100: "
            f"{(t100 - t_clean) / (100 - n_real):.2f}"
        )
        print(
            f"  ratio of marginal costs (30->100 / {n_real}->30): {growth:.2f} -> {shape} "
            "(roughly linear if within 0.75..1.33)"
        )
    else:
        print("  100-base run skipped (--quick)")

    print("\npage weight of the clean build's site:")
    if isinstance(weights, str):
        print("  " + weights)
    else:
        weight_rows, printer = weights
        printer(weight_rows) if weight_rows else print("  (no rows)")
    print("\nindicator simulator (benchmarks/simulator.py):")
    simulator = simulator_figures() if weights_too else None
    if not weights_too:
        print("  skipped (--no-page-weight: no headless browser)")
    if changed_meanwhile:
        print(f"\nWARNING: project files ({', '.join(PROJECT_INPUTS)}) changed during the run: figures are unreliable")
    return {
        "commit": commit,
        "n_real": n_real,
        "changed_meanwhile": changed_meanwhile,
        "builds": results,
        "one_figure_changed_html": changed_html,
        "ratio_total_html": ratio,
        "per_base_30": per_base_30,
        "per_base_100": per_base_100,
        "simulator": simulator,
    }


if __name__ == "__main__":
    sys.exit(main())
