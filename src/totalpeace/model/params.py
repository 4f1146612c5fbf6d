"""The model's parameters as the compiled mechanisms read them: one record of floats, `p.name`.

Its fields are the parameter registry (scenario/params.py) in registry order, so a parameter added there is readable
in every mechanism at once. Why a NumPy record and not a named tuple: numba passes a record as one pointer, where it
passes a tuple's 192 floats one by one to every function that takes `p` (and converts each of them in the wrapper of
every function callable from Python); the record took about a quarter off a first compilation (docs/performance.md).
Attribute access compiles to a load at a constant offset.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from totalpeace.scenario.params import PARAMETERS

FIELDS: tuple[str, ...] = tuple(spec.name for spec in PARAMETERS)
PARAMS_DTYPE = np.dtype([(name, np.float64) for name in FIELDS])
Params = np.record  # the type of a parameter set: `p.name` and `p[name]` read a value


def params_record(values: Mapping[str, float]) -> np.record:
    """The parameter values (every registered name) as one record of floats (filled in one step: a run plan builds
    one per cell)."""
    return np.rec.array(np.array([tuple(float(values[name]) for name in FIELDS)], dtype=PARAMS_DTYPE))[0]


def default_params(**changes: float) -> np.record:
    """The registry defaults with some values replaced (an unknown name is an error, not a silent default)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise KeyError(f"unknown parameters: {', '.join(sorted(unknown))}")
    return params_record({**{spec.name: spec.default for spec in PARAMETERS}, **changes})
