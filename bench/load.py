"""Benchmark of ``innonet load``: a first load and an unchanged reload of a large synthetic bundle,
next to plain inserts of the same rows.

    python bench/load.py [--nodes 200000] [--relations 1000000] [--seed 0]

The bundle is generated with :func:`loaders.synthetic.write_bundle` into a temporary directory
(removed afterwards), and each load runs as its own ``innonet load`` process so that its peak
resident memory can be read from the kernel's accounting of that one child. Prints seconds,
rows per second, CPU seconds, peak RSS and the seconds of each stage of its progress per load.
Targets on a 2-core machine: each load <= 60 s, peak RSS <= 1.5 GB.

Then the rows the first load stored are read back and inserted again, timed, into two new files:
*plain*, innonet's own schema (its tables, indexes and search index, ``embedded.SCHEMA``) with one
``executemany`` a table in one transaction, in the stored order; *bare*, the same columns in
tables without keys, indexes or search index. The ratio of plain to the first load is issue 11's
target (>= 0.8x); the file sizes are printed next to each other. The load runs without building
the projection (``INNONET_PROJECTIONS=off``): that is ``bench/projection.py``'s.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graphsvc.stores import search_index
from graphsvc.stores.embedded import SCHEMA
from loaders.synthetic import write_bundle

INNONET = [sys.executable, "-m", "graphsvc.cli"]


def timed_load(bundle: Path, store: Path) -> tuple[float, float, int, dict[str, float]]:
    """Run ``innonet load`` once; its wall seconds, its CPU seconds (user and system, all its
    threads: a first load runs some SQLite statements beside Python work), its peak memory in
    bytes, as the load reports it (its own high-water mark: ``ru_maxrss`` would include this
    script's size), and the seconds from each stage of its progress lines to the next (the
    ``validating`` stages as one; the first includes starting Python). Exits if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        [*INNONET, "load", str(bundle), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "INNONET_PROJECTIONS": "off"},
    )
    assert process.stderr is not None and process.stdout is not None
    stages: dict[str, float] = {}
    for line in process.stderr:
        stage = line.split(":")[0].strip()
        stage = "validating" if stage.startswith("validating") else stage
        if stage and stage not in stages:
            stages[stage] = time.perf_counter()
    out = process.stdout.read()
    process.wait()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if process.returncode != 0:
        sys.exit(f"innonet load {bundle} failed with exit code {process.returncode}")
    peak = re.search(r"peak memory ([\d,]+) MiB", out)
    if peak is None:
        sys.exit(f"innonet load did not report its peak memory:\n{out}")
    times = [started, *list(stages.values())[1:], started + seconds]
    phases = {
        stage: end - start for stage, start, end in zip(stages, times[:-1], times[1:], strict=True)
    }
    return seconds, cpu, int(peak.group(1).replace(",", "")) * 1024 * 1024, phases


TABLES = ("nodes", "relationships", "node_holders", "relationship_holders", "sources", "meta")
"""The tables of a store file whose rows are inserted again, in this order."""


def stored_rows(store: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the store's tables, and its search index's rows as the load made them."""
    with sqlite3.connect(store) as conn:
        rows = {table: conn.execute(f"SELECT * FROM {table}").fetchall() for table in TABLES}
        keys = conn.execute("SELECT key, id, name FROM search_keys").fetchall()
    rows["search_keys"] = keys
    rows["search_trigrams"] = [(key, name, id) for key, id, name in keys]
    rows["search_grams"] = [(key, search_index.grams(name, id)) for key, id, name in keys]
    return rows


def plain_inserts(rows: dict[str, list[tuple[object, ...]]], path: Path, *, bare: bool) -> float:
    """Seconds to insert ``rows`` into a new file at ``path``, with one ``executemany`` a table
    in one transaction, into innonet's schema or (``bare``) into tables without keys or indexes."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    tables = [t for t in rows if not (bare and t.startswith("search_"))]
    if bare:
        for table in tables:
            width = len(rows[table][0]) if rows[table] else 1
            columns = ", ".join(f"c{i}" for i in range(width))
            conn.execute(f"CREATE TABLE {table} ({columns})")
    else:
        conn.executescript(SCHEMA)
    started = time.perf_counter()
    conn.execute("BEGIN")
    for table in tables:
        if rows[table]:
            marks = ", ".join("?" * len(rows[table][0]))
            columns = ""
            if table == "search_trigrams" and not bare:
                columns = " (rowid, name, id)"
            elif table == "search_grams" and not bare:
                columns = " (rowid, grams)"
            conn.executemany(f"INSERT INTO {table}{columns} VALUES ({marks})", rows[table])
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="innonet-bench-") as scratch:
        bundle = Path(scratch) / "bench"
        started = time.perf_counter()
        written = write_bundle(bundle, nodes=args.nodes, seed=args.seed, relations=args.relations)
        rows = sum(written.values())
        print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f} s")
        store = Path(scratch) / "bench.db"
        first = 0.0
        for label in ("first load", "unchanged reload"):
            seconds, cpu, peak, phases = timed_load(bundle, store)
            first = first or seconds
            print(
                f"{label:17} {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  "
                f"CPU {cpu:5.1f} s  peak RSS {peak / 2**20:6.0f} MiB"
            )
            print("  " + ", ".join(f"{stage} {took:.1f} s" for stage, took in phases.items()))
        stored = stored_rows(store)
        size = store.stat().st_size + _wal(store)
        print(f"store file {size / 2**20:.0f} MiB; {os.cpu_count()} CPUs")
        for label, bare in (("plain inserts", False), ("bare inserts", True)):
            path = Path(scratch) / f"{label.split()[0]}.db"
            seconds = plain_inserts(stored, path, bare=bare)
            print(
                f"{label:17} {seconds:6.1f} s  {seconds / first:.3f}x the first load's time  "
                f"file {(path.stat().st_size + _wal(path)) / 2**20:.0f} MiB"
            )
    return 0


def _wal(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


if __name__ == "__main__":
    sys.exit(main())
