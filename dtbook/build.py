"""Build the publication from one data folder.

Stages: validate the data; execute with papermill only the notebooks whose template, code,
parameters or input data changed (each page declares what it reads, and its key hashes
exactly that); assemble a stage folder; render HTML and PDF there with Jupyter Book
(execution off); publish by swapping a complete new site folder into place. Any failure
stops before publishing, so the previous site and PDF stay as they were.

    python -m dtbook.build [--data DIR] [--out DIR] [--previous DIR] [--no-pdf]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
import vl_convert
import yaml

from .citation import policies_bibtex
from .datapackage import write_data_package
from .indicators import Indicators, compute_indicators
from .load import DataValidationError, Dataset, load_dataset
from .search import write_search_dictionary
from .sphinx_ext import BUNDLE_URL, EXTRA_DIR

PROJECT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
NOTEBOOKS = PROJECT / "notebooks"
PDF_NAME = "book.pdf"
INDICATOR_INPUTS = ("bases", "evidence", "focus_industries", "taxonomy", "framework_elements", "framework_groups",
                    "framework_actions", "weights", "indicator_settings")
COMMON_INPUTS = ("edition", "report_sections")
ALL_TABLES = None  # a page that reads every table (and the previous edition, if any)
BASE_KEYED_TABLES = ("bases", "base_locations", "policies", "measures", "key_figures", "focus_industries", "evidence")
BASE_SHARED_TABLES = ("taxonomy", "framework_elements", "framework_groups", "framework_actions", "errata",
                      "weights", "indicator_settings")

# page docname -> tables it reads (ALL_TABLES: everything)
GLOBAL_PAGES: dict[str, tuple[str, ...] | None] = {
    "index": ("bases", "source_report"),
    "background": ("background_facts", "national_trade"),
    "overview": ("bases", "policies", "measures", "key_figures", "base_locations", "focus_industries"),
    "taxonomy": ("concepts", "taxonomy_notes", *INDICATOR_INPUTS),
    "framework": ("framework_elements", "framework_groups", "framework_actions"),
    "methodology": ("coding_rules", "weights", "indicator_settings", "framework_elements", "evidence"),
    "indicators": INDICATOR_INPUTS,
    "errata": ("errata",),
    "changelog": ALL_TABLES,
    "cite": ALL_TABLES,  # its ready-made citations carry the data fingerprint
    "references": ("policies",),
    "about": ("source_report",),
}


class BuildError(Exception):
    """A stage failed; the message says which and why. Nothing was published."""


@dataclass
class Job:
    page: str
    template: Path
    params: dict
    inputs: str
    title: str | None = None
    key: str = ""


@dataclass
class Report:
    status: str = "failed"
    edition: str = ""
    fingerprint: str = ""
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    message: str = ""


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def code_digest() -> str:
    """Everything in the package that can change what a notebook prints."""
    files = sorted(p for p in PACKAGE.iterdir() if p.suffix in {".py", ".js", ".yaml"})
    return _sha(*(p.read_bytes() for p in files), (PROJECT / "data" / "schema.yaml").read_bytes(),
                (PROJECT / "CITATION.cff").read_bytes())


def _table_bytes(ds: Dataset, names) -> list[str]:
    names = ds.schemas if names is None else [*COMMON_INPUTS, *names]
    return [name + (ds.data_dir / ds.schemas[name].file).read_text(encoding="utf-8") for name in names]


def _base_inputs(ds: Dataset, indicators: Indicators, base_id: str) -> str:
    """What one base page shows: its own rows, the shared reference tables, its indicators and the means."""
    parts = _table_bytes(ds, BASE_SHARED_TABLES)
    for name in BASE_KEYED_TABLES:
        frame = ds[name]
        parts.append(name + frame[frame["base_id"] == base_id].to_csv(index=False))
    for name in ("scores", "coverage", "ranking", "recommendations"):
        frame = getattr(indicators, name)
        parts.append(name + frame[frame["base_id"] == base_id].to_csv(index=False))
    parts.append(indicators.scores.groupby("element_id")["score"].mean().to_csv())
    parts.append(str(len(indicators.ranking)))
    return _sha(*parts)


def plan(ds: Dataset, indicators: Indicators, previous: Path | None) -> list[Job]:
    """Every page of the book with its notebook, parameters and a digest of what it reads."""
    previous_digest = (_sha(*(p.read_bytes() for p in sorted(previous.glob("*.csv")))) if previous else "")
    jobs = []
    for page, reads in GLOBAL_PAGES.items():
        if page == "changelog" and previous is None:
            reads = ()  # without a previous edition the page only says so
        inputs = _sha(*_table_bytes(ds, reads), previous_digest if reads is ALL_TABLES else "")
        params = {"previous_dir": str(previous or "")} if page == "changelog" else {}
        jobs.append(Job(page, NOTEBOOKS / f"{page}.ipynb", params, inputs))
    names = ds.bases.set_index("base_id")["name"]
    for base_id in ds.base_ids():
        jobs.append(Job(f"bases/{base_id}", NOTEBOOKS / "base.ipynb", {"base_id": base_id},
                        _base_inputs(ds, indicators, base_id), title=names[base_id]))
    code = code_digest()
    for job in jobs:
        job.key = _sha(job.template.read_bytes(), json.dumps(job.params, sort_keys=True), job.inputs, code, job.title or "")[:20]
    return jobs


def _finish_notebook(path: Path, title: str | None) -> None:
    """Hide parameter cells on the page and give a per-base page its title from data."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            tags.append("remove-cell")
    if title:
        nb.cells[0].source = f"# {title}"
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def _template_cell(template: Path, executed_index: int) -> tuple[int, str]:
    """The failing cell as numbered in the template (papermill inserts its parameter cell), and its first line."""
    cells = nbformat.read(template, as_version=4).cells
    parameters = next((i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), None)
    index = executed_index - 1 if parameters is not None and executed_index > parameters else executed_index
    return index, cells[index].source.splitlines()[0] if cells[index].source else ""


