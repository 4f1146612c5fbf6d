"""ABC-SMC calibration with pyabc: simulate historical scenarios per particle, compare summaries, keep the posterior.

Each particle sets the calibrated parameters in every historical scenario, runs a small ensemble (its seed derived
from the calibration seed and the parameter values, so a particle's output is a pure function of both) and returns
the log ensemble means of the targets. The distance is pyabc's adaptive weighted Euclidean distance (each summary
scaled by its spread among the particles), with every target family (all years of one target) weighted equally
so that nine homicide years do not outvote one ceasefire ratio.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.calibration.sampler import SeededMappingSampler
from totalpeace.calibration.spec import Budget
from totalpeace.experiments.executors import Executor
from totalpeace.scenario.dates import month_index
from totalpeace.scenario.schema import Scenario
from totalpeace.validation.targets import Target, summaries


@dataclass(frozen=True)
class Problem:
    """Everything a worker needs to simulate one particle (picklable)."""

    scenarios: dict[str, dict[str, Any]]  # scenario name -> validated scenario as a plain dict
    months: dict[str, int]  # scenario name -> months to simulate (up to the last target year)
    targets: tuple[Target, ...]
    runs: int
    seed: int


def months_needed(scenario: Scenario, targets: list[Target]) -> int:
    """Simulate only up to the end of the last target year (or the scenario's own length if shorter)."""
    last = max(t.year for t in targets)
    return max(1, min(scenario.months, month_index(scenario.start, f"{last}-12") + 1))


def particle_seed(seed: int, parameters: dict[str, float]) -> int:
    """A simulation seed that depends only on the calibration seed and the particle's parameter values."""
    digest = hashlib.sha256(repr((seed, sorted(parameters.items()))).encode()).digest()
    return int.from_bytes(digest[:8], "little") % 2**63


def with_parameters(data: dict[str, Any], parameters: dict[str, float]) -> Scenario:
    """The scenario with the given parameter values."""
    merged = dict(data)
    merged["parameters"] = {**data["parameters"], **{k: float(v) for k, v in parameters.items()}}
    return Scenario.model_validate(merged)


def make_problem(scenarios: dict[str, Scenario], targets: list[Target], runs: int, seed: int) -> Problem:
    """The picklable simulation problem of a calibration."""
    return Problem(
        scenarios={name: s.model_dump(mode="python") for name, s in scenarios.items()},
        months={name: months_needed(s, [t for t in targets if t.scenario == name]) for name, s in scenarios.items()},
        targets=tuple(targets), runs=runs, seed=seed)


def simulate_summaries(problem: Problem, parameters: dict[str, float], seed: int) -> dict[str, float]:
    """The log ensemble means of every target with the given parameter values and simulation seed."""
    from totalpeace.engine.simulate import simulate

    out: dict[str, float] = {}
    for name, data in problem.scenarios.items():
        targets = [t for t in problem.targets if t.scenario == name]
        results = simulate(with_parameters(data, parameters), runs=problem.runs, seed=seed, months=problem.months[name])
        out.update(summaries(results, targets))
    return out


def simulate_particle(problem: Problem, parameters: dict[str, float]) -> dict[str, float]:
    """The log ensemble means of every target for one particle (its seed derived from its parameter values)."""
    values = {k: float(v) for k, v in parameters.items()}
    return simulate_summaries(problem, values, particle_seed(problem.seed, values))


class _Model:
    """Picklable callable for pyabc: parameters -> summary statistics."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    def __call__(self, parameters: dict[str, float]) -> dict[str, float]:
        return simulate_particle(self.problem, dict(parameters))


def family_weights(targets: list[Target]) -> dict[str, float]:
    """Weight 1/n for each of the n years of a target, so every target counts once."""
    counts = Counter((t.scenario, t.name) for t in targets)
    return {t.key: 1.0 / counts[(t.scenario, t.name)] for t in targets}


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of importance weights."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2))


@dataclass
class Posterior:
    """The last population: parameter samples and normalised importance weights, plus the run's history."""

    samples: pd.DataFrame  # one column per parameter
    weights: np.ndarray
    generations: pd.DataFrame  # t, epsilon, particles, evaluations, acceptance, ess
    evaluations: int

    @property
    def ess(self) -> float:
        """Effective sample size of the final population, 1 / sum(w^2): how many particles the weights are worth."""
        return effective_sample_size(self.weights)

    def quantiles(self, q: float) -> dict[str, float]:
        """Weighted quantile of each parameter."""
        out = {}
        for name in self.samples.columns:
            order = np.argsort(self.samples[name].to_numpy())
            values = self.samples[name].to_numpy()[order]
            cdf = np.cumsum(self.weights[order])
            out[name] = float(values[min(np.searchsorted(cdf, q * cdf[-1]), len(values) - 1)])
        return out

    def mean(self) -> dict[str, float]:
        return {n: float(np.sum(self.samples[n].to_numpy() * self.weights)) for n in self.samples.columns}

    def frame(self) -> pd.DataFrame:
        out = self.samples.copy()
        out["weight"] = self.weights
        return out


def run_abc(bounds: dict[str, tuple[float, float]], scenarios: dict[str, Scenario], targets: list[Target],
            budget: Budget, observed: dict[str, float], executor: Executor | None = None,
            db_path: Path | None = None, on_task: Callable[[int], None] | None = None,
            on_batch: Callable[[int, int], None] | None = None) -> Posterior:
    """Run ABC-SMC on the parameters in `bounds` (uniform priors) and return the final population.

    Tasks go to `executor` (default: this process). `on_task(simulations)` is called as each accepted particle
    arrives; `on_batch(index, n)` when a batch of `n` particles starts (index 0 is pyabc's calibration sample for the
    adaptive distance, then one per generation).
    """
    import pyabc

    from totalpeace.experiments.executors import LocalExecutor

    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)
    problem = make_problem(scenarios, targets, budget.runs, budget.seed)
    prior = pyabc.Distribution(**{n: pyabc.RV("uniform", lo, hi - lo) for n, (lo, hi) in bounds.items()})
    distance = pyabc.AdaptivePNormDistance(p=2, fixed_weights=family_weights(targets))
    np.random.seed(budget.seed)  # pyabc draws in this process too (e.g. when fitting transitions)
    own = executor is None
    executor = executor or LocalExecutor(1)
    try:
        sampler = SeededMappingSampler(budget.seed, executor, on_task=on_task, on_batch=on_batch)
        abc = pyabc.ABCSMC(_Model(problem), prior, distance, population_size=budget.population, sampler=sampler)
        with tempfile.TemporaryDirectory() as tmp:
            db = db_path or Path(tmp) / "abc.db"
            if db.exists():
                db.unlink()
            abc.new(f"sqlite:///{db}", observed)
            history = _run(abc, budget)
            samples, weights = history.get_distribution(m=0, t=history.max_t)
            populations = history.get_all_populations()
            ess = {t: effective_sample_size(history.get_distribution(m=0, t=t)[1]) for t in range(history.max_t + 1)}
    finally:
        if own:
            executor.close()
    gens = populations[populations["t"] >= 0].rename(columns={"samples": "evaluations"})
    gens["acceptance"] = budget.population / gens["evaluations"]
    gens["ess"] = gens["t"].map(ess)
    samples = samples[list(bounds)].reset_index(drop=True)
    w = np.asarray(weights, dtype=float)
    columns = ["t", "epsilon", "particles", "evaluations", "acceptance", "ess"]
    return Posterior(samples=samples, weights=w / w.sum(), generations=gens[columns].reset_index(drop=True),
                     evaluations=int(gens["evaluations"].sum()))


def _run(abc: Any, budget: Budget) -> Any:
    """One pyabc run over all generations, stopped by the budget's generations, time or acceptance limits."""
    return abc.run(max_nr_populations=budget.generations, min_acceptance_rate=budget.min_acceptance,
                   max_walltime=datetime.timedelta(minutes=budget.max_minutes))
