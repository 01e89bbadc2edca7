"""Types of the compiled search in ``queries/_route.c``."""

from queries.projection import BoolArray, IntArray

def hop_route(
    indptr: IntArray,
    indices: IntArray,
    source: int,
    target: int,
    max_hops: int,
    allowed: BoolArray | None,
    deadline: float | None,
    /,
) -> list[int] | None: ...
