"""Build benchmarks: seconds and peak memory of clean, unchanged, one-change and scaled builds.

Prints figures beside their targets; it is not a test and asserts nothing. Each build runs as
`python -m dtbook.build` inside its own fresh `python -c` wrapper process, which times it and
reports getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest resident set of any process in the
build's tree that was waited for (build process, notebook kernels, jupyter-book, LaTeX), taken
per build because a fresh wrapper has no earlier children. It is the peak of the largest single
process, not the sum of processes alive at the same time.

Wall-clock figures are only meaningful on an otherwise idle machine with a project that does not
change meanwhile, so each row shows the 1-minute load average before it, and the run warns if
the project's code, notebooks or configuration changed while it ran.

    python benchmarks/run.py [--quick] [--out DIR]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
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
print(json.dumps({"rc": rc, "seconds": seconds, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""
# what the build reads besides the data folder: a change here invalidates the figures
PROJECT_INPUTS = ("dtbook", "notebooks", "book", "_config.yml", "_toc.yml", "CITATION.cff", "data/schema.yaml")


def project_digest() -> str:
    files = sorted(p for name in PROJECT_INPUTS for p in ([ROOT / name] if (ROOT / name).is_file() else (ROOT / name).rglob("*"))
                   if p.is_file() and "__pycache__" not in p.parts)
    return hashlib.sha256(b"".join(p.relative_to(ROOT).as_posix().encode() + p.read_bytes() for p in files)).hexdigest()


def measure(label: str, data: Path, out: Path, pdf: bool = False) -> dict:
    """One build in a fresh wrapper process, so its RUSAGE_CHILDREN covers this build only."""
    build = [sys.executable, "-m", "dtbook.build", "--data", str(data), "--out", str(out)] + ([] if pdf else ["--no-pdf"])
    log = out.parent / f"{label.replace(' ', '-').replace('+', 'and')}.log"
    load = os.getloadavg()[0]
    result = subprocess.run([sys.executable, "-c", WRAPPER, str(log), *build], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    path = out / "build-report.json"
    report = (json.loads(path.read_text(encoding="utf-8")) if path.exists()
              else {"status": "failed", "executed": [], "seconds": {}})
    print(f"  {label}: {report['status']} in {figures['seconds']:.1f} s, {len(report['executed'])} notebooks executed",
          flush=True)
    if figures["rc"] != 0:  # keep going: the other figures are still worth printing
        print(f"  BUILD FAILED, log {log}:\n" + "\n".join(log.read_text().splitlines()[-15:]), flush=True)
    return {"seconds": figures["seconds"], "mb": figures["maxrss_kb"] / 1024, "report": report,
            "ok": figures["rc"] == 0, "load": load}


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
    """The sibling helper's page-weight rows and table printer, if it exists yet; a message otherwise."""
    if not (HERE / "page_weight.py").exists():
        return "benchmarks/page_weight.py does not exist yet: page weight skipped"
    try:
        import page_weight as module
        return module.measure(site), getattr(module, "print_table", print_table)
    except Exception as err:  # another helper's code: report it, keep the build figures
        return f"page_weight.measure failed: {type(err).__name__}: {err}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 100-base and PDF builds")
    parser.add_argument("--out", type=Path, help="scratch folder, kept (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    scratch = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="dtbook-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        run(scratch, args.quick)
    finally:
        if not args.out:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def run(scratch: Path, quick: bool) -> None:
    for name in ("out-12", "out-12-pdf", "out-30", "out-100"):
        shutil.rmtree(scratch / name, ignore_errors=True)
    real = copy_real(scratch / "data-12")
    n_real = sum(1 for _ in (real / "bases.csv").open(encoding="utf-8")) - 1
    print(f"scratch: {scratch}; {os.cpu_count()} CPUs; peak memory = max ru_maxrss over the build's process tree "
          f"(fresh python -c wrapper per build)", flush=True)
    before = project_digest()

    results = {}
    results["clean"] = clean = measure("clean", real, scratch / "out-12")
    weights = page_weight(scratch / "out-12" / "site")
    results["unchanged"] = measure("unchanged", real, scratch / "out-12")
    changed_base = bump_first_figure(real)
    results["one figure"] = measure("one figure", real, scratch / "out-12")
    if not quick:
        results["clean + PDF"] = measure("clean + PDF", copy_real(scratch / "data-12-pdf"), scratch / "out-12-pdf", pdf=True)
    for n in [30] if quick else [30, 100]:
        results[f"{n} bases"] = measure(f"{n} bases", make_dataset(ROOT / "data", scratch / f"data-{n}", n), scratch / f"out-{n}")
    changed_meanwhile = project_digest() != before

    t_clean, t30 = clean["seconds"], results["30 bases"]["seconds"]
    per_base_30 = (t30 - t_clean) / (30 - n_real)
    ratio = None
    if "100 bases" in results:
        t100 = results["100 bases"]["seconds"]
        per_base_100 = (t100 - t30) / 70
        ratio = per_base_100 / per_base_30 if per_base_30 > 0 else float("inf")
    # "growing linearly" fails only if the marginal cost of a base grows (superlinear)
    shape = None if ratio is None else "sublinear" if ratio < 0.75 else "roughly linear" if ratio <= 1.33 else "superlinear"
    targets = {
        "clean": ("reference", None),
        "unchanged": ("< 10% of clean", results["unchanged"]["seconds"] < 0.10 * t_clean),
        "one figure": ("< 25% of clean", results["one figure"]["seconds"] < 0.25 * t_clean),
        "clean + PDF": ("reference", None),
        "100 bases": ("< 300 s, linear", results.get("100 bases", {}).get("seconds", 1e9) < 300 and shape != "superlinear"),
    }
    rows = []
    for label, r in results.items():
        target, ok = targets.get(label, ("", None))
        rows.append({"run": label if "bases" in label else f"{label} ({n_real} bases)",
                     "seconds": f"{r['seconds']:.1f}", "% of clean": f"{100 * r['seconds'] / t_clean:.0f}%",
                     "peak MB": f"{r['mb']:.0f}", "executed": len(r["report"]["executed"]),
                     "status": r["report"]["status"],
                     "stages (build-report s)": " ".join(f"{k} {v:g}" for k, v in r["report"]["seconds"].items() if k != "total"),
                     "load before": f"{r['load']:.1f}", "target": target,
                     "verdict": "FAILED" if not r["ok"] else "" if ok is None else "PASS" if ok else "MISS"})
    print()
    print_table(rows)
    executed = results["one figure"]["report"]["executed"]
    print(f"\none figure changed (first key_figures row, base {changed_base}): executed {', '.join(executed) or 'nothing'}")

    print(f"\nscaling: per added base {n_real}->30: {per_base_30:.2f} s")
    if ratio is not None:
        print(f"         per added base 30->100: {per_base_100:.2f} s; overall ({n_real}->100): "
              f"{(t100 - t_clean) / (100 - n_real):.2f} s per base")
        print(f"         ratio of marginal costs (30->100 / {n_real}->30): {ratio:.2f} -> {shape} "
              f"(roughly linear if within 0.75..1.33)")
    else:
        print("         100-base run skipped (--quick)")

    print("\npage weight of the clean build's site:")
    if isinstance(weights, str):
        print("  " + weights)
    else:
        rows, printer = weights
        printer(rows) if rows else print("  (no rows)")
    if changed_meanwhile:
        print(f"\nWARNING: project files ({', '.join(PROJECT_INPUTS)}) changed during the run: figures are unreliable")


if __name__ == "__main__":
    sys.exit(main())
