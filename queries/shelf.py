"""Results of a data version kept in files next to its projection, computed once for every process.

The expensive results of a projection (centrality scores, brokerage tables, structural holes,
block-cut forests, communities, overseas reach: the keys of :data:`SHARED`) are computed by the
first process that needs them, or by the service's builder in the background right after it
built the projection (:mod:`queries.cold`), and written to the projection's results folder; every
other process reads them from there. While one process computes a result it holds that result's
lock; another process asking for it waits, and near its request's deadline answers
:class:`~queries.errors.Pending` (``NOT_READY``, with ``Retry-After``) instead of computing it a
second time or running past its limit.

A result is stored without pickle: its arrays in an ``.npz`` file read with
``allow_pickle=False``, everything else as JSON beside them, and only dataclasses of the
``queries`` package are made from it; a file that does not read back is computed again.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> shelf = Shelf(Path(tempfile.mkdtemp()))
>>> shelf.get(("centrality", "DEGREE"), lambda: (np.arange(3), 0.5, "exact"))
(array([0, 1, 2]), 0.5, 'exact')
>>> shelf.get(("centrality", "DEGREE"), lambda: 1 / 0)  # read back, not computed again
(array([0, 1, 2]), 0.5, 'exact')
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import importlib
import io
import json
import logging
import os
import re
import time
import zipfile
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np

from queries.projection import wait_for_build

T = TypeVar("T")

SHARED: Final = frozenset(
    {"centrality", "structural holes", "block cut", "brokerage", "leiden", "overseas reach"}
)
"""The memo keys (or their first element) of the results kept in files."""

log = logging.getLogger("innonet.projection")


def shared(key: Hashable) -> bool:
    """True for a memo key whose result is kept in the results folder.

    >>> shared(("centrality", "BETWEENNESS")), shared("block cut"), shared("igraph.U")
    (True, True, False)
    """
    head = key[0] if isinstance(key, tuple) and key else key
    return isinstance(head, str) and head in SHARED


class Unstorable(TypeError):
    """A value that has no stored form here (it is kept in memory only)."""


class Shelf:
    """The results folder of one projection file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def keeps(self, key: Hashable) -> bool:
        """True when the result of ``key`` is kept here (:func:`shared`)."""
        return shared(key)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The stored result of ``key``; else computed (here, or waited for while another
        process computes it) and stored."""
        path = self.folder / f"{_slug(key)}.npz"
        found = _load(path)
        if found is not None:
            return found
        self.folder.mkdir(parents=True, exist_ok=True)
        with hold_lock(path.with_suffix(".lock"), "being computed by another process"):
            found = _load(path)
            if found is not None:
                return found
            value = compute()
            try:
                _store(path, value)
            except (Unstorable, OSError) as exc:
                log.warning("result %r kept in memory only: %s", key, exc)
            return value


def _slug(key: Hashable) -> str:
    text = repr(key)
    readable = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:60]
    return f"{readable}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


@contextlib.contextmanager
def hold_lock(path: Path, what: str) -> Iterator[None]:
    """Hold the lock file ``path`` (``flock``), made if missing; while another process holds
    it, wait within the current deadline (:func:`~queries.projection.wait_for_build`, which is
    told the result is ``what``)."""
    with open(path, "a+b") as lock:
        while True:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                wait_for_build(what)
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _store(path: Path, value: Any) -> None:
    arrays: dict[str, np.ndarray[Any, Any]] = {}
    text = json.dumps(_encode(value, arrays)).encode()
    arrays["__json__"] = np.frombuffer(text, dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(buffer.getvalue())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _load(path: Path) -> Any:
    """The value stored at ``path``, None when there is none or it does not read back."""
    try:
        with open(path, "rb") as file, np.load(file, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        return _decode(json.loads(arrays.pop("__json__").tobytes()), arrays)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        log.warning("stored result %s does not read back (%r); computing it again", path, exc)
        return None


def _encode(value: Any, arrays: dict[str, np.ndarray[Any, Any]]) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise Unstorable("an array of Python objects")
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"array": name}
    if isinstance(value, np.generic):
        return {"v": value.item()}
    if value is None or isinstance(value, bool | int | float | str):
        return {"v": value}
    if isinstance(value, tuple | list):
        return {type(value).__name__: [_encode(v, arrays) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and type(value).__module__.startswith("queries."):
        return {
            "dataclass": f"{type(value).__module__}:{type(value).__qualname__}",
            "fields": {
                f.name: _encode(getattr(value, f.name), arrays) for f in dataclasses.fields(value)
            },
        }
    raise Unstorable(f"a {type(value).__name__}")


def _decode(form: Any, arrays: dict[str, np.ndarray[Any, Any]]) -> Any:
    if "v" in form:
        return form["v"]
    if "array" in form:
        return arrays[form["array"]]
    if "tuple" in form:
        return tuple(_decode(v, arrays) for v in form["tuple"])
    if "list" in form:
        return [_decode(v, arrays) for v in form["list"]]
    if "dict" in form:
        return {_decode(k, arrays): _decode(v, arrays) for k, v in form["dict"]}
    module, _, name = form["dataclass"].partition(":")
    if not module.startswith("queries."):
        raise TypeError(f"{module} is not a module of the queries package")
    cls = getattr(importlib.import_module(module), name)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"{form['dataclass']} is not a dataclass")
    return cls(**{k: _decode(v, arrays) for k, v in form["fields"].items()})
