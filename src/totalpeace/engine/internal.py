"""The decorator for compiled functions that only compiled code calls."""

from __future__ import annotations

import numba


def internal(function):
    """Compile `function` like the model's other functions (cached on disk), but without its entry points from
    Python (`no_cpython_wrapper`, `no_cfunc_wrapper`). Why: numba builds, optimises and emits for every compiled
    function a wrapper that converts each argument from a Python object, and the records' functions take hundreds of
    arrays in the records' named tuples (docs/performance.md). Calling such a function from Python would crash the
    interpreter instead of raising, so only compiled code may call it: tests/test_internal_kernels.py checks the
    sources."""
    return numba.njit(cache=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)(function)
