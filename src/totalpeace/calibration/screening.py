"""Morris screening: which candidate parameters move the calibration targets, so that ABC fits only those.

Every point of a Morris design (trajectories x (candidates + 1) points in the candidates' prior box) runs the
historical scenarios with common random numbers (the same seed at every point, so that an elementary effect is the
parameter's effect and not simulation noise) and yields the log target summaries the ABC distance compares. mu* of
each summary is averaged over the years of its target (every target counts once, as in the distance), then over
targets: the `keep` candidates with the largest mean mu* are calibrated, and so is each target's own most influential
candidate (`per_target`), so that a target only one parameter moves (coca's response to the substitution
announcement) is not left without one. Parameters not chosen stay at the scenarios' values.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from totalpeace.analysis.sensitivity import morris_design, morris_indices, unit_problem
from totalpeace.calibration.abc import Problem, simulate_summaries
from totalpeace.experiments.executors import Executor


@dataclass
class ScreeningResult:
    """Elementary effects per candidate and target, the ranking, and what was kept."""

    effects: pd.DataFrame  # parameter, target, mu_star, mu_star_conf, sigma (means over the target's years)
    ranking: pd.DataFrame  # parameter, importance (mean mu* over targets), rank, selected, reason
    evaluations: int

    @property
    def selected(self) -> list[str]:
        return self.ranking.loc[self.ranking["selected"], "parameter"].tolist()


def _point(problem: Problem, task: tuple[int, dict[str, float]]) -> tuple[int, dict[str, float]]:
    index, parameters = task
    return index, simulate_summaries(problem, parameters, problem.seed)


def _scale(unit: np.ndarray, bounds: dict[str, tuple[float, float]]) -> list[dict[str, float]]:
    """Unit-cube rows -> parameter values (each coordinate mapped linearly onto its prior interval)."""
    lows = np.array([lo for lo, _ in bounds.values()])
    highs = np.array([hi for _, hi in bounds.values()])
    values = lows + unit * (highs - lows)
    return [dict(zip(bounds, map(float, row), strict=True)) for row in values]


def screen(problem: Problem, bounds: dict[str, tuple[float, float]], trajectories: int, levels: int, keep: int,
           executor: Executor, on_point: Callable[[], None] | None = None, per_target: int = 0) -> ScreeningResult:
    """Run the Morris design over `bounds`; keep the `keep` candidates that move the targets most on average, and
    the `per_target` candidates that move each target most."""
    names = list(bounds)
    unit = unit_problem(names)
    design = morris_design(unit, trajectories, levels, problem.seed)
    rows = _scale(design, bounds)
    outputs: dict[int, dict[str, float]] = {}
    for index, summary in executor.map_unordered(functools.partial(_point, problem), enumerate(rows)):
        outputs[index] = summary
        if on_point is not None:
            on_point()
    keys = [t.key for t in problem.targets]
    per_key = {key: morris_indices(unit, design, np.array([outputs[i][key] for i in range(len(rows))]), levels,
                                   problem.seed) for key in keys}
    families: dict[str, list[str]] = defaultdict(list)
    for t in problem.targets:
        families[f"{t.scenario}:{t.name}"].append(t.key)
    records = []
    for family, members in families.items():
        mean = sum(per_key[k] for k in members) / len(members)
        for name in names:
            records.append({"parameter": name, "target": family, "mu_star": float(mean.at[name, "mu_star"]),
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
