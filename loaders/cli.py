"""The ``innonet load``, ``innonet stats`` and ``innonet generate`` commands.

Exit codes: 0 loaded (or valid, for a dry run); 1 invalid data, or a refresh the store refused
(a full disk, a damaged store: named with the store's path, nothing written); 2 a usage error
(no such bundle, unreadable file, store busy or unreachable).
Problems go to standard error, at most ``--max-errors`` of them; the summary to standard output.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from graphsvc.cli import add_store_option
from graphsvc.stores import open_store
from graphsvc.stores.contract import GraphCounts, StoreBusy, StoreError
from graphsvc.stores.contract import Progress as ProgressCallback
from loaders.bundle import KNOWN_FILES, BundleError
from loaders.refresh import LoadResult, refresh_bundle
from loaders.synthetic import RELATIONS_PER_NODE, write_bundle

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
PLAIN_PROGRESS_INTERVAL = 1.0
"""Seconds between two plain progress lines of one stage (when standard error is no terminal)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``load``, ``stats`` and ``generate`` to the ``innonet`` command."""
    load = subparsers.add_parser(
        "load",
        help="refresh one source of the graph from a bundle of CSV files",
        description="Validate every row of BUNDLE and, if all are valid, make the source hold "
        "exactly what the bundle holds (what it held before and no longer does is removed). "
        "Nothing is written when any row is invalid.",
    )
    load.add_argument("bundle", metavar="BUNDLE", type=Path, help="a directory of CSV files")
    load.add_argument(
        "--source", metavar="NAME", help="the source to refresh (default: the directory's name)"
    )
    load.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    load.add_argument(
        "--max-errors",
        metavar="N",
        type=_non_negative,
        default=50,
        help="problems printed at most (default 50)",
    )
    load.add_argument(
        "--errors", metavar="FILE", type=Path, help="write every problem, one a line, to FILE"
    )
    add_store_option(load)
    load.set_defaults(handler=load_command)

    stats = subparsers.add_parser("stats", help="count the graph's nodes and relations")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    add_store_option(stats)
    stats.set_defaults(handler=stats_command)

    generate = subparsers.add_parser(
        "generate", help="write a valid synthetic bundle of any size (for tests and benchmarks)"
    )
    generate.add_argument(
        "out",
        metavar="OUT",
        type=Path,
        help="the bundle directory to write (created; its bundle files are overwritten)",
    )
    generate.add_argument(
        "--nodes",
        metavar="N",
        type=_non_negative,
        required=True,
        help="how many nodes to write, spread over the node files",
    )
    generate.add_argument(
        "--relations",
        metavar="M",
        type=_non_negative,
        default=None,
        help=f"how many relations to write (default: {RELATIONS_PER_NODE} per node)",
    )
    generate.add_argument(
        "--seed",
        metavar="S",
        type=int,
        default=0,
        help="the random seed: the same N, M and S write the same bundle (default 0)",
    )
    generate.set_defaults(handler=generate_command)


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _fail(command: str, message: object) -> int:
    print(f"innonet {command}: {message}", file=sys.stderr)
    return EXIT_USAGE


# --- load --------------------------------------------------------------------------------------


def load_command(args: argparse.Namespace) -> int:
    """``innonet load``: refresh a source from a bundle; see the module docstring for exits."""
    try:
        store = open_store(args.store)
    except StoreError as exc:
        if isinstance(exc.__cause__, sqlite3.Error) and not isinstance(exc, StoreBusy):
            print(f"innonet load: {exc}", file=sys.stderr)  # a full disk, a damaged file
            return EXIT_INVALID
        return _fail("load", exc)
    try:
        with _progress_display() as progress:
            result = refresh_bundle(
                store,
                args.bundle,
                args.source,
                dry_run=args.dry_run,
                progress=progress,
                problems_kept=args.max_errors,
            )
    except (BundleError, StoreBusy) as exc:
        return _fail("load", exc)
    except StoreError as exc:  # the store refused the refresh (a full disk, say)
        print(f"innonet load: {exc}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        store.close()
    with result:
        code = _report_load(result, args)
    if code == EXIT_OK and not args.dry_run:
        _build_projection(args.store)
    return code


def _build_projection(uri: str) -> None:
    """Build the projection file of the new data version now, so that no query waits for it
    (:mod:`queries.projection_file`); a failure is only reported: queries build it later."""
    from queries.projection_file import folder_of, shared_projection

    started = time.monotonic()
    try:
        store = open_store(uri, create=False)
        try:
            if folder_of(store) is None:  # no projection files (INNONET_PROJECTIONS=off)
                return
            graph = shared_projection(store)
        finally:
            store.close()
    except Exception as exc:  # the load is done; the projection is built again on first use
        print(f"warning: the projection was not built: {exc}", file=sys.stderr)
        return
    print(
        f"projection of data version {graph.version} ready in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def _report_load(result: LoadResult, args: argparse.Namespace) -> int:
    err = sys.stderr
    for name in result.bundle.unknown_files:
        print(
            f"warning: {result.bundle.path / name}: not a bundle file; ignored "
            f"(bundle files: {', '.join(KNOWN_FILES)})",
            file=err,
        )
    if args.errors is not None:
        try:
            result.problems.write_all(args.errors)
        except OSError as exc:
            return _fail("load", f"{args.errors}: cannot write the problems: {exc.strerror}")
    if result.problems:
        for problem in result.problems.first:
            print(problem, file=err)
        more = len(result.problems) - len(result.problems.first)
        if more:
            print(f"... and {more} more problems; --errors FILE writes them all", file=err)
        count = len(result.problems)
        print(
            f"invalid bundle {result.bundle.path}: {count} problem{'s' if count > 1 else ''}; "
            f"nothing was written{peak_memory('; ')}",
            file=err,
        )
        return EXIT_INVALID
    if result.conflicts:
        for conflict in result.conflicts:
            print(f"conflict with the graph: {conflict}", file=err)
        print(f"the store refused source {result.source!r}; nothing was written", file=err)
        return EXIT_INVALID
    _print_summary(result)
    return EXIT_OK


def peak_memory(separator: str = " ") -> str:
    """This process's peak resident memory as people read it (``"peak memory 52 MiB"`` after
    ``separator``), or "" where the system does not say.

    It is the high-water mark of the process's own memory map (``VmHWM``): ``ru_maxrss`` would
    include the size of the process that started it, which Linux carries across fork and exec.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return f"{separator}peak memory {int(line.split()[1]) / 1024:,.0f} MiB"
    except (OSError, ValueError, IndexError):
        pass
    return ""


