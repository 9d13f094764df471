"""python -m dtbook.workbook export|import: the edition workbook (`make workbook` exports data/)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from ..load import DataValidationError
from ..schema import load_schemas
from . import __doc__ as DOC
from . import export_workbook, load_workbook


def _export(args) -> int:
    try:
        result = export_workbook(args.data, args.out)
    except DataValidationError as err:
        print(f"导出失败：数据目录未通过校验 / export failed: the data folder is not valid\n{err}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"提示 / warning: {warning}", file=sys.stderr)
    rows = sum(result.rows.values())
    print(f"{result.path}: {len(result.rows)} 个数据工作表, {rows} 行; 数据指纹 {result.fingerprint}")
    return 0


def _import(args) -> int:
    with tempfile.TemporaryDirectory(prefix="dtbook-workbook-") as scratch:
        try:
            ds = load_workbook(args.workbook, Path(scratch) / "data")
        except DataValidationError as err:
            print(f"导入失败，{args.out} 未被改动 / import failed, {args.out} is unchanged\n{err}", file=sys.stderr)
            return 1
        args.out.mkdir(parents=True, exist_ok=True)
        for table in load_schemas().values():
            shutil.copyfile(Path(scratch) / "data" / table.file, args.out / table.file)
    for warning in ds.warnings:
        print(f"提示 / warning: {warning}", file=sys.stderr)
    print(f"{args.out}: {len(ds.tables)} 个数据表; 版次 {ds.edition['edition']}; 数据指纹 {ds.fingerprint}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dtbook.workbook", description=DOC, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write a data folder as an edition workbook")
    export.add_argument("--data", type=Path, required=True, help="data folder")
    export.add_argument("--out", type=Path, required=True, help="workbook to write (.xlsx)")
    imported = commands.add_parser("import", help="write an edition workbook as a data folder (validated first)")
    imported.add_argument("workbook", type=Path, help="the .xlsx workbook")
    imported.add_argument("--out", type=Path, required=True, help="data folder to write (created if missing)")
    args = parser.parse_args(argv)
    return _export(args) if args.command == "export" else _import(args)


if __name__ == "__main__":
    sys.exit(main())
