"""python -m dtbook.build: the command `make book` runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..paths import PROJECT
from . import BuildError, build
from . import __doc__ as DOC


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dtbook.build", description=DOC, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=PROJECT / "data", help="data folder or .xlsx workbook (default: data/)"
    )
    parser.add_argument("--out", type=Path, default=PROJECT / "_build", help="output folder (default: _build/)")
    parser.add_argument(
        "--previous", type=Path, default=None, help="previous edition's data folder or workbook, for the changelog"
    )
    parser.add_argument("--no-pdf", action="store_true", help="build the HTML site only")
    parser.add_argument(
        "--workers", type=int, default=None, help="notebooks run at once (default: the machine's cores)"
    )
    args = parser.parse_args(argv)
    try:
        report = build(
            args.data,
            args.out,
            args.previous.resolve() if args.previous else None,
            with_pdf=not args.no_pdf,
            workers=args.workers,
        )
    except BuildError as err:
        print(
            f"构建失败 / BUILD FAILED\n{err}\n已发布的网站与 PDF 未被改动 / the published site and PDF are unchanged.",
            file=sys.stderr,
        )
        return 1
    for warning in report.warnings:
        print(f"提示 / warning: {warning}", file=sys.stderr)
    print(
        f"{report.status}: {report.edition} ({report.fingerprint}); executed {len(report.executed)} notebooks, "
        f"reused {len(report.reused)}; rendered {', '.join(report.rendered) or 'nothing'}; seconds {report.seconds}"
    )
    if report.status == "built":
        print(f"site: {args.out.resolve() / 'site' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
