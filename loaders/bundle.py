"""A bundle on disk: which files it holds, and their records streamed with physical line numbers.

Files are read as UTF-8 (an optional BOM), RFC 4180 quoting, one record at a time. Bytes that are
not UTF-8 do not stop the reading: the record is yielded with U+FFFD in their place and a
:class:`Problem` names the physical line of the bad byte. Broken quoting becomes a problem at the
line where the record starts. Every byte read is fed to a digest, so that a second reading can
prove the file did not change in between.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from graphsvc.model import NODE_TYPES, RELATION_FILE
from loaders.problems import WHOLE_RECORD, Problem

KNOWN_FILES: Final = (*(t.file for t in NODE_TYPES), RELATION_FILE)
"""The files a bundle may hold, in the order they are read (nodes first, relations last)."""

_READ_BUFFER: Final = 1 << 20


class BundleError(Exception):
    """The bundle cannot be read at all (missing, unreadable, holding none of the known files)."""


class BundleChanged(BundleError):
    """A file of the bundle changed between validating it and writing it."""


@dataclass(frozen=True, slots=True)
class Bundle:
    """A bundle directory: the known files it holds (in reading order) and the other files."""

    path: Path
    files: tuple[str, ...]
    unknown_files: tuple[str, ...]

    @classmethod
    def open(cls, path: Path) -> Bundle:
        """Look at ``path``; :class:`BundleError` when it is no bundle."""
        if not path.exists():
            raise BundleError(f"{path}: no such directory")
        if not path.is_dir():
            raise BundleError(f"{path}: not a directory (a bundle is a directory of CSV files)")
        try:
            present = sorted(entry.name for entry in path.iterdir())
        except OSError as exc:
            raise BundleError(f"{path}: cannot list the directory: {exc.strerror}") from None
        files = tuple(name for name in KNOWN_FILES if name in present)
        if not files:
            raise BundleError(
                f"{path}: none of the bundle files is there; expected any of "
                + ", ".join(KNOWN_FILES)
            )
        for name in files:
            if not (path / name).is_file():
                raise BundleError(f"{path / name}: not a file")
        # A CSV file the contract does not name is most likely a misnamed export: say so.
        # Anything else (a README, an archive's leftovers) is not the loader's business.
        unknown = tuple(
            name for name in present if name.lower().endswith(".csv") and name not in KNOWN_FILES
        )
        return cls(path, files, unknown)


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record: the physical line it starts on and its fields (the header is line 1)."""

    line: int
    fields: list[str]


class _HashingReader(io.RawIOBase):
    """Raw bytes of a file, fed to a digest as they are read, and watched for invalid UTF-8.

    ``invalid_utf8`` turns true as soon as a chunk holding a byte that is not UTF-8 is read, which
    is before any text decoded from that chunk reaches the CSV reader: records need checking for
    bad bytes only from then on.
    """

    def __init__(self, raw: io.FileIO, digest: hashlib.blake2b) -> None:
        super().__init__()
        self._raw = raw
        self._digest = digest
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self.invalid_utf8 = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._raw.readinto(buffer)
        if count:
            chunk = memoryview(buffer)[:count]
            self._digest.update(chunk)
            if not self.invalid_utf8:
                try:
                    self._utf8.decode(chunk)
                except UnicodeDecodeError:
                    self.invalid_utf8 = True
        return count or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def new_digest() -> hashlib.blake2b:
    """The digest files are hashed with."""
    return hashlib.blake2b(digest_size=32)


def read_records(path: Path, digest: hashlib.blake2b) -> Iterator[Record | Problem]:
    """The records of the CSV file at ``path`` (header first), and its problems in line order.

    Every byte of the file goes through ``digest`` by the time the iterator is exhausted.
    Raises :class:`BundleError` when the file cannot be opened.
    """
    name = path.name
    try:
        raw = io.FileIO(path, "r")
    except OSError as exc:
        raise BundleError(f"{path}: cannot read: {exc.strerror}") from None
    watched = _HashingReader(raw, digest)
    buffered = io.BufferedReader(watched, buffer_size=_READ_BUFFER)
    text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="surrogateescape", newline="")
    with text:
        lines = iter(text)
        reader = csv.reader(lines, strict=True)
        header: list[str] = []
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield _quoting_problem(name, start, str(exc))
                if "field larger than field limit" in str(exc):
                    for _ in lines:  # the quoting cannot be trusted any more: only hash the rest
                        pass
                    break
                continue
            if not fields:
                continue
            if watched.invalid_utf8 and not _is_utf8(fields):
                yield from _encoding_problems(name, start, fields, header)
                fields = [_repaired(field) for field in fields]
            if not header:
                header = fields
            yield Record(start, fields)


def _quoting_problem(file: str, line: int, error: str) -> Problem:
    if error.startswith(("unexpected end of data", "field larger than field limit")):
        return Problem(file, line, WHOLE_RECORD, "unclosed quote: the quoted field never ends")
    return Problem(file, line, WHOLE_RECORD, f"bad quoting: {error}")


def _is_utf8(fields: list[str]) -> bool:
    try:
        "".join(fields).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _repaired(field: str) -> str:
    return field.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _encoding_problems(
    file: str, start: int, fields: list[str], header: list[str]
) -> Iterator[Problem]:
    line = start
    for index, field in enumerate(fields):
        try:
            field.encode("utf-8")
        except UnicodeEncodeError as exc:
            bad_line = line + field[: exc.start].count("\n")
            byte = field[exc.start].encode("utf-8", "surrogateescape")[0]
            column = _repaired(header[index]) if index < len(header) else WHOLE_RECORD
            yield Problem(file, bad_line, column, f"invalid UTF-8 (byte 0x{byte:02x})")
        line += field.count("\n")
