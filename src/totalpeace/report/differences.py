"""Differences between two ensembles (variant minus baseline), with intervals over runs: computed here only.

With the same seed and run ids the two ensembles share their random draws (common random numbers), so the
difference is taken run by run and its interval reflects the policy change, not the noise. Otherwise runs are
paired by position and the interval is that of the difference between two independent draws, which is wider.

One statistic is shown everywhere, labelled: the median of the paired differences with the 10th and 90th
percentiles (an 80% interval the median always lies in; a mean can fall outside it). The terminal (`compare`), the
reports and the dashboard all display `difference_table`, so they cannot disagree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from totalpeace.engine.results import FLOWS, STOCKS, Results, stats
from totalpeace.errors import InputError
from totalpeace.report import catalogue
from totalpeace.report.figures import monthly
from totalpeace.report.periods import periods

STATISTIC = "median of paired differences, variant − baseline [80% interval]"
UNPAIRED = "unpaired (different seeds, runs or uncertainty designs): intervals also hold the runs' own noise"


def check_comparable(baseline: Results, variant: Results) -> None:
    """Runs can be paired month by month and mapped side by side only over the same period and territories."""
    if (baseline.start, baseline.months) != (variant.start, variant.months):
        raise InputError(f"comparison: the runs cover different periods ({baseline.start} + {baseline.months} "
                         f"months vs {variant.start} + {variant.months} months)")
    if list(baseline.territory_ids) != list(variant.territory_ids):
        raise InputError(f"comparison: the runs cover different territories ({len(baseline.territory_ids)} vs "
                         f"{len(variant.territory_ids)}; maps and territory results are compared territory by "
                         "territory)")


def design_of(results: Results) -> str:
    """The run plan's design ('full', 'parameters'), or 'stochastic' for a single point."""
    return results.plan.design if results.plan is not None else "stochastic"


def is_paired(baseline: Results, variant: Results) -> bool:
    """Run by run, the two ensembles share their random numbers and, under one design, their parameter draws (a
    single point against a plan's draws would pair runs whose parameters differ)."""
    return baseline.seed == variant.seed and np.array_equal(baseline.run_ids, variant.run_ids) \
        and design_of(baseline) == design_of(variant)


def paired_monthly(baseline: Results, variant: Results, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Both ensembles' monthly series cut to the same number of runs."""
    n = min(baseline.runs, variant.runs)
    return monthly(baseline, name)[:n], monthly(variant, name)[:n]


def difference(baseline: Results, variant: Results) -> dict[str, Any]:
    """{"paired", "runs", "start", "months", "metrics": {metric: {year: stats of variant - baseline}}}."""
    check_comparable(baseline, variant)
    n = min(baseline.runs, variant.runs)
    metrics: dict[str, Any] = {}
    for name in (*FLOWS, *STOCKS):
        flow = name in FLOWS
        a = baseline.yearly(baseline.national[name][:n], flow=flow)
        b = variant.yearly(variant.national[name][:n], flow=flow)
        metrics[name] = {str(y): stats(b[y] - a[y]) for y in a}
    design = baseline.plan.design if baseline.plan is not None and variant.plan is not None else None
    return {"paired": is_paired(baseline, variant), "runs": n, "start": variant.start, "months": variant.months,
            "metrics": metrics, "design": design}


def number(value: float, signed: bool = False) -> str:
    """Readable magnitude for a value without a metric: thousands with separators, tens with one decimal, small
    values with three digits."""
    sign = "+" if signed else ""
    if abs(value) >= 1000:
        return f"{value:{sign},.0f}"
    if abs(value) >= 10:
        return f"{value:{sign}.1f}"
    return f"{value:{sign}.3g}"


def cell(name: str, stat: dict[str, float | None]) -> str:
    """'−1.2 [−2.0, −0.4]': the median of the paired differences and its 80% interval, in the metric's units."""
    if stat.get("p50") is None:
        return "–"
    return (f"{catalogue.fmt(name, stat['p50'], True)} [{catalogue.fmt(name, stat['p10'], True)}, "
            f"{catalogue.fmt(name, stat['p90'], True)}]")


def difference_table(diff: dict[str, Any], metrics: list[str] | None = None) -> tuple[list[str], list[list[str]]]:
    """Columns (metric, then each calendar period) and rows of `cell`s: the one table every view displays."""
    years = periods(diff["start"], diff["months"])
    names = metrics or [m for m in catalogue.all_metrics() if m in diff["metrics"]]
    columns = ["metric", *(p.name for p in years)]
    rows = [[catalogue.titled(m), *(cell(m, diff["metrics"][m].get(p.year, {})) for p in years)] for m in names]
    return columns, rows
