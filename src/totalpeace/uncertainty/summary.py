"""summary.json's `uncertainty` entry: the design, and how much of each outcome's spread each source contributes.

Outcomes are the yearly national metrics of the summary (flows annualised, stocks at the year's end), per run; the
same split is made for the paired differences of a comparison (`difference_shares`), where it says which source
makes the effect, rather than the level, uncertain.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.engine.results import FLOWS, STOCKS, Results, stats
from totalpeace.uncertainty.decomposition import SOURCES, Shares, decompose
from totalpeace.uncertainty.drivers import drivers
from totalpeace.uncertainty.forms import SWITCHES, form_label
from totalpeace.uncertainty.plan import Plan

METHOD = ("law of total variance over the nested design model forms > parameter draws > runs, by the moments of "
          "a random-effects analysis of variance; 80% intervals from resampling draws within forms "
          "(docs/validation.md, section 11)")


def yearly_values(results: Results) -> tuple[list[tuple[str, str]], np.ndarray]:
    """(metric, year) keys and the per-run values (runs x keys) the summary's metrics are computed from."""
    keys, columns = [], []
    for name in (*FLOWS, *STOCKS):
        for year, values in results.yearly(results.national[name], flow=name in FLOWS).items():
            keys.append((name, str(year)))
            columns.append(values)
    return keys, np.stack(columns, axis=1)


def switch_of_form(plan: Plan) -> dict[str, np.ndarray]:
    """Per switch, the index of each joint form's value (the first-order shares read it)."""
    out = {}
    for s in SWITCHES:
        levels = list(dict.fromkeys(f[s.name] for f in plan.forms))
        out[s.name] = np.array([levels.index(f[s.name]) for f in plan.forms])
    return out


def split(plan: Plan, run_ids: np.ndarray, values: np.ndarray, seed: int) -> Shares:
    forms, cells = plan.run_labels(run_ids)
    return decompose(values, forms, cells, np.asarray(plan.weights), plan.sources, switch_of_form(plan), seed=seed)


def shares_table(keys: list[tuple[str, str]], shares: Shares, values: np.ndarray) -> dict[str, dict[str, Any]]:
    """{metric: {year: entry}}: each source's share (None when the design leaves it out), the standard deviation
    the shares divide, their 80% intervals and each switch's first-order share."""
    table: dict[str, dict[str, Any]] = {}
    for k, (metric, year) in enumerate(keys):
        entry: dict[str, Any] = {s: _num(shares.share[s][k]) if s in shares.share else None for s in SOURCES}
        entry["sd"] = _num(float(np.sqrt(shares.total[k])), 6) if shares.estimated else _num(np.std(values[:, k]), 6)
        if shares.low:
            entry["interval80"] = {s: [_num(shares.low[s][k]), _num(shares.high[s][k])] for s in shares.low}
        if shares.switches:
            entry["switches"] = {s: _num(v[k]) for s, v in shares.switches.items()}
        table.setdefault(metric, {})[year] = entry
    return table


def note(shares: Shares) -> str:
    """Why the split is missing, or what it leaves out ("" when it covers every form)."""
    if shares.reason:
        return shares.reason
    if shares.left_out:
        return (f"model forms weighing {shares.left_out:.1%} in all had fewer than two draws and are left out of "
                "the split (their runs stay in the intervals)")
    return ""


def _num(value: float, digits: int = 4) -> float | None:
    return round(float(value), digits) if np.isfinite(value) else None


def by_form(plan: Plan, run_ids: np.ndarray, keys: list[tuple[str, str]], values: np.ndarray) -> dict[str, Any]:
    """Each joint form's statistics over its own runs: how far apart the forms' ensembles are."""
    if len(plan.forms) < 2:
        return {}
    forms, _ = plan.run_labels(run_ids)
    out: dict[str, dict[str, Any]] = {}
    for k, (metric, year) in enumerate(keys):
        out.setdefault(metric, {})[year] = {
            form_label(f): {**stats(values[forms == i, k]), "runs": int(np.sum(forms == i))}
            for i, f in enumerate(plan.forms)}
    return out


def uncertainty_entry(results: Results) -> dict[str, Any]:
    """The `uncertainty` key of summary.json (computed once per Results and plan: a command asks for the summary
    several times, and the bootstrap is the costly part)."""
    plan: Plan = results.plan
    cached = results.__dict__.get("_uncertainty_entry")
    if cached is None or cached[0] is not plan:
        keys, values = yearly_values(results)
        shares = split(plan, results.run_ids, values, results.seed)
        entry = {"design": plan.record(), "method": METHOD, "estimated": shares.estimated, "note": note(shares),
                 "variance_shares": shares_table(keys, shares, values),
                 "by_form": by_form(plan, results.run_ids, keys, values),
                 "assumption_drivers": drivers(plan, results.run_ids, keys, values)}
        cached = results.__dict__["_uncertainty_entry"] = (plan, entry)
    return copy.deepcopy(cached[1])


def difference_shares(baseline: Results, variant: Results) -> dict[str, Any]:
    """The same split for the paired differences variant − baseline (same plan, run ids and seed)."""
    plan: Plan = baseline.plan
    keys, base = yearly_values(baseline)
    _, other = yearly_values(variant)
    shares = split(plan, baseline.run_ids, other - base, baseline.seed)
    return {"sources": list(plan.sources), "estimated": shares.estimated, "note": note(shares),
            "variance_shares": shares_table(keys, shares, other - base)}


def share_columns(table: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """differences.csv's share columns from a `variance_shares` table: one row per (metric, year) with each
    source's share (empty where the design leaves it out or it could not be estimated)."""
    return pd.DataFrame([{"metric": m, "year": int(y), **{f"share_{s}": e[s] for s in SOURCES}}
                         for m, years in table.items() for y, e in years.items()])


def comparison_entry(baseline: Results, variants: dict[str, Results]) -> dict[str, Any]:
    """comparison.json's `uncertainty`: the design shared by every scenario, and each variant's split of the
    spread of its paired differences."""
    return {"design": baseline.plan.record(), "method": METHOD,
            "differences": {name: difference_shares(baseline, r) for name, r in variants.items()}}
