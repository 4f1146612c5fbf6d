"""The unit of distributed work: simulate a few (design point, run range) pieces and reduce them to compact tables.

A task carries fully resolved scenarios (plain dictionaries), so a worker needs only the installed package, never
the files the scenario was read from. What comes back is small: per run, the yearly value of every national metric,
and the monthly series of the experiment's outcomes, as Arrow tables ready to be written as a part.
"""

from __future__ import annotations

import json
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from totalpeace.engine.results import FLOWS, STOCKS, Results
from totalpeace.engine.simulate import simulate
from totalpeace.experiments.store import TABLES
from totalpeace.scenario.schema import Scenario


@dataclass
class Unit:
    """Runs first_run .. first_run + runs - 1 of one design point (a resolved scenario)."""

    point: int
    first_run: int
    runs: int
    scenario: dict
    parameters: dict


@dataclass
class Task:
    """Several units simulated by one worker call; `seed` and `months` are the experiment's."""

    experiment: str
    seed: int
    months: int
    outcomes: list[str]
    monthly: bool
    units: list[Unit] = field(default_factory=list)
    keep_results: bool = False  # also return each unit's full Results (the dashboard draws its charts from them)

    @property
    def runs(self) -> int:
        return sum(u.runs for u in self.units)


@dataclass
class TaskResult:
    """Arrow tables `runs`, `yearly`, `monthly` for every run of a task, and how long it took; with
    `Task.keep_results`, the full Results of each unit that succeeded."""

    tables: dict[str, pa.Table]
    runs: int
    failed: int
    seconds: float
    results: list[Results] = field(default_factory=list)


def table_series(results: Results) -> dict[str, np.ndarray]:
    """Monthly (R, M) series of each negotiation table for the store: `table_signed:<id>`, `table_ratified:<id>`,
    `table_broken_down:<id>` (1 once it has happened) and `table_reason:<id>` (the audit's reason code that month,
    docs/model.md section 7.4)."""
    from totalpeace.model.tables.issues import Phase

    out: dict[str, np.ndarray] = {}
    records = results.tables
    if records is None:
        return out
    signed = (int(Phase.FINAL_AGREEMENT), int(Phase.IMPLEMENTATION), int(Phase.DEMOBILIZED))
    for t, gid in enumerate(records.groups):
        phase = records.phase[:, :, t].astype(int)
        out[f"table_signed:{gid}"] = np.maximum.accumulate(np.isin(phase, signed), axis=1).astype(float)
        out[f"table_ratified:{gid}"] = np.maximum.accumulate(np.isin(phase, signed[1:]), axis=1).astype(float)
        out[f"table_broken_down:{gid}"] = (phase == int(Phase.BROKEN_DOWN)).astype(float)
        out[f"table_reason:{gid}"] = records.reason[:, :, t].astype(float)
    return out


def per_run_tables(results: Results, experiment: str, point: int, outcomes: list[str], monthly: bool
                   ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Yearly values of every national metric per run (the summary's year logic), and monthly outcome series."""
    runs = results.run_ids
    years, metrics, values, run_col = [], [], [], []
    for name in (*FLOWS, *STOCKS):
        for year, per_run in results.yearly(results.national[name], flow=name in FLOWS).items():
            years.append(np.full(len(runs), year, dtype=np.int32))
            metrics.append(np.full(len(runs), name, dtype=object))
            values.append(per_run.astype(float))
            run_col.append(runs)
    for name, series in table_series(results).items():  # the negotiation tables' state at each year's end
        for year, per_run in results.yearly(series, flow=False).items():
            years.append(np.full(len(runs), year, dtype=np.int32))
            metrics.append(np.full(len(runs), name, dtype=object))
            values.append(per_run.astype(float))
            run_col.append(runs)
    yearly = {"experiment": np.full(sum(len(v) for v in values), experiment, dtype=object),
              "point": np.full(sum(len(v) for v in values), point, dtype=np.int64),
              "run": np.concatenate(run_col), "year": np.concatenate(years),
              "metric": np.concatenate(metrics), "value": np.concatenate(values)}
    labels = np.array(results.month_labels(), dtype=object)
    names = outcomes if monthly else []
    month_rows = len(runs) * results.months * len(names)
    monthly_cols = {
        "experiment": np.full(month_rows, experiment, dtype=object),
        "point": np.full(month_rows, point, dtype=np.int64),
        "run": np.tile(np.repeat(runs, results.months), len(names)),
        "month": np.tile(labels, len(runs) * len(names)),
        "metric": np.repeat(np.array(names, dtype=object), len(runs) * results.months),
        "value": (np.concatenate([results.national[n].reshape(-1) for n in names]) if names
                  else np.zeros(0)).astype(float),
    }
    return yearly, monthly_cols


def run_task(task: Task) -> TaskResult:
    """Simulate every unit of `task`; a unit that fails is recorded as failed runs with the error, not raised."""
    from totalpeace.codeversion import code_version

    started = time.perf_counter()
    run_rows: dict[str, list] = {k: [] for k in ("experiment", "point", "run", "seed", "scenario_sha256", "version",
                                                 "status", "error", "parameters", "part", "finished")}
    yearly_parts, monthly_parts, kept, failed = [], [], [], 0
    for unit in task.units:
        run_ids = list(range(unit.first_run, unit.first_run + unit.runs))
        try:
            scenario = Scenario.model_validate(unit.scenario)
            results = simulate(scenario, runs=unit.runs, seed=task.seed, months=task.months,
                               first_run=unit.first_run)
            yearly, monthly = per_run_tables(results, task.experiment, unit.point, task.outcomes, task.monthly)
            yearly_parts.append(yearly)
            monthly_parts.append(monthly)
            if task.keep_results:
                kept.append(results)
            status, error, sha = "ok", None, results.scenario_sha256
        except Exception as exc:  # recorded per run so a sweep of thousands survives one bad point
            status, sha = "failed", None
            error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
            failed += unit.runs
        stamp = datetime.now(UTC)
        params = json.dumps(unit.parameters, sort_keys=True)
        for run in run_ids:
            for key, value in (("experiment", task.experiment), ("point", unit.point), ("run", run),
                               ("seed", task.seed), ("scenario_sha256", sha), ("version", code_version()),
                               ("status", status), ("error", error), ("parameters", params), ("part", None),
                               ("finished", stamp)):
                run_rows[key].append(value)
    tables = {"runs": pa.table(run_rows, schema=TABLES["runs"]), "yearly": _concat(yearly_parts, "yearly"),
              "monthly": _concat(monthly_parts, "monthly")}
    return TaskResult(tables=tables, runs=task.runs, failed=failed, seconds=time.perf_counter() - started,
                      results=kept)


def _concat(parts: list[dict[str, np.ndarray]], table: str) -> pa.Table:
    schema = TABLES[table]
    if not parts:
        return schema.empty_table()
    return pa.table({name: pa.array(np.concatenate([p[name] for p in parts]), type=schema.field(name).type)
                     for name in schema.names})
