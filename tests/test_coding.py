"""The evidence codings quote the report verbatim, in the section and paragraph they cite, one fact per
element; the published evidence is the resolved coding."""

import subprocess
import sys

import pytest
from conftest import DATA, PROJECT

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("coding", ["evidence.csv", "coding_first.csv", "coding_second.csv"])
def test_every_quote_stands_verbatim_where_it_says(coding):
    result = subprocess.run(
        [sys.executable, str(PROJECT / "coding" / "check_quotes.py"), str(DATA / coding)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith(", 0 problems"), result.stdout + result.stderr
