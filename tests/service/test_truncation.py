"""An intermediaries answer is exact or an error; introductions says how far the search went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphsvc.stores.embedded import EmbeddedStore
from queries import brokers

if TYPE_CHECKING:
    from tests.service.conftest import Serve

# The exchange and Innomatch are the sample's two biggest hubs: the simple paths of up to 8
# relationships between them are far more than the work cap lets one request enumerate.
HUBS = '"brk:stex", target: "brk:innomatch"'


def test_intermediaries_past_the_work_cap_is_a_truncated_error(
    serve: Serve, shanghai: EmbeddedStore
) -> None:
    api = serve(shanghai)
    error = api.error(f"{{ intermediaries(source: {HUBS}, maxHops: 8) {{ pathCount }} }}")
    assert error["extensions"]["code"] == "TRUNCATED"
    assert error["message"].startswith(
        "the routes between 'brk:stex' and 'brk:innomatch' within maxHops 8 are more than one "
        "request may examine"
    )
    assert "ask with a smaller maxHops, or ask introductions" in error["message"]


def test_introductions_gives_the_partial_answer_flagged(
    serve: Serve, shanghai: EmbeddedStore
) -> None:
    api = serve(shanghai)
    got = api.data(
        f"{{ introductions(source: {HUBS}, maxHops: 8, limit: 3) {{ truncated pathsExamined "
        "intermediaries { node { id } pathCount shortestHops } } }"
    )["introductions"]
    want = brokers.intermediaries(shanghai, "brk:stex", "brk:innomatch", max_hops=8, limit=3)
    assert want.truncated and got["truncated"] is True
    assert got["pathsExamined"] == want.paths_examined
    assert [(i["node"]["id"], i["pathCount"]) for i in got["intermediaries"]] == [
        (i.node, i.path_count) for i in want.items
    ]


def test_a_complete_answer_is_the_same_either_way(serve: Serve, shanghai: EmbeddedStore) -> None:
    api = serve(shanghai)
    fields = "node { id } pathCount shortestHops"
    exact = api.data(f"{{ intermediaries(source: {HUBS}, maxHops: 2) {{ {fields} }} }}")
    partial = api.data(
        f"{{ introductions(source: {HUBS}, maxHops: 2) "
        f"{{ truncated intermediaries {{ {fields} }} }} }}"
    )["introductions"]
    assert partial["truncated"] is False
    assert exact["intermediaries"] == partial["intermediaries"]
    assert exact["intermediaries"]
