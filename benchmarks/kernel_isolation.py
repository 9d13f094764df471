"""Check that warm kernels keep pages apart: what one notebook defines, imports or changes is not seen by the next.

First runs a probe notebook with plain papermill in a new kernel of its own (how every page ran before warm
kernels): the baseline of what a page sees. Then runs a sequence of small notebooks through the build's own
execute stage (dtbook.build.execute.execute_all) with ONE worker, so they all share a kernel unless it is
replaced:

    probe      first notebook of the worker's kernel: must see exactly the baseline
    leaker     defines variables, imports modules, changes the working folder, gets a warning from a module
    probe      must see exactly the baseline, in the same kernel process (the kernel was reused)
    failing    a cell raises: reported with notebook and cell, the kernel is replaced
    probe      baseline again, in a new kernel process
    crasher    the kernel process exits: reported, the kernel is replaced
    probe      baseline again, in a new kernel process

A probe reports the names in its namespace, its working folder, its cells' execution counts and the kernel's
pid; the leaker and every probe show the same warning, which must appear on each page as in a new kernel.
Prints one line per check and exits 1 if any fails; asserts nothing.

    python benchmarks/kernel_isolation.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import papermill

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from dtbook.build.execute import NOTEBOOK, execute_all, kernel_output_to  # noqa: E402
from dtbook.build.plan import Job  # noqa: E402
from dtbook.paths import PROJECT  # noqa: E402

PARAMETERS = 'inputs = ""\nsite_dir = ""'
# a module imported by an earlier page stays imported: a warning it gave there must still show on a later page
LIBRARY = """\
import warnings


def warn():
    warnings.warn("a library warning, shown on every page that causes it", UserWarning, stacklevel=1)
"""
USE_LIBRARY = """\
import importlib.util as _util, sys as _sys
_spec = _util.spec_from_file_location("dt_isolation_library", {path!r})
if "dt_isolation_library" not in _sys.modules:
    _sys.modules["dt_isolation_library"] = _util.module_from_spec(_spec)
    _spec.loader.exec_module(_sys.modules["dt_isolation_library"])
_sys.modules["dt_isolation_library"].warn()
"""
PROBE = """\
import json as _json, os as _os
print(_json.dumps({{"names": sorted(globals()), "cwd": _os.getcwd(), "pid": _os.getpid(),
                   "count": get_ipython().execution_count}}))
"""
LEAKER = """\
secret, _hidden = 42, 43
import json, statistics
from dtbook import pages as leaked_module
import os
os.chdir("/tmp")
"""
LEAKED = {"secret", "_hidden", "json", "statistics", "leaked_module", "os"}
BODIES = {
    "probe": USE_LIBRARY + PROBE,
    "leaker": USE_LIBRARY + LEAKER,
    "failing": "raise RuntimeError('deliberate')",
    "crasher": "import os\nos._exit(1)",
}
SEQUENCE = ["probe", "leaker", "probe", "failing", "probe", "crasher", "probe"]


def template(folder: Path, name: str) -> Path:
    library = folder / "dt_isolation_library.py"
    library.write_text(LIBRARY, encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {name}"),
        nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(BODIES[name].format(path=str(library))),
    ]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def warned(outputs) -> bool:
    return any(o.get("name") == "stderr" and "a library warning" in o.get("text", "") for o in outputs)


def probe_result(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    outputs = nb.cells[-1].outputs
    stdout = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["warned"] = warned(outputs)
    result["counts"] = [c.get("execution_count") for c in nb.cells if c.cell_type == "code"]
    return result


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="dtbook-isolation-"))
    templates = {name: template(scratch, name) for name in BODIES}
    jobs = [
        Job(SimpleNamespace(page=f"{n}-{name}", notebook=templates[name], params=(), title=None), {}, f"{n}-{name}")
        for n, name in enumerate(SEQUENCE)
    ]
    cache = scratch / "cache"
    cache.mkdir()
    executed, errors = execute_all(jobs, cache, scratch / "kernels.log", workers=1)
    with kernel_output_to(scratch / "kernels.log"):
        papermill.execute_notebook(
            str(templates["probe"]),
            str(scratch / "baseline.ipynb"),
            cwd=str(PROJECT),
            parameters={"inputs": "", "site_dir": ""},
            kernel_name="python3",
            progress_bar=False,
        )
    base = probe_result(scratch / "baseline.ipynb")
    probes = [probe_result(cache / job.key / NOTEBOOK) for job in jobs if job.key.endswith("-probe")]
    first, after_leak, after_failure, after_crash = probes
    leaker = nbformat.read(cache / jobs[1].key / NOTEBOOK, as_version=4).cells[-1].outputs
    checks = [
        (
            "every notebook except the failing and crashing ones ran",
            sorted(executed)
            == sorted(job.page for job in jobs if "failing" not in job.page and "crasher" not in job.page),
        ),
        (
            "the failing notebook is reported with notebook and cell",
            any("failing.ipynb" in e and "cell 3 (raise RuntimeError" in e and "deliberate" in e for e in errors),
        ),
        ("the crashed kernel is reported", any("crasher.ipynb" in e for e in errors)),
        ("a new worker kernel's first page sees exactly a new kernel's names", first["names"] == base["names"]),
        ("the kernel is reused after a good notebook", after_leak["pid"] == first["pid"]),
        ("the leaker's names are not seen by the next page", not LEAKED & set(after_leak["names"])),
        ("the next page sees exactly a new kernel's names", after_leak["names"] == base["names"]),
        ("the working folder is the project again", after_leak["cwd"] == first["cwd"] == base["cwd"] == str(PROJECT)),
        (
            "execution counts start at 1 as in a new kernel",
            after_leak["counts"] == first["counts"] == base["counts"] == [1, 2, 3],
        ),
        (
            "a warning shown on an earlier page is shown again",
            base["warned"] and first["warned"] and warned(leaker) and after_leak["warned"],
        ),
        ("a kernel whose cell failed is replaced", after_failure["pid"] != after_leak["pid"]),
        ("a crashed kernel is replaced", after_crash["pid"] not in (after_failure["pid"], after_leak["pid"])),
        (
            "replaced kernels give a new kernel's namespace",
            after_failure["names"] == after_crash["names"] == base["names"],
        ),
    ]
    for label, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {label}")
    for label, probe in (("first page", first), ("after the leaker", after_leak)):
        differ = sorted(set(probe["names"]) ^ set(base["names"]))
        print(f"names that differ from a new kernel's, {label}: {differ or 'none'}")
    print(f"baseline names: {base['names']}\nerrors reported:\n  " + "\n  ".join(errors))
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
