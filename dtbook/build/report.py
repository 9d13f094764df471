"""build-report.json: what the last build attempt did, written when it starts and again when it ends."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..files import write_atomic

REPORT_FILE = "build-report.json"


@dataclass
class Report:
    status: str = "running"  # running → built | unchanged | failed; "running" left behind means the run was killed
    edition: str = ""
    fingerprint: str = ""
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    pid: int = field(default_factory=os.getpid)
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    log: str = ""

    def save(self, out: Path) -> None:
        write_atomic(out / REPORT_FILE, json.dumps(asdict(self), ensure_ascii=False, indent=2))
