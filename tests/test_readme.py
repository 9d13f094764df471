"""The README's refresh recipe works when pasted: its shell lines run as written, and its make line builds from
the new folder with the previous edition for the changelog."""

import re
import shutil
import subprocess

import pytest
from conftest import DATA, PROJECT

from dtbook import load_dataset

pytestmark = pytest.mark.unit


def recipe() -> list[str]:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Changing the data") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_refresh_recipe_runs_as_pasted(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    shell = [line for line in recipe() if not line.startswith("make ")]
    assert shell, "the recipe has shell lines"
    subprocess.run(["bash", "-euc", "\n".join(shell)], cwd=tmp_path, check=True)
    edition = tmp_path / "editions" / "2027"
    assert load_dataset(edition).fingerprint == load_dataset(tmp_path / "data").fingerprint


def test_refresh_recipe_make_line_builds_the_new_folder_against_the_previous_one():
    make = next(line for line in recipe() if line.startswith("make "))
    printed = subprocess.run(
        ["make", "-n", *make.split()[1:]], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout
    build = next(line for line in printed.splitlines() if "dtbook.build" in line)
    assert "--data editions/2027" in build and "--previous data" in build and "--out _build/2027" in build
