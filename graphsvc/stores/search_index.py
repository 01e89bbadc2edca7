"""The embedded store's search index: substrings of names and ids, Chinese included.

``search(text=...)`` matches nodes whose name or id contains ``text`` as a substring, ASCII
letters in any case (SQLite's ``LIKE``; other characters exactly). A scan of every node answers
that in time proportional to the graph (201 ms at 1M nodes); this index answers it in time
proportional to the matches:

- ``search_keys`` gives every node an integer key (the FTS rowid) and keeps its name, so that
  matches can be ordered by (name, id) without reading the nodes;
- ``search_trigrams`` (FTS5, ``trigram`` tokenizer, case-sensitive, over the ASCII-lower-cased
  name and id) answers a text of 3 characters or more: the text, lower-cased the same way, as one
  FTS5 phrase, which matches exactly the rows containing it as a substring;
- ``search_grams`` (FTS5, ``ascii`` tokenizer, no positions) answers texts of 1 and 2
  characters, which a trigram index cannot: each row holds one token per distinct character
  (``u<hex>``) and per distinct pair of adjacent characters (``b<hex>x<hex>``) of the
  lower-cased name and id, so the text is one token.

Both FTS tables are contentless (they store no text, only the index); a row is removed with
FTS5's ``'delete'`` command and the very text it was indexed with, which ``search_keys.name`` and
the id give back. docs/search.md has the measurements behind this design.

>>> grams("Ab", "x1")
'b61x62 b78x31 u31 u61 u62 u78'
>>> match("上海")
('search_grams', '"b4e0ax6d77"')
>>> match('A"bc')
('search_trigrams', '"a""bc"')
"""

from __future__ import annotations

import sqlite3
import string
from typing import Final

ASCII_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
"""The case folding of SQLite's ``LIKE`` and ``lower()``: ASCII letters only."""

TRIGRAM: Final = 3
"""Texts this long or longer are looked up in ``search_trigrams``, shorter in ``search_grams``."""


def fold(text: str) -> str:
    """``text`` with ASCII letters lower-cased, as SQLite's ``lower()`` does.

    >>> fold("Zhang-3 ÄÖ 上海")
    'zhang-3 ÄÖ 上海'
    """
    return text.lower() if text.isascii() else text.translate(ASCII_LOWER)


def _unigram(char: str) -> str:
    return f"u{ord(char):x}"


def _bigram(first: str, second: str) -> str:
    return f"b{ord(first):x}x{ord(second):x}"


_UNIGRAMS: Final[dict[str, str]] = {}
"""The unigram token of each character met so far (at most one entry a code point)."""

_BIGRAMS: Final[dict[str, str]] = {}
"""The bigram token of each pair of characters met lately (emptied at :data:`BIGRAMS_KEPT`)."""

BIGRAMS_KEPT: Final = 1 << 18
"""Pairs of characters whose tokens are kept at most (a few tens of MiB)."""


def _kept_unigram(char: str) -> str:
    token = _UNIGRAMS[char] = _unigram(char)
    return token


def _kept_bigram(pair: str) -> str:
    if len(_BIGRAMS) >= BIGRAMS_KEPT:
        _BIGRAMS.clear()
    token = _BIGRAMS[pair] = _bigram(pair[0], pair[1])
    return token


def grams(name: str, id: str) -> str:
    """The ``search_grams`` text of a node: its distinct 1- and 2-character tokens, sorted.

    Sorted, so that the same node always gives the same text (a contentless FTS5 row is deleted
    with the text it was inserted with). Each token is spelled as :func:`_unigram` and
    :func:`_bigram` spell it, looked up from the tokens already made for the same character or
    pair (a load computes this for every node: 12 us a node at 200k nodes, 10 us this way).
    """
    tokens: set[str] = set()
    for text in (fold(name), fold(id)):
        try:
            tokens.update(map(_UNIGRAMS.__getitem__, text))
        except KeyError:
            tokens.update(map(_kept_unigram, text))
        try:
            tokens.update(map(_BIGRAMS.__getitem__, map(str.__add__, text, text[1:])))
        except KeyError:
            tokens.update(map(_kept_bigram, map(str.__add__, text, text[1:])))
    return " ".join(sorted(tokens))


def match(text: str) -> tuple[str, str]:
    """The FTS table and the ``MATCH`` expression that find the rows containing ``text``.

    ``text`` must not be empty.
    """
    folded = fold(text)
    if len(folded) >= TRIGRAM:
        return "search_trigrams", '"' + folded.replace('"', '""') + '"'
    return "search_grams", f'"{_token(folded)}"'


