"""A whole calibration: probe which patterns the model produces, screen the parameters, fit them (and the model
forms) with ABC-SMC, then check the posterior against every pattern and weigh the forms.

Steps (each reported and stored, docs/validation.md section 3):

1. probe: the catalogue's patterns on the spec's scenarios; those the model produces and that can inform a fit
   (calibration/yardsticks.py) form the distance, the others are listed with the reason;
2. screening (Morris) of the candidate parameters, at the scenarios' own forms;
3. ABC-SMC with MCMC moves (calibration/smc.py) over the chosen parameters and, if asked, the forms;
4. predictive checks: fresh runs at prior draws and at posterior draws of every form that kept particles, for every
   pattern of the catalogue on the spec's scenarios;
5. identifiability of each parameter and the form weights (calibration/diagnostics.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from totalpeace.calibration import diagnostics
from totalpeace.calibration.problem import Probe, Problem, build_problem, evaluate_many
from totalpeace.calibration.screening import ScreeningResult, screen
from totalpeace.calibration.smc import Prior, SmcResult, SmcSettings, effective_sample_size, posterior_frame, run_smc
from totalpeace.calibration.spec import Budget, CalibrationSpec, held_by
from totalpeace.calibration.yardsticks import Yardstick, discrepancy, distance, score, usable
from totalpeace.experiments.executors import Executor
from totalpeace.scenario.forms import Form, all_forms, label
from totalpeace.scenario.schema import Scenario
from totalpeace.validation.patterns import catalogue

MIN_FORM_PARTICLES = 5  # a form with fewer particles at the end has no posterior worth checking


@dataclass
class Progress:
    """Callbacks for progress bars: a new stage with its number of simulations, and one simulation done."""

    stage: Callable[[str, int], None] = lambda label, n: None
    done: Callable[[], None] = lambda: None


@dataclass
class Calibration:
    """Everything a calibration found, ready to be written (calibration/output.py)."""

    spec: CalibrationSpec
    budget: Budget
    calibrated: list[str]  # pattern ids in the distance
    left_out: dict[str, str]  # pattern id -> why it is not in the distance
    bounds: dict[str, tuple[float, float]]
    forms: list[Form]
    reference_form: Form
    screening: ScreeningResult | None
    smc: SmcResult
    posterior: pd.DataFrame  # form fields, parameters, weight, distance, z:<pattern>
    checks: pd.DataFrame  # ensemble (prior, posterior, form:LABEL), pattern, runs, share, median, q10, q90, ...
    identifiability: pd.DataFrame
    form_weights: pd.DataFrame
    simulations: int

    @property
    def ess(self) -> float:
        return effective_sample_size(self.smc.population)

    def medians_and_intervals(self) -> tuple[str, dict[str, float], dict[str, tuple[float, float]]]:
        """The parameter set scenarios use: medians and 90% intervals under the reference form (the scenarios' own)
        when it kept particles, else under the form with the largest weight; and the label of that form."""
        frame = self.posterior
        chosen = self.reference_form
        if len(self.forms) > 1:
            mine = _rows_of(frame, chosen)
            if mine.sum() < MIN_FORM_PARTICLES:
                best = self.form_weights.sort_values("weight", ascending=False, kind="stable").iloc[0]
                chosen = {f: str(best[f]) for f in chosen}
            frame = frame[_rows_of(frame, chosen)]
        table = diagnostics.identifiability(frame, self.bounds)
        medians = dict(zip(table["parameter"], table["median"].astype(float), strict=True))
        intervals = {r["parameter"]: (float(r["q05"]), float(r["q95"])) for _, r in table.iterrows()}
        return label(chosen) if chosen else "", medians, intervals


def _rows_of(frame: pd.DataFrame, form: Form) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for field, choice in form.items():
        if field in frame.columns:
            mask &= (frame[field] == choice).to_numpy()
    return mask


def derived_seed(seed: int, purpose: str) -> int:
    """A seed for one purpose of the calibration (the predictive checks), independent of the particles' seeds."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{purpose}".encode()).digest()[:8], "little") % 2**63


def run_calibration(spec: CalibrationSpec, scenarios: dict[str, Scenario], budget: Budget, executor: Executor,
                    progress: Progress | None = None,
                    on_screened: Callable[[ScreeningResult], None] | None = None) -> Calibration:
    """Steps 1-5 of the module docstring."""
    progress = progress or Progress()
    problem, sticks, left_out = problem_of(spec, scenarios, budget)
    reference = _reference_form(scenarios, spec.form_fields())
    forms = all_forms(spec.form_fields(), reference) if spec.form_fields() else []
    screening, names = None, list(spec.parameters)
    if spec.screening is not None:
        candidates = spec.candidates(held_by(scenarios.values()))
        progress.stage(f"screening {len(candidates)} candidates (Morris)",
                       budget.screening_trajectories * (len(candidates) + 1))
        screening = screen(problem, sticks, spec.prior_bounds(candidates), budget.screening_trajectories,
                           spec.screening.levels, spec.screening.keep, executor, on_point=progress.done,
                           per_target=spec.screening.per_target)
        names += [n for n in screening.selected if n not in names]
        if on_screened is not None:
            on_screened(screening)
    bounds = spec.prior_bounds(names)
    prior = Prior(bounds, forms)
    result = run_smc(prior, evaluator(problem, sticks, executor, progress.done, spec.distance), _smc_settings(budget),
                     on_generation=progress.stage)
    posterior = posterior_frame(result, list(sticks))
    checks, per_form, checked = _predictive_checks(spec, scenarios, budget, executor, prior, result, progress)
    labels = [label(f) for f in forms] if forms else [label(reference)]
    counts = [int(np.sum(result.population.form == i)) for i in range(len(labels))]
    weights = diagnostics.form_table(labels, forms or [reference], counts, per_form, list(sticks))
    return Calibration(spec, budget, list(sticks), left_out, bounds, forms, reference, screening, result, posterior,
                       checks, diagnostics.identifiability(posterior, bounds), weights,
                       result.simulations + (screening.evaluations if screening else 0) + checked)


def problem_of(spec: CalibrationSpec, scenarios: dict[str, Scenario],
               budget: Budget) -> tuple[Problem, dict[str, Yardstick], dict[str, str]]:
    """What a particle simulates (step 2), the yardstick of each pattern in the distance and why the others are not."""
    chosen = catalogue(None if spec.patterns == "all" else list(spec.patterns))
    sticks = usable(chosen)
    unusable = {p.id: ("not an independent test: " + p.dependence if p.dependence else
                       "the observation fixes only a direction") for p in chosen if p.id not in sticks}
    probe: Probe = build_problem(scenarios, [p for p in chosen if p.id in sticks], budget.runs, budget.seed)
    problem = probe.problem
    left_out = {**unusable, **probe.left_out}
    sticks = {pid: sticks[pid] for pid in problem.patterns}
    if not sticks:
        from totalpeace.errors import InputError

        raise InputError(f"patterns: none of the chosen patterns can be calibrated against on {', '.join(scenarios)} "
                         f"({'; '.join(f'{k}: {v}' for k, v in left_out.items())})")
    return problem, sticks, left_out


def _reference_form(scenarios: dict[str, Scenario], fields: list[str]) -> Form:
    """The forms the historical scenarios use themselves (the first scenario's, for the calibrated fields)."""
    first = next(iter(scenarios.values()))
    options = first.model.model_dump()
    return {f: str(options[f]) for f in fields} if fields else {}


def _smc_settings(budget: Budget) -> SmcSettings:
    return SmcSettings(population=budget.population, keep=budget.keep, stay=budget.stay, max_moves=budget.max_moves,
                       generations=budget.generations, min_acceptance=budget.min_acceptance,
                       max_simulations=budget.max_simulations, max_minutes=budget.max_minutes, seed=budget.seed)


def evaluator(problem: Problem, sticks: dict[str, Yardstick], executor: Executor, done: Callable[[], None],
               scoring: str = "median") -> Callable[[list[dict]], list[tuple[np.ndarray, float]]]:
    """Simulates settings into (signed discrepancies of the medians, distance); the distance scores the medians'
    misses or, with `scoring="crps"`, every run (calibration/yardsticks.py)."""
    def evaluate(settings: list[dict]) -> list[tuple[np.ndarray, float]]:
        out = []
        for stats in evaluate_many(problem, executor, settings, on_done=done):
            z = np.array([discrepancy(stick, stats[pid]) for pid, stick in sticks.items()])
            misses = np.abs(z) if scoring == "median" else np.array(
                [score(stick, stats[pid]) for pid, stick in sticks.items()])
            out.append((z, distance(misses)))
        return out
    return evaluate


def _predictive_checks(spec: CalibrationSpec, scenarios: dict[str, Scenario], budget: Budget, executor: Executor,
                       prior: Prior, result: SmcResult,
                       progress: Progress) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], int]:
    """Prior and posterior predictive runs for every pattern of the catalogue on the spec's scenarios (and the
    number of particle simulations they took)."""
    everything = catalogue()
    probe = build_problem(scenarios, everything, budget.runs, budget.seed)
    problem, left_out = probe.problem, {**probe.left_out}
    for p in everything:
        if p.dependence:
            left_out.setdefault(p.id, "not an independent test: " + p.dependence)
    patterns = [p for p in everything if p.scenario in scenarios]
    draws = budget.predictive_draws
    seed = derived_seed(budget.seed, "predictive checks")
    unit, forms = prior.sample(np.random.default_rng([budget.seed, 10_000]), draws)
    settings = [prior.setting(u, int(f)) for u, f in zip(unit, forms, strict=True)]
    progress.stage("prior predictive runs", draws)
    first_runs = [i * budget.runs for i in range(draws)]
    rows = diagnostics.predictive_rows(patterns, evaluate_many(problem, executor, settings, [seed] * draws,
                                                               first_runs, progress.done), "prior", left_out)
    pop = result.population
    groups = range(max(1, len(prior.forms)))
    per_form: dict[str, pd.DataFrame] = {}
    posterior_stats = []
    rng = np.random.default_rng([budget.seed, 10_001])
    for k in groups:
        members = np.flatnonzero(pop.form == k)
        if len(members) < MIN_FORM_PARTICLES:
            continue
        picks = rng.choice(members, size=draws, replace=True)
        chosen = [prior.setting(pop.unit[i], int(pop.form[i])) for i in picks]
        name = label(prior.forms[k]) if prior.forms else "posterior"
        progress.stage(f"posterior predictive runs{'' if not prior.forms else f' ({name})'}", draws)
        stats = evaluate_many(problem, executor, chosen, [seed] * draws, first_runs, progress.done)
        posterior_stats.append((len(members), stats))
        if prior.forms:
            part = diagnostics.predictive_rows(patterns, stats, f"form:{name}", left_out)
            rows += part
            per_form[name] = pd.DataFrame(part)
    rows += _mixture_rows(patterns, posterior_stats, left_out)
    if not prior.forms:
        per_form[label({})] = pd.DataFrame([r for r in rows if r["ensemble"] == "posterior"])
    return pd.DataFrame(rows), per_form, draws * (1 + len(posterior_stats))


def _mixture_rows(patterns: list, posterior_stats: list[tuple[int, list]], left_out: dict[str, str]) -> list[dict]:
    """The joint posterior predictive: each form's draws in proportion to its particles (resampled by weight)."""
    total = sum(n for n, _ in posterior_stats)
    draws = len(posterior_stats[0][1]) if posterior_stats else 0
    mixed = []
    for n, stats in posterior_stats:
        mixed += stats[:max(1, round(draws * n / total))] if total else []
    return diagnostics.predictive_rows(patterns, mixed, "posterior", left_out)

