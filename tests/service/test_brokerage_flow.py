"""docs/api.md's broker questions over HTTP on the Shanghai sample: brokers sit between
universities and enterprises on the actor flow network, and never on D."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graphsvc.stores.embedded import EmbeddedStore
from queries import roles

if TYPE_CHECKING:
    from tests.service.conftest import Serve

REPO = Path(__file__).resolve().parents[2]


def api_example(question: str) -> str:
    """The query docs/api.md gives under the comment starting with ``question``: the lines after
    the comment up to the next blank line."""
    lines = (REPO / "docs" / "api.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"# {question}"))
    body = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        if not line.startswith("#"):
            body.append(line)
    return "\n".join(body)


def test_docs_broker_example_answers(serve: Serve, shanghai: EmbeddedStore) -> None:
    api = serve(shanghai)
    query = api_example("Which brokers sit between universities and enterprises")
    got = api.data(query)["brokerageRoles"]
    want = roles.brokerage_roles(
        shanghai, group_by="kind", types=["Broker"], role="liaison", top=10
    )
    assert len(got) == 10
    nodes = [shanghai.node(p.node) for p in want]
    assert [p["node"]["name"] for p in got] == [n.name for n in nodes if n is not None]
    assert got[0]["node"]["name"] == "国家技术转移东部中心"
    liaisons = [{r["role"]: r["count"] for r in p["roles"]}["LIAISON"] for p in got]
    assert liaisons == sorted(liaisons, reverse=True) and liaisons[-1] > 0


def test_brokers_never_broker_on_d(serve: Serve, shanghai: EmbeddedStore) -> None:
    api = serve(shanghai)
    on_d = api.data(
        "{ brokerageRoles(groupBy: KIND, types: [BROKER], network: D) { node { id } } }"
    )["brokerageRoles"]
    assert on_d == []


def test_docs_intermediaries_example_answers(serve: Serve, shanghai: EmbeddedStore) -> None:
    found = serve(shanghai).data(api_example("Who can introduce"))["intermediaries"]
    assert [i["node"]["name"] for i in found[:2]] == ["上海技术交易所", "国家技术转移东部中心"]
    assert all(i["paths"] for i in found)
