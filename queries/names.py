"""Nodes named the way people name them: an id, or a name (or part of one) that picks one node.

Commands and maps that take a node accept either; a name matching several nodes is refused with
the candidates listed, so that the person can pick one by its id.
"""

from __future__ import annotations

from typing import Final

from graphsvc.stores.contract import Node, SearchFilter, Store
from queries.errors import NotFound

CANDIDATES: Final = 10
"""How many candidates an ambiguous name lists."""
_SCANNED: Final = 200
"""How many name matches are read to find an exact one."""


class UnknownName(NotFound):
    """No node has this id, and no node's name contains it."""

    def __init__(self, text: str):
        super().__init__(text)
        self.args = (f"no node with id or name {text!r}; try innonet search",)


class AmbiguousName(NotFound):
    """Several nodes' names contain the text: the message lists up to :data:`CANDIDATES`."""

    def __init__(self, text: str, candidates: list[Node], total: int):
        super().__init__(text)
        self.candidates = candidates
        listed = "; ".join(labelled(n) for n in candidates)
        more = f" and {total - len(candidates):,} more" if total > len(candidates) else ""
        self.args = (f"{total:,} nodes match {text!r}: {listed}{more}; give an id",)


def labelled(node: Node) -> str:
    """``name [id]``, as titles and messages print a node.

    Examples
    --------
    >>> labelled(Node("brk:east", "Broker", "东部中心"))
    '东部中心 [brk:east]'
    """
    return f"{node.name} [{node.id}]"


def resolve_node(store: Store, text: str) -> Node:
    """The node whose id is ``text``; else the one node whose name is ``text`` (ignoring case);
    else the one node whose name contains it. :class:`UnknownName` when none matches,
    :class:`AmbiguousName` (listing candidates) when several do."""
    wanted = text.strip()
    found = store.nodes([wanted]).get(wanted) if wanted else None
    if found is not None:
        return found
    if not wanted:
        raise UnknownName(text)
    page = store.search(SearchFilter(text=wanted), first=_SCANNED)
    exact = [n for n in page.nodes if n.name.casefold() == wanted.casefold()]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousName(text, exact[:CANDIDATES], len(exact))
    if page.total == 1:
        return page.nodes[0]
    if page.total == 0:
        raise UnknownName(text)
    raise AmbiguousName(text, page.nodes[:CANDIDATES], page.total)


def resolve_id(store: Store, text: str) -> str:
    """The id of :func:`resolve_node`."""
    return resolve_node(store, text).id
