"""Warm kernels: each notebook worker keeps one ipykernel and runs page after page in it, each page in a clean
namespace.

Starting an ipykernel, importing pandas, altair, vl-convert and dtbook, and vl-convert's first conversion cost
about two seconds of CPU per kernel: several times what a page's own code takes. So a worker keeps its kernel,
and before every notebook (the first one included) runs RESET in it, silently: the working folder goes back to
the project, warning registries are emptied (a warning is shown on every page that causes it, as in a new
kernel), IPython's ``reset(new_session=True)`` drops every name the previous page defined or imported, In/Out
and the output cache, and starts the execution count at 1 again, and the few names a new kernel starts with
that the reset does not recreate (__doc__, __spec__, _, ...) are put back as they were. A page thus sees the
namespace of a new kernel. What stays is outside the namespace: imported modules (the point: dtbook's modules
keep no state between calls), and process state a page would have to change on purpose (os.environ, builtins,
library options), which no page does.

A kernel that failed in any way (a cell raised, the kernel died or stopped answering, RESET did not succeed) is
shut down, never reused: the worker's next notebook gets a new kernel.

papermill still executes every notebook: ENGINE is papermill's own nbclient engine, handed the worker's running
kernel instead of starting and stopping one per notebook.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from papermill.log import logger

KERNEL_NAME = "python3"
ENGINE = "dtbook-warm-kernel"
START_TIMEOUT = 60  # seconds for a new kernel to answer, as papermill's default
RESET_TIMEOUT = 60  # seconds for RESET to finish; a kernel that takes longer is replaced

# Both run silently: no output, no history, the execution count unchanged.
# FRESH runs once, as a new kernel's first code: it keeps the names a new kernel starts with (__doc__, __spec__, _,
# ...) and a function, kept on the shell, that puts back those that IPython's reset drops and does not recreate.
FRESH = """\
def _dtbook_restore(shell, fresh=dict(get_ipython().user_ns), hidden=set(get_ipython().user_ns_hidden)):
    for name, value in fresh.items():
        if name not in shell.user_ns:
            shell.user_ns[name] = value
            if name in hidden:
                shell.user_ns_hidden[name] = value
get_ipython()._dtbook_restore = _dtbook_restore
"""
# RESET runs before every notebook. The names it binds are dropped by the reset, so the next notebook starts from
# a new kernel's namespace.
RESET = """\
import os as _os, sys as _sys, warnings as _warnings
_os.chdir({cwd!r})
for _module in list(_sys.modules.values()):
    _registry = getattr(_module, "__warningregistry__", None)
    if isinstance(_registry, dict):
        _registry.clear()
_warnings.onceregistry.clear()
get_ipython().reset(new_session=True)
get_ipython()._dtbook_restore(get_ipython())
"""


class KernelUnusable(RuntimeError):
    """A warm kernel could not be made clean for the next notebook."""


class WarmKernel:
    """One running ipykernel (started in cwd) and a client connected to it, used by one thread only."""

    def __init__(self, cwd: Path):
        self.cwd = Path(cwd)
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        self.kc = None
        try:
            run_sync(self._start)()
        except BaseException:
            self.shutdown()
            raise

    async def _start(self) -> None:
        # as nbclient starts a kernel for papermill: IPython history in memory, no stdin
        await self.km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"], cwd=str(self.cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=START_TIMEOUT)
        self.kc.allow_stdin = False

    def remember_fresh_namespace(self) -> None:
        self._run_silently(FRESH)

    def reset(self) -> None:
        """Make the namespace clean for the next notebook; raises KernelUnusable if that did not succeed."""
        self._run_silently(RESET.format(cwd=str(self.cwd)))

    def _run_silently(self, code: str) -> None:
        errors = []

        def keep_errors(msg: dict) -> None:
            if msg["header"]["msg_type"] == "error":
                errors.append(f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}")

        try:
            reply = run_sync(self.kc.execute_interactive)(
                code,
                silent=True,
                store_history=False,
                allow_stdin=False,
                timeout=RESET_TIMEOUT,
                output_hook=keep_errors,
            )
        except Exception as err:  # timed out, or the kernel is gone
            raise KernelUnusable(f"{type(err).__name__}: {err}") from err
        if reply["content"].get("status") != "ok":
            raise KernelUnusable("; ".join(errors) or f"the kernel replied {reply['content'].get('status')}")

    def shutdown(self) -> None:
        """Stop the kernel (politely if it is alive) and close the client; never raises."""
        with contextlib.suppress(Exception):
            run_sync(self._shutdown)()

    async def _shutdown(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km.has_kernel and await self.km.is_alive():
            await self.km.shutdown_kernel(now=False)  # waits for the process, then cleans up
        else:
            await self.km.cleanup_resources()


class KernelSlot:
    """The kernel of one worker thread: kept warm between notebooks, replaced after any failure."""

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.kernel: WarmKernel | None = None

    def clean_kernel(self) -> WarmKernel:
        """A kernel whose namespace is clean: the warm one reset, or a new one if there is none or the warm one
        cannot be reset. Raises only if a new kernel cannot start or be reset."""
        if self.kernel is not None:
            try:
                self.kernel.reset()
                return self.kernel
            except KernelUnusable:
                self.discard()
        self.kernel = WarmKernel(self.cwd)
        try:
            self.kernel.remember_fresh_namespace()
            self.kernel.reset()  # the same starting state for every notebook, and proof the kernel answers
        except BaseException:
            self.discard()
            raise
        return self.kernel

    def discard(self) -> None:
        """Shut the kernel down: after a failure it is never reused."""
        if self.kernel is not None:
            self.kernel.shutdown()
            self.kernel = None


class WarmKernelEngine(Engine):
    """papermill's nbclient engine, run against a kernel that is already running (engine argument `kernel`)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        start_timeout=START_TIMEOUT,
        execution_timeout=None,
        kernel: WarmKernel | None = None,
        **_,
    ):
        if kernel is None:
            raise ValueError(f"the {ENGINE} engine runs notebooks in a given kernel: pass kernel=")
        client = PapermillNotebookClient(
            nb_man,
            km=kernel.km,
            kernel_name=kernel_name,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            log=logger,
            log_output=log_output,
        )
        client.kc = kernel.kc  # a client given the manager and its client neither starts nor stops the kernel
        return client.execute()


papermill_engines.register(ENGINE, WarmKernelEngine)

Item = TypeVar("Item")
Result = TypeVar("Result")


def run_each(items: Sequence[Item], run: Callable[[Item, KernelSlot], Result], workers: int, cwd: Path) -> list[Result]:
    """run(item, slot) for every item, at most `workers` at once, results in the order of items. Each worker is a
    thread with its own KernelSlot (a kernel is used by the thread that started it, on that thread's event loop);
    its kernel is shut down when the worker runs out of items. An exception from run stops every worker after
    its current item and is raised here."""
    pending = deque(enumerate(items))
    results: list = [None] * len(items)
    raised: list[BaseException] = []
    stop = threading.Event()

    def worker() -> None:
        slot = KernelSlot(cwd)
        try:
            while not stop.is_set():
                try:
                    index, item = pending.popleft()
                except IndexError:
                    return
                results[index] = run(item, slot)
        except BaseException as err:
            raised.append(err)
            stop.set()
        finally:
            slot.discard()

    threads = [
        threading.Thread(target=worker, name=f"notebook-worker-{n}") for n in range(min(max(1, workers), len(items)))
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:  # interrupted: let each worker finish its notebook and stop its kernel
        stop.set()
        for thread in threads:
            thread.join()
        raise
    if raised:
        raise raised[0]
    return results
