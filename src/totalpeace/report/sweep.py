"""The report of an experiment (a sweep of levers and uncertainties), read back from the results store.

What a reader needs to judge a sweep: the design (factors, ranges, points, replications), how each outcome is
spread over the design points year by year, how it moves with each factor, and what exactly was run (provenance).
Outcomes are point means over replications, so the spread shown is that of the design, not of the model's noise.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from totalpeace.report import catalogue
from totalpeace.report.charts import BAND_INNER, MEDIAN, TITLES, svg
from totalpeace.report.differences import number
from totalpeace.report.html import chart, fields_table, items, page, table


def _label(outcome: str) -> str:
    return TITLES.get(outcome, outcome).replace(", annualised", "").replace(" (per year)", "")


def experiment_provenance(store: Any, experiment: str) -> dict[str, Any]:
    """The fields that identify a stored experiment: its file, fingerprint, base scenario and hash, seed, and the
    code versions that created it and ran its runs."""
    meta = store.experiment(experiment)
    spec = meta["spec"]
    versions = store.query("SELECT DISTINCT version FROM runs WHERE experiment = ? ORDER BY version",
                           [experiment], experiment=experiment)["version"].dropna().tolist()
    return {"experiment": meta["name"], "experiment file": meta.get("source") or "not from a file",
            "experiment fingerprint": meta["fingerprint"], "base scenario": meta["base_scenario"],
            "base scenario sha256": meta["base_scenario_sha256"], "set": ", ".join(spec["set"]) or "none",
            "design": spec["design"], "seed": spec["seed"], "replications": spec["replications"],
            "start": meta["start"], "months": meta["months"],
            "totalpeace version (experiment created)": meta["version"],
            "totalpeace versions of the stored runs": ", ".join(versions or []) or "none",
            "created": meta["created"], "results store": str(store.path)}


def _factor_rows(meta: dict[str, Any], points: pd.DataFrame) -> list[list[Any]]:
    spec = meta["spec"]
    rows = []
    for kind, factors in (("lever", spec["levers"]), ("uncertainty", spec["uncertainties"])):
        for path, factor in factors.items():
            if factor.get("values") is not None:
                declared = "values " + ", ".join(str(v) for v in factor["values"])
            else:
                declared = f"{factor['low']:g} to {factor['high']:g} ({factor.get('distribution') or 'uniform'})"
            drawn = points[path]
            if pd.api.types.is_numeric_dtype(drawn) and not pd.api.types.is_bool_dtype(drawn):
                sampled = f"{drawn.min():.4g} to {drawn.max():.4g}"
            else:
                sampled = ", ".join(str(v) for v in sorted(drawn.astype(str).unique()))
            rows.append([path, kind, declared, sampled, drawn.nunique()])
    return rows


def distribution_chart(means: pd.DataFrame, outcome: str) -> str:
    """Box per year of the outcome's point means: box 25-75%, whiskers 10-90%, median line."""
    frame = means[means["metric"] == outcome]
    years = sorted(frame["year"].unique())
    data = [frame.loc[frame["year"] == y, "value"].dropna().to_numpy() for y in years]
    fig = Figure(figsize=(4.6, 2.9))
    fig.subplots_adjust(left=0.15, right=0.98, bottom=0.15, top=0.88)
    ax = fig.subplots()
    boxes = ax.boxplot(data, whis=(10, 90), showfliers=False, patch_artist=True, widths=0.5)
    for box in boxes["boxes"]:
        box.set(facecolor=BAND_INNER, alpha=0.5)
    for line in boxes["medians"]:
        line.set(color=MEDIAN, lw=1.5)
    ax.set_xticks(range(1, len(years) + 1), [str(y) for y in years])
    ax.set_title(_label(outcome), fontsize=10)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3, axis="y")
    return svg(fig, tight=False)


