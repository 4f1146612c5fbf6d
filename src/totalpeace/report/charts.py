"""Charts of an ensemble as inline SVG: fan charts over time, members by group, differences, sensitivity indices.

Figures use matplotlib's object API (no pyplot state, no GUI backend), so they are safe in server threads and
worker processes, and the SVG text is inlined in the report or sent to the dashboard as is.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from totalpeace.engine.results import FLOWS, Results

TITLES = {
    "homicide_rate": "Homicide rate (per 100,000, annualised)",
    "homicides": "Homicides (per year, annualised)",
    "armed_group_members": "Members of armed groups",
    "state_group_clashes": "State-group clashes (per year, annualised)",
    "inter_group_clashes": "Clashes between groups (per year, annualised)",
    "groups_in_talks": "Groups at a negotiation table",
    "agreements_signed": "Agreements signed (cumulative)",
    "state_control_share": "State control (population-weighted share)",
    "contested_territories": "Contested territories (no actor above 60%)",
    "neighbour_violence": "Neighbours' violence index (start = 1)",
}
BAND_OUTER, BAND_INNER, MEDIAN = "#9ecae1", "#4292c6", "#08306b"


def svg(fig: Figure, tight: bool = True) -> str:
    """The figure as an <svg> element (XML prologue dropped so it can sit inside HTML).

    Text stays text (smaller files; the page's fonts draw it). `tight=False` is for small charts with fixed margins:
    a tight bounding box costs a second drawing pass, which doubles the time of the many fan charts.
    """
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight" if tight else None)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def monthly(results: Results, name: str) -> np.ndarray:
    """Per-run monthly series (R, M); flows annualised so they read on the summary's scale."""
    series = results.national[name]
    return series * 12.0 if name in FLOWS else series


def dates(results: Results) -> np.ndarray:
    return np.array(results.month_labels(), dtype="datetime64[M]")


def _small_figure() -> tuple[Figure, object]:
    """A fan-sized figure with fixed margins that fit rotated dates and five-digit tick labels."""
    fig = Figure(figsize=(4.6, 2.9))
    fig.subplots_adjust(left=0.15, right=0.98, bottom=0.2, top=0.9)
    return fig, fig.subplots()


def _fan(ax, x: np.ndarray, values: np.ndarray, colour: str = MEDIAN) -> None:
    q = np.nanpercentile(values, [10, 25, 50, 75, 90], axis=0)
    ax.fill_between(x, q[0], q[4], color=BAND_OUTER, alpha=0.6, lw=0, label="80% of runs")
    ax.fill_between(x, q[1], q[3], color=BAND_INNER, alpha=0.6, lw=0, label="50% of runs")
    ax.plot(x, q[2], color=colour, lw=1.5, label="median")


def _finish_small(fig: Figure, ax, title: str) -> str:
    """The common finish of the small time-series charts: title, small ticks, grid, legend, dated axis, SVG."""
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best", frameon=False)
    fig.autofmt_xdate()
    return svg(fig, tight=False)


def fan_chart(results: Results, name: str) -> str:
    """Median with 50% and 80% bands over runs, month by month."""
    fig, ax = _small_figure()
    _fan(ax, dates(results), monthly(results, name))
    return _finish_small(fig, ax, TITLES.get(name, name))


def members_chart(results: Results) -> str:
    """Members by group: median line and 80% band for each group that exists."""
    x = dates(results)
    fig = Figure(figsize=(9.5, 4.0))
    ax = fig.subplots()
    members = results.groups["group_members"]
    colours = matplotlib.colormaps["tab20"].colors
    for k, g in enumerate(results.active_groups()):
        q = np.nanpercentile(members[:, :, g], [10, 50, 90], axis=0)
        if q[2].max() < 0.5:  # a splinter that exists in fewer than one run in ten
            continue
        (line,) = ax.plot(x, q[1], lw=1.4, label=results.group_ids[g], color=colours[k % len(colours)])
        ax.fill_between(x, q[0], q[2], color=line.get_color(), alpha=0.15, lw=0)
    ax.set_title("Members by group (median and 80% band)", fontsize=10)
    ax.set_ylabel("members")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=3, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    return svg(fig)


def difference_chart(x: np.ndarray, diff: np.ndarray, name: str) -> str:
    """Variant minus baseline over time: median and bands of the (paired) per-run difference, zero line."""
    fig, ax = _small_figure()
    _fan(ax, x, diff, colour="#67000d")
    ax.axhline(0.0, color="#444", lw=0.8, ls="--")
    return _finish_small(fig, ax, f"Δ {TITLES.get(name, name)}")


def overlay_chart(x: np.ndarray, baseline: np.ndarray, variant: np.ndarray, name: str,
                  labels: tuple[str, str] = ("baseline", "variant")) -> str:
    """Baseline and variant fans on one axis, for side-by-side reading."""
    fig, ax = _small_figure()
    for values, colour, label in ((baseline, "#737373", labels[0]), (variant, "#08519c", labels[1])):
        q = np.nanpercentile(values, [10, 50, 90], axis=0)
        ax.fill_between(x, q[0], q[2], color=colour, alpha=0.2, lw=0)
        ax.plot(x, q[1], color=colour, lw=1.5, label=f"{label} (median, 80% band)")
    return _finish_small(fig, ax, TITLES.get(name, name))


def indices_chart(indices: Mapping[str, Mapping[str, float]], title: str = "Sensitivity indices") -> str:
    """Horizontal bars of first-order and total indices per factor (with confidence half-widths where given).

    `indices` maps factor -> {"S1", "ST"[, "S1_conf", "ST_conf"]} (Sobol) or {"mu_star"[, "mu_star_conf"]} (Morris).
    """
    factors = sorted(indices, key=lambda f: -max(abs(v) for k, v in indices[f].items() if not k.endswith("_conf")))
    keys = [k for k in ("ST", "S1", "mu_star", "sigma") if any(k in indices[f] for f in factors)]
    fig = Figure(figsize=(7.5, 0.35 * len(factors) + 1.2))
    ax = fig.subplots()
    y = np.arange(len(factors))
    height = 0.8 / max(len(keys), 1)
    for j, key in enumerate(keys):
        vals = [indices[f].get(key, np.nan) for f in factors]
        errs = [indices[f].get(f"{key}_conf", 0.0) for f in factors]
        ax.barh(y + j * height, vals, height=height, xerr=errs, label=key, capsize=2)
    ax.set_yticks(y + height * (len(keys) - 1) / 2, factors, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=8, frameon=False)
    return svg(fig)
