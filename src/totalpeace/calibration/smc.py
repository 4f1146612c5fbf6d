"""ABC-SMC with MCMC moves (replenishment; Drovandi & Pettitt 2011, after Del Moral, Doucet & Jasra 2012).

Why this algorithm: importance-weighted ABC-SMC (the previous method, pyabc's) let the weights degenerate on this
model (an effective sample size of 21 of 400 particles). Here every generation

1. sets the tolerance to the distance of the best `keep` share of the particles and drops the rest,
2. refills the population by resampling the survivors, and
3. moves each copy with an ABC-MCMC kernel that leaves the ABC posterior at that tolerance invariant (a Gaussian
   random walk fitted to the survivors, and, when model forms are calibrated, a switch to another form; a move is
   accepted when the proposal lies in the prior's support and its simulated distance is within the tolerance).

The kernel is applied until at most a share `stay` of the copies were never moved: the population keeps equal
weights and distinct particles, so its effective sample size stays near the population instead of collapsing. The
run stops when a generation would need more than `max_moves` steps or its acceptance falls below `min_acceptance`
(the tolerance cannot usefully be lowered), after `generations`, or when a generation would not fit in the
simulation budget; such a generation is abandoned and the last fully moved population is the posterior. The
wall-clock limit is a safety net checked before each step.

Reproducible: all random draws (prior samples, resampling, proposals, acceptance) are made here from generators keyed
by (seed, generation, step); particles are simulated on any executor with seeds derived from their settings, and
their results are put back in order. The posterior is therefore bit-identical on one process, a process pool or a
Dask cluster; only the wall-clock limit, if it is reached, depends on the machine.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from totalpeace.scenario.forms import Form, form_fields

Evaluate = Callable[[list[dict]], list[tuple[np.ndarray, float]]]  # settings -> (discrepancies, distance) each
FORM_SWITCH = 0.2  # share of proposals that change the model form (when more than one is calibrated)


@dataclass(frozen=True)
class SmcSettings:
    population: int
    keep: float = 0.5  # share of particles surviving each generation
    stay: float = 0.01  # at most this probability that a resampled copy is never moved
    max_moves: int = 30  # MCMC steps per generation at most
    generations: int = 20
    min_acceptance: float = 0.03
    max_simulations: int = 1_000_000
    max_minutes: float = 30.0
    seed: int = 1


@dataclass
class Prior:
    """Uniform on a box, and uniform over a list of model forms (one form: forms are not calibrated)."""

    bounds: dict[str, tuple[float, float]]
    forms: list[Form] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(self.bounds)

    def setting(self, unit: np.ndarray, form: int) -> dict:
        values = {n: float(lo + u * (hi - lo)) for (n, (lo, hi)), u in zip(self.bounds.items(), unit, strict=True)}
        return {**values, **(self.forms[form] if len(self.forms) > 1 else {})}

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        unit = rng.random((n, len(self.bounds)))
        forms = rng.integers(0, max(1, len(self.forms)), size=n)
        return unit, forms


@dataclass
class Population:
    """Particles on the unit cube of the prior box, their form index, discrepancies and distances."""

    unit: np.ndarray  # (N, d)
    form: np.ndarray  # (N,)
    z: np.ndarray  # (N, patterns)
    distance: np.ndarray  # (N,)

    def take(self, index: np.ndarray) -> Population:
        return Population(self.unit[index], self.form[index], self.z[index], self.distance[index])

    @staticmethod
    def join(a: Population, b: Population) -> Population:
        return Population(np.vstack([a.unit, b.unit]), np.concatenate([a.form, b.form]), np.vstack([a.z, b.z]),
                          np.concatenate([a.distance, b.distance]))

    def distinct(self) -> int:
        """Number of distinct particles (a resampled copy that was never moved is the same particle)."""
        return len({(int(f), u.tobytes()) for f, u in zip(self.form, self.unit, strict=True)})


@dataclass
class SmcResult:
    population: Population
    generations: pd.DataFrame  # t, epsilon, simulations, acceptance, moves, distinct, minutes
    simulations: int
    stopped: str  # why the run ended, in words
    prior: Prior


def merged_kish(keys: Sequence[Hashable], weights: np.ndarray) -> float:
    """Kish's effective sample size 1 / sum(w^2) after merging the weights of identical particles (same key): a copy
    that was never moved adds weight to its original, not information."""
    merged: Counter[Hashable] = Counter()
    for key, weight in zip(keys, weights, strict=True):
        merged[key] += float(weight)
    w = np.array(list(merged.values()))
    w = w / w.sum()
    return float(1.0 / np.sum(w**2))


def effective_sample_size(population: Population) -> float:
    """Kish's effective sample size of the equally weighted population, identical particles merged."""
    keys = [(int(f), u.tobytes()) for f, u in zip(population.form, population.unit, strict=True)]
    return merged_kish(keys, np.ones(len(keys)))


