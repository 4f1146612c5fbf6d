"""Rolling-origin backtests: start the model at an origin year from what was known then, forecast the next years per
territory, and score the forecasts against what happened, beside naive baselines.

The harness is generic: a `ForecastProblem` says how to build the scenario of an origin (`build`), which observed
values to forecast (`observed`), and what the baselines know (`history`). For each origin, level and horizon it
scores every unit (territory, or the national total) with the CRPS of the simulated ensemble and the absolute error
of its median, next to persistence (the origin year's value carried forward) and the mean of the last
`MEAN_YEARS` years. A point forecast's CRPS is its absolute error, so all columns share one scale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from totalpeace.scenario.schema import Scenario
from totalpeace.validation import scoring

MEAN_YEARS = 3
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ForecastProblem:
    """What a backtest needs from a case study.

    build(origin, level) -> the scenario started on 1 January of origin + 1 with data up to `origin`;
    observed(year, level) -> observed yearly values per territory id (a Series);
    horizons: years ahead to score (1 = the year after the origin).
    """

    build: Callable[[int, str], Scenario]
    observed: Callable[[int, str], pd.Series]
    horizons: tuple[int, ...] = (1, 2)
    metric: str = "homicides"


def territory_runs(scenario: Scenario, runs: int, seed: int, months: int) -> tuple[list[str], np.ndarray]:
    """Per-run monthly homicides per territory (R, M, T): each run is computed on its own (the ensemble's results
    keep territory means only), with the same draws as in any ensemble of the scenario."""
    from totalpeace.engine.simulate import build_engine

    engine = build_engine(scenario, months)
    out = np.stack([engine.run(seed, np.array([r], dtype=np.int64)).territory_homicides for r in range(runs)])
    return engine.world.territory_ids, out


def yearly_totals(series: np.ndarray, months_per_year: int = 12) -> np.ndarray:
    """(R, M, T) monthly values -> (R, M // 12, T) calendar-year totals (the run starts in January)."""
    runs, months, units = series.shape
    years = months // months_per_year
    return series[:, :years * months_per_year].reshape(runs, years, months_per_year, units).sum(axis=2)


def score_units(members: np.ndarray, observed: np.ndarray, persistence: np.ndarray, mean: np.ndarray) -> dict:
    """Mean scores over units: members (R, U) against observed (U,), with the two point baselines (U,)."""
    crps = np.array([scoring.crps_ensemble(members[:, u], observed[u]) for u in range(members.shape[1])])
    median = np.median(members, axis=0)
    return {"units": members.shape[1], "observed": float(observed.sum()), "forecast": float(median.sum()),
            "crps": float(crps.mean()), "mae": float(np.abs(median - observed).mean()),
            "mae_persistence": float(np.abs(persistence - observed).mean()),
            "mae_mean3": float(np.abs(mean - observed).mean())}


def backtest(problem: ForecastProblem, origins: Sequence[int], levels: Sequence[str], runs: int, seed: int = 1,
             progress: Progress | None = None) -> pd.DataFrame:
    """One row per (origin, level, horizon, scope): scope `territories` averages over the level's units, scope
    `national` scores the national total."""
    rows = []
    months = 12 * max(problem.horizons)
    for origin in origins:
        for level in levels:
            if progress:
                progress(f"{level} from {origin}")
            scenario = problem.build(origin, level)
            ids, monthly = territory_runs(scenario, runs, seed, months)
            yearly = yearly_totals(monthly)
            past = np.stack([problem.observed(origin - k, level).reindex(ids).fillna(0.0).to_numpy(float)
                             for k in range(MEAN_YEARS)])
            for horizon in problem.horizons:
                observed = problem.observed(origin + horizon, level).reindex(ids).fillna(0.0).to_numpy(float)
                members = yearly[:, horizon - 1, :]
                for scope, m, o, p, a in (
                        ("territories", members, observed, past[0], past.mean(axis=0)),
                        ("national", members.sum(axis=1, keepdims=True), observed.sum(keepdims=True),
                         past[0].sum(keepdims=True), past.mean(axis=0).sum(keepdims=True))):
                    rows.append({"origin": origin, "level": level, "horizon": horizon, "year": origin + horizon,
                                 "scope": scope, **score_units(m, o, p, a)})
    return pd.DataFrame(rows)


def skill_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean over origins per (level, scope, horizon): CRPS and MAE of the model, MAE of the baselines, and the
    model's skill against each (1 - its CRPS / the baseline's absolute error)."""
    grouped = scores.groupby(["level", "scope", "horizon"], sort=False)[
        ["crps", "mae", "mae_persistence", "mae_mean3"]].mean().reset_index()
    grouped["skill_persistence"] = 1.0 - grouped["crps"] / grouped["mae_persistence"]
    grouped["skill_mean3"] = 1.0 - grouped["crps"] / grouped["mae_mean3"]
    return grouped
