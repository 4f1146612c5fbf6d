"""Differences between two ensembles (variant minus baseline), with intervals over runs.

With the same seed and run ids the two ensembles share their random draws (common random numbers), so the
difference is taken run by run and its interval reflects the policy change, not the noise. Otherwise runs are
paired by position and the interval is that of the difference between two independent draws, which is wider.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from totalpeace.engine.results import FLOWS, REQUIRED, STOCKS, Results, stats
from totalpeace.errors import InputError
from totalpeace.report.charts import monthly


def check_comparable(baseline: Results, variant: Results) -> None:
    """Runs can be paired month by month and mapped side by side only over the same period and territories."""
    if (baseline.start, baseline.months) != (variant.start, variant.months):
        raise InputError(f"comparison: the runs cover different periods ({baseline.start} + {baseline.months} "
                         f"months vs {variant.start} + {variant.months} months)")
    if list(baseline.territory_ids) != list(variant.territory_ids):
        raise InputError(f"comparison: the runs cover different territories ({len(baseline.territory_ids)} vs "
                         f"{len(variant.territory_ids)}; maps and territory results are compared territory by "
                         "territory)")


def is_paired(baseline: Results, variant: Results) -> bool:
    return baseline.seed == variant.seed and np.array_equal(baseline.run_ids, variant.run_ids)


def paired_monthly(baseline: Results, variant: Results, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Both ensembles' monthly series cut to the same number of runs."""
    n = min(baseline.runs, variant.runs)
    return monthly(baseline, name)[:n], monthly(variant, name)[:n]


def difference(baseline: Results, variant: Results) -> dict[str, Any]:
    """{"paired", "runs", "metrics": {metric: {year: stats of variant - baseline}}} for every metric."""
    check_comparable(baseline, variant)
    n = min(baseline.runs, variant.runs)
    metrics: dict[str, Any] = {}
    for name in (*FLOWS, *STOCKS):
        flow = name in FLOWS
        a = baseline.yearly(baseline.national[name][:n], flow=flow)
        b = variant.yearly(variant.national[name][:n], flow=flow)
        metrics[name] = {str(y): stats(b[y] - a[y]) for y in a}
    return {"paired": is_paired(baseline, variant), "runs": n, "metrics": metrics}


def number(value: float, signed: bool = False) -> str:
    """Readable magnitude: thousands with separators, tens with one decimal, small values with three digits."""
    sign = "+" if signed else ""
    if abs(value) >= 1000:
        return f"{value:{sign},.0f}"
    if abs(value) >= 10:
        return f"{value:{sign}.1f}"
    return f"{value:{sign}.3g}"


def difference_rows(diff: dict[str, Any], baseline: dict[str, Any], variant: dict[str, Any]) -> list[list[str]]:
    """Table rows for the last year: metric, baseline median, variant median, difference with its 80% interval."""
    rows = []
    for name in REQUIRED:
        year = max(diff["metrics"][name])
        d, a, b = diff["metrics"][name][year], baseline["metrics"][name][year], variant["metrics"][name][year]
        if d["p50"] is None:
            continue
        rows.append([name, year, number(a["p50"]), number(b["p50"]),
                     f"{number(d['p50'], True)} ({number(d['p10'], True)} to {number(d['p90'], True)})"])
    return rows
