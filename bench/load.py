"""Benchmark of ``innonet load``: a first load and an unchanged reload of a large synthetic bundle.

    python bench/load.py [--nodes 200000] [--relations 1000000] [--seed 0]

The bundle is generated with :func:`loaders.synthetic.write_bundle` into a temporary directory
(removed afterwards), and each load runs as its own ``innonet load`` process so that its peak
resident memory can be read from the kernel's accounting of that one child. Prints seconds,
rows per second and peak RSS per load. Targets on a 2-core machine: each load <= 60 s, peak RSS
<= 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from loaders.synthetic import write_bundle

INNONET = [sys.executable, "-m", "graphsvc.cli"]


def timed_load(bundle: Path, store: Path) -> tuple[float, int]:
    """Run ``innonet load`` once; its wall seconds and peak memory in bytes, as the load reports
    it (its own high-water mark: ``ru_maxrss`` would include this script's size). Exits if it
    fails."""
    started = time.perf_counter()
    done = subprocess.run(
        [*INNONET, "load", str(bundle), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"innonet load {bundle} failed with exit code {done.returncode}")
    peak = re.search(r"peak memory ([\d,]+) MiB", done.stdout)
    if peak is None:
        sys.exit(f"innonet load did not report its peak memory:\n{done.stdout}")
    return seconds, int(peak.group(1).replace(",", "")) * 1024 * 1024


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
        for label in ("first load", "unchanged reload"):
            seconds, peak = timed_load(bundle, store)
            print(
                f"{label:17} {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  "
                f"peak RSS {peak / 2**20:6.0f} MiB"
            )
        print(f"store file {store.stat().st_size / 2**20:.0f} MiB; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
