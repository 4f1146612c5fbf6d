"""Observed targets (targets.csv) and the model's matching summary statistics, per run.

Each target names the model metric it is compared with and a statistic that turns a run's monthly series into one
number: a calendar year's total (`year`), the value at the end of a year (`year_end`), the ratio of mean monthly
combat deaths under the 2015-16 FARC ceasefire to the months before it (`ceasefire_ratio`), or a year's total over
2016's (`ratio_to_2016`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from totalpeace.data import COLOMBIA
from totalpeace.engine.results import Results
from totalpeace.errors import InputError
from totalpeace.scenario.dates import month_index

TARGETS_FILE = COLOMBIA / "targets.csv"
CEASEFIRE_MONTHS = ("2015-08", "2016-07")  # after the July 2015 unilateral ceasefire, until the bilateral one
REFERENCE_MONTHS = ("2012-10", "2014-11")  # talks before the December 2014 ceasefire
FLOOR = 1e-3  # summaries are compared on a log scale; a zero becomes this floor


@dataclass(frozen=True)
class Target:
    """One observation and how to compute its model counterpart."""

    name: str
    scenario: str
    year: int
    value: float
    metric: str
    group: str
    statistic: str
    use: str
    source: str

    @property
    def key(self) -> str:
        return f"{self.scenario}:{self.name}:{self.year}"


def load_targets(names: list[str] | None = None, use: str | None = None) -> list[Target]:
    """Targets from the shipped table, optionally only some names and one use (`calibrate` or `validate`)."""
    frame = pd.read_csv(TARGETS_FILE, dtype={"group": str}, keep_default_na=False)
    known = sorted(set(frame["target"]))
    for name in names or []:
        if name not in known:
            raise InputError(f"targets: unknown target {name!r} (known: {', '.join(known)})")
    rows = frame if not names else frame[frame["target"].isin(names)]
    if use is not None:
        rows = rows[rows["use"] == use]
    return [Target(str(r.target), str(r.scenario), int(r.year), float(r.value), str(r.metric), str(r.group),
                   str(r.statistic), str(r.use), str(r.source)) for r in rows.itertuples()]


def _months(results: Results, first: str, last: str) -> np.ndarray:
    a = max(0, month_index(results.start, first))
    b = min(results.months, month_index(results.start, last) + 1)
    return np.arange(a, b)


def _series(results: Results, target: Target) -> np.ndarray:
    if target.group:
        g = results.group_ids.index(target.group)
        return results.groups[target.metric][:, :, g]
    return results.national[target.metric]


def per_run(results: Results, target: Target) -> np.ndarray:
    """The target's model counterpart in every run of `results` (one value per run)."""
    series = _series(results, target)
    if target.statistic in ("year", "year_end"):
        yearly = results.yearly(series, flow=target.statistic == "year")
        if target.year not in yearly:
            raise InputError(f"target {target.key}: the run does not cover {target.year}")
        return yearly[target.year]
    if target.statistic == "ratio_to_2016":
        yearly = results.yearly(series, flow=True)
        return yearly[target.year] / np.maximum(yearly[2016], FLOOR)
    if target.statistic == "ceasefire_ratio":
        during = series[:, _months(results, *CEASEFIRE_MONTHS)].mean(axis=1)
        before = series[:, _months(results, *REFERENCE_MONTHS)].mean(axis=1)
        return during / np.maximum(before, FLOOR)
    raise InputError(f"target {target.key}: unknown statistic {target.statistic!r}")


def summaries(results: Results, targets: list[Target]) -> dict[str, float]:
    """Log of the ensemble mean of each target's model counterpart (the scale on which ABC compares them)."""
    return {t.key: float(np.log(max(float(np.mean(per_run(results, t))), FLOOR))) for t in targets}


def observed(targets: list[Target]) -> dict[str, float]:
    """Log of each observed target, on the scale of `summaries`."""
    return {t.key: float(np.log(max(t.value, FLOOR))) for t in targets}
