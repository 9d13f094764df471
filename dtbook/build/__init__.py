"""Build the publication from one data folder.

Stages, each a module of this package: validate the data and compute the indicators once; **plan** one
notebook run per page of the registry (_toc.yml) with exactly the inputs the page may read; **execute**
with papermill only the runs whose key is not cached; **stage** the folder Jupyter Book renders;
**render** HTML and PDF (execution off, warnings as errors); **publish** by switching `site` to a
complete new release in one atomic step. Any failure stops before publishing: the previous site and PDF
stay as they were, and build-report.json says what went wrong.

    python -m dtbook.build [--data DIR|FILE.xlsx] [--out DIR] [--previous DIR|FILE.xlsx] [--no-pdf]

A workbook (`dtbook.workbook`) is imported into a fresh temporary data folder and built exactly as from CSV;
its problems are named by sheet, row and column.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from pathlib import Path

from ..indicators import compute_indicators
from ..kit import KIT_DIR, KitError, assemble_kit
from ..load import Dataset, DataValidationError, load_dataset
from ..paths import CONFIG_FILE, PDF_NAME, PROJECT, TOC_FILE
from ..registry import RegistryError
from ..workbook import is_workbook, load_workbook
from .errors import BuildError
from .execute import execute_all, prune_cache
from .lock import output_lock
from .plan import Job, plan, plan_briefs, sha
from .publish import prune_stale, publish, published_info
from .render import render
from .report import Report
from .stage import assemble, edition_stamp

__all__ = ["BuildError", "Report", "build"]


def _load(source: Path, scratch: Path) -> Dataset:
    """A data folder as it is, or a workbook imported into a fresh folder under scratch first."""
    return load_workbook(source, scratch / source.stem) if is_workbook(source) else load_dataset(source)


def _validated(data_dir: Path, previous: Path | None, scratch: Path) -> tuple[Dataset, Dataset | None]:
    try:
        return _load(data_dir, scratch / "data"), (_load(previous, scratch / "previous") if previous else None)
    except DataValidationError as err:
        raise BuildError(str(err)) from None


def _signature(jobs: list[Job], ds: Dataset, with_pdf: bool) -> str:
    """Everything that shapes the published site; equal signatures mean there is nothing to do."""
    book_files = sorted(p for p in (PROJECT / "book").rglob("*") if p.is_file())
    return sha(
        *(job.key for job in jobs),
        CONFIG_FILE.read_bytes(),
        TOC_FILE.read_bytes(),
        *(p.read_bytes() for p in book_files),
        str(with_pdf),
        ds.fingerprint,
    )


def _writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as err:
        raise BuildError(
            f"无法写入输出目录 {out}：{err.strerror or err}（请检查该目录的权限或是否只读）\n"
            f"cannot write to the output folder {out}: {err.strerror or err} (check its permissions)"
        ) from None


def build(
    data_dir: Path, out: Path, previous: Path | None = None, with_pdf: bool = True, workers: int | None = None
) -> Report:
    """Build and publish; returns the report, or raises BuildError with a reader-facing message."""
    data_dir, out = Path(data_dir).resolve(), Path(out).resolve()
    _writable(out)
    with output_lock(out):
        report = Report()
        report.save(out)
        try:
            with tempfile.TemporaryDirectory(prefix="dtbook-build-") as scratch:  # a workbook's imported tables
                _run(report, data_dir, out, previous, with_pdf, workers or len(os.sched_getaffinity(0)), Path(scratch))
        except BuildError as err:
            report.status, report.message = "failed", str(err)
            report.save(out)
            raise
        except Exception as err:  # the file system, or a bug: name the cause and where the traceback is
            report.status, report.log = "failed", _log_traceback(out)
            report.message = _unexpected(err, report.log)
            report.save(out)
            raise BuildError(report.message) from None
        report.save(out)
        return report


def _unexpected(err: Exception, log: str) -> str:
    if isinstance(err, OSError):
        cause = f"{err.filename or ''} {err.strerror or err}"
        return f"文件系统错误：{cause}（回溯见 {log}）\nfile system error: {cause}"
    return (
        f"构建程序内部错误 {type(err).__name__}: {err}（完整回溯见 {log}）\n"
        f"internal error in the build; full traceback in {log}"
    )


def _log_traceback(out: Path) -> str:
    log = out / "logs" / "build-error.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(traceback.format_exc(), encoding="utf-8")
    return str(log)


def _run(
    report: Report, data_dir: Path, out: Path, previous_dir: Path | None, with_pdf: bool, workers: int, scratch: Path
) -> None:
    started = time.perf_counter()
    ds, old = _validated(data_dir, previous_dir, scratch)
    report.edition, report.fingerprint = ds.edition["edition"], ds.fingerprint
    report.warnings = [str(w) for w in ds.warnings]
    try:
        indicators = compute_indicators(ds)
        previous = (old, compute_indicators(old)) if old is not None else None
    except DataValidationError as err:
        raise BuildError(str(err)) from None
    try:
        jobs = plan(ds, indicators, previous)
        briefs = plan_briefs(ds, indicators)  # the kit's briefs: planned always (their cache is kept), run with the PDF
    except RegistryError as err:
        raise BuildError(str(err)) from None
    report.seconds["validate"] = round(time.perf_counter() - started, 2)

    runs = jobs + (briefs if with_pdf else [])
    signature = _signature(runs, ds, with_pdf)
    if published_info(out).get("signature") == signature:
        report.status, report.reused = "unchanged", [job.page for job in runs]
        report.message = "数据、代码与配置均未变化，已发布的网站与 PDF 保持不变 / nothing changed"
        return

    cache = out / "cache"
    cache.mkdir(exist_ok=True)
    step = time.perf_counter()
    report.executed, failures = execute_all(runs, cache, out / "logs" / "kernels.log", workers)
    report.reused = [job.page for job in runs if job.page not in report.executed]
    report.seconds["execute"] = round(time.perf_counter() - step, 2)
    if failures:
        raise BuildError(
            "笔记本执行失败，未发布任何内容 / notebook execution failed, nothing published:\n" + "\n".join(failures)
        )

    stage = out / "stage"
    assemble(stage, jobs, cache, ds, indicators)
    for builder in ["html"] + (["pdflatex"] if with_pdf else []):
        step = time.perf_counter()
        render(stage, builder, out / "logs")
        report.rendered.append(builder)
        report.seconds[builder] = round(time.perf_counter() - step, 2)
    prune_stale(stage / "_build" / "html", stage, {job.spec.docname for job in jobs})
    info = {
        "edition": report.edition,
        "fingerprint": report.fingerprint,
        "signature": signature,
        "data_dir": str(data_dir),
        "pages": [job.page for job in jobs],
    }
    pdf = stage / "_build" / "latex" / PDF_NAME if with_pdf else None
    kit = None
    if with_pdf:  # the deliverable kit: briefs from their runs, the deck from the rendered site's figures
        step = time.perf_counter()
        try:
            kit = assemble_kit(stage / KIT_DIR, briefs, cache, stage / "_build" / "html", [j.page for j in jobs], ds)
        except KitError as err:
            raise BuildError(f"简报与幻灯片未能生成，未发布任何内容 / the kit failed:\n{err}") from None
        report.seconds["kit"] = round(time.perf_counter() - step, 2)
    publish(stage, out, pdf, info, edition_stamp(ds), kit)
    prune_cache(cache, {job.key for job in jobs + briefs})
    report.status = "built"
    report.seconds["total"] = round(time.perf_counter() - started, 2)