def moves_needed(acceptance: float, stay: float, most: int) -> int:
    """MCMC steps so that a copy stays where it was with probability at most `stay`."""
    if acceptance <= 0.0:
        return most
    if acceptance >= 1.0:
        return 1
    return int(min(most, max(1, math.ceil(math.log(stay) / math.log(1.0 - acceptance)))))


class _Budget:
    def __init__(self, settings: SmcSettings) -> None:
        self.settings, self.started, self.simulations = settings, time.time(), 0

    def minutes(self) -> float:
        return (time.time() - self.started) / 60

    def fits(self, simulations: int) -> bool:
        return self.simulations + simulations <= self.settings.max_simulations

    def out_of_time(self) -> bool:
        return self.minutes() >= self.settings.max_minutes


def run_smc(prior: Prior, evaluate: Evaluate, settings: SmcSettings,
            on_generation: Callable[[str, int], None] | None = None) -> SmcResult:
    """Run the sampler; `evaluate` simulates a list of settings (in order) and returns discrepancies and distances;
    `on_generation(label, n)` is called before each batch of `n` simulations (for progress bars)."""
    n = settings.population
    budget = _Budget(settings)

    def simulate(unit: np.ndarray, forms: np.ndarray, label: str) -> tuple[np.ndarray, np.ndarray]:
        if on_generation is not None:
            on_generation(label, len(unit))
        found = evaluate([prior.setting(u, int(f)) for u, f in zip(unit, forms, strict=True)])
        budget.simulations += len(unit)
        return np.array([z for z, _ in found]), np.array([d for _, d in found])

    unit, forms = prior.sample(np.random.default_rng([settings.seed, 0]), n)
    z, dist = simulate(unit, forms, "prior sample")
    population = Population(unit, forms, z, dist)
    rows = [{"t": 0, "epsilon": float(np.max(dist)), "simulations": n, "acceptance": 1.0, "moves": 0,
             "distinct": population.distinct(), "ess": effective_sample_size(population),
             "minutes": budget.minutes(), "abandoned": False}]
    keep = max(2, min(n - 1, math.ceil(settings.keep * n)))
    stopped, last_moves, t = "", 1, 0
    while not stopped:
        t += 1
        if t > settings.generations - 1:
            stopped = f"reached {settings.generations} generations"
            break
        if not budget.fits((n - keep) * last_moves):
            stopped = (f"the next generation ({last_moves} steps x {n - keep} particles) would exceed the budget of "
                       f"{settings.max_simulations:,} simulations")
            break
        if budget.out_of_time():
            stopped = f"the wall-clock limit of {settings.max_minutes:g} minutes"
            break
        population, row, last_moves, stopped = _generation(prior, population, keep, t, settings, budget, simulate)
        rows.append(row)
    return SmcResult(population, pd.DataFrame(rows), budget.simulations, stopped, prior)


