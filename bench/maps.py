"""Benchmark of the maps: build time, page size, time to interactive and to a stable layout in
Chromium, frames per second while panning, and export times (PNG in the page; GEXF of the whole
graph from the store).

    python bench/maps.py [--nodes 20000] [--export-nodes 100000] [--seed 3] [--out bench/out/maps]

Generates a synthetic city (``loaders.synthetic``), loads it into an embedded store, then for
each kind of map at 500, 1,000 and 1,500 drawn nodes (1,500 is the cap, ``viz.maps.NODE_CAP``;
the hub map stops at 1,000, the most a centrality ranking returns) measures:

- build: seconds from the request to the HTML text (query, pyvis network, page);
- size: the HTML page in bytes (vis-network, about 470 kB of it, is inlined in each);
- stable: milliseconds from the page's script start to vis-network's
  ``stabilizationIterationsDone`` (after which physics is off), in headless Chromium;
- load: wall seconds from navigation to that moment;
- interactive: milliseconds from the page's script start to the explorer wired and the network
  created (search, filters and clicks answer from then on, while the layout still runs);
- pan fps: frames per second while the view is moved every frame for 2 s after the layout;
- png: milliseconds to redraw the current view at 3,200 px wide and encode it as PNG.

Then GEXF of the whole graph (``viz.export``) for this city and for a second, bigger one of
``--export-nodes`` (streamed to a file; seconds and MB).

Pages are served from a loopback HTTP server; Chromium is Debian's (``--chromium``). Prints a
Markdown table (copied into docs/maps.md).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import platform
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphsvc.stores.contract import SearchFilter
from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle
from queries.centrality import centrality
from queries.errors import MAX_TOP
from viz.kinds import (
    ChannelMapRequest,
    EgoMapRequest,
    HubMapRequest,
    MapRequest,
    PathMapRequest,
)
from viz.maps import NODE_CAP

SIZES = (500, 1_000, NODE_CAP)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Figure:
    """One measured map."""

    kind: str
    asked: int
    drawn: int
    edges: int
    build_s: float
    html_bytes: int
    stable_ms: float
    load_s: float
    note: str
    interactive_ms: float = 0.0
    pan_fps: float = 0.0
    png_ms: float = 0.0


def requests_for(store: EmbeddedStore, size: int) -> dict[str, MapRequest]:
    """The four maps asked so that each draws ``size`` nodes (or as many as the city holds)."""
    hub = centrality(store, "DEGREE", top=1).scores[0].node
    lab = store.search(_kind("research_institute"), first=1).nodes[0].id
    firm = store.search(_kind("enterprise"), first=1).nodes[0].id
    asked: dict[str, MapRequest] = {
        "channels": ChannelMapRequest(max_nodes=size),
        "ego": EgoMapRequest(id=hub, depth=2, max_nodes=size),
        "path": PathMapRequest(source=lab, target=firm, context=size, max_nodes=size),
    }
    if size <= MAX_TOP:
        asked = {"hub": HubMapRequest(metric="PAGERANK", top=size), **asked}
    return asked


def _kind(kind: str) -> SearchFilter:
    return SearchFilter(kinds=[kind])


def serve(folder: Path) -> tuple[socketserver.TCPServer, int]:
    """A quiet static HTTP server on 127.0.0.1 for ``folder``, in a thread."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return None

    handler = functools.partial(Quiet, directory=str(folder))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def measure(args: argparse.Namespace) -> list[Figure]:
    """Build every map at every size, then open each page in Chromium."""
    from playwright.sync_api import sync_playwright

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        bundle = Path(work) / "city"
        started = time.perf_counter()
        write_bundle(bundle, nodes=args.nodes, seed=args.seed)
        store = EmbeddedStore(Path(work) / "innonet.db")
        refresh_bundle(store, bundle, "bench")
        counts = store.counts()
        print(
            f"city: {counts.nodes:,} nodes, {counts.relationships:,} relationships, "
            f"loaded in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        centrality(store, "PAGERANK", top=1)  # warm the projection and the ranking once
        built: list[tuple[Figure, Path]] = []
        for size in SIZES:
            for kind, request in requests_for(store, size).items():
                started = time.perf_counter()
                page = request.draw(store)
                text = page.html()
                seconds = time.perf_counter() - started
                path = out / f"{kind}-{size}.html"
                path.write_text(text, encoding="utf-8")
                figure = Figure(
                    kind, size, page.node_count, len(page.network.get_edges()), seconds,
                    len(text.encode("utf-8")), 0.0, 0.0, page.coverage.note,
                )  # fmt: skip
                built.append((figure, path))
        store.close()
    server, port = serve(out)
    profile = Path(tempfile.mkdtemp(prefix="innonet-bench-chromium-"))
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(profile),
                executable_path=args.chromium,
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1400, "height": 900},
            )
            for figure, path in built:
                page = context.new_page()
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_() if "//127.0.0.1:" in route.request.url else route.abort()
                    ),
                )
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/{path.name}")
                page.wait_for_selector(
                    "body[data-layout=stable]", state="attached", timeout=120_000
                )
                figure.load_s = time.perf_counter() - started
                figure.stable_ms = page.evaluate("() => innonetMap.stabilisedAfterMs")
                figure.interactive_ms = page.evaluate("() => innonetMap.interactiveAfterMs || 0")
                figure.pan_fps = page.evaluate(PAN_FPS)
                figure.png_ms = page.evaluate(PNG_MS)
                page.screenshot(path=str(path.with_suffix(".png")))
                page.close()
                print(
                    f"{figure.kind:9} {figure.drawn:5} nodes  build {figure.build_s:6.2f} s  "
                    f"{figure.html_bytes / 1e6:5.2f} MB  stable {figure.stable_ms / 1000:5.2f} s "
                    f"pan {figure.pan_fps:4.0f} fps  png {figure.png_ms:5.0f} ms",
                    file=sys.stderr,
                )
            context.close()
    finally:
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    return [f for f, _ in built]


