"""The unidentified assumptions of an ensemble: drawn from their plausible ranges, not held at one guess.

A calibration draws the parameters history speaks to; every other registry parameter keeps its default. For a
parameter with a published estimate that is the estimate. For one whose number no source supports — marked
`assumption` in the registry (scenario/params.py), or `[P]`, a proposal, as in "Walter (1997) [R]; size [P]" — it is
one guess inside a range the registry also states, and holding it there makes the intervals narrower than what is
known. A parameter the patterns do not identify has a posterior close to its prior (docs/validation.md 10.20: the
spoiler label's weight keeps 95% of its prior variance), so the run plan can draw each such parameter uniformly over
its plausible range, the calibration's own prior, in every cell (or, by default, from the calibration's candidates
matched to history: calibration/matching.py).

Which parameters: the registry's assumptions that neither the calibration set nor the scenario (its file or a
`--set`) gives a value, recognised by pydantic's fields set. Each parameter's draw in cell k is a counter-based hash
of (seed, k, the parameter's name), so it does not depend on which other parameters are drawn: a variant that holds
one assumption keeps every other draw of the baseline, run by run.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from totalpeace.engine.rng import uniforms
from totalpeace.scenario.params import ASSUMPTION, PARAMETERS, ParamSpec
from totalpeace.scenario.schema import Scenario

_PURPOSE = 1003  # far from the engine's purposes and beside the plan's (1001 forms, 1002 draws)
PROPOSAL = "[P]"  # docs/model.md's tag for a functional form or value with no source claimed


@dataclass(frozen=True)
class Assumptions:
    """The assumptions an ensemble draws, with their plausible ranges."""

    names: tuple[str, ...] = ()
    low: tuple[float, ...] = ()
    high: tuple[float, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.names)

    def draws(self, seed: int, cells: np.ndarray) -> np.ndarray:
        """(cells, assumptions) values: uniform on each parameter's plausible range, a pure function of
        (seed, cell, name)."""
        cells = np.asarray(cells, dtype=np.int64)
        out = np.empty((len(cells), len(self.names)))
        for j, name in enumerate(self.names):
            u = uniforms(seed, cells, 0, _purpose(name), (1,))[:, 0]
            out[:, j] = self.low[j] + u * (self.high[j] - self.low[j])
        return out


def is_assumption(spec: ParamSpec) -> bool:
    """Whether the registry marks the default as an assumption or a proposal ([P]): no published estimate supports
    the number."""
    return (spec.source.lower().startswith(ASSUMPTION) or PROPOSAL in spec.source) and spec.high > spec.low


def assumptions_except(given: Iterable[str]) -> Assumptions:
    """The registry's assumptions (and proposals) other than those `given` a value, with their plausible ranges."""
    given = set(given)
    chosen = [p for p in PARAMETERS if is_assumption(p) and p.name not in given]
    return Assumptions(tuple(p.name for p in chosen), tuple(p.low for p in chosen), tuple(p.high for p in chosen))


def unidentified(scenario: Scenario) -> Assumptions:
    """The registry's assumptions the scenario leaves at their defaults: no calibration set, scenario file or
    `--set` gives them a value."""
    return assumptions_except(scenario.parameters.model_fields_set)


def _purpose(name: str) -> int:
    """A stream purpose of the parameter's own (CRC-32 of its name), so adding or holding one assumption leaves the
    others' draws alone."""
    return (_PURPOSE << 32) | zlib.crc32(name.encode())


def with_assumptions(sets: list[dict[str, Any]], scenarios: Iterable[Scenario], seed: int) -> list[dict[str, Any]]:
    """`validate --assumptions drawn`: each parameter set of a shared ensemble (posterior draws, held values) also
    draws the assumptions that no set and no scenario gives, set k as a plan's cell k."""
    drawn = assumptions_except(set().union(*(s.keys() for s in sets),
                                           *(s.parameters.model_fields_set for s in scenarios)))
    values = drawn.draws(seed, np.arange(len(sets)))
    return [{**s, **dict(zip(drawn.names, (float(x) for x in row), strict=True))}
            for s, row in zip(sets, values, strict=True)]
