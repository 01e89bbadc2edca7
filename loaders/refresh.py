"""Refreshing one source of the graph from a bundle: validate everything, then write it at once.

Pass 1 (:mod:`loaders.validate`) reads every file and checks every record, keeping in memory only
what the checks need, and on disk (:class:`loaders.validate.CheckedRows`) the nodes and
relationships it found. If anything is wrong, nothing is written. Otherwise pass 2 streams those
nodes and relationships into ``store.refresh``, which replaces what the source held in one
transaction; the files are not parsed again. Each file is hashed as pass 1 reads it and again in
pass 2, after its rows went to the store: if it changed in between, the refresh is abandoned
(rolled back) with :class:`loaders.bundle.BundleChanged`. What is written is always what pass 1
parsed and checked (the bytes its hash was taken of).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from graphsvc.model import ID_PATTERN, RELATION_FILE
from graphsvc.stores.contract import (
    Node,
    Progress,
    RefreshConflict,
    RefreshReport,
    Relationship,
    Store,
)
from loaders.bundle import (
    Bundle,
    BundleError,
    file_changed,
    new_digest,
)
from loaders.problems import ProblemLog
from loaders.validate import BundleContents, BundleValidator, CheckedRows

WRITING_STAGES = {"nodes": "writing nodes", "relationships": "writing relationships"}
"""How the store's progress stages are shown."""


@dataclass
class LoadResult:
    """The outcome of :func:`refresh_bundle`.

    ``problems`` holds every problem of the bundle; ``conflicts`` what the store refused;
    ``report`` what changed (None when nothing was written: a dry run or invalid data).
    Close it (or use it in ``with``) to drop the spilled problem list.
    """

    source: str
    bundle: Bundle
    contents: BundleContents
    problems: ProblemLog
    conflicts: list[str]
    report: RefreshReport | None
    dry_run: bool
    seconds: float

    @property
    def valid(self) -> bool:
        """True when the bundle had no problem and the store accepted it."""
        return not self.problems and not self.conflicts

    @property
    def records(self) -> int:
        """How many data records the bundle's files hold."""
        return sum(self.contents.records.values())

    def close(self) -> None:
        """Release the problem log's spill file."""
        self.problems.close()

    def __enter__(self) -> LoadResult:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def source_name(bundle_dir: Path, given: str | None) -> str:
    """The source a bundle refreshes: ``given`` or the bundle directory's name, checked.

    >>> source_name(Path("/data/exchange-2024"), None)
    'exchange-2024'
    >>> source_name(Path("/data/x"), "bad name")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    loaders.bundle.BundleError: source name 'bad name' is not valid: ...
    """
    name = given if given is not None else bundle_dir.resolve().name
    if ID_PATTERN.fullmatch(name) is None:
        raise BundleError(
            f"source name {name!r} is not valid: a source name is 1 to 128 characters of "
            "A-Z a-z 0-9 . _ : - (give one with --source)"
        )
    return name


def refresh_bundle(
    store: Store,
    bundle_dir: Path,
    source: str | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    problems_kept: int = 50,
) -> LoadResult:
    """Validate the bundle at ``bundle_dir`` and, unless ``dry_run``, make ``source`` hold it.

    All or nothing: the store is written only when every record is valid. Raises
    :class:`BundleError` when the bundle cannot be read at all (or changed while loading);
    store errors (:class:`graphsvc.stores.contract.StoreBusy`, ``StoreError``) pass through.
    ``problems_kept`` is how many problems the result keeps in memory (all are kept on disk).
    """
    started = time.perf_counter()
    name = source_name(bundle_dir, source)
    bundle = Bundle.open(bundle_dir)
    problems = ProblemLog(kept=problems_kept)
    kept = None if dry_run else CheckedRows()
    try:
        contents = BundleValidator(store, name, problems, progress, kept).validate(bundle)
        conflicts: list[str] = []
        report = None
        if not problems and kept is not None:
            try:
                report = store.refresh(
                    name,
                    _nodes(bundle, contents, kept),
                    _relationships(bundle, contents, kept),
                    progress=_writing(progress),
                )
            except RefreshConflict as exc:
                conflicts = exc.problems
    except BaseException:
        problems.close()
        raise
    finally:
        if kept is not None:
            kept.close()
    return LoadResult(
        name, bundle, contents, problems, conflicts, report, dry_run, time.perf_counter() - started
    )


def _writing(progress: Progress | None) -> Progress | None:
    if progress is None:
        return None

    def report(stage: str, done: int) -> None:
        progress(WRITING_STAGES.get(stage, stage), done)

    return report


def _check_unchanged(bundle: Bundle, name: str, contents: BundleContents) -> None:
    """Raise :class:`BundleChanged` unless file ``name`` holds the bytes pass 1 read."""
    path = bundle.path / name
    try:
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, new_digest).digest()
    except OSError:
        raise file_changed(path) from None
    if digest != contents.digests[name]:
        raise file_changed(path)


def _nodes(bundle: Bundle, contents: BundleContents, kept: CheckedRows) -> Iterator[Node]:
    """Every node of the bundle, as pass 1 found them."""
    for name in bundle.files:
        if name == RELATION_FILE:
            continue
        yield from kept.nodes(name)
        _check_unchanged(bundle, name, contents)


def _relationships(
    bundle: Bundle, contents: BundleContents, kept: CheckedRows
) -> Iterator[Relationship]:
    """Every relationship of the bundle, once each, as pass 1 found them (the rows repeating an
    earlier one cell for cell were not kept)."""
    if RELATION_FILE not in bundle.files:
        return
    yield from kept.relationships(RELATION_FILE)
    _check_unchanged(bundle, RELATION_FILE, contents)
