"""One ensemble recorded as a one-point experiment: how the dashboard's runs enter the results store.

An ensemble with changed levers is the smallest experiment there is: its levers are fixed factors (one value each,
so a single design point) and its runs are that point's replications 0 .. runs - 1 under the ensemble's seed. Writing
it through the same tasks, executors and parts as a sweep means `totalpeace query` sees dashboard runs beside sweeps,
with the same tables, and every run can be recomputed with `totalpeace.simulate(..., first_run=run)`.
Levers whose value is a list or a table (ceasefires, the talks order) are recorded as JSON text.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from totalpeace.engine.results import REQUIRED
from totalpeace.experiments.design import build_design
from totalpeace.experiments.spec import ExperimentSpec, Factor
from totalpeace.experiments.store import ResultsStore
from totalpeace.experiments.sweep import experiment_metadata
from totalpeace.experiments.worker import Task, Unit
from totalpeace.scenario.schema import Scenario

Scalar = float | int | str | bool
CHUNKS = 16  # tasks per ensemble: progress moves in steps of about 1/16
MAX_CHUNK = 256  # runs per task, so that one task's results stay small


def recorded_value(value: Any) -> Scalar:
    """A lever's value as a factor value: scalars as they are, lists and tables as sorted JSON text."""
    if isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def ensemble_spec(name: str, scenario: str, levers: dict[str, Any], runs: int, seed: int, months: int,
                  description: str = "") -> ExperimentSpec:
    """The experiment of one ensemble: every lever fixed at its value, `runs` replications."""
    if not levers:
        raise ValueError("an ensemble experiment records at least one lever")
    factors = {path: Factor(values=[recorded_value(value)]) for path, value in levers.items()}
    return ExperimentSpec(name=name, description=description, scenario=scenario, levers=factors,
                          design="full_factorial", samples=1, replications=runs, seed=seed, months=months,
                          outcomes=list(REQUIRED))


def chunk_size(runs: int) -> int:
    """Runs per task: about CHUNKS tasks, at most MAX_CHUNK runs each."""
    return max(1, min(MAX_CHUNK, math.ceil(runs / CHUNKS)))


def point_levers(spec: ExperimentSpec) -> dict[str, Scalar]:
    """The one point's lever values by scenario path: what each of its runs records as its parameters."""
    return {path: factor.values[0] for path, factor in spec.levers.items() if factor.values}


def ensemble_tasks(spec: ExperimentSpec, scenario: Scenario, keep_results: bool = True) -> list[Task]:
    """Tasks covering runs 0 .. replications - 1 of the one point, `scenario` being the point's resolved scenario."""
    data = scenario.model_dump(mode="python")
    parameters = point_levers(spec)
    size = chunk_size(spec.replications)
    return [Task(spec.name, spec.seed, spec.months or scenario.months, list(spec.outcomes), spec.monthly,
                 [Unit(0, first, min(size, spec.replications - first), data, parameters)], keep_results=keep_results)
            for first in range(0, spec.replications, size)]


def begin_ensemble(store: ResultsStore, spec: ExperimentSpec, base: Scenario, extra: dict[str, Any]) -> pd.DataFrame:
    """Create the experiment in `store` (metadata with `extra` added, the one design point); call under the lock."""
    points = build_design(spec)
    meta = {**experiment_metadata(spec, base, points, spec.months or base.months), **extra}
    store.begin(meta, points, resume=False, replace=False)
    return points
