"""Policy search: multi-objective optimisation of lever settings with Optuna's NSGA-II, reporting the Pareto set.

The search calls `evaluate(levers) -> objective values` for each trial; every objective is minimised. To compare
lever settings fairly under uncertainty the caller evaluates each trial on the same uncertainty samples with the
same seeds (common random numbers), so differences between trials come from the levers, not from the draws. The
sampler is seeded: the same space, objective, budget and seed give the same trials.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from totalpeace.errors import InputError

Choice = str | int | float | bool


@dataclass(frozen=True)
class Lever:
    """A searchable lever: a numeric range `low`..`high`, or a list of `values` to choose from."""

    name: str
    low: float | None = None
    high: float | None = None
    values: tuple[Choice, ...] | None = None
    integer: bool = False

    def suggest(self, trial) -> Choice:
        if self.values is not None:
            return trial.suggest_categorical(self.name, list(self.values))
        if self.integer:
            return trial.suggest_int(self.name, math.ceil(self.low), math.floor(self.high))
        return trial.suggest_float(self.name, self.low, self.high)


@dataclass
class SearchResult:
    """Every trial (levers, objectives) and the non-dominated ones."""

    trials: pd.DataFrame
    pareto: pd.DataFrame
    objectives: list[str]
    directions: list[str]


def pareto_mask(values: np.ndarray, directions: Sequence[str] | None = None) -> np.ndarray:
    """Rows not dominated by any other row (objectives minimised unless their direction is "maximize")."""
    values = np.asarray(values, dtype=float)
    if directions is not None:
        values = values * np.array([-1.0 if d == "maximize" else 1.0 for d in directions])
    keep = np.ones(len(values), dtype=bool)
    for i in range(len(values)):
        others = np.delete(values, i, axis=0)
        dominated = np.all(others <= values[i], axis=1) & np.any(others < values[i], axis=1)
        keep[i] = not dominated.any()
    return keep


def search(levers: Sequence[Lever], evaluate: Callable[[dict[str, Choice]], Sequence[float]],
           objectives: Sequence[str], trials: int, seed: int, population: int | None = None,
           directions: Sequence[str] | None = None, on_trial: Callable[[], None] | None = None) -> SearchResult:
    """Run `trials` NSGA-II trials; return every trial and the Pareto set (distinct settings, sorted by objective).

    `population` is NSGA-II's generation size (default: a quarter of the trials, between 4 and 50); `directions`
    gives "minimize" (the default) or "maximize" for each objective.
    """
    import optuna

    if not levers:
        raise InputError("levers: the search needs at least one lever to vary")
    if not objectives:
        raise InputError("outcomes: the search needs at least one objective")
    if trials < 1:
        raise InputError(f"--trials must be at least 1 (got {trials})")
    directions = list(directions or ["minimize"] * len(objectives))
    if len(directions) != len(objectives) or set(directions) - {"minimize", "maximize"}:
        raise ValueError(f"directions {directions} do not match objectives {list(objectives)}")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    population = population or max(4, min(50, trials // 4))
    sampler = optuna.samplers.NSGAIISampler(population_size=population, seed=seed)
    study = optuna.create_study(directions=directions, sampler=sampler)

    def objective(trial) -> list[float]:
        setting = {lever.name: lever.suggest(trial) for lever in levers}
        values = [float(v) for v in evaluate(setting)]
        if len(values) != len(objectives):
            raise ValueError(f"evaluate returned {len(values)} values for {len(objectives)} objectives")
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"non-finite objective values {values} for levers {setting}")
        return values

    callbacks = [lambda _study, _trial: on_trial()] if on_trial else None
    study.optimize(objective, n_trials=trials, callbacks=callbacks, catch=())
    rows = [{"trial": t.number, **t.params, **dict(zip(objectives, t.values, strict=True))} for t in study.trials]
    table = pd.DataFrame(rows, columns=["trial", *[lever.name for lever in levers], *objectives])
    mask = pareto_mask(table[list(objectives)].to_numpy(), directions)
    table["pareto"] = mask
    names = [lever.name for lever in levers]
    pareto = (table[mask].drop(columns="pareto").drop_duplicates(subset=names)
              .sort_values(list(objectives), ascending=[d == "minimize" for d in directions]).reset_index(drop=True))
    return SearchResult(trials=table, pareto=pareto, objectives=list(objectives), directions=directions)
