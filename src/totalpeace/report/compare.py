"""A self-contained HTML comparison report: paired differences with 80% intervals, level and difference charts.

Charts are matplotlib SVG inlined in the page (the same approach as the run report), so it works offline.
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from totalpeace.engine.results import FLOWS, REQUIRED
from totalpeace.experiments.compare import Comparison
from totalpeace.report.html import CSS, TITLES, _svg, _table

COLOURS = matplotlib.colormaps["tab10"].colors
HEADLINE_METRICS = ("homicide_rate", "armed_group_members", "state_control_share", "agreements_signed")
PERCENT = {"state_control_share"}


def _fmt(value: float, metric: str) -> str:
    if metric in PERCENT:
        return f"{value * 100:+.1f} pp"
    return f"{value:+,.{1 if abs(value) < 100 else 0}f}"


def _level(value: float, metric: str) -> str:
    return f"{value:.0%}" if metric in PERCENT else f"{value:,.{1 if abs(value) < 100 else 0}f}"


def headlines(comparison: Comparison, diffs: pd.DataFrame) -> list[str]:
    """Plain-language differences in the last year for the key outcomes, with 80% intervals."""
    out = []
    year = int(diffs["year"].max())
    for variant in comparison.variants:
        parts = []
        for metric in HEADLINE_METRICS:
            row = diffs[(diffs["variant"] == variant) & (diffs["metric"] == metric) & (diffs["year"] == year)].iloc[0]
            parts.append(f"{metric.replace('_', ' ')} {_fmt(row['diff_mean'], metric)} (80% interval "
                         f"{_fmt(row['diff_p10'], metric)} to {_fmt(row['diff_p90'], metric)}; lower in "
                         f"{row['share_lower']:.0%} of runs)")
        out.append(f"{variant} against {comparison.baseline} in {year}: " + "; ".join(parts) + ".")
    return out


def metric_chart(comparison: Comparison, metric: str) -> str:
    """Top: each scenario's median with the baseline's 80% band. Bottom: paired differences, median and 80% band."""
    scale = 12.0 if metric in FLOWS else 1.0
    x = np.array(comparison.month_labels(), dtype="datetime64[M]")
    fig = Figure(figsize=(4.8, 4.2))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1.2, 1]})
    base = comparison.monthly_array(comparison.baseline, metric) * scale
    q = np.nanpercentile(base, [10, 50, 90], axis=0)
    top.fill_between(x, q[0], q[2], color="#bbbbbb", alpha=0.5, lw=0, label=f"{comparison.baseline} 80%")
    top.plot(x, q[1], color="#333333", lw=1.4, label=comparison.baseline)
    bottom.axhline(0, color="#333333", lw=0.8)
    for k, variant in enumerate(comparison.variants):
        colour = COLOURS[k % len(COLOURS)]
        values = comparison.monthly_array(variant, metric) * scale
        top.plot(x, np.nanmedian(values, axis=0), color=colour, lw=1.4, label=variant)
        d = np.nanpercentile(values - base, [10, 50, 90], axis=0)
        bottom.fill_between(x, d[0], d[2], color=colour, alpha=0.25, lw=0)
        bottom.plot(x, d[1], color=colour, lw=1.4)
    top.set_title(TITLES.get(metric, metric), fontsize=10)
    bottom.set_ylabel("variant − baseline", fontsize=8)
    for ax in (top, bottom):
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    top.legend(fontsize=6, frameon=False, loc="best")
    fig.autofmt_xdate()
    return _svg(fig)


def differences_table(diffs: pd.DataFrame) -> str:
    rows = [[r.variant, r.metric, r.year, f"{r.baseline_mean:,.4g}", f"{r.variant_mean:,.4g}", f"{r.diff_mean:+,.4g}",
             f"{r.diff_p10:+,.4g} to {r.diff_p90:+,.4g}", f"{r.share_lower:.0%}", f"{r.share_higher:.0%}"]
            for r in diffs.itertuples()]
    return _table(rows, ["variant", "metric", "year", "baseline mean", "variant mean", "mean difference",
                         "80% interval of paired differences", "runs lower", "runs higher"])


def write_compare_report(comparison: Comparison, path: str | Path) -> Path:
    """Write the comparison page to `path` and return it."""
    diffs = comparison.differences()
    items = "".join(f"<li>{html.escape(h)}</li>" for h in headlines(comparison, diffs))
    charts = "".join(f'<div class="chart" id="chart-{m}">{metric_chart(comparison, m)}</div>' for m in REQUIRED)
    scenarios = _table([[n, r, s] for n, r, s in zip(comparison.names, comparison.references, comparison.sha256,
                                                     strict=True)], ["scenario", "given as", "sha256"])
    provenance = _table([["totalpeace version", comparison.version], ["seed", comparison.seed],
                         ["runs per scenario", comparison.runs], ["start", comparison.start],
                         ["months", comparison.months], ["--set", ", ".join(comparison.sets) or "none"]],
                        ["field", "value"])
    title = f"{comparison.baseline} vs {', '.join(comparison.variants)}"
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>totalpeace comparison — {html.escape(title)}</title><style>{CSS}</style></head><body>
<h1>Comparison: {html.escape(title)}</h1>
<p class="muted">{comparison.runs} runs per scenario, seed {comparison.seed}, {comparison.start} +
{comparison.months} months. Every scenario uses the same seed and run ids (common random numbers): run r of a variant
is paired with run r of the baseline, and intervals are the 10th to 90th percentiles of these paired differences.</p>
<h2 id="headline">Headline differences</h2><ul class="headline">{items}</ul>
<h2 id="metrics">Outcomes over time</h2>
<p class="muted">Top of each chart: medians (baseline with its 80% band). Bottom: paired difference variant − baseline,
median and 80% band. Flows are annualised monthly values.</p>
<div class="grid">{charts}</div>
<h2 id="differences">Differences by metric and year</h2>{differences_table(diffs)}
<h2 id="provenance">Provenance</h2>{scenarios}{provenance}
</body></html>"""
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out
