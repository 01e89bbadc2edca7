"""Benchmark of the graph over time on one generated graph (100,000 nodes and 500,000 relations
by default, loaded as ``bench/analytics.py`` loads it, sharing its work folder):

- today's projection built from the store, against the projection as of a past date derived
  from it (warm: today's is cached; cold: both built) — target: within 1.5x of today's;
- PageRank and sampled betweenness at the past date against the same on today's graph;
- ``changes`` between two years and ``trends`` of every metric;
- the annual report (HTML) on the 100k graph and on the Shanghai sample — target: under 30 s.

Run: ``python bench/timeline.py [--nodes N] [--relations M] [--workdir DIR] [--as-of YEAR]``.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

from analytics import load, timed

from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from queries import projection as projections
from queries.centrality import centrality
from queries.changes import TREND_METRICS, changes, trends
from queries.projection import Projection, projection
from report.build import build_report

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shanghai"


def row(what: str, seconds: float, peer: float | None = None) -> None:
    ratio = f"{seconds / peer:.2f}x of today's" if peer else ""
    print(f"{what:<58} {seconds:>8.2f} s  {ratio}", flush=True)


def forget(store: EmbeddedStore) -> None:
    """Drop the store's cached projections (the next call builds from the store)."""
    projections._caches.pop(store, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2019", help="the past date (default 2019)")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "innonet-bench"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings("ignore", message="Couldn't reach some vertices")
    store = load(args.workdir, args.nodes, args.relations, args.seed)

    today, whole = timed(lambda: Projection.from_store(store))
    row("today's projection (from the store)", today)
    forget(store)
    cold, _ = timed(lambda: projection(store, as_of=args.as_of))
    row(f"as-of {args.as_of} projection, cold (today's built too)", cold, today)
    forget(store)
    projection(store)
    warm, then = timed(lambda: projection(store, as_of=args.as_of))
    row(f"as-of {args.as_of} projection, derived from today's", warm, today)
    print(
        f"  today {whole.number_of_nodes():,} nodes / {len(whole.relationship_ids):,} "
        f"relationships; as of {args.as_of}: {then.number_of_nodes():,} / "
        f"{len(then.relationship_ids):,}",
        flush=True,
    )
    for metric in ("PAGERANK", "BETWEENNESS"):
        now, _ = timed(lambda m=metric: centrality(store, m, top=20))
        past, _ = timed(lambda m=metric: centrality(store, m, top=20, as_of=args.as_of))
        row(f"{metric.lower()}, today's graph", now)
        row(f"{metric.lower()}, as of {args.as_of}", past, now)
    seconds, _ = timed(lambda: changes(store, "2022", "2023"))
    row("changes 2022 -> 2023 (first call: timeline, transfers read)", seconds)
    seconds, _ = timed(lambda: [trends(store, m, 2015, 2024) for m in TREND_METRICS])
    row(f"trends of all {len(TREND_METRICS)} metrics, 2015-2024", seconds)
    forget(store)
    seconds, _ = timed(lambda: build_report(store, 2023))
    row(f"annual report 2023 on {args.nodes:,} nodes (cold)", seconds)
    store.close()

    sample = EmbeddedStore(args.workdir / "shanghai-sample.db")
    with refresh_bundle(sample, SAMPLE, "shanghai") as result:
        assert result.valid
    seconds, report = timed(lambda: build_report(sample, 2023))
    row(f"annual report 2023 on the Shanghai sample ({len(report) // 1024} KiB)", seconds)
    sample.close()


if __name__ == "__main__":
    main()
