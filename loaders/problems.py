"""Problems found in a bundle, reported as ``file:line: column: message``.

A broken export can hold millions of bad rows, so the log keeps only the first few in memory (to
print); once there are more, it spills every one of them to an anonymous temporary file (to write
out on request).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import IO, NamedTuple

WHOLE_RECORD = "-"
"""The column given for a problem that is not one column's (a broken record, a short row)."""


class Problem(NamedTuple):
    """One thing wrong with a bundle. ``line`` is the physical line (the header is line 1).

    >>> str(Problem("brokers.csv", 7, "kind", "unknown kind 'x'"))
    "brokers.csv:7: kind: unknown kind 'x'"
    """

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


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
