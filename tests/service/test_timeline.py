"""The network over time over real HTTP: ``changes`` and ``trends`` against counts taken straight
from the Shanghai sample's CSV files, and ``asOf`` against the query layer."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from typing import Any

import pytest

from graphsvc.model import NODE_TYPES, RELATION_FILE
from graphsvc.stores.embedded import EmbeddedStore
from queries import centrality, communities, demands
from tests.conftest import SAMPLE_BUNDLE
from tests.service.conftest import Running, Serve

NEVER = dt.date.min


def _day(text: str) -> dt.date:
    """A cell's date; an empty cell is undated (exists since ever)."""
    if not text:
        return NEVER
    if len(text) == 4:
        return dt.date(int(text), 1, 1)
    return dt.date.fromisoformat(text[:10])


def _read(file: str) -> list[dict[str, str]]:
    with (SAMPLE_BUNDLE / file).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Csv:
    """The sample's rows with each node's and relation's day, read with the csv module."""

    def __init__(self) -> None:
        self.node_day: dict[str, dt.date] = {}
        self.node_type: dict[str, str] = {}
        self.rows: dict[str, dict[str, str]] = {}
        for model in NODE_TYPES:
            for row in _read(model.file):
                self.node_type[row["id"]] = model.name
                self.rows[row["id"]] = row
                self.node_day[row["id"]] = _day(row.get(model.since or "", "") or "")
        self.relations = _read(RELATION_FILE)
        for rel in self.relations:
            rel["day"] = max(
                _day(rel["date"]), self.node_day[rel["source"]], self.node_day[rel["target"]]
            ).isoformat()

    def nodes_in(self, after: dt.date, until: dt.date) -> Counter[str]:
        return Counter(
            self.node_type[i] for i, day in self.node_day.items() if after < day <= until
        )

    def relations_in(self, after: dt.date, until: dt.date) -> list[dict[str, str]]:
        return [r for r in self.relations if after < dt.date.fromisoformat(r["day"]) <= until]


@pytest.fixture(scope="module")
def sample() -> Csv:
    return Csv()


@pytest.fixture
def city(serve: Serve, shanghai: EmbeddedStore) -> Running:
    return serve(shanghai)


END_2022, END_2023 = dt.date(2022, 12, 31), dt.date(2023, 12, 31)

CHANGES = """
query ($from: String!, $to: String!) {
  changes(from: $from, to: $to, top: 5) {
    before { asOf nodes undatedNodes relationships undatedRelationships }
    after { asOf nodes undatedNodes }
    nodes { type count }
    relationships { type count }
    hubs { rank rankBefore node { id name } }
    brokersRose { node { id } share shareBefore }
    newChannelIds newCountries demandsPosted demandsSolved
    transfersByMode { key count amountCny }
    transfersByActor { key count amountCny }
  }
}
"""


def test_changes_equal_the_counts_of_the_csv_files(city: Running, sample: Csv) -> None:
    found = city.data(CHANGES, {"from": "2022", "to": "2023-12-31"})["changes"]
    assert found["before"]["asOf"] == "2022-12-31"
    assert {n["type"]: n["count"] for n in found["nodes"]} == sample.nodes_in(END_2022, END_2023)
    appeared = sample.relations_in(END_2022, END_2023)
    assert {r["type"]: r["count"] for r in found["relationships"]} == Counter(
        r["type"] for r in appeared
    )
    undated = sum(1 for i, day in sample.node_day.items() if day == NEVER)
    assert found["before"]["undatedNodes"] == found["after"]["undatedNodes"] == undated
    existing = [d for d in sample.node_day.values() if d <= END_2022]
    assert found["before"]["nodes"] == len(existing)
    demands = sample.nodes_in(END_2022, END_2023)["Demand"]
    assert found["demandsPosted"] == demands
    first_solved: dict[str, dt.date] = {}
    for r in sample.relations:
        if r["type"] == "SOLVES":
            day = dt.date.fromisoformat(r["day"])
            first_solved[r["target"]] = min(first_solved.get(r["target"], day), day)
    assert found["demandsSolved"] == sum(
        1 for day in first_solved.values() if END_2022 < day <= END_2023
    )
    transfers = [r for r in appeared if r["type"] == "TRANSFERRED_TO"]
    by_mode: dict[str, tuple[int, float]] = {}
    for r in transfers:
        count, amount = by_mode.get(r["mode"] or "unspecified", (0, 0.0))
        by_mode[r["mode"] or "unspecified"] = (count + 1, amount + float(r["amount_cny"] or 0))
    assert {
        t["key"]: (t["count"], pytest.approx(t["amountCny"])) for t in found["transfersByMode"]
    } == by_mode
    assert sum(t["count"] for t in found["transfersByActor"]) == len(transfers)
    assert found["hubs"][0]["rank"] == 1 and found["hubs"][0]["node"]["name"]
    channels = sorted(
        i
        for i, t in sample.node_type.items()
        if t == "OverseasChannel" and END_2022 < sample.node_day[i] <= END_2023
    )
    assert found["newChannelIds"] == channels


