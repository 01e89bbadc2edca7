"""The app's one store: opened on first use, reopened after a failed open, closed at shutdown."""

from __future__ import annotations

import threading

from graphsvc.stores import open_store
from graphsvc.stores.contract import Store


class StoreHolder:
    """Opens the store on first use (and again after a failed open), and closes it at shutdown.

    A store handed in by the caller is used as is and left open.
    """

    def __init__(self, uri: str, store: Store | None = None) -> None:
        self.uri = uri
        self._store = store
        self._owned = store is None
        self._lock = threading.Lock()

    @property
    def owned(self) -> bool:
        """True when the holder opens (and closes) the store itself."""
        return self._owned

    @property
    def opened(self) -> Store | None:
        """The store when it is open already (no waiting), else None."""
        return self._store

    def get(self) -> Store:
        """The open store; :class:`StoreError` when it cannot be opened. Blocking."""
        with self._lock:
            if self._store is None:
                self._store = open_store(self.uri, create=False)
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None and self._owned:
                self._store.close()
                self._store = None
