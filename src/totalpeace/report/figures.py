"""Interactive figures of an ensemble as Plotly figure dictionaries: fans, members, talks, differences.

The same dictionaries are drawn by plotly.js in the self-contained report (the library inlined once), in the
dashboard (served from the package) and in a notebook (`plotly.graph_objects.Figure(fig)`), so every view shows the
same numbers with the same hover values. Figures are plain JSON: no Python object crosses into the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from totalpeace.engine.results import FLOWS, Results
from totalpeace.model.tables.issues import Phase
from totalpeace.report import catalogue
from totalpeace.report.colours import PHASES, actor_colours
from totalpeace.report.names import short_name

Figure = dict[str, Any]
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#222"}
BASELINE_COLOUR, VARIANT_COLOUR, DIFF_COLOUR = "#666666", "#E69F00", "#542788"
HOVER_FORMAT = {"share": ".1%", "rate": ",.1f", "count": ",.0f", "index": ".2f"}
PHASE_LABELS = {ph: ph.name.lower().replace("_", " ") for ph in Phase}


def rounded(values: Any, digits: int = 4) -> Any:
    """Values with `digits` significant digits (smaller pages; the hover shows fewer anyway); NaN -> None."""
    arr = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(arr == 0, 1.0, 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(arr)))))
        out = np.round(arr * scale) / scale
    return np.where(np.isfinite(out), out, None).tolist()


def layout(title: str, ytitle: str = "", height: int = 300, **extra: Any) -> dict[str, Any]:
    """The common finish: readable fonts, a compact margin, dates on x, a unified hover."""
    base: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14}, "x": 0.02, "xanchor": "left"}, "font": FONT,
        "height": height, "margin": {"l": 60, "r": 16, "t": 44, "b": 36}, "hovermode": "x unified",
        "paper_bgcolor": "#fff", "plot_bgcolor": "#fff",
        "xaxis": {"showgrid": True, "gridcolor": "#eee", "tickfont": {"size": 12}},
        "yaxis": {"title": {"text": ytitle, "font": {"size": 12}}, "showgrid": True, "gridcolor": "#eee",
                  "tickfont": {"size": 12}, "zeroline": False},
        "legend": {"orientation": "h", "y": -0.18, "font": {"size": 11}},
    }
    base.update(extra)
    return base


def quantiles(values: np.ndarray, qs: Sequence[float], axis: int = 0) -> np.ndarray:
    """Percentiles over runs; the NaN-aware version (much slower) only when there are NaNs."""
    return np.nanpercentile(values, qs, axis=axis) if np.isnan(values).any() else np.percentile(values, qs, axis=axis)


def monthly(results: Results, name: str) -> np.ndarray:
    """Per-run monthly series (R, M); flows annualised so they read on the summary's scale."""
    series = results.national[name]
    return series * 12.0 if name in FLOWS else series


def _tickformat(name: str) -> str:
    return ".0%" if catalogue.metric(name).kind == "share" else ""


