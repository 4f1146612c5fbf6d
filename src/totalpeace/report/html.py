"""A self-contained HTML report of an ensemble: headline numbers, fan charts, members, talks, provenance.

Charts are matplotlib SVG inlined in the page, so the report works offline and can be mailed as one file.
"""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from totalpeace.engine.results import FLOWS, REQUIRED, Results
from totalpeace.model.negotiation import Phase

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
PHASE_COLOURS = {
    Phase.NONE: "#d9d9d9", Phase.EXPLORATION: "#c6dbef", Phase.FORMAL_TALKS: "#9ecae1", Phase.CEASEFIRE: "#6baed6",
    Phase.PARTIAL_AGREEMENTS: "#3182bd", Phase.FINAL_AGREEMENT: "#31a354", Phase.IMPLEMENTATION: "#74c476",
    Phase.DEMOBILIZED: "#006d2c", Phase.BROKEN_DOWN: "#de2d26",
}
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;color:#222;
line-height:1.45;padding:0 1em}h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1em}.chart svg{width:100%;height:auto}
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
.headline li{margin:.3em 0}.muted{color:#666;font-size:.9em}
"""


def _svg(fig: Figure) -> str:
    """Figures are built with matplotlib's object API (no pyplot state, no GUI backend) and inlined as SVG."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _monthly(results: Results, name: str) -> np.ndarray:
    series = results.national[name]
    return series * 12.0 if name in FLOWS else series


def _dates(results: Results) -> np.ndarray:
    return np.array(results.month_labels(), dtype="datetime64[M]")


def fan_chart(results: Results, name: str) -> str:
    """Median with 50% and 80% bands over runs, month by month."""
    values = _monthly(results, name)
    q = np.nanpercentile(values, [10, 25, 50, 75, 90], axis=0)
    x = _dates(results)
    fig = Figure(figsize=(4.6, 2.8))
    ax = fig.subplots()
    ax.fill_between(x, q[0], q[4], color="#9ecae1", alpha=0.6, lw=0, label="80% of runs")
    ax.fill_between(x, q[1], q[3], color="#4292c6", alpha=0.6, lw=0, label="50% of runs")
    ax.plot(x, q[2], color="#08306b", lw=1.5, label="median")
    ax.set_title(TITLES.get(name, name), fontsize=10)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best", frameon=False)
    fig.autofmt_xdate()
    return _svg(fig)


def members_chart(results: Results) -> str:
    """Members by group: median line and 80% band for each group that exists."""
    x = _dates(results)
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
    return _svg(fig)


def talks_chart(results: Results) -> str | None:
    """For each group that ever sits at a table: share of runs in each phase, month by month."""
    phases = results.groups["group_phase"]
    tables = [g for g in results.active_groups() if (phases[:, :, g] != Phase.NONE).any()]
    if not tables:
        return None
    x = _dates(results)
    fig = Figure(figsize=(9.5, 1.3 * len(tables) + 0.6))
    axes = fig.subplots(len(tables), 1, sharex=True, squeeze=False)
    for ax, g in zip(axes[:, 0], tables, strict=True):
        shares = [(phases[:, :, g] == ph).mean(axis=0) for ph in Phase]
        ax.stackplot(x, shares, colors=[PHASE_COLOURS[ph] for ph in Phase], lw=0)
        ax.set_ylim(0, 1)
        ax.set_ylabel(results.group_ids[g], rotation=0, ha="right", va="center", fontsize=8)
        ax.set_yticks([])
    handles = [Rectangle((0, 0), 1, 1, color=PHASE_COLOURS[ph]) for ph in Phase]
    fig.legend(handles, [ph.name.lower().replace("_", " ") for ph in Phase], ncol=5, fontsize=7, frameon=False,
               loc="upper center", bbox_to_anchor=(0.5, 1.02))
    fig.autofmt_xdate()
    return _svg(fig)


def _interval(stat: dict[str, float], digits: int = 1) -> str:
    return f"{stat['p50']:,.{digits}f} (80% interval {stat['p10']:,.{digits}f}–{stat['p90']:,.{digits}f})"


def headlines(summary: dict[str, Any]) -> list[str]:
    """Plain-language findings with numbers and intervals."""
    metrics = summary["metrics"]
    years = sorted(metrics["homicide_rate"])
    first, last = years[0], years[-1]
    out = [
        f"Homicide rate in {last}: {_interval(metrics['homicide_rate'][last])} per 100,000 "
        f"(in {first}: {_interval(metrics['homicide_rate'][first])}).",
        f"Members of armed groups at the end of {last}: {_interval(metrics['armed_group_members'][last], 0)}.",
        f"Population under state control at the end of {last}: "
        f"{metrics['state_control_share'][last]['p50']:.0%} (80% interval "
        f"{metrics['state_control_share'][last]['p10']:.0%}–{metrics['state_control_share'][last]['p90']:.0%}).",
    ]
    tables = {g: e["talks"] for g, e in summary["groups"].items()
              if set(e["talks"]["final_phase_share"]) - {"none"}}
    if tables:
        signed = sorted(tables.items(), key=lambda kv: -kv[1]["signed_share"])
        parts = ", ".join(f"{g} {t['signed_share']:.0%}" for g, t in signed)
        out.append(f"{len(tables)} tables open; share of runs in which each signs an agreement: {parts}.")
        broken = ", ".join(f"{g} {t['broken_down_share']:.0%}" for g, t in signed)
        out.append(f"Share of runs in which the table has broken down by the end: {broken}.")
    return out


def _table(rows: list[list[str]], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(results: Results, path: str | Path, sources: list[str] | None = None) -> Path:
    """Write the report to `path` and return it."""
    summary = results.summary()
    charts = "".join(f'<div class="chart" id="chart-{m}">{fan_chart(results, m)}</div>' for m in REQUIRED)
    talks = talks_chart(results)
    params = summary["provenance"].get("parameters", {})
    provenance = _table([
        ["scenario", summary["scenario"]], ["scenario sha256", summary["scenario_sha256"]],
        ["totalpeace version", summary["version"]], ["seed", summary["seed"]], ["runs", summary["runs"]],
        ["start", summary["start"]], ["months", summary["months"]],
        ["negotiation engine", summary["provenance"].get("negotiation_engine")],
        ["contest form", summary["provenance"].get("contest_form")],
        ["calibration", summary["provenance"].get("calibration") or "none (uncalibrated defaults)"],
    ], ["field", "value"])
    param_table = _table([[k, f"{v:g}"] for k, v in params.items()], ["parameter", "value"])
    source_list = "".join(f"<li>{html.escape(s)}</li>" for s in (sources or []))
    items = "".join(f"<li>{html.escape(h)}</li>" for h in headlines(summary))
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>totalpeace — {html.escape(results.scenario)}</title><style>{CSS}</style></head><body>
<h1>{html.escape(results.scenario)}</h1>
<p class="muted">{results.runs} runs, seed {results.seed}, {results.start} + {results.months} months.
Bands show where 50% and 80% of runs fall; they express the model's stochastic spread, not every uncertainty.</p>
<h2 id="headline">Headline findings</h2><ul class="headline">{items}</ul>
<h2 id="metrics">Outcomes over time</h2><div class="grid">{charts}</div>
<h2 id="members">Members by group</h2><div class="chart" id="chart-members">{members_chart(results)}</div>
<h2 id="talks">Negotiation tables</h2>
<div class="chart" id="chart-talks">{talks or "<p>No negotiation table in this scenario.</p>"}</div>
<h2 id="provenance">Provenance</h2>{provenance}
<h3>Parameters</h3>{param_table}
<h3>Data sources</h3><ul>{source_list}</ul>
</body></html>"""
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out
