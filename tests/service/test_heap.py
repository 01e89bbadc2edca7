"""Freezing what survives a slow full collection, and thawing it when the graph changes."""

from __future__ import annotations

import gc

from graphsvc.service.heap import FreezeLongLived


def test_freezes_after_a_slow_full_collection_and_thaws_on_a_new_version() -> None:
    heap = FreezeLongLived(slow=0.0)  # every full collection counts as slow
    heap.install()
    try:
        heap.after_request("v1")
        assert gc.get_freeze_count() == 0
        gc.collect()
        heap.after_request("v1")
        assert gc.get_freeze_count() > 0
        heap.after_request("v2")  # a refresh: the old graph may now be collected
        assert gc.get_freeze_count() == 0
        assert heap.version == "v2"
    finally:
        heap.uninstall()
    assert gc.get_freeze_count() == 0
