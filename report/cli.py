"""``innonet report --year 2023 [--compare 2022] [--lang en] --out report.html [--pdf]``."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graphsvc.cli import add_store_option
from graphsvc.stores import open_store
from graphsvc.stores.contract import StoreError
from queries.errors import BadRequest

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--no-pdf-header-footer",
)
"""Chromium prints the report without a network (the proxy goes nowhere) or a sandbox."""
PDF_SECONDS = 120


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``innonet report``."""
    parser = subparsers.add_parser(
        "report",
        help="write the annual report (HTML, optionally PDF)",
        description="Write the annual report of a year: one self-contained HTML file that "
        "opens offline, and with --pdf a PDF printed by Chromium.",
    )
    parser.add_argument("--year", type=int, required=True, help="the report's year")
    parser.add_argument("--compare", type=int, help="the year compared with (default: year - 1)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="zh (default) or en")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    parser.add_argument("--pdf", action="store_true", help="also write FILE.pdf next to it")
    parser.add_argument("--chromium", default="chromium", help="the Chromium to print with")
    add_store_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build the report and write it; exit 2 on a bad option, an unreachable store or a failed
    print."""
    from report.build import build_report

    started = time.perf_counter()
    try:
        store = open_store(args.store, create=False)
    except StoreError as exc:
        print(f"innonet report: {exc}", file=sys.stderr)
        return 2
    try:
        report = build_report(store, args.year, args.compare, args.lang)
    except (BadRequest, StoreError) as exc:
        print(f"innonet report: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    args.out.write_text(report, encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s")
    if args.pdf:
        pdf = args.out.with_suffix(".pdf")
        problem = print_pdf(args.chromium, args.out, pdf)
        if problem:
            print(f"innonet report: {problem}", file=sys.stderr)
            return 2
        print(f"wrote {pdf}")
    return 0


def print_pdf(chromium: str, page: Path, pdf: Path) -> str | None:
    """Print ``page`` to ``pdf`` with headless Chromium; the problem in words, None when done."""
    binary = shutil.which(chromium)
    if binary is None:
        return f"no Chromium at {chromium!r} to print the PDF (apt-get install chromium)"
    with tempfile.TemporaryDirectory(prefix="innonet-chromium-") as profile:
        command = [
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf.resolve()}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=PDF_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return f"Chromium did not print the PDF within {PDF_SECONDS} s"
    if done.returncode != 0 or not pdf.exists():
        return f"Chromium failed to print the PDF (exit {done.returncode})"
    return None
