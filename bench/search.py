"""Benchmark of the embedded store's indexed reads: ``search(text:)``, ``neighborhood(depth: 2)``.

For each size, generates a bundle (``loaders.synthetic.write_bundle``, 5 relations per node,
seed 0) and loads it into an embedded store in a work folder (kept, so a second run skips the
load), then measures in one process, each next to what it replaced, on the same file:

- search: a fixed mix of texts (pieces of 1 to 6 characters of random nodes' names, one in five
  of an id, ASCII letters in random case), ``store.search(text, first=20)`` (count and first page,
  nodes read) p50 / p95, overall and by text length, alone and with ``types: [INSTITUTION]``;
  *before* is the statement the store ran until the index (``LIKE`` over every node), and both
  must give the same page and count;
- neighbourhood: ``queries.neighbourhood(id, depth=2)`` around random institutions (the
  projection built first, not timed), median / p95; *before* replaces its relationships step by
  the earlier one (every relationship touching any member, decoded, then filtered), and both must
  give the same relationships; next to it, ``store.node`` in process. The issue's target
  (``neighborhood`` at least 20% of ``node`` throughput) is over HTTP: ``python -m bench.service``
  runs both scenarios.

Run: ``python bench/search.py [--sizes 10000,100000,1000000] [--workdir DIR] [--no-scan]``
(``--no-scan``: the index alone, without the former scan, which takes seconds a text at 1M).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
from pathlib import Path
from typing import Any

import analytics
from analytics import quantiles, timed

from graphsvc.stores.contract import Relationship, SearchFilter
from graphsvc.stores.embedded import EmbeddedStore
from loaders.synthetic import ID_PREFIXES, RELATIONS_PER_NODE
from queries.neighbourhood import neighbourhood
from queries.projection import projection

TEXTS = 300
CENTRES = 40
LENGTHS = (1, 2, 2, 3, 3, 4, 5, 6)


def load(workdir: Path, nodes: int) -> EmbeddedStore:
    """The generated graph of ``nodes`` nodes (seed 0), loaded as bench/analytics.py loads it."""
    return analytics.load(workdir, nodes, RELATIONS_PER_NODE * nodes, 0)


def sample_nodes(store: EmbeddedStore, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``(id, name)`` of ``count`` random nodes (the generator numbers each type's ids)."""
    by_type = store.counts().by_type
    kinds = [(ID_PREFIXES[t], n) for t, n in sorted(by_type.items())]
    weights = [n for _, n in kinds]
    ids = [
        f"{prefix}-{rng.randrange(n)}" for prefix, n in rng.choices(kinds, weights=weights, k=count)
    ]
    found = store.nodes(ids)
    return [(id, found[id].name) for id in ids if id in found]


def texts(store: EmbeddedStore, rng: random.Random, count: int) -> list[str]:
    chosen: list[str] = []
    for id, name in sample_nodes(store, rng, count * 2):
        source = id if rng.random() < 0.2 else name
        length = rng.choice(LENGTHS)
        if len(source) < length:
            continue
        start = rng.randrange(len(source) - length + 1)
        piece = source[start : start + length]
        chosen.append("".join(c.upper() if rng.random() < 0.5 else c for c in piece))
        if len(chosen) == count:
            break
    return chosen


def search_before(
    conn: sqlite3.Connection, text: str, types: list[str] | None
) -> tuple[int, list[str]]:
    """Count and first page of 20 as the store answered before the index: ``LIKE`` on every
    node (the statements of graphsvc/stores/embedded.py until this benchmark's commit)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    where = "(name LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\')"
    params: list[Any] = [like, like]
    if types:
        where += f" AND type IN ({', '.join('?' * len(types))})"
        params += types
    conn.execute("BEGIN")
    (total,) = conn.execute(f"SELECT count(*) FROM nodes WHERE {where}", params).fetchone()
    rows = conn.execute(
        f"SELECT id, type, name, properties FROM nodes WHERE {where} ORDER BY name, id LIMIT 21",
        params,
    ).fetchall()
    conn.execute("COMMIT")
    return total, [row[0] for row in rows[:20]]


def relationships_before(store: EmbeddedStore, ids: list[str]) -> list[Relationship]:
    """The neighbourhood's relationships as read before: every relationship of every member."""
    members = set(ids)
    kept = [r for r in store.relationships_of(ids) if r.source in members and r.target in members]
    return sorted(kept, key=lambda r: r.id)