def fan_traces(x: Sequence[str], values: np.ndarray, label: str, colour: str, hover: str,
               bands: bool = True, group: str | None = None) -> list[dict[str, Any]]:
    """Median with the 50% and 80% bands over runs; the hover gives all five numbers."""
    q = quantiles(values, [10, 25, 50, 75, 90]) if values.size else np.zeros((5, len(x)))
    group = group or label
    traces: list[dict[str, Any]] = []
    if bands:
        for lo, hi, alpha in ((0, 4, 0.18), (1, 3, 0.3)):
            common = {"type": "scatter", "mode": "lines", "x": list(x), "line": {"width": 0},
                      "hoverinfo": "skip", "showlegend": False, "legendgroup": group}
            traces.append({**common, "y": rounded(q[hi])})
            traces.append({**common, "y": rounded(q[lo]), "fill": "tonexty",
                           "fillcolor": _rgba(colour, alpha)})
    custom = np.stack([q[0], q[1], q[3], q[4]], axis=1)
    traces.append({"type": "scatter", "mode": "lines", "name": label, "x": list(x), "y": rounded(q[2]),
                   "line": {"color": colour, "width": 2}, "legendgroup": group,
                   "customdata": [rounded(row) for row in custom],
                   "hovertemplate": (f"{label}: %{{y:{hover}}} (50%: %{{customdata[1]:{hover}}}–"
                                     f"%{{customdata[2]:{hover}}}; 80%: %{{customdata[0]:{hover}}}–"
                                     f"%{{customdata[3]:{hover}}})<extra></extra>")})
    return traces


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def fan_figure(results: Results, name: str) -> Figure:
    """One metric over time: median, 50% and 80% of runs."""
    m = catalogue.metric(name)
    hover = HOVER_FORMAT.get(m.kind, ",.2f")
    data = fan_traces(results.month_labels(), monthly(results, name), "median of runs", "#0072B2", hover)
    fig_layout = layout(m.label, m.unit)
    fig_layout["yaxis"]["tickformat"] = _tickformat(name)
    fig_layout["showlegend"] = False
    return {"data": data, "layout": fig_layout}


def overlay_figure(months: Sequence[str], baseline: np.ndarray, variant: np.ndarray, name: str,
                   labels: tuple[str, str]) -> Figure:
    """Baseline and variant fans on one chart (median and 80% band each); a legend click hides either."""
    m = catalogue.metric(name)
    hover = HOVER_FORMAT.get(m.kind, ",.2f")
    data = [*fan_traces(months, baseline, labels[0], BASELINE_COLOUR, hover, group="baseline"),
            *fan_traces(months, variant, labels[1], VARIANT_COLOUR, hover, group="variant")]
    fig_layout = layout(m.label, m.unit)
    fig_layout["yaxis"]["tickformat"] = _tickformat(name)
    return {"data": data, "layout": fig_layout}


def difference_figure(months: Sequence[str], diff: np.ndarray, name: str) -> Figure:
    """Variant minus baseline over time: median of the paired differences, its 50% and 80% bands, zero line."""
    m = catalogue.metric(name)
    hover = HOVER_FORMAT.get(m.kind, ",.2f").replace(",", "+,") if m.kind != "share" else "+.1%"
    data = fan_traces(months, diff, "median difference", DIFF_COLOUR, hover)
    fig_layout = layout(f"Δ {m.label}", m.unit, showlegend=False,
                        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0,
                                 "line": {"color": "#444", "width": 1, "dash": "dash"}}])
    fig_layout["yaxis"]["tickformat"] = _tickformat(name)
    return {"data": data, "layout": fig_layout}


