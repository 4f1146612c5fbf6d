"""The report's account of uncertainty: what the intervals include, where each outcome's spread comes from (a
stacked bar per outcome, one period at a time), and how far apart the model forms' own ensembles are.

Everything is read from summary.json's `uncertainty` entry (or a comparison's), so a saved run is described the
same way as a fresh one.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from totalpeace.report import catalogue
from totalpeace.report.colours import SOURCES as SOURCE_COLOURS
from totalpeace.report.figures import Figure, layout, rounded
from totalpeace.report.periods import Period, headline_periods, periods

SOURCE_NAMES = {"structural": "model form", "parameters": "parameters", "stochastic": "runs' randomness"}
THE = {"structural": "the model form", "parameters": "the parameters", "stochastic": "the runs' randomness"}
SHOWN = catalogue.REQUIRED_SHOWN
SENTENCE_METRICS = ("homicide_rate", "armed_group_members", "state_control_share")


def _share_text(value: float | None) -> str:
    return "not in the design" if value is None else f"{value:.0%}"


def shares_figure(shares: Mapping[str, Any], start: str, months: int, title: str,
                  metrics: Sequence[str] = SHOWN) -> Figure | None:
    """Per outcome, the three shares stacked to 100%; buttons choose the period (the horizon first). The hover
    gives each share's 80% interval and, for the model form, what each switch explains alone."""
    names = [m for m in metrics if m in shares]
    spans = [p for p in periods(start, months) if any(p.year in shares[m] for m in names)]
    if not names or not spans:
        return None
    labels = [catalogue.metric(m).label for m in names]

    def columns(period: Period) -> tuple[list[list[Any]], list[list[Any]]]:
        xs, custom = [], []
        for source in SOURCE_NAMES:
            entries = [shares[m].get(period.year, {}) for m in names]
            xs.append(rounded([e.get(source) if e.get(source) is not None else float("nan") for e in entries]))
            custom.append([[_interval(e, source), _switches(e) if source == "structural" else ""] for e in entries])
        return xs, custom

    last = spans[-1]
    xs, custom = columns(last)
    data = [{"type": "bar", "orientation": "h", "name": SOURCE_NAMES[s], "y": labels, "x": xs[i],
             "customdata": custom[i], "marker": {"color": SOURCE_COLOURS[s]},
             "hovertemplate": f"%{{y}}: {SOURCE_NAMES[s]} %{{x:.0%}} of the variance%{{customdata[0]}}"
                              f"%{{customdata[1]}}<extra></extra>"}
            for i, s in enumerate(SOURCE_NAMES)]
    buttons = []
    for p in reversed(spans):
        px, pc = columns(p)
        buttons.append({"label": p.name, "method": "restyle", "args": [{"x": px, "customdata": pc}, [0, 1, 2]]})
    fig_layout = layout(title, "", height=150 + 30 * len(names), barmode="stack", hovermode="closest")
    fig_layout["xaxis"].update({"range": [0, 1], "tickformat": ".0%", "title": {"text": "share of the variance "
                                                                                         "over runs"}})
    fig_layout["yaxis"].update({"autorange": "reversed", "title": {"text": ""}, "automargin": True})
    fig_layout["legend"] = {"orientation": "h", "y": -0.25, "font": {"size": 11}, "traceorder": "normal"}
    fig_layout["updatemenus"] = [{"type": "dropdown", "buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.01,
                                  "yanchor": "bottom", "showactive": True, "active": 0}]
    fig_layout["margin"]["t"] = 90
    return {"data": data, "layout": fig_layout}


def _interval(entry: Mapping[str, Any], source: str) -> str:
    low, high = (entry.get("interval80") or {}).get(source, [None, None])
    return "" if low is None or high is None else f" (80% interval {low:.0%}–{high:.0%})"


def _switches(entry: Mapping[str, Any]) -> str:
    found = entry.get("switches") or {}
    if not found:
        return ""
    from totalpeace.uncertainty.forms import BY_NAME

    parts = [f"{BY_NAME[k].label if k in BY_NAME else k} {v:.0%}" for k, v in found.items() if v is not None]
    return "<br>alone: " + ", ".join(parts) if parts else ""


def form_table(entry: Mapping[str, Any], start: str, months: int,
               metrics: Sequence[str] = (*SENTENCE_METRICS, "agreements_signed")) -> tuple[list[str], list[list[str]]]:
    """Header and rows: each joint form with its weight and runs, then the median (80% interval) of the main
    outcomes over its own runs at the horizon."""
    by_form = entry.get("by_form") or {}
    design = entry["design"]
    if not by_form:
        return [], []
    last = headline_periods(start, months)[-1]
    names = [m for m in metrics if last.year in by_form.get(m, {})]
    header = ["model form", "weight", "runs", *(f"{catalogue.titled(m)}, {last.name}" for m in names)]
    rows = []
    from totalpeace.uncertainty.forms import form_label

    for form in design["forms"]:
        label = form_label({k: v for k, v in form.items() if k not in ("weight", "cells", "runs")})
        cells = []
        for m in names:
            stat = by_form[m][last.year].get(label, {})
            cells.append("–" if stat.get("p50") is None else
                         f"{catalogue.fmt(m, stat['p50'])} ({catalogue.fmt(m, stat['p10'])}–"
                         f"{catalogue.fmt(m, stat['p90'])})")
        rows.append([label, f"{form['weight']:.0%}", str(form["runs"]), *cells])
    return header, rows