def bench_search(store: EmbeddedStore, size: int, count: int, scan: bool) -> None:
    rng = random.Random(7)
    mix = texts(store, rng, count)
    conn = sqlite3.connect(store.path, isolation_level=None)
    for types in (None, ["Institution"]):
        rows: dict[str, list[tuple[float, float]]] = {"all": [], "1-2": [], "3+": []}
        for text in mix:
            where = SearchFilter(text=text, types=types)
            now, page = timed(lambda where=where: store.search(where, first=20))
            before = float("nan")
            if scan:
                before, (total, ids) = timed(lambda t=text, ty=types: search_before(conn, t, ty))
                assert (page.total, [n.id for n in page.nodes]) == (total, ids), text
            for key in ("all", "1-2" if len(text) <= 2 else "3+"):
                rows[key].append((now, before))
        label = "search" + (" + types" if types else "")
        for key, pairs in rows.items():
            now_50, now_95 = quantiles([p[0] for p in pairs])
            old_50, old_95 = quantiles([p[1] for p in pairs])
            print(
                f"{size:>9,}  {label:<16} {key:<4} n={len(pairs):<4} p50 {now_50 * 1e3:8.2f} ms"
                f"  p95 {now_95 * 1e3:8.2f} ms   before: p50 {old_50 * 1e3:8.2f} ms"
                f"  p95 {old_95 * 1e3:8.2f} ms   p50 {old_50 / now_50:6.1f}x",
                flush=True,
            )
    conn.close()


def bench_neighbourhood(store: EmbeddedStore, size: int, count: int) -> None:
    seconds, _ = timed(lambda: projection(store))
    print(f"{size:>9,}  projection built in {seconds:.1f} s (not in the figures below)", flush=True)
    rng = random.Random(11)
    institutions = store.counts().by_type["Institution"]
    centres = [f"inst-{rng.randrange(institutions)}" for _ in range(count)]
    whole, among, of, nodes, rels = [], [], [], [], []
    for centre in centres:
        seconds, ego = timed(lambda c=centre: neighbourhood(store, c, depth=2))
        now, found = timed(lambda ids=ego.nodes: store.relationships_among(ids))
        then, earlier = timed(lambda ids=ego.nodes: relationships_before(store, ids))
        assert found == earlier == ego.relationships, centre
        whole.append(seconds)
        among.append(now)
        of.append(then)
        nodes.append(len(ego.nodes))
        rels.append(len(found))
    before = [w - a + o for w, a, o in zip(whole, among, of, strict=True)]
    node_time = quantiles([timed(lambda i=i: store.node(i))[0] for i in centres * 25])[0]
    (now_50, now_95), (old_50, old_95) = quantiles(whole), quantiles(before)
    print(
        f"{size:>9,}  neighborhood(depth 2)  median {statistics.median(nodes):.0f} nodes, "
        f"{statistics.median(rels):.0f} relationships; p50 {now_50 * 1e3:.2f} ms, "
        f"p95 {now_95 * 1e3:.2f} ms (relationships step p50 {quantiles(among)[0] * 1e3:.2f} ms)"
        f"   before: p50 {old_50 * 1e3:.2f} ms, p95 {old_95 * 1e3:.2f} ms (relationships step "
        f"p50 {quantiles(of)[0] * 1e3:.2f} ms)   p50 {old_50 / now_50:.1f}x",
        flush=True,
    )
    print(
        f"{size:>9,}  store.node p50 {node_time * 1e3:.3f} ms in process (over HTTP the service "
        "adds ~0.5 ms to each: python -m bench.service measures both there)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "innonet-bench"
    )
    parser.add_argument("--skip", default="", help="search or neighbourhood, to skip one")
    parser.add_argument("--texts", type=int, default=TEXTS, help="search texts per size")
    parser.add_argument(
        "--no-scan", action="store_true", help="search without the former scan next to it"
    )
    parser.add_argument("--centres", type=int, default=CENTRES, help="neighbourhoods per size")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        store = load(args.workdir, size)
        if args.skip != "search":
            print(f"{size:>9,}  load average {os.getloadavg()[0]:.1f}", flush=True)
            bench_search(store, size, args.texts, not args.no_scan)
        if args.skip != "neighbourhood":
            bench_neighbourhood(store, size, args.centres)
        store.close()


if __name__ == "__main__":
    main()