def execute(job: Job, data_dir: Path, cache: Path) -> tuple[Job, str | None]:
    """Run one notebook into its cache entry; returns an error description on failure."""
    target = cache / job.key
    if (target / "page.ipynb").exists():
        return job, None
    work = cache / f"{job.key}.tmp{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    params = {"data_dir": str(data_dir), "site_dir": str(work), **job.params}
    try:
        papermill.execute_notebook(str(job.template), str(work / "page.ipynb"), parameters=params,
                                   cwd=str(PROJECT), kernel_name="python3", progress_bar=False, log_output=False)
    except papermill.PapermillExecutionError as err:
        shutil.rmtree(work, ignore_errors=True)
        index, source = _template_cell(job.template, err.cell_index)
        return job, (f"笔记本 notebooks/{job.template.name}（页面 {job.page}）第 {index} 个单元格出错 / "
                     f"notebook failed at cell {index} ({source}): {err.ename}: {err.evalue}")
    except Exception as err:  # kernel died, bad parameters
        shutil.rmtree(work, ignore_errors=True)
        return job, f"笔记本 notebooks/{job.template.name}（页面 {job.page}）无法执行 / could not run: {err}"
    _finish_notebook(work / "page.ipynb", job.title)
    shutil.rmtree(target, ignore_errors=True)
    work.rename(target)
    return job, None


