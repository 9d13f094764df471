"""Render: Jupyter Book (Sphinx) on the stage folder, warnings as errors. A failure is explained by page and
message, read from the log; the log itself keeps Sphinx's full output and any traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .errors import BuildError

WARNING = re.compile(r"^(?P<path>/\S+?)(?::(?P<line>\d+))?: (?:WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*)$")
EXCEPTION = re.compile(r"^(?:Exception occurred:|Extension error)", re.M)
LAST_ERROR = re.compile(r"^(?:[\w.]+(?:Error|Exception)|KeyError)\b.*$", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SHOWN = 10  # problems quoted in the message; the rest are in the log


def render(stage: Path, builder: str, logs: Path) -> None:
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{builder}.log"
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(stage),
        "--builder",
        builder,
        "-W",
        "-n",
        "--keep-going",
    ]
    with log.open("w", encoding="utf-8") as handle:
        result = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, cwd=stage)
    if result.returncode != 0:
        raise BuildError(explain(log.read_text(encoding="utf-8", errors="replace"), stage, builder, log))


def _page_of(path: str, stage: Path) -> str:
    try:
        rel = Path(path).resolve().relative_to((stage / "book").resolve())
    except ValueError:
        return path
    return rel.with_suffix("").as_posix()


def explain(text: str, stage: Path, builder: str, log: Path) -> str:
    """The render problems as a reader can act on them: page (and notebook line) and Sphinx's message."""
    text = ANSI.sub("", text)
    problems = []
    for line in text.splitlines():
        match = WARNING.match(line.strip())
        if match:
            where = f"页面 {_page_of(match['path'], stage)}" + (f"（第 {match['line']} 行）" if match["line"] else "")
            problems.append(f"  - {where}：{match['message']}")
    if EXCEPTION.search(text):
        errors = LAST_ERROR.findall(text)
        problems.append(f"  - Sphinx 内部错误 (internal error): {errors[-1] if errors else '见日志'}")
    if not problems:
        problems.append("  - 未能从日志中识别原因 (cause not recognised), 见日志")
    more = f"\n  … 另有 {len(problems) - SHOWN} 处" if len(problems) > SHOWN else ""
    return (
        f"Jupyter Book 渲染 {builder} 失败 / rendering failed:\n"
        + "\n".join(problems[:SHOWN])
        + more
        + f"\n完整输出（含回溯）见日志 / full output, with any traceback: {log}"
    )
