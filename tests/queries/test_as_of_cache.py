"""Projections as of a date are cached per (data version, date), for a bounded number of dates."""

from __future__ import annotations

from queries.examples import example_store
from queries.projection import DATED_CACHE_SIZE, projection


def test_dated_projections_are_cached_for_a_bounded_number_of_dates() -> None:
    store = example_store()
    try:
        first = projection(store, as_of="2015")
        assert projection(store, as_of="2015-12-31") is first
        assert projection(store, ["SERVES"], as_of="2015") is projection(
            store, ["SERVES"], as_of="2015"
        )
        for year in range(2016, 2016 + DATED_CACHE_SIZE):
            projection(store, as_of=str(year))
        assert projection(store, as_of="2015") is not first  # the oldest date went
        latest = projection(store, as_of=str(2015 + DATED_CACHE_SIZE))
        assert projection(store, as_of=str(2015 + DATED_CACHE_SIZE)) is latest
        store.refresh("example", [], [])  # a new data version: every date is built again
        assert projection(store, as_of=str(2015 + DATED_CACHE_SIZE)) is not latest
    finally:
        store.close()
