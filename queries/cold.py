"""The cold work of a data version: its expensive results, computed once in the background.

Right after the service's builder wrote the projection file of a new data version
(:mod:`queries.projection_file`), it computes the results below on it, one after the other,
each kept in the projection's results folder (:mod:`queries.shelf`), so that no request waits
for them: a request for one still being computed waits for it within its time limit, then
answers ``NOT_READY`` with ``Retry-After``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

from graphsvc.stores.contract import Store
from queries.centrality import METRICS, centrality
from queries.communities import communities
from queries.fragility import fragility
from queries.holes import structural_holes
from queries.reach import overseas_reach
from queries.roles import brokerage_roles

log = logging.getLogger("innonet.projection")

COLD_WORK: Final[tuple[tuple[str, Callable[[Store], object]], ...]] = (
    *((f"{metric} centrality", lambda store, m=metric: centrality(store, m)) for metric in METRICS),
    ("structural holes", structural_holes),
    ("articulation points and bridges", fragility),
    ("brokerage roles", brokerage_roles),
    ("communities", communities),
    ("overseas reach", overseas_reach),
)
"""What is computed, in order: the results of the questions as asked with their defaults."""


def compute_cold(store: Store) -> None:
    """Compute :data:`COLD_WORK` on ``store``'s current data version (each result kept for
    every process); a failure is logged and the rest goes on; a newer data version ends it."""
    version = store.data_version()
    for name, work in COLD_WORK:
        if store.data_version() != version:
            log.info("cold work of data version %s ends: the graph was refreshed", version)
            return
        started = time.monotonic()
        try:
            work(store)
        except Exception as exc:  # the request that asks meets the cause again
            log.warning("cold work: %s failed: %r", name, exc)
        else:
            log.info("cold work: %s in %.1f s", name, time.monotonic() - started)
