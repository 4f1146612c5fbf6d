"""Simulate ensembles by their run plans: one chunk per cell, on any executor, merged in run order.

Each cell is one `simulate` call of the cell's scenario (its form and parameter draw) for the cell's run ids, so a
run's numbers depend only on (scenario, seed, run id) and the plan's design — never on the executor, the worker
count or the order in which cells finish. The stochastic design is today's single point and runs exactly as
`experiments.ensemble.simulate_many` does, so its numbers are those of a plain `simulate` call.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from totalpeace.engine.results import Results
from totalpeace.experiments.ensemble import Chunk, simulate_chunks, simulate_many
from totalpeace.experiments.executors import Executor, LocalExecutor
from totalpeace.experiments.recorded import CHUNKS, point_levers
from totalpeace.experiments.spec import ExperimentSpec
from totalpeace.experiments.worker import Task, Unit
from totalpeace.scenario.fingerprint import scenario_sha256
from totalpeace.scenario.schema import Scenario
from totalpeace.uncertainty.plan import RUNS_PER_DRAW, Cell, Plan, build_plan

Progress = Callable[[int, int], None]


def reference_provenance(scenario: Scenario, plan: Plan) -> dict:
    """The provenance of the scenario's own point (its forms and parameter values), plus the design's name: what
    the runs drew instead is in the plan (summary.json's `uncertainty`, plan.csv)."""
    params = scenario.parameters.model_dump()
    calibration = params.pop("calibration")
    return {"negotiation_engine": scenario.model.negotiation_engine, "contest_form": scenario.model.contest_form,
            "calibration": calibration, "parameters": params, "uncertainty": plan.design,
            "assumptions": "drawn" if plan.assumptions else "fixed"}


def simulate_plans(scenarios: list[Scenario], plans: list[Plan], months: int | None, executor: Executor,
                   progress: Progress | None = None, chunk: int | None = None) -> list[Results]:
    """Every scenario's ensemble by its plan (the plans share seed and runs: common random numbers run by run).
    `chunk` sizes the chunks of the stochastic design; the other designs simulate one chunk per cell."""
    if all(p.design == "stochastic" for p in plans):
        found = simulate_many(scenarios, plans[0].runs, plans[0].seed, months, executor, chunk, progress)
    else:
        found = _by_cells(scenarios, plans, months, executor, progress)
    return [with_plan(r, s, p) for r, s, p in zip(found, scenarios, plans, strict=True)]


def with_plan(results: Results, scenario: Scenario, plan: Plan) -> Results:
    """The merged ensemble of `scenario`'s plan, labelled as such: the plan, the scenario's own point as its
    provenance, and the scenario's hash rather than one cell's."""
    sha = results.scenario_sha256 if plan.design == "stochastic" else scenario_sha256(scenario)
    return dataclasses.replace(results, plan=plan, provenance={**results.provenance,
                                                               **reference_provenance(scenario, plan)},
                               scenario_sha256=sha)


def _by_cells(scenarios: list[Scenario], plans: list[Plan], months: int | None, executor: Executor,
              progress: Progress | None) -> list[Results]:
    """One chunk per cell; a cell's scenario is not hashed (simulate_plans records the scenario's own hash)."""
    jobs = [Chunk(k, plan.scenario_for(scenario, cell).model_dump(mode="python"), plan.seed,
                  months or scenario.months, cell.first_run, cell.runs, fingerprint=False)
            for k, (scenario, plan) in enumerate(zip(scenarios, plans, strict=True)) for cell in plan.cells]
    return simulate_chunks(jobs, len(scenarios), executor, progress)


def cell_parameters(plan: Plan, cell: Cell) -> dict[str, Any]:
    """What a cell changes in the scenario, by scenario path: its joint form (`model.*`) and its drawn values
    (`parameters.*`). Stored with each of its runs (the results store's `runs.parameters`), which is how `rerun`
    resolves a run of a plan again."""
    return {**{f"model.{k}": v for k, v in plan.forms[cell.form].items()},
            **{f"parameters.{k}": v for k, v in plan.drawn_values(cell).items()}}


def plan_tasks(spec: ExperimentSpec, scenario: Scenario, plan: Plan, keep_results: bool = True) -> list[Task]:
    """A recorded ensemble's tasks by its plan (experiments/recorded.py): one unit per cell (the cell's scenario and
    run ids), about `CHUNKS` tasks. Each unit is simulated alone, as `simulate_plans` simulates each cell, so the
    merged ensemble is `simulate_plans`' to the last bit."""
    levers = point_levers(spec)
    units = [Unit(0, cell.first_run, cell.runs, plan.scenario_for(scenario, cell).model_dump(mode="python"),
                  {**levers, **cell_parameters(plan, cell)}) for cell in plan.cells]
    per_task = max(1, math.ceil(len(units) / CHUNKS))
    return [Task(spec.name, spec.seed, spec.months or scenario.months, list(spec.outcomes), spec.monthly,
                 units[i:i + per_task], keep_results=keep_results) for i in range(0, len(units), per_task)]


def simulate_uncertain(scenario: Scenario, runs: int = 200, seed: int = 1, months: int | None = None,
                       uncertainty: str = "full", executor: Executor | None = None,
                       progress: Progress | None = None, runs_per_draw: int = RUNS_PER_DRAW,
                       assumptions: bool | None = None) -> Results:
    """An ensemble whose runs carry the model-form, parameter and stochastic uncertainty of `uncertainty`
    ("full", "parameters" or "stochastic"); `results.summary()["uncertainty"]` says how much each contributes.
    `runs_per_draw` changes which runs share a draw (and so every run's numbers): keep the default to reproduce
    `totalpeace run`. `assumptions`: draw the unidentified assumptions (True), hold them (False) or draw
    them when the calibration matched them to history (None)."""
    plan = build_plan(scenario, runs, seed, uncertainty, runs_per_draw, assumptions)
    own = executor is None
    executor = executor or LocalExecutor(1)
    try:
        return simulate_plans([scenario], [plan], months, executor, progress)[0]
    finally:
        if own:
            executor.close()