@contextmanager
def _kernel_output_to(log: Path):
    """Kernels inherit this process's stderr; send their chatter to a log instead of the terminal."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with log.open("ab") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _copy_if_changed(source: Path, target: Path) -> bool:
    """Copy keeping the old file (and its mtime, so Sphinx skips it) when the bytes are equal."""
    if target.exists() and target.read_bytes() == source.read_bytes():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


def _sync_tree(source: Path, target: Path) -> None:
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()} if source.exists() else set()
    for rel in wanted:
        _copy_if_changed(source / rel, target / rel)
    if target.exists():
        for path in sorted(target.rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(target) not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def expand_toc(toc: dict, ds: Dataset) -> dict:
    """Replace the glob of base pages with the bases in their data order (stable sidebar order)."""
    def walk(node):
        if isinstance(node, list):
            expanded = []
            for item in node:
                if isinstance(item, dict) and item.get("glob") == "book/bases/*":
                    expanded.extend({"file": f"book/bases/{base_id}"} for base_id in ds.base_ids())
                else:
                    expanded.append(walk(item))
            return expanded
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        return node
    return walk(toc)


def write_vega_bundle(path: Path) -> None:
    """The vendored chart library: vega, vega-lite and vega-embed in a function scope, plus the drawing code."""
    snippet = "window.dtVegaEmbed = vegaEmbed;"
    content = "(function () {\n" + vl_convert.javascript_bundle(snippet) + "\n})();\n" + (PACKAGE / "charts.js").read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != content:
        path.write_text(content)


def assemble_stage(stage: Path, jobs: list[Job], cache: Path, ds: Dataset) -> None:
    stage.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((PROJECT / "_config.yml").read_text(encoding="utf-8"))
    edition = ds.edition
    config["sphinx"]["config"]["dt_stamp"] = (f"{edition['edition']} · 编制于 {edition['data_date']} · "
                                              f"数据指纹 {ds.fingerprint}")
    report = ds.source_report.set_index("key")["value"]
    config["sphinx"]["config"]["dt_source"] = f"{report['author']}《{report['title']}》（{report['date']}）"
    dictionary = stage.resolve() / "search-dictionary.txt"  # Sphinx wants an absolute path
    write_search_dictionary(ds, dictionary)
    config["sphinx"]["config"]["html_search_options"] = {"dict": str(dictionary)}
    _write_if_changed(stage / "_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    toc = expand_toc(yaml.safe_load((PROJECT / "_toc.yml").read_text(encoding="utf-8")), ds)
    _write_if_changed(stage / "_toc.yml", yaml.safe_dump(toc, allow_unicode=True, sort_keys=False))
    book = stage / "book"
    _sync_tree(PROJECT / "book" / "_static", book / "_static")
    wanted = {f"{job.page}.ipynb" for job in jobs}
    for job in jobs:
        _copy_if_changed(cache / job.key / "page.ipynb", book / f"{job.page}.ipynb")
    for path in book.rglob("*.ipynb"):
        if path.relative_to(book).as_posix() not in wanted:
            path.unlink()
    downloads = stage / EXTRA_DIR / "downloads"
    staged_pages = set()
    for job in jobs:
        _sync_tree(cache / job.key / EXTRA_DIR / "downloads" / job.page, downloads / job.page)
        staged_pages.add(job.page)
    if downloads.exists():
        for folder in [p for p in downloads.rglob("*") if p.is_dir()]:
            rel = folder.relative_to(downloads).as_posix()
            if folder.exists() and rel not in staged_pages and not any(page.startswith(rel + "/") for page in staged_pages):
                shutil.rmtree(folder)
    _write_if_changed(stage / "references.bib", policies_bibtex(ds.policies))
    write_vega_bundle(stage / EXTRA_DIR / BUNDLE_URL)
    write_data_package(ds, stage / EXTRA_DIR / "data")


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def render(stage: Path, builder: str, logs: Path) -> None:
    """Jupyter Book with warnings as errors; the log is kept, its tail shown on failure."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{builder}.log"
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(stage), "--builder", builder,
               "-W", "-n", "--keep-going"]
    with log.open("w") as handle:
        result = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, cwd=stage)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        raise BuildError(f"Jupyter Book {builder} 构建失败 / failed (log: {log}):\n{tail}")


