"""The validation report: simulated bands against observed points for every target, and the score tables."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from totalpeace.report.charts import svg
from totalpeace.report.html import CSS, table


def band_chart(part: pd.DataFrame, title: str) -> str:
    """Median, 50% and 95% bands by year; observed points filled where calibrated, hollow where held back."""
    part = part.sort_values("year")
    fig = Figure(figsize=(5.2, 3.2))
    ax = fig.subplots()
    x = part["year"].to_numpy()
    if len(x) > 1:
        ax.fill_between(x, part["q025"], part["q975"], color="#c6dbef", label="95% band")
        ax.fill_between(x, part["q25"], part["q75"], color="#6baed6", label="50% band")
        ax.plot(x, part["median"], color="#08519c", label="median")
    else:  # one year: bands as bars
        med = part["median"].to_numpy()
        for lo, hi, colour, width, label in (("q025", "q975", "#c6dbef", 14, "95% band"),
                                             ("q25", "q75", "#6baed6", 8, "50% band")):
            ax.vlines(x, part[lo], part[hi], color=colour, linewidth=width, label=label)
        ax.scatter(x, med, marker="_", s=300, color="#08519c", label="median", zorder=2)
        ax.set_xticks(x)
    cal = part[part["use"] == "calibrate"]
    val = part[part["use"] == "validate"]
    ax.scatter(cal["year"], cal["observed"], color="black", zorder=3, label="observed (calibration)")
    ax.scatter(val["year"], val["observed"], facecolors="white", edgecolors="black", zorder=3,
               label="observed (held back)")
    if len(cal) and len(val):
        ax.axvline(cal["year"].max() + 0.5, color="#999", linestyle="--", linewidth=1)
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=6, loc="best")
    return f'<div class="chart">{svg(fig)}</div>'


def _fmt(value: float) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if not isinstance(value, float | int | np.floating):
        return str(value)
    if not np.isfinite(value):
        return "–"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


def write_validation_report(path: Path, scores: pd.DataFrame, summary: pd.DataFrame, provenance: list[str]) -> Path:
    """A self-contained HTML page."""
    charts = [band_chart(part, f"{scenario}: {name}")
              for (scenario, name), part in scores.groupby(["scenario", "target"], sort=False)]
    summary_cols = ["scenario", "target", "years", "crps", "crps_persistence", "skill_persistence",
                    "crps_climatology", "skill_climatology", "coverage50", "coverage80", "coverage95"]
    score_cols = ["scenario", "target", "year", "use", "observed", "median", "q10", "q90", "crps", "in50", "in80",
                  "in95"]
    body = [
        "<h1>Validation on held-back years</h1>",
        "<p class='muted'>Bands: simulated ensemble (95% light, 50% dark, median line). Filled points were used "
        "for calibration; hollow points were held back and are scored. CRPS is in the target's unit (lower is "
        "better); skill = 1 - CRPS / CRPS of the baseline (positive: better than the baseline).</p>",
        "<h2>Scores on held-back years</h2>",
        table([[_fmt(r[c]) for c in summary_cols] for _, r in summary.iterrows()], summary_cols),
        "<h2>Simulated bands against observations</h2>", f"<div class='grid'>{''.join(charts)}</div>",
        "<h2>Every target</h2>",
        table([[_fmt(r[c]) for c in score_cols] for _, r in scores.iterrows()], score_cols),
        "<h2>Provenance</h2><ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in provenance) + "</ul>",
        "<h2>Sources of the observations</h2><ul>"
        + "".join(f"<li>{html.escape(s)}</li>" for s in sorted(set(scores["source"]))) + "</ul>",
    ]
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>totalpeace validation</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
