"""Warm kernels keep pages apart: the isolation check (benchmarks/kernel_isolation.py) runs a leaking, a failing
and a crashing notebook between probes in one worker's kernel and compares every probe with a new kernel."""

import subprocess
import sys

import pytest
from conftest import PROJECT

pytestmark = pytest.mark.build


def test_no_page_sees_what_an_earlier_page_left_in_its_kernel():
    result = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "kernel_isolation.py")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "names that differ from a new kernel's, after the leaker: none" in result.stdout
