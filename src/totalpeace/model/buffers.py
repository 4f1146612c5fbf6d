"""Output buffers of the model's kernels: the engine passes arrays it allocated once per call, tests and other
callers pass nothing and get a fresh array (docs/performance.md)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def zeroed(out, shape):
    """`out` cleared to zeros, or a new array of zeros of `shape` when there is no buffer (numba compiles one branch
    per call signature: the test on None costs nothing)."""
    if out is None:
        return np.zeros(shape)
    out[:] = 0.0
    return out
