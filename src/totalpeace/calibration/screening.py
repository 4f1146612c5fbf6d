"""Morris screening: which candidate parameters move the patterns, so that ABC-SMC fits only those.

Every point of a Morris design (trajectories x (candidates + 1) points in the candidates' prior box) runs the
historical scenarios with common random numbers (the same seed at every point, so that an elementary effect is the
parameter's effect and not simulation noise) and yields each pattern's discrepancy, the number the ABC distance
compares (calibration/yardsticks.py, in half-bands). mu* is averaged over patterns (every pattern counts once, as in
the distance): the `keep` candidates with the largest mean mu* are calibrated, and so is each pattern's own most
influential candidate (`per_target`), so that a pattern only one parameter moves is not left without one. Parameters
not chosen stay at the scenarios' values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from totalpeace.analysis.sensitivity import morris_design, morris_indices, unit_problem
from totalpeace.calibration.problem import Problem, evaluate_many
from totalpeace.calibration.yardsticks import Yardstick, discrepancy
from totalpeace.experiments.executors import Executor


@dataclass
class ScreeningResult:
    """Elementary effects per candidate and target, the ranking, and what was kept."""

    effects: pd.DataFrame  # parameter, target (a pattern id), mu_star, mu_star_conf, sigma
    ranking: pd.DataFrame  # parameter, importance (mean mu* over targets), rank, selected, reason
    evaluations: int

    @property
    def selected(self) -> list[str]:
        return self.ranking.loc[self.ranking["selected"], "parameter"].tolist()


def _scale(unit: np.ndarray, bounds: dict[str, tuple[float, float]]) -> list[dict[str, float]]:
    """Unit-cube rows -> parameter values (each coordinate mapped linearly onto its prior interval)."""
    lows = np.array([lo for lo, _ in bounds.values()])
    highs = np.array([hi for _, hi in bounds.values()])
    values = lows + unit * (highs - lows)
    return [dict(zip(bounds, map(float, row), strict=True)) for row in values]


def screen(problem: Problem, sticks: dict[str, Yardstick], bounds: dict[str, tuple[float, float]],
           trajectories: int, levels: int, keep: int, executor: Executor, on_point: Callable[[], None] | None = None,
           per_target: int = 0, base: dict | None = None) -> ScreeningResult:
    """Run the Morris design over `bounds` (other settings from `base`); keep the `keep` candidates that move the
    patterns most on average, and the `per_target` candidates that move each pattern most."""
    names = list(bounds)
    unit = unit_problem(names)
    design = morris_design(unit, trajectories, levels, problem.seed)
    rows = [{**(base or {}), **row} for row in _scale(design, bounds)]
    found = evaluate_many(problem, executor, rows, seeds=[problem.seed] * len(rows), on_done=on_point)
    records = []
    for pid, stick in sticks.items():
        z = np.array([discrepancy(stick, stats[pid]) for stats in found])
        mean = morris_indices(unit, design, z, levels, problem.seed)
        for name in names:
            records.append({"parameter": name, "target": pid, "mu_star": float(mean.at[name, "mu_star"]),
                            "mu_star_conf": float(mean.at[name, "mu_star_conf"]),
                            "sigma": float(mean.at[name, "sigma"])})
    effects = pd.DataFrame(records)
    importance = effects.groupby("parameter", sort=False)["mu_star"].mean()
    ranking = importance.sort_values(ascending=False, kind="stable").rename("importance").reset_index()
    ranking["rank"] = np.arange(1, len(ranking) + 1)
    reasons = {name: ["overall"] for name in ranking["parameter"].head(keep)}
    for family, part in effects.groupby("target", sort=False):
        top = part[part["mu_star"] > 0].sort_values("mu_star", ascending=False, kind="stable").head(per_target)
        for name in top["parameter"]:
            reasons.setdefault(name, []).append(f"top for {family}")
    ranking["selected"] = ranking["parameter"].isin(list(reasons))
    ranking["reason"] = [", ".join(reasons.get(name, [])) for name in ranking["parameter"]]
    return ScreeningResult(effects=effects, ranking=ranking, evaluations=len(rows))
