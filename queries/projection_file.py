"""The projection of a data version in one file that every process maps read-only.

A projection (:mod:`queries.projection`) is built once per data version of a store and written
to a **projection file**; every worker, heavy process and command of that store maps the file
(``numpy.memmap``, read-only, shared through the page cache) instead of building its own copy,
so a process's memory does not grow with the graph and a restarted one is ready at once.

Where the files live (:func:`folder_of`):

- embedded store: the folder ``STORE.projection/`` next to the SQLite file ``STORE``;
- Neo4j: ``$XDG_CACHE_HOME/innonet/projections/KEY/`` (``~/.cache`` when unset), ``KEY`` a
  hash of the server URI and the database.

``INNONET_PROJECTIONS`` names another folder (each store gets its own sub-folder there by the
same hash); ``INNONET_PROJECTIONS=off`` builds in memory as before, writing nothing.

The file: 16 bytes of magic, an 8-byte header length, the header (JSON: format, data version,
file size, each array's dtype, shape, offset and CRC-32), then the arrays at 64-byte aligned
offsets. Opening checks the magic, the header, the size and every array's CRC-32 (read with
plain reads, not through the mapping), so a truncated or damaged file is found and built again.
The CRC-32 is zlib's, computed by zlib-ng (five times zlib's speed here: 0.013 against 0.069 s
CPU for the 142 MiB of a 100k-node file, written or checked).
A file is written under a lock (``flock`` on ``lock`` in the folder, so two processes never
build one version twice) to a temporary name and renamed into place (readers see a whole file or
none); then the files of other versions are removed (a process that still maps one keeps its
pages until it lets go). It is not forced to disk (``fsync``): after a crash a file the disk
did not keep whole fails the checks and is built again, and the process that wrote it maps it
without reading it back.

Examples
--------
>>> import os, tempfile
>>> from queries.examples import example_store
>>> store = example_store()
>>> folder = folder_of(store)
>>> folder.name
'example.db.projection'
>>> p = shared_projection(store)
>>> [f.suffix for f in folder.iterdir() if f.name != "lock"]
['.projection']
>>> shared_projection(store).ids == p.ids
True
>>> store.close()
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import threading
import time
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from zlib_ng import zlib_ng

from graphsvc.stores import open_store
from graphsvc.stores.contract import BulkRead, Store
from queries.errors import QueryError
from queries.projection import READ_ATTEMPTS, Projection, wait_for_build
from queries.shelf import Shelf, hold_lock

MAGIC: Final = b"innonet-proj\x00v01"
"""The first 16 bytes of a projection file."""

FORMAT: Final = 4
"""The layout version; a file of another is built again (4: the nodes' names)."""

ALIGN: Final = 64
"""Arrays start at multiples of this many bytes."""

SUFFIX: Final = ".projection"

BUILDER_NICENESS: Final = 10
"""How much lower than the worker a builder child is scheduled (``nice``): requests first."""

COLD_LOCK: Final = ".cold.lock"
"""The suffix of the lock a builder holds while it does a version's cold work."""

RESULTS: Final = ".results"
"""The suffix of the folder of a projection file's results (:mod:`queries.shelf`)."""

ENV: Final = "INNONET_PROJECTIONS"
"""The variable naming the folder of projection files (``off``: keep projections in memory)."""

CHUNK: Final = 8 << 20
"""Bytes read at a time while checking a file."""

log = logging.getLogger("innonet.projection")

_child_uris: set[str] = set()
_children: dict[str, tuple[str, SpawnProcess]] = {}
"""Per store URI, the data version a builder child was last started for, and that child."""
_children_lock = threading.Lock()


class DamagedFile(Exception):
    """A projection file that is not whole: truncated, overwritten, or of another format."""


def folder_of(store: Store) -> Path | None:
    """The folder of ``store``'s projection files, None when they are off (see the module)."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen.lower() == "off":
        return None
    uri = store.uri
    key = hashlib.sha256(f"{uri}\n{getattr(store, 'database', '')}".encode()).hexdigest()[:16]
    if chosen:
        return Path(chosen) / key
    if "://" not in uri:
        path = Path(uri)
        return path.with_name(path.name + ".projection")
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "innonet" / "projections" / key


def file_name(version: str) -> str:
    """The file name of a data version's projection (the version, made safe, and its hash).

    >>> file_name("3-ab12cd34ef56")
    '3-ab12cd34ef56-59ef9fef823c67a3.projection'
    """
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", version)[:40]
    digest = hashlib.sha256(version.encode()).hexdigest()[:16]
    return f"{safe}-{digest}{SUFFIX}"


def write(path: Path, version: str, arrays: dict[str, npt.NDArray[Any]]) -> None:
    """Write ``arrays`` as the projection file ``path`` of ``version``, atomically."""
    entries: list[list[Any]] = []
    offsets: list[int] = []
    offset = 0
    for name, array in arrays.items():
        data = _bytes_of(array)
        entries.append([name, array.dtype.str, list(array.shape), offset, zlib_ng.crc32(data)])
        offsets.append(offset)
        offset += -(-len(data) // ALIGN) * ALIGN
    start = 0
    while True:  # the header holds its own length: grow it until the numbers fit
        text = json.dumps(
            {
                "format": FORMAT,
                "data_version": version,
                "start": start,
                "size": start + offset,
                "arrays": entries,
            }
        ).encode()
        needed = -(-(len(MAGIC) + 8 + len(text)) // ALIGN) * ALIGN
        if needed == start:
            break
        start = needed
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(MAGIC + len(text).to_bytes(8, "little") + text)
            for at, array in zip(offsets, arrays.values(), strict=True):
                out.seek(start + at)
                out.write(_bytes_of(array))
            out.truncate(start + offset)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _bytes_of(array: npt.NDArray[Any]) -> memoryview:
    return np.ascontiguousarray(array).reshape(-1).view(np.uint8).data


def read(path: Path, version: str, *, check: bool = True) -> dict[str, npt.NDArray[Any]]:
    """The arrays of the projection file ``path``, mapped read-only; :class:`DamagedFile` when it
    is not a whole file of ``version``, :class:`FileNotFoundError` when there is none.
    ``check=False`` skips the arrays' CRC-32 (for the file this process has just written)."""
    with open(path, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        head = source.read(len(MAGIC) + 8)
        if len(head) < len(MAGIC) + 8 or head[: len(MAGIC)] != MAGIC:
            raise DamagedFile(f"{path}: not a projection file of this innonet")
        length = int.from_bytes(head[len(MAGIC) :], "little")
        try:
            header = json.loads(source.read(min(length, size)))
            entries = header["arrays"]
            start, expected = int(header["start"]), int(header["size"])
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedFile(f"{path}: the header is damaged: {exc}") from exc
        if header.get("format") != FORMAT:
            raise DamagedFile(f"{path}: format {header.get('format')}, expected {FORMAT}")
        if header.get("data_version") != version:
            raise DamagedFile(f"{path}: holds data version {header.get('data_version')!r}")
        if size != expected:
            raise DamagedFile(f"{path}: {size:,} bytes, the header says {expected:,}")
        buffer = bytearray(CHUNK)
        for name, dtype, shape, offset, crc in entries if check else []:
            nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            if start + offset + nbytes > size:
                raise DamagedFile(f"{path}: array {name} runs past the end")
            source.seek(start + offset)
            found, left = 0, nbytes
            while left:
                got = source.readinto(memoryview(buffer)[: min(left, CHUNK)])
                if not got:
                    raise DamagedFile(f"{path}: array {name} is cut short")
                found = zlib_ng.crc32(memoryview(buffer)[:got], found)
                left -= got
            if found != crc:
                raise DamagedFile(f"{path}: array {name} is damaged (CRC-32 differs)")
    if size == start:
        return {name: np.zeros(shape, dtype=dtype) for name, dtype, shape, _, _ in entries}
    # a plain ndarray over the mapping: indexing a numpy.memmap subclass runs Python code
    # (memmap.__getitem__, __array_finalize__) on every access, several microseconds each,
    # which was most of a shortest path's search on the mapped arrays
    mapped = np.memmap(path, dtype=np.uint8, mode="r").view(np.ndarray)
    arrays = {}
    for name, dtype, shape, offset, _ in entries:
        kind = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        at = start + offset
        arrays[name] = mapped[at : at + count * kind.itemsize].view(kind).reshape(shape)
    return arrays


def _open(path: Path, version: str, *, check: bool = True) -> Projection | None:
    """The projection of the file ``path``, None when there is no whole one (:func:`read`)."""
    try:
        arrays = read(path, version, check=check)
    except FileNotFoundError:
        return None
    except DamagedFile as exc:
        log.warning("projection file damaged, building it again: %s", exc)
        return None
    try:
        mapped = Projection.from_arrays(version, arrays)
    except (KeyError, ValueError) as exc:  # whole, but not what this innonet writes
        log.warning("projection file damaged, building it again: %s: %r", path, exc)
        return None
    mapped.results = Shelf(path.with_name(path.name + RESULTS))
    return mapped


def build(store: Store) -> Projection:
    """Read ``store``'s current graph into a projection (in memory): in bulk when the store
    offers it, else node by node and relationship by relationship."""
    if isinstance(store, BulkRead):
        columns = store.graph_columns()
        if columns is not None:
            return Projection.from_columns(columns)
    return Projection.from_store(store)


def build_in_child(uri: str) -> None:
    """From now on, build the projection files of the store ``uri`` in a child process (the
    service's workers: the memory a build takes leaves with the child, and a request waiting
    for it can give up without stopping it)."""
    _child_uris.add(uri)


def shared_projection(store: Store) -> Projection:
    """The projection of ``store``'s current data version, mapped from its projection file;
    built and written first when there is no whole file of that version (by this process, or
    another one already at it: then this one waits, and near the current deadline gives up
    with :class:`~queries.errors.Pending`).

    For a store built in a child (:func:`build_in_child`), a child process is started once per
    data version this process meets: it builds the file when there is none, then does the
    version's cold work (:mod:`queries.cold`); this process waits only for the file.

    Without a folder for the files (turned off, or it cannot be made) the projection is built
    in memory.
    """
    folder = folder_of(store)
    version = store.data_version()
    if folder is not None:
        if store.uri in _child_uris:
            return _from_child(store, folder, version)
        mapped = _open(folder / file_name(version), version)
        if mapped is not None:
            return mapped
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("no projection files in %s (%s): building in memory", folder, exc)
            folder = None
    if folder is None:
        return build(store)
    return _written(store, folder)


def _from_child(store: Store, folder: Path, version: str) -> Projection:
    """The projection of ``version`` from its file, which a child started here for that
    version builds when there is none (the built-here way when the child fails)."""
    path = folder / file_name(version)
    with _children_lock:
        found = _children.get(store.uri)
        if found is None or found[0] != version or (found[1].exitcode or 0) != 0:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                log.warning("no projection files in %s (%s): building in memory", folder, exc)
                return build(store)
            context = multiprocessing.get_context("spawn")
            child = context.Process(
                target=_build_in_child, args=(store.uri,), name="innonet-projection", daemon=True
            )
            child.start()
            found = _children[store.uri] = (version, child)
    child = found[1]
    while child.exitcode is None and not path.exists():
        wait_for_build("being built")
        child.join(0.05)
    mapped = _open(path, version)
    if mapped is not None:
        return mapped
    if child.exitcode:
        log.warning("the projection build of %s ended with code %s", store.uri, child.exitcode)
    return _written(store, folder)


def _build_in_child(uri: str) -> None:  # pragma: no cover - runs in the child
    """The builder: the projection file, then the version's cold work (:mod:`queries.cold`),
    unless another builder is at that already."""
    from queries.cold import compute_cold  # the query modules build on this one

    with contextlib.suppress(OSError):
        os.nice(BUILDER_NICENESS)
    level = os.environ.get("INNONET_LOG_LEVEL", "info").upper()  # as the service's
    logging.basicConfig(level=getattr(logging, level, logging.INFO), format="%(name)s: %(message)s")
    store = open_store(uri, create=False)
    try:
        graph = shared_projection(store)
        folder = folder_of(store)
        assert folder is not None
        with open(folder / f"{file_name(graph.version)}{COLD_LOCK}", "a+b") as lock:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another builder does the cold work
            if graph.version == store.data_version():
                compute_cold(store)
    finally:
        store.close()


def _written(store: Store, folder: Path) -> Projection:
    """The projection of the current data version from its file, built and written here first
    when it has none (under the folder's lock)."""
    with hold_lock(folder / "lock", "being built by another process"):
        for _ in range(READ_ATTEMPTS):
            version = store.data_version()
            path = folder / file_name(version)
            mapped = _open(path, version)
            if mapped is not None:
                return mapped
            started = time.monotonic()
            built = build(store)
            if built.version == store.data_version():
                break
        else:
            raise QueryError(
                f"the graph was refreshed {READ_ATTEMPTS} times while it was being read; ask again"
            )
        path = folder / file_name(built.version)
        try:
            write(path, built.version, built.arrays())
        except OSError as exc:
            log.warning("cannot write the projection file %s (%s): kept in memory", path, exc)
            return built
        for other in folder.iterdir():
            if other.name.startswith(path.name):
                continue
            if other.suffix == SUFFIX or other.name.endswith(".tmp"):
                other.unlink(missing_ok=True)
            elif other.suffix == RESULTS:
                shutil.rmtree(other, ignore_errors=True)
            elif other.name.endswith(COLD_LOCK):
                other.unlink(missing_ok=True)
        log.info(
            "built the projection file %s of data version %s in %.1f s",
            path,
            built.version,
            time.monotonic() - started,
        )
        mapped = _open(path, built.version, check=False)
        return built if mapped is None else mapped