def _axis_values(values: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """Numeric factors as they are; categories (and booleans) as positions with their names as tick labels."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float), None
    names = sorted(values.astype(str).unique())
    return values.astype(str).map({n: k for k, n in enumerate(names)}).to_numpy(dtype=float), names


def spearman(x: pd.Series, y: pd.Series) -> float:
    """Rank correlation (a monotone association, whatever the factor's scale); NaN when either is constant."""
    if x.nunique() < 2 or y.nunique() < 2:
        return math.nan
    return float(x.rank().corr(y.rank()))


def scatter_chart(last: pd.DataFrame, outcome: str, factors: list[str], year: int) -> str:
    """The outcome's point means in `year` against each factor, one panel per factor, rank correlation on top."""
    cols = min(3, len(factors))
    rows = math.ceil(len(factors) / cols)
    fig = Figure(figsize=(3.4 * cols, 2.6 * rows + 0.5))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, factor in zip(axes, factors, strict=False):
        x, names = _axis_values(last[factor])
        ax.scatter(x, last[outcome], s=12, color=MEDIAN, alpha=0.7, lw=0)
        if names is not None:
            ax.set_xticks(range(len(names)), names, fontsize=7)
        rho = spearman(last[factor].astype(str) if names else last[factor], last[outcome])
        ax.set_title(f"{factor}\nSpearman ρ = {rho:+.2f}" if not math.isnan(rho) else factor, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in axes[len(factors):]:
        ax.set_axis_off()
    fig.suptitle(f"{_label(outcome)} in {year} (mean over replications, one dot per design point)", fontsize=10)
    fig.tight_layout()
    return svg(fig)


def sweep_headlines(meta: dict[str, Any], last: pd.DataFrame, factors: list[str], year: int,
                    runs_ok: int, runs_failed: int) -> list[str]:
    """One sentence on the design, then per outcome: its spread over points and the factor it moves with most."""
    spec = meta["spec"]
    out = [f"{meta['points']} design points ({spec['design']}) x {spec['replications']} replications: "
           f"{runs_ok} runs finished, {runs_failed} failed; outcomes are point means over replications."]
    for outcome in spec["outcomes"]:
        values = last[outcome].dropna()
        if values.empty:
            continue
        q = values.quantile([0.1, 0.5, 0.9])
        sentence = (f"{_label(outcome)} in {year}: median over design points {number(q[0.5])}, 80% of points "
                    f"between {number(q[0.1])} and {number(q[0.9])}")
        ranked = [(f, spearman(last[f].astype(str) if not pd.api.types.is_numeric_dtype(last[f]) else last[f],
                               last[outcome])) for f in factors]
        ranked = [(f, r) for f, r in ranked if not math.isnan(r)]
        if ranked:
            factor, rho = max(ranked, key=lambda fr: abs(fr[1]))
            sentence += (f"; strongest rank correlation with {factor} (Spearman ρ = {rho:+.2f} over "
                         f"{len(values)} points)")
        out.append(sentence + ".")
    return out


SPOKEN = {"policy.talks.mode": "the talks mode", "policy.talks.order": "the order of the tables",
          "policy.decriminalization": "drug decriminalisation", "security.buy_in": "security-force buy-in",
          "security.deployable_share": "the deployable share of the security forces",
          "security.repression": "the repression rule"}


def spoken(path: str) -> str:
    """A factor as a sentence names it: 'security-force buy-in', 'the talks mode'."""
    return SPOKEN.get(path) or factor_label(path).split(" (")[0].lower()


def factor_label(path: str) -> str:
    """A factor's human label (the policy's lever labels; a parameter by its name)."""
    from totalpeace.report.policy_view import lever_label

    label = lever_label(path, {})
    return label if label != path else path.replace("parameters.", "parameter ").replace("_", " ")


def _levels(spec: dict[str, Any], factor: str, values: pd.Series) -> list[Any]:
    declared = {**spec["levers"], **spec["uncertainties"]}.get(factor, {}).get("values")
    if declared is not None:
        return [v for v in declared if v in set(values)]
    return sorted(values.unique())


def _level(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def factorial_effects(runs: pd.DataFrame, spec: dict[str, Any], factors: list[str], outcomes: list[str],
                      year: int) -> tuple[list[str], list[list[str]]]:
    """For each factor, the effect of moving it from its first level to its last with every other factor at each
    of its levels, paired run by run (the same run ids at every point): sentences, and rows for a table."""
    sentences, rows = [], []
    for factor in factors:
        levels = _levels(spec, factor, runs[factor])
        if len(levels) < 2:
            continue
        low, high = levels[0], levels[-1]
        others = [f for f in factors if f != factor]
        keys = [*others, "run"]
        a = runs[runs[factor] == low].set_index(keys)
        b = runs[runs[factor] == high].set_index(keys)
        verb = "Raising" if pd.api.types.is_numeric_dtype(runs[factor]) and not isinstance(low, bool) else "Switching"
        for outcome in outcomes:
            diff = (b[outcome] - a[outcome]).dropna()
            if diff.empty:
                continue
            q10, q50, q90 = diff.quantile([0.1, 0.5, 0.9])
            lo, hi = sorted((abs(q10), abs(q90)))
            what = f"{catalogue.label(outcome).lower()} in {year}"
            move = f"{verb} {spoken(factor)} from {_level(low)} to {_level(high)}"
            if q10 > 0 or q90 < 0:
                sentences.append(f"{move} {'raises' if q50 > 0 else 'lowers'} {what} by about "
                                 f"{catalogue.fmt_change(outcome, q50)} (80% interval "
                                 f"{catalogue.fmt_change(outcome, lo)}–{catalogue.fmt_change(outcome, hi)}, over "
                                 f"{len(diff)} paired runs).")
            else:
                sentences.append(f"{move} does not clearly change {what} (median difference "
                                 f"{catalogue.fmt(outcome, q50, True)}, 80% interval "
                                 f"{catalogue.fmt(outcome, q10, True)} to {catalogue.fmt(outcome, q90, True)}, over "
                                 f"{len(diff)} paired runs).")
            rows.append([factor_label(factor), f"{_level(low)} → {_level(high)}", catalogue.titled(outcome),
                         f"{catalogue.fmt(outcome, q50, True)} [{catalogue.fmt(outcome, q10, True)}, "
                         f"{catalogue.fmt(outcome, q90, True)}]", str(len(diff))])
    return sentences, rows


def level_table(runs: pd.DataFrame, factors: list[str], outcomes: list[str]) -> tuple[list[str], list[list[str]]]:
    """One row per design point (a combination of levels): each outcome's median over replications with the
    interval where 80% of them fall."""
    header = [factor_label(f) for f in factors] + [catalogue.titled(o) for o in outcomes]
    rows = []
    for values, group in runs.groupby(factors, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        cells = [_level(v) for v in values]
        for outcome in outcomes:
            q = group[outcome].quantile([0.1, 0.5, 0.9])
            cells.append(f"{catalogue.fmt(outcome, q[0.5])} ({catalogue.fmt(outcome, q[0.1])}–"
                         f"{catalogue.fmt(outcome, q[0.9])})")
        rows.append(cells)
    return header, rows


def render_sweep_report(store: Any, experiment: str) -> str:
    """The experiment's page: headlines, design, distributions by year, scatters against factors, provenance."""
    meta = store.experiment(experiment)
    spec = meta["spec"]
    outcomes = list(spec["outcomes"])
    points = store.points(experiment)
    factors = [c for c in points.columns if c != "point"]
    yearly = store.query(
        "SELECT y.point, y.year, y.metric, avg(y.value) AS value FROM yearly y JOIN runs r "
        "USING (experiment, point, run) WHERE y.experiment = ? AND r.status = 'ok' AND list_contains(?, y.metric) "
        "GROUP BY ALL ORDER BY ALL", [experiment, outcomes], experiment=experiment)
    status = store.query("SELECT status, count(*) AS n FROM runs WHERE experiment = ? GROUP BY status",
                         [experiment], experiment=experiment).set_index("status")["n"]
    year = int(meta["years"][-1])
    last = (yearly[yearly["year"] == year].pivot(index="point", columns="metric", values="value")
            .reindex(columns=outcomes).reset_index())
    last = points.merge(last, on="point", how="inner")
    runs_ok, runs_failed = int(status.get("ok", 0)), int(status.get("failed", 0))
    factorial = spec["design"] == "full_factorial" and bool(factors)
    effects: list[str] = []
    factorial_html = ""
    if factorial and not yearly.empty:
        per_run = store.query(
            "SELECT y.point, y.run, y.metric, y.value FROM yearly y JOIN runs r USING (experiment, point, run) "
            "WHERE y.experiment = ? AND r.status = 'ok' AND y.year = ? AND list_contains(?, y.metric)",
            [experiment, year, outcomes], experiment=experiment)
        runs = (per_run.pivot_table(index=["point", "run"], columns="metric", values="value").reset_index()
                .merge(points, on="point"))
        effects, effect_rows = factorial_effects(runs, spec, factors, outcomes, year)
        header, level_rows = level_table(runs, factors, outcomes)
        factorial_html = (
            f'<h2 id="factorial">Outcomes by lever level, {year}</h2><p class="muted">Each cell: the median over '
            'the point\'s replications and, in brackets, where 80% of them fall. Every point runs the same run ids, '
            'so a change of one factor is compared run by run with the others held at each of their levels.</p>'
            + table(level_rows, header, "table-levels")
            + '<h3>Effect of each factor, first level to last</h3>'
            + table(effect_rows, ["factor", "from → to", "outcome", "median of paired differences [80% interval]",
                                  "paired runs"], "table-effects"))
    design = [["design", spec["design"]], ["samples (LHS points, Sobol' N, Morris trajectories)", spec["samples"]],
              ["design points", meta["points"]], ["replications per point", spec["replications"]],
              ["runs finished / failed", f"{runs_ok} / {runs_failed}"],
              ["period", f"{meta['start']} + {meta['months']} months ({meta['years'][0]}–{year})"],
              ["outcomes", ", ".join(outcomes)]]
    lines = sweep_headlines(meta, last, [] if factorial else factors, year, runs_ok, runs_failed) + effects
    body = (f'<h2 id="headline">Headline findings</h2><ul class="headline">{items(lines)}</ul>'
            f'<h2 id="design">Design</h2>{table(design, ["field", "value"], "table-design")}'
            + table(_factor_rows(meta, points), ["factor", "kind", "declared range", "sampled", "distinct values"],
                    "table-factors"))
    if yearly.empty:
        body += "<p>No run has finished yet: run the sweep (again with --resume) to fill the charts.</p>"
    else:
        boxes = "".join(chart(f"chart-dist-{o}", distribution_chart(yearly, o)) for o in outcomes)
        body += ('<h2 id="distributions">Outcomes by year across design points</h2><p class="muted">Boxes hold the '
                 'middle half of the design points, whiskers 80%; each point is the mean over its replications. '
                 'Flows are annual totals (partial years scaled to twelve months), stocks the value at the end of '
                 f'the year.</p><div class="grid">{boxes}</div>')
        body += factorial_html
        if factors and not factorial:
            scatters = "".join(chart(f"chart-scatter-{o}", scatter_chart(last, o, factors, year)) for o in outcomes)
            body += f'<h2 id="factors">Outcomes against each factor, {year}</h2>{scatters}'
    body += (f'<h2 id="provenance">Provenance</h2>'
             f'{fields_table(experiment_provenance(store, experiment))}'
             f'<h3>Experiment file as resolved</h3><pre id="spec">{html.escape(json.dumps(spec, indent=2))}</pre>')
    intro = (f"Experiment {html.escape(experiment)} on {html.escape(meta['base_scenario'])}: {meta['points']} "
             f"points x {spec['replications']} replications, seed {spec['seed']}.")
    return page(f"totalpeace — sweep {experiment}", intro, body)