def publish(stage: Path, out: Path, with_pdf: bool, info: dict) -> Path:
    """Assemble the new site beside the old one, then swap: readers never see a half-built site."""
    site, fresh, old = out / "site", out / "site.new", out / "site.old"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(stage / "_build" / "html", fresh)
    if with_pdf:
        (fresh / "pdf").mkdir()
        shutil.copyfile(stage / "_build" / "latex" / PDF_NAME, fresh / "pdf" / PDF_NAME)
    (fresh / "build-info.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    if site.exists():
        site.rename(old)
    fresh.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    return site


def build(data_dir: Path, out: Path, previous: Path | None = None, with_pdf: bool = True, workers: int = 2) -> Report:
    report = Report()
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    try:
        ds = load_dataset(data_dir)
        if previous is not None:
            load_dataset(previous)
    except DataValidationError as err:
        report.message = str(err)
        _save_report(out, report)
        raise BuildError(str(err)) from None
    report.edition, report.fingerprint = ds.edition["edition"], ds.fingerprint
    try:
        indicators = compute_indicators(ds)
    except ValueError as err:
        report.message = str(err)
        _save_report(out, report)
        raise BuildError(f"指标计算失败 / indicator computation failed: {err}") from None
    jobs = plan(ds, indicators, previous)
    report.seconds["validate"] = round(time.perf_counter() - started, 2)

    signature = _sha(*(job.key for job in jobs), (PROJECT / "_config.yml").read_bytes(), (PROJECT / "_toc.yml").read_bytes(),
                     *(p.read_bytes() for p in sorted((PROJECT / "book").rglob("*")) if p.is_file()),
                     str(with_pdf), ds.fingerprint)
    info_file = out / "site" / "build-info.json"
    if info_file.exists() and json.loads(info_file.read_text(encoding="utf-8")).get("signature") == signature:
        report.status, report.reused = "unchanged", [job.page for job in jobs]
        report.message = "数据、代码与配置均未变化，已发布的网站与 PDF 保持不变 / nothing changed"
        _save_report(out, report)
        return report

    cache = out / "cache"
    cache.mkdir(exist_ok=True)
    todo = [job for job in jobs if not (cache / job.key / "page.ipynb").exists()]
    report.reused = [job.page for job in jobs if job not in todo]
    step = time.perf_counter()
    with _kernel_output_to(out / "logs" / "kernels.log"), ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda job: execute(job, data_dir.resolve(), cache), todo))
    failures = [error for _, error in results if error]
    report.executed = [job.page for job, error in results if not error]
    report.seconds["execute"] = round(time.perf_counter() - step, 2)
    if failures:
        report.message = "\n".join(failures)
        _save_report(out, report)
        raise BuildError("笔记本执行失败，未发布任何内容 / notebook execution failed, nothing published:\n" + report.message)

    stage = out / "stage"
    assemble_stage(stage, jobs, cache, ds)
    builders = ["html"] + (["pdflatex"] if with_pdf else [])
    for builder in builders:
        step = time.perf_counter()
        try:
            render(stage, builder, out / "logs")
        except BuildError as err:
            report.message = str(err)
            _save_report(out, report)
            raise
        report.rendered.append(builder)
        report.seconds[builder] = round(time.perf_counter() - step, 2)
    info = {"edition": report.edition, "fingerprint": report.fingerprint, "signature": signature,
            "data_dir": str(data_dir), "pages": [job.page for job in jobs]}
    publish(stage, out, with_pdf, info)
    _prune_cache(cache, {job.key for job in jobs})
    report.status = "built"
    report.seconds["total"] = round(time.perf_counter() - started, 2)
    _save_report(out, report)
    return report


def _prune_cache(cache: Path, keep: set[str]) -> None:
    for entry in cache.iterdir():
        if entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)


def _save_report(out: Path, report: Report) -> None:
    (out / "build-report.json").write_text(json.dumps(report.__dict__, ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=PROJECT / "data", help="data folder (default: data/)")
    parser.add_argument("--out", type=Path, default=PROJECT / "_build", help="output folder (default: _build/)")
    parser.add_argument("--previous", type=Path, default=None, help="previous edition's data folder, for the changelog")
    parser.add_argument("--no-pdf", action="store_true", help="build the HTML site only")
    args = parser.parse_args(argv)
    try:
        report = build(args.data.resolve(), args.out.resolve(), args.previous.resolve() if args.previous else None,
                       with_pdf=not args.no_pdf)
    except BuildError as err:
        print(f"构建失败 / BUILD FAILED\n{err}\n已发布的网站与 PDF 未被改动 / the published site and PDF are unchanged.",
              file=sys.stderr)
        return 1
    print(f"{report.status}: {report.edition} ({report.fingerprint}); executed {len(report.executed)} notebooks, "
          f"reused {len(report.reused)}; rendered {', '.join(report.rendered) or 'nothing'}; seconds {report.seconds}")
    if report.status == "built":
        print(f"site: {args.out.resolve() / 'site' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
