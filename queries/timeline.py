"""The graph as of a date: one definition, read from the graph model.

A node exists from the date its type's ``since`` property gives (:attr:`graphsvc.model.NodeType.
since`: an Institution or Broker from the year it was ``founded``, an Achievement from its
``year``, an OverseasChannel from the year it was ``established``, a Demand from the day it was
``posted``); a year counts from 1 January of that year. A relation exists from its ``date``
(:data:`graphsvc.model.RELATION_SINCE`) once both its ends exist. A node or relation without a
date (the cell is empty, or its type has no date, as Investor) always exists: it is *undated*, and
every answer that depends on time counts the undated ones it included.

Dates are handled as day numbers ``YYYYMMDD`` (so that comparing numbers compares dates); ``0``
stands for undated. An ``asOf`` argument is a date ``YYYY-MM-DD`` or a year ``YYYY``, which means
the end of that year (31 December).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from graphsvc.model import (
    FIRST_YEAR,
    LAST_YEAR,
    NODE_TYPE_BY_NAME,
    RELATION_SINCE,
    UNDATED,
    day_number,
    day_of,
)
from graphsvc.stores.contract import Node, Relationship
from queries.errors import BadRequest

_AS_OF = re.compile(r"(\d{4})(?:-(\d{2})-(\d{2}))?")


def check_as_of(as_of: str | None) -> int | None:
    """The day number of an ``asOf`` argument, None when it is None.

    Parameters
    ----------
    as_of : str or None
        ``YYYY-MM-DD``, or ``YYYY`` for the end of that year.

    Returns
    -------
    int or None
        The day ``YYYYMMDD``.

    Raises
    ------
    BadRequest
        When the text is not such a date, or its year is outside 1800-2100.

    Examples
    --------
    >>> check_as_of("2022"), check_as_of("2021-06-30"), check_as_of(None)
    (20221231, 20210630, None)
    >>> check_as_of("2021-02-30")
    Traceback (most recent call last):
    ...
    queries.errors.BadRequest: asOf '2021-02-30' is not a date: give YYYY-MM-DD or a year YYYY
    """
    if as_of is None:
        return None
    found = _AS_OF.fullmatch(as_of.strip()) if isinstance(as_of, str) else None
    try:
        if found is None:
            raise ValueError
        year = int(found[1])
        day = dt.date(year, 12, 31) if found[2] is None else dt.date.fromisoformat(found[0])
    except ValueError:
        raise BadRequest(f"asOf {as_of!r} is not a date: give YYYY-MM-DD or a year YYYY") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadRequest(f"asOf {as_of!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return day_number(day)


def day_text(day: int) -> str:
    """A day number as ``YYYY-MM-DD``.

    >>> day_text(20230109)
    '2023-01-09'
    """
    return f"{day // 10000:04d}-{day // 100 % 100:02d}-{day % 100:02d}"


def node_day(node_type: str, properties: dict[str, Any]) -> int:
    """The day from which a node of ``node_type`` with ``properties`` exists.

    >>> node_day("Institution", {"founded": 1896}), node_day("Investor", {}), node_day(
    ...     "Demand", {"posted": "2022-08-07"})
    (18960101, 0, 20220807)
    """
    since = NODE_TYPE_BY_NAME[node_type].since
    return UNDATED if since is None else day_of(properties.get(since))


def relation_day(properties: dict[str, Any]) -> int:
    """The day from which a relation with ``properties`` exists (once both its ends do).

    >>> relation_day({"date": "2020-05-01"}), relation_day({"weight": 1.0})
    (20200501, 0)
    """
    return day_of(properties.get(RELATION_SINCE))


def dated_rows(
    day: int | None, nodes: dict[str, Node], relationships: list[Relationship]
) -> tuple[dict[str, Node], list[Relationship]]:
    """The ``nodes`` that exist on ``day`` and the ``relationships`` that exist on it (their
    date, and both ends among the nodes kept or outside ``nodes``: a caller checks those); all
    of them when ``day`` is None. For code that reads rows from the store rather than a
    projection (the maps).

    >>> lab = Node("lab", "Institution", "Lab", {"founded": 2019})
    >>> new = Node("new", "Institution", "New Lab", {"founded": 2021})
    >>> rels = [
    ...     Relationship("r1", "COLLABORATES_WITH", "lab", "x", {"date": "2018-01-01"}),
    ...     Relationship("r2", "COLLABORATES_WITH", "lab", "x", {"date": "2020-05-01"}),
    ...     Relationship("r3", "COLLABORATES_WITH", "lab", "new", {}),
    ... ]
    >>> kept, rels = dated_rows(20191231, {"lab": lab, "new": new}, rels)
    >>> list(kept), [r.id for r in rels]
    (['lab'], ['r1'])
    """
    if day is None:
        return nodes, relationships
    kept = {i: n for i, n in nodes.items() if node_day(n.type, n.properties) <= day}
    gone = nodes.keys() - kept.keys()
    return kept, [
        r
        for r in relationships
        if relation_day(r.properties) <= day and r.source not in gone and r.target not in gone
    ]
