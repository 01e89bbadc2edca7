"""Types of the compiled integer form in ``queries/_columns.c``."""

import numpy as np
import numpy.typing as npt

from queries.projection import BoolArray, IntArray

Bytes = bytes | npt.NDArray[np.uint8]
Floats = npt.NDArray[np.float64]

def cut(data: Bytes, starts: IntArray, ends: IntArray, /) -> None: ...
def ascending(data: Bytes, starts: IntArray, ends: IntArray, /) -> bool: ...
def positions(
    key_data: Bytes,
    key_starts: IntArray,
    key_ends: IntArray,
    data: Bytes,
    starts: IntArray,
    ends: IntArray,
    out: IntArray,
    /,
) -> None: ...
def codes(
    data: Bytes, starts: IntArray, ends: IntArray, out: npt.NDArray[np.int32], /
) -> list[int]: ...
def topology(
    source: IntArray,
    target: IntArray,
    type: IntArray,
    cost: Floats,
    symmetric: BoolArray | npt.NDArray[np.uint8],
    degree: IntArray,
    indptr: IntArray,
    pairs: IntArray,
    pair_cost: Floats,
    pair_edge: IntArray,
    indices: IntArray,
    csr_pair: IntArray,
    csr_cost: Floats,
    arcs: IntArray,
    /,
) -> tuple[int, int]: ...
