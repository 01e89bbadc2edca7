"""Maps as of a date (``as_of``): the channel map draws only the channels and links of that date,
the hub map ranks on the graph of that date; a bad date is a 400 naming it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from graphsvc.stores.contract import SearchFilter, Store
from queries.centrality import centrality
from queries.changes import trends
from queries.neighbourhood import neighbourhood

from .conftest import LoopbackServer


@pytest.fixture(scope="module")
def client(map_server: LoopbackServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=map_server.url, timeout=60) as client:
        yield client


def _drawn(page: str) -> set[str]:
    return set(re.findall(r'"id": ?"([^"]+)"', page))


def test_channel_map_as_of_draws_the_channels_of_that_date(
    client: httpx.Client, city: Store
) -> None:
    page = city.search(SearchFilter(types=["OverseasChannel"]), first=500)
    channels = {n.id for n in page.nodes}
    series = trends(city, "OVERSEAS_CHANNELS", 2000, 2030).points
    year = next(p.year for p in series if 0 < p.value < series[-1].value)
    then = client.get("/maps/channels", params={"as_of": str(year)})
    today = client.get("/maps/channels")
    assert then.status_code == today.status_code == 200
    drawn_then, drawn_today = _drawn(then.text) & channels, _drawn(today.text) & channels
    assert drawn_then < drawn_today
    founded = {n.id: n.properties.get("established") for n in page.nodes}
    assert all(founded[c] is None or founded[c] <= year for c in drawn_then)


def test_hub_map_as_of_ranks_on_the_graph_of_that_date(client: httpx.Client, city: Store) -> None:
    top = centrality(city, "DEGREE", top=10, as_of="2015").scores
    plain = {"metric": "DEGREE", "top": "10", "per_type": "0", "as_of": "2015"}
    page = client.get("/maps/hub", params=plain)
    assert page.status_code == 200
    assert {s.node for s in top} <= _drawn(page.text)


def test_a_bad_as_of_is_refused(client: httpx.Client) -> None:
    answer = client.get("/maps/hub", params={"as_of": "2015-02-30"})
    assert answer.status_code == 400
    assert "is not a date" in answer.text


def test_path_map_as_of_draws_only_what_existed_then(
    client: httpx.Client, city: Store, lab_and_enterprise: tuple[str, str]
) -> None:
    from queries.projection import projection

    lab, enterprise = lab_and_enterprise
    existed = set(projection(city, as_of="2030").ids)
    for year in range(2015, 2031):
        then = set(projection(city, as_of=str(year)).ids)
        if lab in then and enterprise in then:
            existed = then
            break
    params = {"source": lab, "target": enterprise, "k": "2", "as_of": str(year)}
    page = client.get("/maps/path", params=params)
    assert page.status_code == 200
    drawn = _drawn(page.text) & set(projection(city).ids)
    assert drawn and drawn <= existed


def test_ego_map_as_of_draws_the_neighbourhood_of_that_date(
    client: httpx.Client, city: Store, lab_and_enterprise: tuple[str, str]
) -> None:
    lab, _ = lab_and_enterprise
    today = neighbourhood(city, lab, depth=2, limit=5000)
    for year in range(2010, 2031):
        then = neighbourhood(city, lab, depth=2, limit=5000, as_of=str(year))
        if 1 < len(then.nodes) < len(today.nodes):
            break
    else:
        pytest.skip("the lab's neighbourhood did not grow over the years in this sample")
    params = {"id": lab, "depth": "2", "max_nodes": "1500", "as_of": str(year)}
    page = client.get("/maps/ego", params=params)
    assert page.status_code == 200
    drawn = _drawn(page.text)
    assert set(then.nodes) <= drawn
    assert not (set(today.nodes) - set(then.nodes)) & drawn
