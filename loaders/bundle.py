"""A bundle on disk: which files it holds, and their records streamed with physical line numbers.

Files are read as UTF-8 (an optional BOM), RFC 4180 quoting, one record at a time. A file that
plainly is not UTF-8 text (UTF-16, UTF-32) is one :class:`Problem` and no record. Bytes that are
not UTF-8 do not stop the reading: the record is yielded with U+FFFD in their place; the first bad
byte is a problem naming its physical line, and the further lines holding some are counted into
one more problem (which says when they read as GBK/GB18030). Broken quoting becomes a problem at
the line where the record starts. Every byte read is fed to a digest, so that a second reading can
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
MAX_CELL: Final = 1 << 20
"""Longest cell, in characters (1,048,576): a longer one is a problem of its row, and the rest
of the file is still checked."""
FIELD_LIMIT: Final = 16 * MAX_CELL
"""Longest field the CSV reader reads at all: past it the quoting cannot be trusted (most often
a quote that is never closed) and the rest of the file is only hashed."""
csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
_SNIFF: Final = 4096
"""Bytes at the start of a file looked at for signs of another encoding than UTF-8."""
_BOM: Final = "\ufeff"
_WIDE_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16: it starts with the UTF-16 LE mark
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_WIDE_ENCODINGS: Final = (
    ("UTF-32", "utf-32-le"),
    ("UTF-32", "utf-32-be"),
    ("UTF-16", "utf-16-le"),
    ("UTF-16", "utf-16-be"),
)


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


@dataclass(slots=True)
class Record:
    """One CSV record: the physical line it starts on and its fields (the header is line 1).

    ``offset`` is the byte offset of the record in its file when the reading was asked to count
    them (see :func:`read_records`), else 0; :func:`read_record_at` reads the record again there.
    Not frozen: a load makes two a row, and a frozen dataclass takes six times as long to make
    (its ``__init__`` sets each field through ``object.__setattr__``).
    """

    line: int
    fields: list[str]
    offset: int = 0


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


def file_changed(path: Path) -> BundleChanged:
    """The error of a bundle file found changed while it was being loaded."""
    return BundleChanged(f"{path}: the file changed while loading; nothing was written, load again")


def new_digest() -> hashlib.blake2b:
    """The digest files are hashed with."""
    return hashlib.blake2b(digest_size=32)


def read_records(
    path: Path, digest: hashlib.blake2b, *, offsets: bool = False
) -> Iterator[Record | Problem]:
    """The records of the CSV file at ``path`` (header first), and its problems.

    Every byte of the file goes through ``digest`` by the time the iterator is exhausted. A file
    whose first block is plainly not UTF-8 (a UTF-16 or UTF-32 byte order mark, NUL bytes) gives
    one problem and no record. Invalid UTF-8 is reported at its first line; further lines holding
    some are counted into one problem at the end. With ``offsets``, each record carries its byte
    offset. Raises :class:`BundleError` when the file cannot be opened.
    """
    name = path.name
    try:
        raw = io.FileIO(path, "r")
    except OSError as exc:
        raise BundleError(f"{path}: cannot read: {exc.strerror}") from None
    watched = _HashingReader(raw, digest)
    buffered = io.BufferedReader(watched, buffer_size=_READ_BUFFER)
    with buffered:
        head = buffered.peek(_SNIFF)[:_SNIFF]
        encoding = _not_utf8(head)
        if encoding is not None:
            yield Problem(name, 1, WHOLE_RECORD, f"{encoding}; save it as UTF-8")
            while buffered.read(_READ_BUFFER):  # hash the rest: pass 2 compares digests
                pass
            return
        text = io.TextIOWrapper(buffered, encoding="utf-8", errors="surrogateescape", newline="")
        position = [0]
        lines = _counted(text, position) if offsets else _without_bom(text)
        invalid = _InvalidUtf8(name)
        reader = csv.reader(lines, strict=True)
        header: list[str] = []
        while True:
            start = reader.line_num + 1
            offset = position[0]
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
            # the joined length bounds every cell's: the cells are looked at one by one only when
            # it is over (a quarter of the time of looking at each cell)
            if len("".join(fields)) > MAX_CELL and any(len(field) > MAX_CELL for field in fields):
                yield from _long_cells(name, start, fields, header)
                fields = [field[:MAX_CELL] for field in fields]
            if watched.invalid_utf8 and not _is_utf8(fields):
                first = invalid.see(start, fields, header)
                if first is not None:
                    yield first
                fields = [_repaired(field) for field in fields]
            if not header:
                header = fields
            yield Record(start, fields, offset)
        more = invalid.more()
        if more is not None:
            yield more


def read_record_at(path: Path, offset: int) -> list[str]:
    """The fields of the record at byte ``offset`` of ``path`` (an offset :func:`read_records`
    gave), bytes that are not UTF-8 replaced; :class:`BundleChanged` when none is there any more.
    """
    try:
        with path.open("rb") as raw:
            raw.seek(offset)
            text = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
            fields = next(csv.reader(text, strict=True), None)
    except (OSError, csv.Error):
        fields = None
    if not fields:
        raise file_changed(path)
    return [_repaired(field) for field in fields]


def _without_bom(text: Iterator[str]) -> Iterator[str]:
    for line in text:
        yield line.removeprefix(_BOM)
        break
    yield from text


def _counted(text: Iterator[str], position: list[int]) -> Iterator[str]:
    """The lines of ``text`` (a BOM dropped), ``position[0]`` moved past each line's bytes.

    An ASCII line (``isascii`` answers without looking at the characters) has as many bytes as
    characters; only the others are encoded to count them.
    """
    for line in text:
        position[0] += len(line.encode("utf-8", "surrogateescape"))
        yield line.removeprefix(_BOM)
        break
    for line in text:
        position[0] += len(line) if line.isascii() else len(line.encode("utf-8", "surrogateescape"))
        yield line


def _not_utf8(head: bytes) -> str | None:
    """Why a file whose first block is ``head`` is plainly no UTF-8 text, or None."""
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            return f"not UTF-8 (looks like {encoding})"
    if b"\x00" not in head:
        return None
    for encoding, codec in _WIDE_ENCODINGS:
        text = codecs.getincrementaldecoder(codec)("replace").decode(head)
        if "," in text and "\x00" not in text and "\ufffd" not in text:
            return f"not UTF-8 (looks like {encoding})"
    return "not UTF-8 text (it holds NUL bytes)"


class _InvalidUtf8:
    """The invalid UTF-8 of one file: the first bad byte in full, the other lines counted."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found = False
        self.last_line = 0
        self.more_from = 0
        self.more_lines = 0
        self.gb18030 = True  # every bad field decodes as GB18030 so far

    def see(self, start: int, fields: list[str], header: list[str]) -> Problem | None:
        """Take in a record holding invalid UTF-8; the problem to report if it is the first."""
        first = None
        line = start
        for index, field in enumerate(fields):
            try:
                field.encode("utf-8")
            except UnicodeEncodeError as exc:
                data = field.encode("utf-8", "surrogateescape")
                self.gb18030 = self.gb18030 and _decodes(data, "gb18030")
                bad_line = line + field[: exc.start].count("\n")
                if not self.found:
                    self.found = True
                    byte = field[exc.start].encode("utf-8", "surrogateescape")[0]
                    column = _repaired(header[index]) if index < len(header) else WHOLE_RECORD
                    first = Problem(
                        self.file, bad_line, column, f"invalid UTF-8 (byte 0x{byte:02x})"
                    )
                elif bad_line > self.last_line:
                    self.more_from = self.more_from or bad_line
                    self.more_lines += 1
                self.last_line = max(self.last_line, bad_line)
            line += field.count("\n")
        return first

    def more(self) -> Problem | None:
        """One problem for the lines after the first that hold invalid UTF-8, if there are any."""
        count = self.more_lines
        if not count:
            return None
        message = f"invalid UTF-8 on {count} more line{'s' if count > 1 else ''}"
        if count > 1:
            message += f", up to line {self.last_line}"
        if self.gb18030:
            message += (
                "; the bad bytes read as GB18030: the file may be GBK/GB18030, save it as UTF-8"
            )
        return Problem(self.file, self.more_from, WHOLE_RECORD, message)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _long_cells(file: str, line: int, fields: list[str], header: list[str]) -> Iterator[Problem]:
    """A problem for each cell of the record over :data:`MAX_CELL` characters."""
    for index, field in enumerate(fields):
        if len(field) > MAX_CELL:
            column = _repaired(header[index]) if index < len(header) else WHOLE_RECORD
            yield Problem(
                file,
                line,
                column,
                f"cell longer than {MAX_CELL:,} characters ({len(field):,})",
            )


def _quoting_problem(file: str, line: int, error: str) -> Problem:
    if error.startswith("unexpected end of data"):
        return Problem(file, line, WHOLE_RECORD, "unclosed quote: the quoted field never ends")
    if error.startswith("field larger than field limit"):
        return Problem(
            file,
            line,
            WHOLE_RECORD,
            f"a field runs over {FIELD_LIMIT:,} characters: a quote that is never closed, or a "
            f"cell far over the maximum of {MAX_CELL:,}; the rest of the file is unchecked",
        )
    return Problem(file, line, WHOLE_RECORD, f"bad quoting: {error}")


def _is_utf8(fields: list[str]) -> bool:
    try:
        "".join(fields).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _repaired(field: str) -> str:
    return field.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
