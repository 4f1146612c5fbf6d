"""The model's parameters as the compiled mechanisms read them: one named tuple of floats, `p.name`.

Its fields are the parameter registry (scenario/params.py) in registry order, so a parameter added there is readable
in every mechanism at once. Attribute access compiles to a constant offset.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping

from totalpeace.scenario.params import PARAMETERS

Params = namedtuple("Params", [spec.name for spec in PARAMETERS])


def params_tuple(values: Mapping[str, float]) -> Params:
    """The parameter values (every registered name) as a `Params` tuple of floats."""
    return Params(*(float(values[name]) for name in Params._fields))


def default_params(**changes: float) -> Params:
    """The registry defaults with some values replaced (an unknown name is an error, not a silent default)."""
    unknown = set(changes) - set(Params._fields)
    if unknown:
        raise KeyError(f"unknown parameters: {', '.join(sorted(unknown))}")
    return params_tuple({**{spec.name: spec.default for spec in PARAMETERS}, **changes})