def _grid(n: int, cols: int, titles: list[str], height_per_row: int = 170) -> dict[str, Any]:
    """A small-multiples layout: n panels in `cols` columns, each with its own y axis and a title."""
    rows = max(1, -(-n // cols))
    gap_x, gap_y = 0.06, 0.5 / max(rows, 1) * 0.35
    width = (1 - gap_x * (cols - 1)) / cols
    height = (1 - gap_y * (rows - 1)) / rows
    out: dict[str, Any] = {"annotations": [], "height": 80 + height_per_row * rows}
    for k in range(n):
        r, c = divmod(k, cols)
        x0 = c * (width + gap_x)
        y1 = 1 - r * (height + gap_y)
        suffix = "" if k == 0 else str(k + 1)
        xdomain = [round(max(x0, 0.0), 6), round(min(x0 + width, 1.0), 6)]
        ydomain = [round(max(y1 - height, 0.0), 6), round(min(y1, 1.0), 6)]
        out[f"xaxis{suffix}"] = {"domain": xdomain, "anchor": f"y{suffix}", "showgrid": True,
                                 "gridcolor": "#eee", "tickfont": {"size": 11}, "matches": "x" if k else None}
        out[f"yaxis{suffix}"] = {"domain": ydomain, "anchor": f"x{suffix}", "showgrid": True,
                                 "gridcolor": "#eee", "tickfont": {"size": 11}, "rangemode": "tozero"}
        out["annotations"].append({"text": f"<b>{titles[k]}</b>", "x": x0, "y": y1, "xref": "paper",
                                   "yref": "paper", "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                                   "font": {"size": 12}})
    for key in [k for k, v in out.items() if isinstance(v, dict)]:
        out[key] = {a: b for a, b in out[key].items() if b is not None}
    return out


def group_names(results: Results) -> dict[str, str]:
    return {gid: short_name(name) for gid, name in zip(results.group_ids, results.group_names, strict=True)}


def members_figure(results: Results) -> Figure:
    """Members by group as small multiples (one panel per group that exists in at least one run in ten), each in
    the group's own colour, median and 80% band."""
    colours = actor_colours([*results.group_ids, "state"])
    names = group_names(results)
    members = results.groups["group_members"]
    shown = [g for g in results.active_groups() if quantiles(members[:, :, g], [90]).max() >= 0.5]
    x = results.month_labels()
    data: list[dict[str, Any]] = []
    for k, g in enumerate(shown):
        gid = results.group_ids[g]
        axis = {"xaxis": "x" if k == 0 else f"x{k + 1}", "yaxis": "y" if k == 0 else f"y{k + 1}"}
        for trace in fan_traces(x, members[:, :, g], names[gid], colours[gid], ",.0f", group=gid):
            data.append({**trace, **axis})
    grid = _grid(len(shown), 4, [names[results.group_ids[g]] for g in shown])
    fig_layout = layout("Members by group (median and 50%/80% of runs; each panel its own scale)", "",
                        hovermode="closest", showlegend=False, **grid)
    return {"data": data, "layout": fig_layout}


def talks_groups(results: Results) -> list[int]:
    """Group indices that sit at a table in at least one run at some month."""
    phases = results.groups["group_phase"]
    return [g for g in results.active_groups() if (phases[:, :, g] != Phase.NONE).any()]


def talks_figure(results: Results) -> Figure | None:
    """For each table, the share of runs in each phase month by month (stacked areas); None when no table opens."""
    found = talks_groups(results)
    if not found:
        return None
    names = group_names(results)
    x = results.month_labels()
    phases = results.groups["group_phase"]
    data: list[dict[str, Any]] = []
    for k, g in enumerate(found):
        axis = {"xaxis": "x" if k == 0 else f"x{k + 1}", "yaxis": "y" if k == 0 else f"y{k + 1}"}
        for ph in Phase:
            share = (phases[:, :, g] == ph).mean(axis=0)
            if not share.any():
                continue
            data.append({"type": "scatter", "mode": "lines", "x": x, "y": rounded(share), "stackgroup": f"t{k}",
                         "name": PHASE_LABELS[ph], "legendgroup": PHASE_LABELS[ph],
                         "showlegend": PHASE_LABELS[ph] not in {d["name"] for d in data},
                         "line": {"width": 0.5, "color": PHASES[ph.name.lower()]},
                         "fillcolor": PHASES[ph.name.lower()],
                         "hovertemplate": f"{names[results.group_ids[g]]}, %{{x|%b %Y}}: "
                                          f"{PHASE_LABELS[ph]} in %{{y:.0%}} of runs<extra></extra>", **axis})
    grid = _grid(len(found), 3, [names[results.group_ids[g]] for g in found], 150)
    for key, axis in grid.items():
        if key.startswith("yaxis"):
            axis.update({"range": [0, 1], "tickformat": ".0%"})
    fig_layout = layout("Phase of each negotiation table: share of runs, month by month", "", hovermode="closest",
                        **grid)
    fig_layout["legend"] = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0.3, "font": {"size": 11}}
    return {"data": data, "layout": fig_layout}


OUTCOMES = {  # mutually exclusive final states of a table, from its phase in the last month
    "not open": (Phase.NONE,),
    "still talking": (Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.CEASEFIRE, Phase.PARTIAL_AGREEMENTS),
    "agreement in force": (Phase.FINAL_AGREEMENT, Phase.IMPLEMENTATION),
    "demobilised": (Phase.DEMOBILIZED,),
    "suspended": (Phase.SUSPENDED,),
    "broken down": (Phase.BROKEN_DOWN,),
}
OUTCOME_COLOURS = {"not open": "#E0E0E0", "still talking": "#9ECAE1", "agreement in force": "#009E73",
                   "demobilised": "#117733", "suspended": "#F0E442", "broken down": "#D55E00"}


def outcome_shares(final_phase_share: Mapping[str, float]) -> dict[str, float]:
    """summary.json's final-phase shares grouped into the final states (they add to 1)."""
    return {state: sum(final_phase_share.get(ph.name.lower(), 0.0) for ph in phases)
            for state, phases in OUTCOMES.items()}


def talks_outcomes_figure(summary: Mapping[str, Any], names: Mapping[str, str]) -> Figure | None:
    """Per table: where talks stand in the last month (states that add to 100%) and, as a marker, the share
    of runs in which the table ever signed a final agreement (also counted when it broke down later)."""
    tables = {g: e["talks"] for g, e in summary["groups"].items()
              if set(e["talks"]["final_phase_share"]) - {"none"}}
    if not tables:
        return None
    order = sorted(tables, key=lambda g: (-tables[g]["signed_share"], g))
    labels = [names.get(g, g) for g in order]
    data: list[dict[str, Any]] = []
    for state, colour in OUTCOME_COLOURS.items():
        shares = [outcome_shares(tables[g]["final_phase_share"])[state] for g in order]
        data.append({"type": "bar", "orientation": "h", "name": state, "y": labels, "x": rounded(shares),
                     "marker": {"color": colour},
                     "hovertemplate": f"%{{y}}: {state} at the end in %{{x:.0%}} of runs<extra></extra>"})
    data.append({"type": "scatter", "mode": "markers", "name": "ever signed (at any month)", "y": labels,
                 "x": rounded([tables[g]["signed_share"] for g in order]),
                 "marker": {"symbol": "diamond", "size": 11, "color": "#000", "line": {"color": "#fff", "width": 1}},
                 "hovertemplate": "%{y}: signed a final agreement at some month in %{x:.0%} of runs"
                                  "<extra></extra>"})
    fig_layout = layout("How talks end: final state of each table (adds to 100%) and ever signed",
                        "", height=120 + 34 * len(order), barmode="stack", hovermode="closest")
    fig_layout["xaxis"].update({"range": [0, 1], "tickformat": ".0%", "title": {"text": "share of runs"}})
    fig_layout["yaxis"].update({"autorange": "reversed", "title": {"text": ""}})
    fig_layout["legend"] = {"orientation": "h", "y": -0.25, "font": {"size": 11}}
    return {"data": data, "layout": fig_layout}


def indices_figure(indices: Mapping[str, Mapping[str, float]], title: str) -> Figure:
    """Sensitivity indices per factor: Sobol' S1/ST or Morris mu*/sigma, with their confidence half-widths."""
    factors = sorted(indices, key=lambda f: -max(abs(v) for k, v in indices[f].items() if not k.endswith("_conf")))
    keys = [k for k in ("ST", "S1", "mu_star", "sigma") if any(k in indices[f] for f in factors)]
    data = []
    for key in keys:
        data.append({"type": "bar", "orientation": "h", "name": key, "y": factors,
                     "x": rounded([indices[f].get(key, np.nan) for f in factors]),
                     "error_x": {"type": "data", "array": rounded([indices[f].get(f"{key}_conf", 0.0)
                                                                   for f in factors])}})
    fig_layout = layout(title, "", height=120 + 40 * len(factors), barmode="group", hovermode="closest")
    fig_layout["yaxis"]["autorange"] = "reversed"
    return {"data": data, "layout": fig_layout}