PAN_FPS = """() => new Promise(done => {
    const net = innonetMap.network, start = net.getViewPosition(), began = performance.now();
    let frames = 0;
    function step(now) {
        frames += 1;
        const t = (now - began) / 1000;
        net.moveTo({position: {x: start.x + 300 * Math.sin(t * 3), y: start.y}, animation: false});
        if (now - began < 2000) { requestAnimationFrame(step); }
        else { done(frames / ((now - began) / 1000)); }
    }
    requestAnimationFrame(step);
})"""
"""Frames per second while the view pans back and forth every frame for 2 s."""

PNG_MS = """() => new Promise(done => {
    const began = performance.now();
    innonetMap.toPng().toBlob(() => done(performance.now() - began), "image/png");
})"""
"""Milliseconds to redraw the current view at print size and encode it as PNG."""


def gexf_export(nodes: int, seed: int) -> tuple[int, int, float, float]:
    """Nodes, relationships, seconds and MB of the whole-graph GEXF of a city of ``nodes``."""
    from viz.export import whole_graph_relationships, write

    with tempfile.TemporaryDirectory() as work:
        write_bundle(Path(work) / "city", nodes=nodes, seed=seed)
        store = EmbeddedStore(Path(work) / "innonet.db")
        refresh_bundle(store, Path(work) / "city", "bench")
        counts = store.counts()
        out = Path(work) / "graph.gexf"
        started = time.perf_counter()
        with out.open("w", encoding="utf-8") as file:
            for chunk in write("gexf", store.iter_nodes(), whole_graph_relationships(store)):
                file.write(chunk)
        seconds = time.perf_counter() - started
        size = out.stat().st_size / 1e6
        store.close()
    return counts.nodes, counts.relationships, seconds, size


def machine() -> str:
    """``nproc`` and the head of ``lscpu``, for the record."""
    lines = [f"python {platform.python_version()}, nproc {os.cpu_count()}"]
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        lines.extend(lscpu.splitlines()[:10])
    except (OSError, subprocess.CalledProcessError):
        lines.append("(lscpu not available)")
    try:
        chromium = subprocess.run(
            ["chromium", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        lines.append(chromium)
    except (OSError, subprocess.CalledProcessError):
        pass
    return "\n".join(lines)


def table(figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    rows = [
        "| map | asked | drawn | edges | build (s) | HTML (MB) | interactive (s) "
        "| layout stable (s) | load to stable (s) | pan (fps) | PNG 3,200 px (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows.extend(
        f"| {f.kind} | {f.asked:,} | {f.drawn:,} | {f.edges:,} | {f.build_s:.2f} | "
        f"{f.html_bytes / 1e6:.2f} | {f.interactive_ms / 1000:.2f} | {f.stable_ms / 1000:.2f} | "
        f"{f.load_s:.2f} | {f.pan_fps:.0f} | {f.png_ms / 1000:.2f} |"
        for f in figures
    )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20_000, help="size of the synthetic city")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--export-nodes", type=int, default=100_000, help="size of the city exported as GEXF"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/out/maps"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    figures = measure(args)
    print("```")
    print(machine())
    print("```\n")
    print(table(figures))
    print()
    for f in figures:
        print(f"- {f.kind} {f.asked:,}: {f.note}")
    print()
    print("| whole graph as GEXF | nodes | relationships | seconds | MB |")
    print("|---|---:|---:|---:|---:|")
    for size in (args.nodes, args.export_nodes):
        nodes, relationships, seconds, mb = gexf_export(size, args.seed)
        print(f"| synthetic city | {nodes:,} | {relationships:,} | {seconds:.1f} | {mb:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
