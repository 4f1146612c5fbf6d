"""Talks timeline: for each negotiation table, the share of runs in each phase, month by month (stacked areas)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from totalpeace.engine.results import Results
from totalpeace.model.negotiation import Phase
from totalpeace.report.charts import dates, svg

PHASE_COLOURS = {
    Phase.NONE: "#d9d9d9", Phase.EXPLORATION: "#c6dbef", Phase.FORMAL_TALKS: "#9ecae1", Phase.CEASEFIRE: "#6baed6",
    Phase.PARTIAL_AGREEMENTS: "#3182bd", Phase.FINAL_AGREEMENT: "#31a354", Phase.IMPLEMENTATION: "#74c476",
    Phase.DEMOBILIZED: "#006d2c", Phase.BROKEN_DOWN: "#de2d26",
}


def tables(results: Results) -> list[int]:
    """Group indices that sit at a table in at least one run at some month."""
    phases = results.groups["group_phase"]
    return [g for g in results.active_groups() if (phases[:, :, g] != Phase.NONE).any()]


def phase_shares(results: Results, g: int) -> np.ndarray:
    """(phases, months): share of runs in each phase for group `g`."""
    phases = results.groups["group_phase"][:, :, g]
    return np.array([(phases == ph).mean(axis=0) for ph in Phase])


def talks_chart(results: Results) -> str | None:
    """One stacked-area strip per table; None when no table ever opens."""
    found = tables(results)
    if not found:
        return None
    x = dates(results)
    fig = Figure(figsize=(9.5, 1.1 * len(found) + 0.9))
    axes = fig.subplots(len(found), 1, sharex=True, squeeze=False)
    for ax, g in zip(axes[:, 0], found, strict=True):
        ax.stackplot(x, phase_shares(results, g), colors=[PHASE_COLOURS[ph] for ph in Phase], lw=0)
        ax.set_ylim(0, 1)
        ax.set_xlim(x[0], x[-1])
        ax.set_ylabel(results.group_ids[g], rotation=0, ha="right", va="center", fontsize=8)
        ax.set_yticks([0, 1], ["0", "100%"], fontsize=6)
    handles = [Rectangle((0, 0), 1, 1, color=PHASE_COLOURS[ph]) for ph in Phase]
    fig.legend(handles, [ph.name.lower().replace("_", " ") for ph in Phase], ncol=5, fontsize=7, frameon=False,
               loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.suptitle("Share of runs in each phase of talks, by table", fontsize=10, y=1.08)
    fig.autofmt_xdate()
    return svg(fig)