def _generation(prior: Prior, population: Population, keep: int, t: int, settings: SmcSettings, budget: _Budget,
                simulate: Callable) -> tuple[Population, dict, int, str]:
    """One generation: lower the tolerance, resample, and move the copies until at most `stay` of them were never
    moved (or `max_moves` steps).

    The first step measures the kernel's acceptance p and so the steps needed (log stay / log(1 - p)). A generation
    that would need more than `max_moves`, whose acceptance is below `min_acceptance`, or whose steps would not fit in
    the budget (or the time) is abandoned: the previous population, fully moved at its own tolerance, stays the
    posterior, so the run never ends on a population of unmoved copies."""
    rng = np.random.default_rng([settings.seed, t])
    order = np.argsort(population.distance, kind="stable")
    epsilon = float(population.distance[order[keep - 1]])
    survivors = population.take(order[:keep])
    moving = survivors.take(rng.integers(0, keep, size=len(population.distance) - keep))
    chol = _proposal_factor(survivors.unit)
    n_moving = len(moving.distance)
    moved = np.zeros(n_moving, dtype=bool)
    accepted = steps = 0
    stopped = ""
    while steps < settings.max_moves and (steps == 0 or np.mean(~moved) > settings.stay):
        if steps > 0 and (budget.out_of_time() or not budget.fits(n_moving)):
            stopped = (f"the wall-clock limit of {settings.max_minutes:g} minutes" if budget.out_of_time() else
                       f"the budget of {settings.max_simulations:,} simulations") + f", during generation {t}"
            break
        step_rng = np.random.default_rng([settings.seed, t, steps + 1])
        moving, ok = _mcmc_step(prior, moving, epsilon, chol, step_rng, simulate, f"generation {t}, step {steps + 1}")
        moved |= ok
        accepted += int(ok.sum())
        steps += 1
        if steps == 1:
            first = ok.mean()
            planned = moves_needed(first, settings.stay, 10**6)
            if first < settings.min_acceptance:
                stopped = (f"the MCMC acceptance at tolerance {epsilon:.3g} ({first:.3f}) is below "
                           f"{settings.min_acceptance:g}: the tolerance cannot usefully be lowered")
            elif planned > settings.max_moves:
                stopped = (f"generation {t} would need about {planned} MCMC steps (acceptance {first:.3f}), more "
                           f"than {settings.max_moves}: the tolerance cannot usefully be lowered")
            elif not budget.fits((planned - 1) * n_moving):
                stopped = (f"generation {t}'s {planned} MCMC steps would exceed the budget of "
                           f"{settings.max_simulations:,} simulations")
            if stopped:
                break
    acceptance = accepted / max(1, steps * n_moving)
    row = {"t": t, "epsilon": epsilon, "simulations": budget.simulations, "acceptance": acceptance, "moves": steps,
           "minutes": budget.minutes()}
    if stopped:  # abandoned: the previous population stays
        return population, {**row, "distinct": np.nan, "ess": np.nan, "abandoned": True}, steps, stopped
    population = Population.join(survivors, moving)
    row.update(distinct=population.distinct(), ess=effective_sample_size(population), abandoned=False)
    return population, row, steps, stopped


def _proposal_factor(unit: np.ndarray) -> np.ndarray:
    """Cholesky factor of the random walk's covariance: the survivors' covariance scaled by 2.38^2 / d (Roberts &
    Rosenthal 2001), with a floor so that a collapsed coordinate can still move."""
    d = unit.shape[1]
    cov = np.atleast_2d(np.cov(unit, rowvar=False)) if len(unit) > 1 else np.eye(d) * 1e-2
    cov = cov * (2.38**2 / d) + np.eye(d) * 1e-8
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return np.diag(np.sqrt(np.clip(np.diag(cov), 1e-8, None)))


def _mcmc_step(prior: Prior, moving: Population, epsilon: float, chol: np.ndarray, rng: np.random.Generator,
               simulate: Callable, label: str) -> tuple[Population, np.ndarray]:
    """One ABC-MCMC step for every moving particle; returns the new particles and which of them moved."""
    n, d = moving.unit.shape
    k = max(1, len(prior.forms))
    switch = (rng.random(n) < FORM_SWITCH) if k > 1 else np.zeros(n, dtype=bool)
    proposal_unit = np.where(switch[:, None], moving.unit, moving.unit + rng.standard_normal((n, d)) @ chol.T)
    other = (moving.form + rng.integers(1, k, size=n)) % k if k > 1 else moving.form
    proposal_form = np.where(switch, other, moving.form)
    inside = np.all((proposal_unit >= 0.0) & (proposal_unit <= 1.0), axis=1)
    candidates = np.flatnonzero(inside)
    z, dist = moving.z.copy(), moving.distance.copy()
    unit, form = moving.unit.copy(), moving.form.copy()
    moved = np.zeros(n, dtype=bool)
    if candidates.size:
        new_z, new_dist = simulate(proposal_unit[candidates], proposal_form[candidates], label)
        ok = new_dist <= epsilon
        chosen = candidates[ok]
        unit[chosen], form[chosen] = proposal_unit[chosen], proposal_form[chosen]
        z[chosen], dist[chosen] = new_z[ok], new_dist[ok]
        moved[chosen] = True
        return Population(unit, form, z, dist), moved
    return moving, moved


def posterior_frame(result: SmcResult, patterns: Sequence[str]) -> pd.DataFrame:
    """The final population as a table: form fields, parameter values, weight, distance and each discrepancy."""
    prior, pop = result.prior, result.population
    rows = [prior.setting(u, int(f)) for u, f in zip(pop.unit, pop.form, strict=True)]
    frame = pd.DataFrame(rows)
    fields = [c for c in form_fields() if c in frame.columns]
    frame = frame[fields + prior.names]
    frame["weight"] = 1.0 / len(frame)
    frame["distance"] = pop.distance
    for j, pid in enumerate(patterns):
        frame[f"z:{pid}"] = pop.z[:, j]
    return frame
