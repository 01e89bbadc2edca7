"""Graph stores: the embedded default (one SQLite file) and Neo4j, behind one contract."""

from __future__ import annotations

import os

from graphsvc.stores.contract import Store, StoreError

DEFAULT_STORE = "innonet.db"
NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def store_uri(given: str | None = None) -> str:
    """The store to use: ``given`` (``--store``), else ``INNONET_STORE``, else ``innonet.db``."""
    uri = given if given is not None else os.environ.get("INNONET_STORE", "")
    uri = uri.strip()
    return uri or DEFAULT_STORE


def open_store(uri: str | None = None, *, create: bool = True) -> Store:
    """Open the store named by ``uri`` (see :func:`store_uri`).

    A ``bolt://`` or ``neo4j://`` URI opens Neo4j (user and password from ``NEO4J_USER`` and
    ``NEO4J_PASSWORD``); any other value is the path of the embedded store's file, created when
    missing unless ``create`` is False (commands that only read pass False).
    """
    uri = store_uri(uri)
    if uri.startswith(NEO4J_SCHEMES):
        from graphsvc.stores.neo4j import Neo4jStore

        return Neo4jStore.from_env(uri)
    if "://" in uri:
        raise StoreError(
            f"store {uri!r}: unknown scheme; use a file path for the embedded store "
            f"or one of {', '.join(NEO4J_SCHEMES)} for Neo4j"
        )
    from graphsvc.stores.embedded import EmbeddedStore

    return EmbeddedStore(uri, create=create)


__all__ = ["DEFAULT_STORE", "Store", "StoreError", "open_store", "store_uri"]
