"""Re-simulate one stored run and compare it, bit for bit, with what the store holds.

A run of an experiment is named by its run id `EXPERIMENT:POINT:RUN` (the `run_id` column of the `runs` view).
Its scenario is resolved again from the experiment spec stored in experiment.json and the point's factor values,
then simulated alone with the stored seed and run id. Every run is a pure function of (scenario, seed, run id, code
version), so the same code must give the same bytes; a difference means the code, the data or the store changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.codeversion import code_version
from totalpeace.engine.simulate import simulate
from totalpeace.errors import InputError
from totalpeace.experiments.design import point_overrides
from totalpeace.experiments.spec import ExperimentSpec
from totalpeace.experiments.store import ResultsStore
from totalpeace.experiments.sweep import PointResolver, stored_spec
from totalpeace.experiments.worker import per_run_tables
from totalpeace.scenario.fingerprint import scenario_sha256

RUN_ID = re.compile(r"^(?P<experiment>[A-Za-z0-9][A-Za-z0-9_.-]*):(?P<point>\d+):(?P<run>\d+)$")


def format_run_id(experiment: str, point: int, run: int) -> str:
    """`EXPERIMENT:POINT:RUN`, the name of one stored run."""
    return f"{experiment}:{point}:{run}"


def parse_run_id(text: str) -> tuple[str, int, int]:
    """`EXPERIMENT:POINT:RUN` -> (experiment, point, run); anything else is an input error."""
    match = RUN_ID.match(text.strip())
    if match is None:
        raise InputError(f"RUN_ID {text!r}: expected EXPERIMENT:POINT:RUN, e.g. talks-levers:3:0 (see the run_id "
                         "column of `totalpeace query \"SELECT run_id FROM runs\"`)")
    return match["experiment"], int(match["point"]), int(match["run"])


@dataclass
class RerunReport:
    """The comparison of one stored run with its re-simulation: one row per (table, metric)."""

    run_id: str
    seed: int
    stored_version: str
    current_version: str
    stored_scenario_sha256: str
    current_scenario_sha256: str
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def identical(self) -> bool:
        return bool((self.comparison["differing"] == 0).all()) and \
            self.stored_scenario_sha256 == self.current_scenario_sha256

    @property
    def differing_metrics(self) -> list[str]:
        rows = self.comparison[self.comparison["differing"] > 0]
        return [f"{t}.{m}" for t, m in zip(rows["table"], rows["metric"], strict=True)]


def _bits(values: np.ndarray) -> np.ndarray:
    """Float64 values as their bit patterns: equal bits, not merely equal numbers (NaN == NaN, -0.0 != 0.0)."""
    return np.ascontiguousarray(values, dtype=np.float64).view(np.int64)


def _compare(table: str, keys: list[str], stored: pd.DataFrame, computed: pd.DataFrame) -> list[dict]:
    """Per metric: how many values were compared, how many differ (or are missing on one side), the largest gap."""
    merged = stored.merge(computed, on=[*keys, "metric"], how="outer", suffixes=("_stored", "_computed"),
                          indicator=True)
    rows = []
    for metric, group in merged.groupby("metric", sort=True):
        both = group[group["_merge"] == "both"]
        a, b = both["value_stored"].to_numpy(float), both["value_computed"].to_numpy(float)
        unequal = _bits(a) != _bits(b)
        missing = int((group["_merge"] != "both").sum())
        gap = float(np.nanmax(np.abs(a[unequal] - b[unequal]))) if unequal.any() else 0.0
        rows.append({"table": table, "metric": metric, "values": len(group), "differing": int(unequal.sum()) + missing,
                     "largest_difference": gap})
    return rows


def plan_draws(recorded: str | None, spec: ExperimentSpec) -> dict[str, Any]:
    """What a run plan's cell changed beyond the design point (`model.*` forms, `parameters.*` draws), read from the
    run's recorded parameters: a dashboard run with full uncertainty records its cell's draws with each run
    (uncertainty/ensemble.cell_parameters); a sweep's runs record only their point's factors."""
    values = json.loads(recorded) if isinstance(recorded, str) and recorded else {}
    return {k: v for k, v in values.items()
            if k.startswith(("model.", "parameters.")) and k not in spec.factors()}


def rerun(store: ResultsStore, run_id: str) -> RerunReport:
    """Re-simulate the stored run `run_id` and compare every stored yearly and monthly value with the new ones."""
    experiment, point, run = parse_run_id(run_id)
    meta = store.experiment(experiment)
    record = store.query("SELECT * FROM runs WHERE experiment = ? AND point = ? AND run = ?", [experiment, point, run],
                         experiment=experiment)
    if record.empty:
        raise InputError(f"RUN_ID {run_id}: no such run in {store.path} (the experiment has "
                         f"{meta['points']} points x {meta['spec']['replications']} replications; finished runs: "
                         "`totalpeace query \"SELECT run_id FROM runs\"`)")
    stored_run = record.iloc[0]
    if stored_run["status"] != "ok":
        raise InputError(f"RUN_ID {run_id}: the stored run failed, there are no values to compare "
                         f"({str(stored_run['error']).splitlines()[0]})")
    spec = stored_spec(store, experiment)
    points = store.points(experiment)
    row = points[points["point"] == point]
    overrides = {**point_overrides(row.iloc[0].to_dict(), spec), **plan_draws(stored_run["parameters"], spec)}
    scenario = PointResolver(spec)(overrides, point)
    seed = int(stored_run["seed"])
    results = simulate(scenario, runs=1, seed=seed, months=int(meta["months"]), first_run=run)
    yearly, monthly = per_run_tables(results, experiment, point, list(spec.outcomes), spec.monthly)
    computed_yearly = pd.DataFrame(yearly)[["year", "metric", "value"]]
    computed_monthly = pd.DataFrame(monthly)[["month", "metric", "value"]]
    where = "WHERE experiment = ? AND point = ? AND run = ?"
    stored_yearly = store.query(f"SELECT year, metric, value FROM yearly {where}", [experiment, point, run],
                                experiment=experiment)
    stored_monthly = store.query(f"SELECT month, metric, value FROM monthly {where}", [experiment, point, run],
                                 experiment=experiment)
    computed_yearly["year"] = computed_yearly["year"].astype("int64")
    stored_yearly["year"] = stored_yearly["year"].astype("int64")
    rows = _compare("yearly", ["year"], stored_yearly, computed_yearly)
    if not stored_monthly.empty or not computed_monthly.empty:
        rows += _compare("monthly", ["month"], stored_monthly.astype({"month": str}),
                         computed_monthly.astype({"month": str}))
    return RerunReport(run_id=format_run_id(experiment, point, run), seed=seed,
                       stored_version=str(stored_run["version"]), current_version=code_version(),
                       stored_scenario_sha256=str(stored_run["scenario_sha256"]),
                       current_scenario_sha256=scenario_sha256(scenario), comparison=pd.DataFrame(rows))
