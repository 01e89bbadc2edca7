"""``innonet viz`` exit codes and files, and the /maps routes' answers to good and bad questions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graphsvc.cli import main
from graphsvc.stores.contract import Store
from viz.kinds import EgoMapRequest, PathMapRequest, parse_request

from .conftest import LoopbackServer


def test_cli_writes_each_map(
    city: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commands = {
        "hub": ["hub", "--metric", "degree", "--top", "30", "--types", "INSTITUTION,BROKER"],
        "channels": ["channels", "--max-nodes", "200"],
        "ego": ["ego", "inst-2", "--depth", "2", "--rel-types", "SERVES"],
        "path": ["path", "inst-1", "inst-20", "--k", "3", "--context", "20"],
    }
    for name, arguments in commands.items():
        out = tmp_path / f"{name}.html"
        assert main(["viz", *arguments, "--out", str(out), "--store", city.uri]) == 0
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    printed = capsys.readouterr().out
    assert "Showing 30 of" in printed and "Institution" not in printed.split("Hub map")[0]


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["ego", "no-such-actor"], 1, "no node with id or name 'no-such-actor'"),
        (["path", "inst-1", "nobody"], 1, "no node with id or name 'nobody'"),
        (["ego", "inst-1", "--depth", "4"], 2, "depth must be between"),
        (["hub", "--top", "5000"], 2, "top must be between"),
        (["hub", "--types", "LAB"], 2, "unknown node type 'LAB'"),
        (["channels", "--home-country", "china"], 2, "ISO 3166-1"),
    ],
)
def test_cli_errors(
    city: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    code: int,
    message: str,
) -> None:
    out = tmp_path / "map.html"
    assert main(["viz", *arguments, "--out", str(out), "--store", city.uri]) == code
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.fixture(scope="module")
def client(map_server: LoopbackServer) -> Iterator[httpx.Client]:
    """An HTTP client of the /maps routes served by uvicorn on a loopback port."""
    with httpx.Client(base_url=map_server.url, timeout=60) as client:
        yield client


def test_routes_answer_pages(client: httpx.Client) -> None:
    listing = client.get("/maps/")
    assert listing.status_code == 200 and 'href="hub"' in listing.text
    assert "<tr><td><code>id</code></td><td>required</td></tr>" in listing.text
    assert "<tr><td><code>country</code></td><td>any</td></tr>" in listing.text
    assert "None" not in listing.text and "``" not in listing.text
    page = client.get("/maps/ego", params={"id": "inst-4", "depth": "1"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    again = client.get("/maps/ego", params={"id": "inst-4", "depth": "1"})
    assert again.text == page.text


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/maps/ego?id=nobody", 404, "no node with id or name &#x27;nobody&#x27;"),
        ("/maps/path?source=inst-1&target=nobody", 404, "nobody"),
        ("/maps/ego", 400, "the ego map needs id"),
        ("/maps/ego?id=inst-1&depth=two", 400, "depth must be an integer, got &#x27;two&#x27;"),
        ("/maps/ego?id=inst-1&depth=9", 400, "depth must be between 0 and 3"),
        ("/maps/ego?id=inst-1&id=inst-2", 400, "id given 2 times"),
        ("/maps/hub?colour=red", 400, "unknown parameter &#x27;colour&#x27;"),
        ("/maps/hub?metric=fame", 400, "unknown centrality metric"),
        ("/maps/path?source=inst-1&target=inst-2&k=99", 400, "k must be between"),
        ("/maps/channels?max_nodes=0", 400, "max_nodes must be between 1 and 1500"),
        ("/maps/ego?id=%3Cscript%3E", 404, "&lt;script&gt;"),
    ],
)
def test_routes_refuse_bad_questions(
    client: httpx.Client, url: str, status: int, message: str
) -> None:
    answer = client.get(url)
    assert answer.status_code == status
    assert message in answer.text
    assert "<script>" not in answer.text and "Traceback" not in answer.text


def test_parse_request_reads_lists_and_numbers() -> None:
    asked = parse_request(
        "path",
        [("source", "a"), ("target", "b"), ("via", "BROKER,INVESTOR"), ("via", "INSTITUTION")],
    )
    assert asked == PathMapRequest(
        source="a", target="b", via=("BROKER", "INVESTOR", "INSTITUTION")
    )
    assert parse_request("ego", [("id", "x"), ("depth", " 2 ")]) == EgoMapRequest(id="x", depth=2)
