"""History matching of the unidentified assumptions: which of their plausible values the patterns do not rule out.

The calibration fits the parameters the screening found; the registry's other assumptions keep their defaults
(docs/validation.md 11.6). Drawn uniformly over their plausible ranges they widen the intervals with runs history
rejects (the mean share of runs meeting a pattern falls from 0.373 to 0.313). One more ABC rejection step keeps the
draws history does not reject:

1. candidate k takes a particle θ of the calibration's posterior, drawn by weight, and a uniform draw a of every
   unidentified assumption (the plan's own hash of (seed, k, name), uncertainty/assumptions.py);
2. it is simulated like a particle of the calibration (the spec's scenarios, patterns, runs and distance; its seed a
   function of the setting, so the result does not depend on the executor or the order);
3. it is accepted when its distance is within the tolerance the posterior was moved at, over the patterns that
   tolerance was measured on: those the posterior scores (its `z:` columns). A pattern added to the catalogue since
   the calibration is left out of the distance until `calibrate` fits it, since a miss no candidate can avoid would
   otherwise lengthen every distance and reject candidates the fitted patterns accept.

The accepted pairs are a sample of π(θ | D) p(a) 1{d(θ, a) ≤ ε}: the calibrated parameters' posterior serves as
their prior, so the patterns inform θ twice (the sample is a little narrower in θ than the joint ABC posterior
would be); for the assumptions it is the ABC posterior given the calibrated ones. Every candidate is stored,
rejected ones too (`accepted`, `distance`, each pattern's signed miss), in `assumptions.parquet` beside the posterior;
the run plan draws among the accepted ones (`weight`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from totalpeace.calibration.method import derived_seed, evaluator, problem_of
from totalpeace.calibration.output import parquet_bytes
from totalpeace.calibration.spec import Budget, CalibrationSpec
from totalpeace.calibration.yardsticks import usable
from totalpeace.errors import InputError
from totalpeace.experiments.executors import Executor
from totalpeace.experiments.store import atomic_write_bytes
from totalpeace.scenario.forms import ASSUMPTIONS_FILE, form_fields
from totalpeace.scenario.params import BY_NAME
from totalpeace.scenario.schema import Scenario
from totalpeace.uncertainty.assumptions import Assumptions, assumptions_except
from totalpeace.validation.patterns import catalogue

__all__ = ["ASSUMPTIONS_FILE", "Matched", "assumptions_of", "fitted_patterns", "match_assumptions", "write_matched"]


@dataclass
class Matched:
    """Every candidate with its distance, the tolerance and the assumptions drawn."""

    frame: pd.DataFrame  # row (of the posterior), forms, calibrated values, assumptions, distance, accepted, weight
    names: tuple[str, ...]
    tolerance: float
    unfitted: tuple[str, ...] = ()  # the spec's patterns the posterior's distance did not include (left out)

    @property
    def accepted(self) -> int:
        return int(self.frame["accepted"].sum())


def assumptions_of(posterior: pd.DataFrame, scenarios: dict[str, Scenario]) -> Assumptions:
    """The registry's assumptions the posterior does not draw and none of the scenarios sets."""
    return assumptions_except(set(posterior.columns).union(*(s.parameters.model_fields_set
                                                             for s in scenarios.values())))


def fitted_patterns(spec: CalibrationSpec, posterior: pd.DataFrame) -> tuple[CalibrationSpec, tuple[str, ...]]:
    """The spec restricted to the patterns the posterior scores (its `z:` columns), and the spec's other patterns
    that a distance can use (the others never enter one: not independent, or a direction only); a posterior without
    `z:` columns (written before they were kept) leaves the spec as it is."""
    scored = {c[2:] for c in posterior.columns if c.startswith("z:")}
    if not scored:
        return spec, ()
    chosen = catalogue(None if spec.patterns == "all" else list(spec.patterns))
    kept = [p.id for p in chosen if p.id in scored]
    if not kept:
        raise InputError(f"the posterior scores none of the calibration's patterns ({', '.join(p.id for p in chosen)})"
                         ": it belongs to another calibration")
    return spec.model_copy(update={"patterns": kept}), tuple(p for p in usable(chosen) if p not in scored)


def match_assumptions(spec: CalibrationSpec, scenarios: dict[str, Scenario], budget: Budget,
                      posterior: pd.DataFrame, tolerance: float, candidates: int, executor: Executor,
                      done: Callable[[], None] | None = None) -> Matched:
    """Steps 1-3 of the module docstring, for `candidates` candidates."""
    if candidates < 1:
        raise InputError(f"--candidates: {candidates} is not a positive number of candidates")
    if "weight" not in posterior.columns or posterior.empty:
        raise InputError("the posterior has no particles with a `weight` column")
    spec, unfitted = fitted_patterns(spec, posterior)
    problem, sticks, _ = problem_of(spec, scenarios, budget)
    drawn = assumptions_of(posterior, scenarios)
    if not drawn:
        raise InputError("every assumption of the registry is calibrated or set by the scenarios: nothing to match")
    seed = derived_seed(budget.seed, "assumptions")
    weights = posterior["weight"].to_numpy(dtype=float)
    rows = np.random.default_rng(seed).choice(len(posterior), size=candidates, p=weights / weights.sum())
    values = drawn.draws(seed, np.arange(candidates))
    forms = [c for c in posterior.columns if c in form_fields()]
    calibrated = [c for c in posterior.columns if c in BY_NAME]
    settings = [{**{f: str(posterior.iloc[r][f]) for f in forms},
                 **{c: float(posterior.iloc[r][c]) for c in calibrated},
                 **dict(zip(drawn.names, (float(x) for x in values[k]), strict=True))}
                for k, r in enumerate(rows)]
    scored = evaluator(problem, sticks, executor, done or (lambda: None), spec.distance)(settings)
    frame = pd.DataFrame(settings)
    frame.insert(0, "row", rows)
    frame.insert(0, "candidate", np.arange(candidates))
    frame["distance"] = [d for _, d in scored]
    frame["accepted"] = frame["distance"] <= tolerance
    accepted = int(frame["accepted"].sum())
    frame["weight"] = frame["accepted"] / accepted if accepted else 0.0
    misses = pd.DataFrame([z for z, _ in scored], columns=[f"z:{p}" for p in sticks])
    return Matched(pd.concat([frame, misses], axis=1), drawn.names, tolerance, unfitted)


def write_matched(matched: Matched, folder: Path, calibration: str) -> Path:
    """assumptions.parquet in the calibration's folder, whole or not at all (as the results store writes)."""
    path = folder / ASSUMPTIONS_FILE
    frame = matched.frame.assign(tolerance=matched.tolerance)
    frame.insert(0, "calibration", calibration)
    atomic_write_bytes(path, parquet_bytes(frame), folder)
    return path
