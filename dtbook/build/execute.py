"""Execute: run each page's notebook with papermill into its cache entry, reusing entries whose key exists.

`workers` notebooks run at once, each worker in its own warm kernel that is reset to a clean namespace before
every notebook and replaced after any failure (see dtbook.build.kernels)."""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import nbformat
import papermill

from ..inputs import write_inputs
from ..output import md
from ..paths import PROJECT
from .kernels import ENGINE, KernelSlot, run_each
from .plan import Job

NOTEBOOK = "page.ipynb"
INPUTS = "inputs.pkl"


def cached(job: Job, cache: Path) -> bool:
    return (cache / job.key / NOTEBOOK).exists()


def _template_cell(template: Path, executed_index: int) -> tuple[int, str]:
    """The failing cell numbered as a reader counts in the template (from 1; papermill inserts its own
    parameter cell after the template's), and the cell's first line."""
    cells = nbformat.read(template, as_version=4).cells
    parameters = next((i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), None)
    index = executed_index - 1 if parameters is not None and executed_index > parameters else executed_index
    first_line = cells[index].source.splitlines()[0] if cells[index].source else ""
    return index + 1, first_line


def _finish_notebook(path: Path, job: Job) -> None:
    """Hide parameter cells on the page, keep only the page's own parameters in them (no build paths in the
    downloadable notebook), and give a per-base page its title from data, as text."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags:
            own = "\n".join(f"{name} = {value!r}" for name, value in job.spec.params)
            cell.source = "# 本页参数 (this page's parameters)\n" + own
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            tags.append("remove-cell")
    if job.spec.title:
        nb.cells[0].source = f"# {md(job.spec.title)}"
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def execute(job: Job, cache: Path, slot: KernelSlot) -> str | None:
    """Run one notebook into cache/<key> in the slot's kernel, made clean first; returns a reader-facing error
    description on failure, after which the kernel is discarded."""
    target = cache / job.key
    if cached(job, cache):
        return None
    work = cache / f"{job.key}.tmp{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    write_inputs(job.inputs, work / INPUTS)
    where = f"笔记本 notebooks/{job.template.name}（页面 {job.page}）"
    try:
        kernel = slot.clean_kernel()  # runs in PROJECT, as papermill's cwd= did
        # written once at the end (with the traceback if a cell fails), not after every cell
        papermill.execute_notebook(
            str(job.template),
            str(work / NOTEBOOK),
            parameters={"inputs": str(work / INPUTS), "site_dir": str(work)},
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            engine_name=ENGINE,
            kernel=kernel,
        )
    except papermill.PapermillExecutionError as err:
        slot.discard()
        shutil.rmtree(work, ignore_errors=True)
        cell, source = _template_cell(job.template, err.cell_index)
        return f"{where}第 {cell} 个单元格出错 / notebook failed at cell {cell} ({source}): {err.ename}: {err.evalue}"
    except Exception as err:  # the kernel died or could not start
        slot.discard()
        shutil.rmtree(work, ignore_errors=True)
        return f"{where}无法执行 / could not run: {type(err).__name__}: {err}"
    _finish_notebook(work / NOTEBOOK, job)
    shutil.rmtree(target, ignore_errors=True)
    work.rename(target)
    return None


@contextmanager
def kernel_output_to(log: Path):
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


def execute_all(jobs: list[Job], cache: Path, log: Path, workers: int) -> tuple[list[str], list[str]]:
    """Run every job not in the cache; returns (pages executed, error messages)."""
    todo = [job for job in jobs if not cached(job, cache)]
    with kernel_output_to(log):
        errors = run_each(todo, lambda job, slot: execute(job, cache, slot), workers, PROJECT)
    return [job.page for job, error in zip(todo, errors) if not error], [error for error in errors if error]


def prune_cache(cache: Path, keep: set[str]) -> None:
    for entry in cache.iterdir():
        if entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
