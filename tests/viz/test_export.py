"""Exports: GEXF 1.3, GraphML and CSV of the whole graph and of a map's query, from the command
line and from ``/export/...`` on a loopback server; each read back by networkx or csv and
compared with the query behind it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from graphsvc.cli import main
from graphsvc.stores.contract import Store
from queries.centrality import centrality
from viz.export_web import routes as export_routes

from .conftest import LoopbackServer


@pytest.fixture(scope="module")
def exports(city: Store) -> Iterator[LoopbackServer]:
    app = Starlette(routes=[Mount("/export", routes=export_routes(lambda: city))])
    with LoopbackServer(app) as server:
        yield server


def _hub_among(city: Store, top: int) -> tuple[set[str], set[str]]:
    """The hub map's question asked directly: the top ids and the relationships among them."""
    ids = {s.node for s in centrality(city, "PAGERANK", top=top).scores}
    among = {
        r.id for r in city.relationships_of(sorted(ids)) if r.source in ids and r.target in ids
        and r.source != r.target
    }  # fmt: skip
    return ids, among


def test_gexf_of_a_map_query_matches_the_query(exports: LoopbackServer, city: Store) -> None:
    response = httpx.get(
        f"{exports.url}/export/gexf", params={"map": "hub", "top": "60", "per_type": "0"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/gexf+xml")
    assert 'version="1.3"' in response.text
    graph = nx.read_gexf(io.BytesIO(response.content))
    ids, among = _hub_among(city, 60)
    assert set(graph.nodes) == ids
    assert {d["id"] for _, _, d in graph.edges(data=True)} == among
    node = city.nodes([next(iter(ids))])[next(iter(ids))]
    seen = graph.nodes[node.id]
    assert seen["label"] == node.name
    assert seen["type"] == node.type and seen["kind"] == node.kind
    assert seen["country"] == node.country
    assert isinstance(seen["pagerank"], float) and isinstance(seen["pagerank_rank"], float)
    if "founded" in node.properties:
        assert seen["founded"] == node.properties["founded"]


def test_whole_graph_from_the_cli_in_every_format(city: Store, tmp_path: Path) -> None:
    counts = city.counts()
    for name in ("all.gexf", "all.graphml", "all.nodes.csv", "all.relations.csv"):
        assert main(["export", str(tmp_path / name), "--store", city.uri]) == 0
    gexf = nx.read_gexf(tmp_path / "all.gexf")
    graphml = nx.read_graphml(tmp_path / "all.graphml")
    for graph in (gexf, graphml):
        assert graph.number_of_nodes() == counts.nodes
        assert graph.number_of_edges() == counts.relationships
    with (tmp_path / "all.nodes.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == counts.nodes and {"id", "name", "type", "country"} <= set(rows[0])
    with (tmp_path / "all.relations.csv").open(encoding="utf-8") as file:
        relations = list(csv.DictReader(file))
    assert len(relations) == counts.relationships
    assert {r["type"] for r in relations} == {e.type for e in city.iter_edges()}


def test_cli_exports_a_map_query(city: Store, tmp_path: Path) -> None:
    out = tmp_path / "hub.graphml"
    argv = [
        "export",
        str(out),
        "--map",
        "hub",
        "--param",
        "top=40",
        "--param",
        "per_type=0",
        "--store",
        city.uri,
    ]
    assert main(argv) == 0
    ids, among = _hub_among(city, 40)
    graph = nx.read_graphml(out)
    assert set(graph.nodes) == ids
    assert graph.number_of_edges() == len(among)


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ({"map": "hub", "top": "5000"}, 400, "top must be between"),
        ({"map": "atlas"}, 400, "unknown map 'atlas'"),
        ({"top": "5"}, 400, "need map=KIND"),
        ({"map": "ego", "id": "nobody"}, 404, "nobody"),
    ],
)
def test_export_route_errors(
    exports: LoopbackServer, query: dict[str, str], status: int, words: str
) -> None:
    response = httpx.get(f"{exports.url}/export/gexf", params=query)
    assert response.status_code == status
    assert words in response.text
    assert httpx.get(f"{exports.url}/export/pdf").status_code == 404


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["export", "out.pdf"], 2, "cannot tell the format"),
        (["export", "out.gexf", "--param", "top=3"], 2, "--param needs --map"),
        (["export", "out.gexf", "--map", "hub", "--param", "top"], 2, "not NAME=VALUE"),
        (["export", "out.gexf", "--map", "ego", "--param", "id=nobody"], 1, "nobody"),
    ],
)
def test_export_cli_errors(
    city: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    words: str,
) -> None:
    argv = [*argv[:1], str(tmp_path / argv[1]), *argv[2:], "--store", city.uri]
    assert main(argv) == code
    assert words in capsys.readouterr().err
