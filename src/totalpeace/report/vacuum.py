"""Who fills vacated control: by territory, the share of the control groups standing down released that the state
took (rather than other armed groups), in one ensemble or in a baseline and a variant side by side.

The engine records, per territory and month, the control the state and the armed groups gained where groups stood
down that month (means over runs, `territory_filled_state` and `territory_filled_groups`); summed over the run they
say where the state fills the vacuum and where others do. This is what the security forces' buy-in is about.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from totalpeace.engine.results import Results

MIN_REFILLED = 1e-4  # territories where less control than this was refilled over the run are left out


@dataclass(frozen=True)
class Refill:
    """One ensemble's refill of vacated control by territory (T,), summed over the run's months."""

    state: np.ndarray
    groups: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.state + self.groups

    @property
    def state_share(self) -> np.ndarray:
        """The state's share of the refilled control (NaN where nothing was refilled)."""
        total = self.total
        return np.where(total > MIN_REFILLED, self.state / np.maximum(total, MIN_REFILLED), np.nan)


def refill(results: Results) -> Refill:
    """The control refilled by the state and by the groups per territory, summed over months (means over runs)."""
    return Refill(results.territories["territory_filled_state"].sum(axis=0),
                  results.territories["territory_filled_groups"].sum(axis=0))


def refill_rows(baseline: Results, variant: Results, top: int = 10) -> tuple[list[str], list[list[str]]]:
    """The territories where most vacated control was refilled (in either scenario), with the state's share of the
    refill in the baseline and the variant and the groups' gain in each: the table `compare` prints and reports."""
    a, b = refill(baseline), refill(variant)
    weight = np.maximum(a.total, b.total)
    order = [i for i in np.argsort(-weight, kind="stable")[:top] if weight[i] > MIN_REFILLED]

    def share(x: float) -> str:
        return "–" if not np.isfinite(x) else f"{x:.0%}"

    columns = ["Territory", "Refilled (baseline)", "State's share (baseline)", "Refilled (variant)",
               "State's share (variant)", "Groups' gain, variant − baseline"]
    rows = [[variant.territory_names[i], f"{a.total[i]:.3f}", share(a.state_share[i]), f"{b.total[i]:.3f}",
             share(b.state_share[i]), f"{b.groups[i] - a.groups[i]:+.3f}"] for i in order]
    return columns, rows


def national_share(results: Results) -> float:
    """The state's share of all control refilled in the run (NaN when nothing was vacated)."""
    r = refill(results)
    total = float(r.total.sum())
    return float(r.state.sum()) / total if total > MIN_REFILLED else float("nan")