def _token(folded: str) -> str:
    return _unigram(folded) if len(folded) == 1 else _bigram(folded[0], folded[1])


VOCABULARIES: Final = {
    "search_grams": "temp.search_grams_vocabulary",
    "search_trigrams": "temp.search_trigrams_vocabulary",
}
"""Per FTS table, its ``fts5vocab`` table (``row``: a term and the number of rows holding it),
made on each connection (:func:`register`)."""


def term(text: str) -> tuple[str, str] | None:
    """The vocabulary table and the term whose row count is the number of rows containing
    ``text``, when ``text`` is one term of its index (1 to 3 characters); else None.

    >>> term("上海")
    ('temp.search_grams_vocabulary', 'b4e0ax6d77')
    >>> term("Ins"), term("inst")
    (('temp.search_trigrams_vocabulary', 'ins'), None)
    """
    folded = fold(text)
    if len(folded) > TRIGRAM:
        return None
    if len(folded) == TRIGRAM:
        return VOCABULARIES["search_trigrams"], folded
    return VOCABULARIES["search_grams"], _token(folded)


def register(conn: sqlite3.Connection) -> None:
    """Make ``innonet_grams(name, id)`` (:func:`grams`) available to SQL on ``conn``, and the
    vocabularies of :data:`VOCABULARIES` (before the connection is made read-only: they are
    temporary tables)."""
    conn.create_function("innonet_grams", 2, grams, deterministic=True)
    for table, vocabulary in VOCABULARIES.items():
        conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocabulary} USING fts5vocab(main, {table}, row)"
        )


UNINDEX: Final = (
    "INSERT INTO search_trigrams (search_trigrams, rowid, name, id) "
    "SELECT 'delete', key, lower(name), lower(id) FROM search_keys WHERE id IN ({ids}) "
    "ORDER BY key",
    "INSERT INTO search_grams (search_grams, rowid, grams) "
    "SELECT 'delete', key, innonet_grams(name, id) FROM search_keys WHERE id IN ({ids}) "
    "ORDER BY key",
)
"""Remove the nodes whose ids the subquery ``{ids}`` gives from both FTS tables, in key order
(see :data:`INDEX`)."""

INDEX: Final = (
    "INSERT INTO search_trigrams (rowid, name, id) "
    "SELECT key, lower(name), lower(id) FROM search_keys WHERE id IN ({ids}) ORDER BY key",
    "INSERT INTO search_grams (rowid, grams) "
    "SELECT key, innonet_grams(name, id) FROM search_keys WHERE id IN ({ids}) ORDER BY key",
)
"""Add the nodes whose ids the subquery ``{ids}`` gives to both FTS tables, in key (rowid)
order: FTS5 writes its pending terms out as a new segment whenever a rowid comes below the last
one, so rows in id order (the order the ``IN`` lookup gives) made a segment every few rows and
merged them again: about 3.5 s of FTS5's own writes in a 50k-node first load (a statement
trace), 0.3 s in key order."""

ORDERED: Final = "search_ordered"
"""The ``meta`` key holding the last key of the ordered run: every key up to it was given in
(name, id) order, so FTS5's rowid order is the nodes' (name, id) order there. Keys after it
(nodes added or renamed by a later refresh, each refresh's in order) are not."""

ORDERED_RUN: Final = (
    "SELECT ifnull((SELECT min(key) - 1 FROM (SELECT key, name, id, "
    "lag(name) OVER (ORDER BY key) AS before_name, lag(id) OVER (ORDER BY key) AS before_id "
    "FROM search_keys) WHERE name < before_name OR (name = before_name AND id < before_id)), "
    "(SELECT ifnull(max(key), 0) FROM search_keys))"
)
"""The last key of the longest run from the first key whose keys follow (name, id) order."""

INDEX_ALL: Final = (
    "INSERT INTO search_keys (id, name) SELECT id, name FROM nodes ORDER BY name, id",
    f"INSERT OR REPLACE INTO meta (key, value) VALUES ('{ORDERED}', ({ORDERED_RUN}))",
    "INSERT INTO search_trigrams (rowid, name, id) "
    "SELECT key, lower(name), lower(id) FROM search_keys",
    "INSERT INTO search_grams (rowid, grams) SELECT key, innonet_grams(name, id) FROM search_keys",
    "INSERT INTO search_trigrams (search_trigrams) VALUES ('optimize')",
    "INSERT INTO search_grams (search_grams) VALUES ('optimize')",
)
"""Index every node of a graph written without the index (a store of schema version 1)."""


def build(conn: sqlite3.Connection) -> None:
    """Index every node on ``conn`` (inside the caller's write transaction)."""
    for statement in INDEX_ALL:
        conn.execute(statement)
