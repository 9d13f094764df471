"""One build at a time per output folder: a second one stops at once and says who holds the folder."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError

LOCK_FILE = ".build.lock"


@contextmanager
def output_lock(out: Path):
    """Hold an exclusive lock on out/.build.lock for the whole build; released even if the process dies."""
    with open(out / LOCK_FILE, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "未知进程 (unknown process)"
            raise BuildError(
                f"输出目录 {out} 正被另一次构建使用（{holder}），本次构建未做任何改动；请等它结束后再试。\n"
                f"Another build holds {out} ({holder}); this one changed nothing. Try again when it ends."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"进程 pid {os.getpid()}，开始于 {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