TRENDS = """
query ($metric: TrendMetric!) {
  trends(metric: $metric, from: 2016, to: 2023) { metric points { year value parts { key value } } }
}
"""


def test_trends_equal_the_counts_of_the_csv_files(city: Running, sample: Csv) -> None:
    new_nodes = city.data(TRENDS, {"metric": "NEW_NODES"})["trends"]["points"]
    for point in new_nodes:
        year = point["year"]
        expected = sample.nodes_in(dt.date(year - 1, 12, 31), dt.date(year, 12, 31))
        assert {p["key"]: p["value"] for p in point["parts"]} == expected
        assert point["value"] == sum(expected.values())
    amounts = city.data(TRENDS, {"metric": "TRANSFER_AMOUNT"})["trends"]["points"]
    for point in amounts:
        year = point["year"]
        deals = [
            r
            for r in sample.relations_in(dt.date(year - 1, 12, 31), dt.date(year, 12, 31))
            if r["type"] == "TRANSFERRED_TO"
        ]
        assert point["value"] == pytest.approx(sum(float(r["amount_cny"] or 0) for r in deals))


def test_as_of_answers_as_the_query_layer_and_counts_the_undated(
    city: Running, shanghai: EmbeddedStore
) -> None:
    query = """
    { centrality(metric: PAGERANK, types: [BROKER], top: 5, asOf: "2019")
        { scores { rank score node { id } } }
      graphAsOf(asOf: "2019") { asOf nodes undatedNodes relationships undatedRelationships } }
    """
    found = city.data(query)
    expected = centrality.centrality(shanghai, "PAGERANK", types=["BROKER"], top=5, as_of="2019")
    assert [s["node"]["id"] for s in found["centrality"]["scores"]] == [
        s.node for s in expected.scores
    ]
    today = centrality.centrality(shanghai, "PAGERANK", types=["BROKER"], top=5)
    assert [s.node for s in today.scores] != [s.node for s in expected.scores] or [
        s.score for s in today.scores
    ] != [s.score for s in expected.scores]
    dating: dict[str, Any] = found["graphAsOf"]
    assert dating["asOf"] == "2019-12-31"
    assert 0 < dating["undatedNodes"] < dating["nodes"] < shanghai.counts().nodes


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('{ centrality(metric: DEGREE, asOf: "2019-02-30") { approximate } }', "is not a date"),
        ('{ changes(from: "2023", to: "2022") { demandsPosted } }', "must be before"),
        ("{ trends(metric: NODES, from: 1900, to: 2023) { metric } }", "at most 100"),
    ],
)
def test_bad_dates_are_bad_requests(city: Running, query: str, message: str) -> None:
    error = city.error(query)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert message in error["message"]


AS_OF_FIELDS = """
  shortestPath(source: "uni:sjtu", target: "brk:innomatch", asOf: $at) { length }
  kShortestPaths(source: "uni:sjtu", target: "uni:fudan", k: 2, asOf: $at) { length }
  introductions(source: "uni:sjtu", target: "uni:fudan", maxHops: 2, asOf: $at) { truncated }
  centrality(metric: DEGREE, top: 3, asOf: $at) { scores { node { id } } }
  brokerageRoles(top: 3, asOf: $at) { total }
  structuralHoles(top: 3, asOf: $at) { degree }
  fragility(top: 3, asOf: $at) { cutPoints { componentSize } }
  removalImpact(id: "brk:east", asOf: $at) { separation { size } }
  communities(top: 3, asOf: $at) { total }
  overseasReach(top: 3, asOf: $at) { channels links }
  lostRoutes(removed: ["brk:east"], toCountry: "DE", asOf: $at) { removed }
  concentration(asOf: $at) { deals }
  unreached(asOf: $at) { nodes unreached }
  unsolvedDemands(statuses: null, limit: 1, asOf: $at) { total }
"""
"""Every time-dependent root field, one a line (asked one a request: together they cost more
work than one request may)."""


def _as_of_fields(api: Running, at: str | None) -> dict[str, Any]:
    """The answers of every :data:`AS_OF_FIELDS` field as of ``at``."""
    answers: dict[str, Any] = {}
    for field in AS_OF_FIELDS.strip().splitlines():
        answers |= api.data(f"query ($at: String) {{ {field} }}", {"at": at})
    return answers


def test_every_time_dependent_field_takes_as_of(city: Running, shanghai: EmbeddedStore) -> None:
    then = _as_of_fields(city, "2022-10-31")
    today = _as_of_fields(city, None)
    assert then["overseasReach"]["links"] <= today["overseasReach"]["links"]
    assert then["concentration"]["deals"] < today["concentration"]["deals"]
    assert (
        then["unsolvedDemands"]["total"]
        == demands.unsolved_demands(shanghai, statuses=None, as_of="2022-10-31").total
    )
    assert (
        then["communities"]["total"] == communities.communities(shanghai, as_of="2022-10-31").total
    )