def _print_summary(result: LoadResult) -> None:
    console = Console(highlight=False, soft_wrap=True)
    rate = result.records / result.seconds if result.seconds else 0.0
    contents = result.contents
    repeated = contents.repeated
    merged = (
        f"; {repeated} repeated relation row{'s' if repeated > 1 else ''} merged"
        if repeated
        else ""
    )
    if result.report is None:
        console.print(
            f"dry run: bundle {result.bundle.path} is valid for source {result.source!r}: "
            f"{sum(contents.nodes.values())} nodes, {sum(contents.relationships.values())} "
            f"relationships{merged}; nothing was written"
        )
        return
    table = Table(title=f"source {result.source}")
    table.add_column("type")
    for heading in ("created", "updated", "removed", "unchanged"):
        table.add_column(heading, justify="right")
    for changes in (result.report.nodes, result.report.relationships):
        table.add_section()
        for type_name, change in changes.items():
            table.add_row(
                type_name,
                *(
                    str(n)
                    for n in (change.created, change.updated, change.removed, change.unchanged)
                ),
            )
    console.print(table)
    console.print(
        f"loaded {result.bundle.path} as source {result.source!r}: "
        f"{sum(contents.nodes.values())} nodes, {sum(contents.relationships.values())} "
        f"relationships in {result.seconds:.1f} s ({rate:,.0f} rows/s{peak_memory(', ')}){merged}"
        + ("" if result.report.changed else "; nothing changed")
    )


@contextmanager
def _progress_display() -> Iterator[ProgressCallback]:
    """A progress callback: a rich bar on a terminal, a plain line now and then otherwise."""
    if not sys.stderr.isatty():
        yield _plain_progress()
        return
    bars = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def show(stage: str, done: int) -> None:
        if stage not in tasks:
            for task in tasks.values():
                bars.update(task, total=bars.tasks[task].completed)
            tasks[stage] = bars.add_task(stage, total=None)
        bars.update(tasks[stage], completed=done)

    with bars:
        yield show


def _plain_progress() -> ProgressCallback:
    """A line when a stage starts and then every ``PLAIN_PROGRESS_INTERVAL`` seconds; when the
    next stage starts, the last count of the one before if it was not printed yet."""
    printed: dict[str, float] = {}
    unprinted: dict[str, int] = {}

    def line(stage: str, done: int) -> None:
        print(f"{stage}: {done:,} rows" if done else stage, file=sys.stderr, flush=True)

    def show(stage: str, done: int) -> None:
        now = time.monotonic()
        if stage not in printed:
            for earlier, count in unprinted.items():
                line(earlier, count)
            unprinted.clear()
        elif now - printed[stage] < PLAIN_PROGRESS_INTERVAL:
            unprinted[stage] = done
            return
        printed[stage] = now
        unprinted.pop(stage, None)
        line(stage, done)

    return show


# --- stats -------------------------------------------------------------------------------------


def stats_command(args: argparse.Namespace) -> int:
    """``innonet stats``: the graph's counts, as a table or (``--json``) one JSON object."""
    try:
        store = open_store(args.store, create=False)
        try:
            counts = store.counts()
        finally:
            store.close()
    except StoreError as exc:
        return _fail("stats", exc)
    if args.json:
        print(json.dumps(counts.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_counts(counts)
    return EXIT_OK


def _print_counts(counts: GraphCounts) -> None:
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"{counts.nodes} nodes, {counts.relationships} relationships")
    for title, by_type in (
        ("nodes", counts.by_type),
        ("relationships", counts.by_relation_type),
    ):
        table = Table(title=title)
        table.add_column("type")
        table.add_column("count", justify="right")
        for name, count in by_type.items():
            table.add_row(name, str(count))
        console.print(table)
    sources = Table(title="sources")
    for heading in ("source", "loaded at", "nodes", "relationships"):
        sources.add_column(
            heading, justify="left" if heading in ("source", "loaded at") else "right"
        )
    for info in counts.sources:
        sources.add_row(info.name, info.loaded_at, str(info.nodes), str(info.relationships))
    console.print(sources)


# --- generate ----------------------------------------------------------------------------------


def generate_command(args: argparse.Namespace) -> int:
    """``innonet generate``: write a synthetic bundle with ``loaders.synthetic``."""
    try:
        counts = write_bundle(args.out, nodes=args.nodes, seed=args.seed, relations=args.relations)
    except ValueError as exc:
        return _fail("generate", exc)
    except OSError as exc:
        return _fail("generate", f"{args.out}: {exc.strerror}")
    for name, rows in counts.items():
        print(f"{args.out / name}: {rows} rows")
    return EXIT_OK
