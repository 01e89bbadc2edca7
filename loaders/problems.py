"""Problems found in a bundle, reported as ``file:line: column: message``.

A broken export can hold millions of bad rows, so the log keeps only the first few in memory (to
print); once there are more, it spills every one of them to an anonymous temporary file (to write
out on request).
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import IO, Final, NamedTuple

WHOLE_RECORD = "-"
"""The column given for a problem that is not one column's (a broken record, a short row)."""
_ESCAPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Characters a problem line never shows as they are: controls, line breaks, invisible or
unassigned characters, and the bytes that were not UTF-8 (kept as lone surrogates)."""
_SHORT_ESCAPES: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
SHOWN: Final = 300
"""Most characters of a column name or message a problem line shows; the rest is cut, the
length said (a 100 KB bad cell must not make a 100 KB line)."""


def cut(text: str, most: int = SHOWN) -> str:
    """``text``, or its first ``most`` characters and how long it was.

    >>> cut("x" * 1000, 10)
    'xxxxxxxxxx... (1,000 characters)'
    """
    if len(text) <= most:
        return text
    return f"{text[:most]}... ({len(text):,} characters)"


def escaped(text: str) -> str:
    r"""``text`` with the characters of :data:`_ESCAPED_CATEGORIES` written as escapes.

    A byte that was not UTF-8 (decoded with ``surrogateescape``) shows as that byte.

    >>> print(escaped("name\x00\udcd6\u2028题"))
    name\x00\xd6\u2028题
    """
    if text.isprintable():
        return text
    return "".join(_escape(char) for char in text)


def _escape(char: str) -> str:
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    code = ord(char)
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


class Problem(NamedTuple):
    r"""One thing wrong with a bundle. ``line`` is the physical line (the header is line 1).

    Shown as one line: control characters and bytes that were not UTF-8 are escaped.

    >>> str(Problem("brokers.csv", 7, "kind", "unknown kind 'x'"))
    "brokers.csv:7: kind: unknown kind 'x'"
    >>> print(Problem("brokers.csv", 1, "na\nme", "column given twice"))
    brokers.csv:1: na\nme: column given twice
    >>> len(str(Problem("a.csv", 2, "name", "not an integer: " + "9" * 100_000)))
    339
    """

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        column, message = cut(escaped(self.column)), cut(escaped(self.message))
        return f"{escaped(self.file)}:{self.line}: {column}: {message}"


class ProblemLog:
    """Every problem of a load, in the order found; the first ``kept`` stay in memory.

    >>> log = ProblemLog(kept=1)
    >>> log.add(Problem("a.csv", 2, "id", "bad id"))
    >>> log.add(Problem("a.csv", 3, "id", "bad id"))
    >>> len(log), [str(p) for p in log.first]
    (2, ['a.csv:2: id: bad id'])
    >>> log.close()
    """

    def __init__(self, kept: int = 50) -> None:
        self.kept = kept
        self.first: list[Problem] = []
        self._count = 0
        self._spill: IO[str] | None = None

    def add(self, problem: Problem) -> None:
        """Record ``problem``."""
        self._count += 1
        if self._count <= self.kept:
            self.first.append(problem)
            return
        if self._spill is None:
            self._spill = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by close())
            self._spill.writelines(f"{earlier}\n" for earlier in self.first)
        self._spill.write(f"{problem}\n")

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def write_all(self, path: Path) -> None:
        """Write every problem, one a line, to ``path``."""
        with path.open("w", encoding="utf-8") as out:
            if self._spill is None:
                out.writelines(f"{problem}\n" for problem in self.first)
                return
            self._spill.seek(0)
            shutil.copyfileobj(self._spill, out)
            self._spill.seek(0, 2)

    def close(self) -> None:
        """Drop the spill file, if there is one."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None
