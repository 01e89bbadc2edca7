"""A small innovation network to try the queries on (the docstrings' examples use it).

Lab A (``lab-a``) developed a solid-state battery achievement (``ach-battery``); the eastern
transfer centre (``broker-east``) brokered it and serves enterprise B (``ent-b``), which posted a
demand (``demand-b``) that the achievement solves; a fund invested in B; the western agency
(``broker-west``) serves lab A and partners with a channel in Germany (``channel-de``); lab A
collaborates with a German university (``uni-de``)::

    uni-de === lab-a --DEVELOPED--> ach-battery <--BROKERED-- broker-east --SERVES--> ent-b
                 ^                      |                                            | ^
               SERVES                SOLVES                                   RAISED | INVESTED_IN
                 |                      v                                            v |
            broker-west             demand-b <---------------------------------------+ fund-c
                 |
           PARTNERS_WITH --> channel-de

Most nodes and relationships carry dates (the lab was founded in 1990, the achievement is of 2019,
the demand was posted on 2020-03-01, the achievement solved it on 2021-02-01); the German
university, the fund and the fund's investment and the collaboration are undated.
"""

from __future__ import annotations

import os
import tempfile

from graphsvc.stores.contract import Node, Relationship
from graphsvc.stores.embedded import EmbeddedStore

EXAMPLE_NODES = (
    Node(
        "lab-a",
        "Institution",
        "East Materials Lab",
        {"kind": "university", "country": "CN", "founded": 1990},
    ),
    Node(
        "uni-de", "Institution", "Aachen Battery Institute", {"kind": "university", "country": "DE"}
    ),
    Node(
        "ent-b",
        "Institution",
        "B Battery Co.",
        {"kind": "enterprise", "country": "CN", "founded": 2015},
    ),
    Node("ach-battery", "Achievement", "Solid-state cathode", {"field": "energy", "year": 2019}),
    Node(
        "broker-east",
        "Broker",
        "Eastern Transfer Centre",
        {"kind": "transfer_office", "country": "CN", "founded": 2017},
    ),
    Node(
        "broker-west",
        "Broker",
        "Western Market Agency",
        {"kind": "agency", "country": "CN", "founded": 2012},
    ),
    Node("fund-c", "Investor", "C Capital", {"kind": "vc", "country": "CN"}),
    Node("channel-de", "OverseasChannel", "Berlin Desk", {"country": "DE", "established": 2016}),
    Node(
        "demand-b",
        "Demand",
        "Cathode supplier wanted",
        {"field": "energy", "posted": "2020-03-01"},
    ),
)

_RELATIONS = (
    ("r1", "DEVELOPED", "lab-a", "ach-battery", 1.0, "2019-04-01"),
    ("r2", "BROKERED", "broker-east", "ach-battery", 2.0, "2019-09-10"),
    ("r3", "SERVES", "broker-east", "ent-b", 2.0, "2018-01-15"),
    ("r4", "SERVES", "broker-west", "lab-a", 1.0, "2013-06-01"),
    ("r5", "PARTNERS_WITH", "broker-west", "channel-de", 1.0, "2016-11-20"),
    ("r6", "RAISED", "ent-b", "demand-b", 1.0, "2020-03-01"),
    ("r7", "SOLVES", "ach-battery", "demand-b", 0.5, "2021-02-01"),
    ("r8", "INVESTED_IN", "fund-c", "ent-b", 1.0, None),
    ("r9", "COLLABORATES_WITH", "lab-a", "uni-de", 1.0, None),
)
EXAMPLE_RELATIONSHIPS = tuple(
    Relationship(
        id_, type_, source, target, {"weight": weight} | ({} if date is None else {"date": date})
    )
    for id_, type_, source, target, weight, date in _RELATIONS
)


def example_store(path: str | None = None) -> EmbeddedStore:
    """An embedded store holding the example network (source ``"example"``).

    Parameters
    ----------
    path : str, optional
        The database file; a new file in a fresh temporary folder when omitted.

    Returns
    -------
    EmbeddedStore
        Close it when done.

    Examples
    --------
    >>> store = example_store()
    >>> store.node("broker-east").name
    'Eastern Transfer Centre'
    >>> store.close()
    """
    store = EmbeddedStore(path or os.path.join(tempfile.mkdtemp(prefix="innonet-"), "example.db"))
    store.refresh("example", EXAMPLE_NODES, EXAMPLE_RELATIONSHIPS)
    return store
