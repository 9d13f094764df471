"""Synthetic data of the real schema, for measuring how the build scales with the number of bases.

New bases are clones of the real ones (cycling through them) with their own ids, names and
slightly perturbed figures and evidence strengths, so every new base gets a page of realistic
size and the indicators vary a little. Same seed, same bytes: runs can be compared.

    python benchmarks/synthetic.py TARGET N_BASES [--seed S]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# table -> (id column, id suffix letter); None: the table has no id of its own
BASE_TABLES = {
    "bases": None,
    "base_locations": None,
    "policies": ("policy_id", "p"),
    "measures": ("measure_id", "m"),
    "key_figures": ("figure_id", "f"),
    "focus_industries": None,
    "evidence": ("evidence_id", "e"),
}


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _perturb_value(text: str, rng: random.Random) -> str:
    """Within ±10%, keeping whole numbers whole (the report's counts stay counts)."""
    value = float(text) * rng.uniform(0.9, 1.1)
    return str(round(value)) if "." not in text and "e" not in text.lower() else f"{value:.2f}"


def _perturb_strength(text: str, rng: random.Random) -> str:
    return str(min(3, max(1, int(text) + rng.choice((-1, 0, 0, 1)))))


def _clone(
    table: str, rows: list[dict], source_id: str, new_id: str, number: int, order: int, rng: random.Random
) -> list[dict]:
    """The source base's rows of one table, re-keyed and perturbed for the new base."""
    clones = []
    for index, row in enumerate((r for r in rows if r["base_id"] == source_id), start=1):
        row = {**row, "base_id": new_id}
        if BASE_TABLES[table]:
            column, letter = BASE_TABLES[table]
            row[column] = f"{new_id}-{letter}{index:02d}"
        if table == "bases":
            row.update(
                order=str(order),
                name=f"合成基地{number:03d}",
                short_name=f"合成{number:03d}",
                name_en=f"Synthetic Base {number:03d}",
            )
        elif table == "key_figures":
            row["value"] = _perturb_value(row["value"], rng)
        elif table == "evidence":
            row["strength"] = _perturb_strength(row["strength"], rng)
        clones.append(row)
    return clones


def make_dataset(source: Path, target: Path, n_bases: int, seed: int = 0) -> Path:
    """Copy the data folder (without `parts`) to target and add synthetic bases until there are n_bases."""
    source, target = Path(source), Path(target)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("parts"))
    tables = {name: read_csv(target / f"{name}.csv") for name in BASE_TABLES}
    bases = tables["bases"][1]
    real_ids = [row["base_id"] for row in sorted(bases, key=lambda r: int(r["order"]))]
    next_order = max(int(row["order"]) for row in bases) + 1
    rng = random.Random(seed)
    for number in range(len(bases) + 1, n_bases + 1):
        source_id, new_id = real_ids[(number - 1) % len(real_ids)], f"synthetic-{number:03d}"
        for name, (_, rows) in tables.items():
            rows.extend(_clone(name, rows, source_id, new_id, number, next_order, rng))
        next_order += 1
    for name, (header, rows) in tables.items():
        write_csv(target / f"{name}.csv", header, rows)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", type=Path)
    parser.add_argument("n_bases", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    make_dataset(args.source, args.target, args.n_bases, args.seed)
    sys.path.insert(0, str(ROOT))
    from dtbook import load_dataset

    print(f"{args.target}: {len(load_dataset(args.target).bases)} bases, valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