def sources_sentence(entry: Mapping[str, Any], start: str, months: int,
                     metrics: Sequence[str] = SENTENCE_METRICS) -> str | None:
    """'Where the spread comes from in 2026: homicide rate — the runs' randomness 46%, the parameters 38%, …'
    (largest share first)."""
    if not entry.get("estimated") or len(entry["design"]["sources"]) < 2:
        return None
    last = headline_periods(start, months)[-1]
    parts = []
    for m in metrics:
        shares = entry["variance_shares"].get(m, {}).get(last.year, {})
        ranked = sorted(((s, shares.get(s)) for s in SOURCE_NAMES if shares.get(s) is not None), key=lambda sv: -sv[1])
        if not ranked:
            continue
        parts.append(f"{catalogue.metric(m).label.lower()} — " + ", ".join(f"{THE[s]} {v:.0%}" for s, v in ranked))
    if not parts:
        return None
    return f"Where the spread comes from in {last.name} (share of the variance over runs): " + "; ".join(parts) + "."


def section(entry: Mapping[str, Any], start: str, months: int, figure: Any, table: Any) -> str:
    """The run report's section: the design, the stacked bars, the forms' own outcomes, the method."""
    design = entry["design"]
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in design.get("notes", []))
    body = (f'<h2 id="uncertainty">Where the spread comes from</h2><p class="explain">{html.escape(design["text"])}'
            f"</p>" + (f'<ul class="muted">{notes}</ul>' if notes else ""))
    if design["sources"] == ["stochastic"]:
        return body + ('<p id="chart-uncertainty">Only the runs\' randomness is in this design: run with '
                       "<code>--uncertainty full</code> for intervals that include parameter and model-form "
                       "uncertainty.</p>")
    if not entry.get("estimated"):
        return (body + f'<p id="chart-uncertainty">Not estimated: {html.escape(entry.get("note", ""))}.</p>'
                + drivers_section(entry, start, months, table))
    body += figure("chart-uncertainty", shares_figure(entry["variance_shares"], start, months,
                                                      "Share of each outcome's variance over runs, by source"))
    body += ('<p class="muted">Each bar splits the variance of an outcome over the ensemble\'s runs by the law of '
             "total variance: the model form (the spread between the forms' means), the parameters (between "
             "posterior draws under one form) and the runs' randomness (between runs with the same form and "
             "draw). The menu chooses the period; the hover gives each share's 80% interval and what each model "
             "switch explains alone. Method: docs/validation.md, section 11.</p>")
    header, rows = form_table(entry, start, months)
    if rows:
        body += ("<h3>Each model form's own ensemble</h3><p class=\"muted\">Median and 80% interval over the runs "
                 "of each form: how far apart the forms are.</p>" + table(rows, header, "table-by-form"))
    return body + drivers_section(entry, start, months, table)


def drivers_section(entry: Mapping[str, Any], start: str, months: int, table: Any) -> str:
    """The unidentified assumptions that order the outcomes ('' when the plan draws none): read from the draws
    themselves, so shown whether or not the variance could be split by source."""
    found = entry.get("assumption_drivers")
    if not found:
        return ""
    header, rows = drivers_table(found, start, months)
    return ("<h3>Unidentified assumptions that order the outcomes</h3><p class=\"muted\">"
            f"{html.escape(found['method'])}. Each cell lists the strongest (Spearman's ρ); a blank cell: none "
            "stands out alone.</p>" + table(rows, header, "table-assumption-drivers"))


def drivers_table(found: Mapping[str, Any], start: str, months: int,
                  metrics: Sequence[str] = (*SENTENCE_METRICS, "agreements_signed"),
                  ) -> tuple[list[str], list[list[str]]]:
    """Header and rows: per main outcome and headline period, the assumptions that order it, with their ρ."""
    spans = headline_periods(start, months)
    rows = []
    for m in metrics:
        by_year = found["by_metric"].get(m)
        if by_year is None:
            continue
        rows.append([catalogue.titled(m), *("; ".join(f"{d['parameter']} {d['rho']:+.2f}"
                                                      for d in by_year.get(p.year, [])) or "–" for p in spans)])
    return ["outcome", *(p.name for p in spans)], rows


def difference_section(entry: Mapping[str, Any], start: str, months: int, figure: Any, suffix: str) -> str:
    """A comparison's figure: where the uncertainty about the effect (the paired differences) comes from."""
    ident = f"chart-uncertainty-diff{suffix}"
    if entry["sources"] == ["stochastic"]:
        return ""
    if not entry.get("estimated"):
        return f'<p id="{ident}">Where the uncertainty about the effect comes from: not estimated ' \
               f'({html.escape(entry.get("note", ""))}).</p>'
    return ("<h3>Where the uncertainty about the effect comes from</h3>"
            + figure(ident, shares_figure(entry["variance_shares"], start, months,
                                          "Share of the variance of the paired differences, by source")))
