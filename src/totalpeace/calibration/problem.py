"""What one particle simulates: the historical scenarios at a setting (parameter values and model forms), a few runs
each, and every pattern's statistic per run.

A *setting* is a dict of parameter values and, when forms are calibrated, the choices of the form fields
(scenario/forms.py). A particle's runs use a seed derived from the calibration seed and the setting, so its output is a
pure function of both, whatever executor computes it and in whatever order.

The runs of a scenario are simulated as one batch unless one of its patterns reads a territory series per run (the
ensemble's results keep territory series only as means over runs): those scenarios are simulated run by run. Which is
which, and which patterns the model produces at all, is found by a probe (`build_problem`) rather than declared, so a
pattern the rebuilt model starts producing is calibrated against without a change here.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from totalpeace.experiments.executors import Executor
from totalpeace.scenario.forms import apply_form, form_fields
from totalpeace.scenario.schema import Scenario
from totalpeace.validation.outputs import NotProduced, Outputs
from totalpeace.validation.pattern_runs import ensembles_needed, pattern_values
from totalpeace.validation.patterns import Pattern, catalogue

Setting = dict[str, Any]  # parameter name -> value, form field -> choice
Statistics = dict[str, np.ndarray]  # pattern id -> statistic per run
PROBE_RUNS = 2


@dataclass(frozen=True)
class Problem:
    """Everything a worker needs to simulate a particle (picklable: patterns by id, scenarios as documents)."""

    ensembles: dict[str, dict[str, Any]]  # ensemble key (scenario, or scenario [overrides]) -> scenario document
    per_run: frozenset[str]  # ensemble keys simulated run by run
    patterns: tuple[str, ...]  # pattern ids evaluated
    runs: int
    seed: int


def with_setting(data: dict[str, Any], setting: Setting) -> Scenario:
    """The scenario document with the setting's parameter values and forms."""
    forms = {k: str(v) for k, v in setting.items() if k in form_fields()}
    merged = apply_form(data, forms) if forms else dict(data)
    values = {k: float(v) for k, v in setting.items() if k not in forms}
    merged["parameters"] = {**data["parameters"], **values}
    return Scenario.model_validate(merged)


def setting_seed(seed: int, setting: Setting) -> int:
    """A simulation seed that depends only on the calibration seed and the setting."""
    items = sorted((k, float(v) if k not in form_fields() else str(v)) for k, v in setting.items())
    digest = hashlib.sha256(repr((seed, items)).encode()).digest()
    return int.from_bytes(digest[:8], "little") % 2**63


def simulate_outputs(problem: Problem, setting: Setting, seed: int, first_run: int = 0) -> dict[str, Outputs]:
    """Per-run outputs of every ensemble the problem's patterns read, at one setting (runs first_run ...)."""
    from totalpeace.engine.simulate import simulate

    out = {}
    for key, data in problem.ensembles.items():
        scenario = with_setting(data, setting)
        start = {gid: g.members for gid, g in scenario.groups.items()}
        if key in problem.per_run:
            out[key] = Outputs.concat([Outputs.from_results(simulate(scenario, runs=1, seed=seed, first_run=r,
                                                                     fingerprint=False), start)
                                       for r in range(first_run, first_run + problem.runs)])
        else:  # a particle's outputs are statistics: the scenario's hash is not read (and costs a few percent)
            out[key] = Outputs.from_results(simulate(scenario, runs=problem.runs, seed=seed, first_run=first_run,
                                                     fingerprint=False), start)
    return out


def statistics(problem: Problem, outputs: dict[str, Outputs]) -> Statistics:
    """Each pattern's statistic per run (patterns the model does not produce are left out)."""
    found = {}
    for pattern in catalogue(list(problem.patterns)):
        try:
            found[pattern.id] = pattern_values(pattern, outputs)
        except NotProduced:
            continue
    return found


def particle_statistics(problem: Problem, setting: Setting, seed: int | None = None, first_run: int = 0) -> Statistics:
    """One particle: its runs at the setting (seed derived from the setting unless given) and its statistics."""
    seed = setting_seed(problem.seed, setting) if seed is None else seed
    return statistics(problem, simulate_outputs(problem, setting, seed, first_run))


def _task(problem: Problem, task: tuple[int, Setting, int | None, int]) -> tuple[int, Statistics]:
    index, setting, seed, first_run = task
    return index, particle_statistics(problem, setting, seed, first_run)


def evaluate_many(problem: Problem, executor: Executor, settings: Sequence[Setting],
                  seeds: Sequence[int | None] | None = None, first_runs: Sequence[int] | None = None,
                  on_done: Callable[[], None] | None = None) -> list[Statistics]:
    """Simulate many particles on the executor; results in the order of `settings` whatever order they finish in."""
    seeds = list(seeds) if seeds is not None else [None] * len(settings)
    first_runs = list(first_runs) if first_runs is not None else [0] * len(settings)
    tasks: Iterable[Any] = zip(range(len(settings)), settings, seeds, first_runs, strict=True)
    found: dict[int, Statistics] = {}
    for index, stats in executor.map_unordered(functools.partial(_task, problem), tasks):
        found[index] = stats
        if on_done is not None:
            on_done()
    return [found[i] for i in range(len(settings))]


@dataclass
class Probe:
    """What the probe found: the problem, and the patterns left out with the reason."""

    problem: Problem
    left_out: dict[str, str]  # pattern id -> why


def build_problem(scenarios: dict[str, Scenario], patterns: Sequence[Pattern], runs: int, seed: int) -> Probe:
    """The problem of the patterns whose scenario is among `scenarios` (by name), with the probe's findings.

    The probe simulates each ensemble at the scenarios' own setting: a pattern that fails on a batch for want of a
    per-run territory series but works run by run makes its ensemble per-run; one that fails either way is not
    produced by the model."""
    from totalpeace.scenario.loader import apply_overrides

    left_out = {p.id: f"its scenario {p.scenario} is not among the calibration's scenarios"
                for p in patterns if p.scenario not in scenarios}
    chosen = [p for p in patterns if p.scenario in scenarios]
    ensembles = {}
    for key, (name, overrides) in ensembles_needed(chosen).items():
        document = copy.deepcopy(scenarios[name].model_dump(mode="python"))
        apply_overrides(document, {}, list(overrides))
        ensembles[key] = Scenario.model_validate(document).model_dump(mode="python")
    ids = tuple(p.id for p in chosen)
    batched = Problem(ensembles, frozenset(), ids, PROBE_RUNS, seed)
    found = statistics(batched, simulate_outputs(batched, {}, seed))
    missing = [p for p in chosen if p.id not in found]
    per_run: set[str] = set()
    if missing:
        keys = {k for p in missing for k in (p.scenario, p.scenario_key)}
        single = Problem({k: v for k, v in ensembles.items() if k in keys}, frozenset(keys), ids, 1, seed)
        outputs = simulate_outputs(single, {}, seed)
        for p in missing:
            try:
                pattern_values(p, outputs)
            except NotProduced as exc:
                left_out[p.id] = f"not yet produced by the model (needs {exc.output})"
                continue
            per_run.update({p.scenario, p.scenario_key} & keys)
    produced = tuple(p.id for p in chosen if p.id not in left_out)
    return Probe(Problem(ensembles, frozenset(per_run), produced, runs, seed), left_out)

