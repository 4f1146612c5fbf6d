"""Rolling-origin backtests: start the model at an origin year from what was known then, forecast the next years per
territory, and score the forecasts against what happened, beside naive baselines.

The harness is generic: a `ForecastProblem` says how to build the scenario of an origin (`build`), which observed
values to forecast (`observed`), and what the baselines know (`history`). For each origin, level and horizon it
scores every unit (territory, or the national total) with the CRPS of the simulated ensemble, the absolute error
of its median and the coverage of its central 50/80/95% intervals (by the observation's rank among the members,
scoring.rank_coverage: nominal for a calibrated ensemble of any size), next to three baselines: persistence (the
origin year's value carried forward), the mean of the last `MEAN_YEARS` years (both points: a point forecast's CRPS
is its absolute error, so all columns share one scale) and persistence with Poisson noise (a count forecast
Poisson(last year's value), whose exact CRPS is the fair comparison for an ensemble: it is as probabilistic as the
model, so the model cannot win on spread alone).

The ensemble may carry parameter uncertainty: with `settings` (parameter sets and model forms drawn from a
calibration's posterior: scenario/forms.posterior_draws) each setting gets `runs` runs, and the members are all of
them. `compare_calibrations` scores several candidate calibrations that way, and `select_calibration` applies the
selection rule of the flagship's defaults (docs/validation.md section 7).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.scenario.schema import Scenario
from totalpeace.validation import scoring

MEAN_YEARS = 3
ORIGIN_RUNS = 1_000_000  # run ids reserved per origin year: origin y's runs start at y x ORIGIN_RUNS, so every origin
# draws its own numbers (one seed's noise is not shared by all origins) and an origin's forecast does not depend on
# which other origins are scored
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


def territory_runs(scenario: Scenario, runs: int, seed: int, months: int,
                   first_run: int = 0) -> tuple[list[str], np.ndarray]:
    """Per-run monthly homicides per territory (R, M, T): each run is computed on its own (the ensemble's results
    keep territory means only), with the same draws as in any ensemble of the scenario."""
    from totalpeace.engine.simulate import build_engine

    engine = build_engine(scenario, months)
    out = np.stack([engine.run(seed, np.array([r], dtype=np.int64)).territory_homicides
                    for r in range(first_run, first_run + runs)])
    return engine.world.territory_ids, out


def yearly_totals(series: np.ndarray, months_per_year: int = 12) -> np.ndarray:
    """(R, M, T) monthly values -> (R, M // 12, T) calendar-year totals (the run starts in January)."""
    runs, months, units = series.shape
    years = months // months_per_year
    return series[:, :years * months_per_year].reshape(runs, years, months_per_year, units).sum(axis=2)


def score_units(members: np.ndarray, observed: np.ndarray, persistence: np.ndarray, mean: np.ndarray) -> dict:
    """Mean scores over units: members (R, U) against observed (U,), with the baselines (U,): persistence and the
    recent mean as points, and persistence with Poisson noise."""
    units = range(members.shape[1])
    crps = np.array([scoring.crps_ensemble(members[:, u], observed[u]) for u in units])
    median = np.median(members, axis=0)
    row = {"units": members.shape[1], "observed": float(observed.sum()), "forecast": float(median.sum()),
           "crps": float(crps.mean()), "mae": float(np.abs(median - observed).mean()),
           "mae_persistence": float(np.abs(persistence - observed).mean()),
           "mae_mean3": float(np.abs(mean - observed).mean()),
           "crps_poisson": float(np.mean([scoring.crps_poisson(persistence[u], observed[u]) for u in units]))}
    for level in scoring.LEVELS:
        row[f"coverage{int(level * 100)}"] = float(np.mean([scoring.rank_coverage(members[:, u], observed[u], level)
                                                            for u in units]))
        row[f"coverage{int(level * 100)}_poisson"] = float(np.mean(
            [scoring.poisson_rank_coverage(persistence[u], observed[u], level) for u in units]))
    return row


def ensemble_runs(scenario: Scenario, runs: int, seed: int, months: int,
                  settings: Sequence[dict[str, Any]] | None = None,
                  first_run: int = 0) -> tuple[list[str], np.ndarray]:
    """Per-run monthly homicides per territory (R, M, T) of the scenario, or of each setting applied to it (runs
    first_run + i*runs .. first_run + i*runs + runs - 1 for setting i, as in `validate`'s ensembles)."""
    if not settings:
        return territory_runs(scenario, runs, seed, months, first_run)
    from totalpeace.calibration.problem import with_setting

    document = scenario.model_dump(mode="python")
    parts = []
    for i, setting in enumerate(settings):
        ids, part = territory_runs(with_setting(document, setting), runs, seed, months,
                                   first_run=first_run + i * runs)
        parts.append(part)
    return ids, np.concatenate(parts)


def backtest(problem: ForecastProblem, origins: Sequence[int], levels: Sequence[str], runs: int, seed: int = 1,
             progress: Progress | None = None, settings: Sequence[dict[str, Any]] | None = None) -> pd.DataFrame:
    """One row per (origin, level, horizon, scope): scope `territories` averages over the level's units, scope
    `national` scores the national total. Each origin runs its own run ids (`ORIGIN_RUNS`); its levels and the
    candidates of `compare_calibrations` share them, so their differences are paired."""
    rows = []
    months = 12 * max(problem.horizons)
    for origin in origins:
        for level in levels:
            if progress:
                progress(f"{level} from {origin}")
            scenario = problem.build(origin, level)
            ids, monthly = ensemble_runs(scenario, runs, seed, months, settings, first_run=origin * ORIGIN_RUNS)
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


SCORE_COLUMNS = ["crps", "mae", "mae_persistence", "mae_mean3", "crps_poisson", "coverage50", "coverage80",
                 "coverage95", "coverage50_poisson", "coverage80_poisson", "coverage95_poisson"]


def skill_table(scores: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Mean over origins per (level, scope, horizon): CRPS and MAE of the model, the baselines' scores, the model's
    skill against each (1 - its CRPS / the baseline's CRPS) and the coverage of the intervals."""
    grouped = scores.groupby([*by, "level", "scope", "horizon"], sort=False)[
        [c for c in SCORE_COLUMNS if c in scores.columns]].mean().reset_index()
    grouped["skill_persistence"] = 1.0 - grouped["crps"] / grouped["mae_persistence"]
    grouped["skill_mean3"] = 1.0 - grouped["crps"] / grouped["mae_mean3"]
    if "crps_poisson" in grouped:
        grouped["skill_poisson"] = 1.0 - grouped["crps"] / grouped["crps_poisson"]
    return grouped


SELECTION_LEVEL, SELECTION_SCOPE = "department", "territories"
REGISTRY_DEFAULTS = "defaults"  # the candidate name of the registry's defaults: a baseline, not a calibration


def compare_calibrations(problem: ForecastProblem, candidates: dict[str, Sequence[dict[str, Any]] | None],
                         origins: Sequence[int], levels: Sequence[str], runs: int, seed: int = 1,
                         progress: Progress | None = None) -> pd.DataFrame:
    """The backtest of each candidate (name -> settings drawn from its posterior, or None for the problem's own
    parameters), `runs` members each (split evenly over its settings), in one frame with a `candidate` column and
    the `seed`."""
    frames = []
    for name, settings in candidates.items():
        per_set = max(1, runs // max(1, len(settings or [None])))
        part = backtest(problem, origins, levels, per_set, seed,
                        progress=(lambda what, n=name: progress(f"{n}: {what}")) if progress else None,
                        settings=settings)
        frames.append(part.assign(candidate=name, seed=seed))
    return pd.concat(frames, ignore_index=True)


def _ranking(scores: pd.DataFrame) -> pd.DataFrame:
    """Per candidate (the index): the mean CRPS of the department forecasts over every origin and both horizons, its
    Poisson baseline's, the 80% coverage and the national forecasts' CRPS."""
    part = scores[(scores["level"] == SELECTION_LEVEL) & (scores["scope"] == SELECTION_SCOPE)]
    national = scores[(scores["level"] == SELECTION_LEVEL) & (scores["scope"] == "national")]
    ranking = part.groupby("candidate", sort=False)[["crps", "crps_poisson", "coverage80"]].mean()
    ranking["national_crps"] = national.groupby("candidate", sort=False)["crps"].mean()
    return ranking


def _best_calibrated(ranking: pd.DataFrame) -> str:
    """The candidate with the lowest CRPS, the registry defaults only when nothing else is ranked."""
    calibrated = ranking[ranking.index != REGISTRY_DEFAULTS]
    return str((calibrated if len(calibrated) else ranking)["crps"].idxmin())


def select_calibration(scores: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The selection rule of the flagship's defaults: among the candidate calibrations, the lowest mean CRPS of the
    department forecasts (the flagship's level) over every origin and both horizons. The registry defaults
    (REGISTRY_DEFAULTS) are a baseline, like persistence, not a candidate: they carry no posterior, so a flagship
    set to them would draw no parameter uncertainty and weigh no model forms; they win only when no calibration is
    compared. Whether the choice beats persistence with Poisson noise (mean skill above 0) and the registry defaults
    is reported beside it, never hidden.

    With several seeds (a `seed` column: each seed draws the candidates' posteriors and the runs anew) the scores
    are the means over the seeds, `crps_sd` their spread from seed to seed and `wins` the seeds in which the
    candidate has the lowest CRPS among the calibrations: a choice that a new seed reverses is within the noise.
    Returns the chosen name and the ranking (candidate, crps, crps_sd, crps_poisson, skill_poisson, national crps,
    wins, seeds, beats_baseline; with the defaults compared, below_defaults and below_defaults_national: the seeds
    in which the candidate's department and national CRPS are below the defaults'), every candidate and the
    defaults included."""
    by_seed = [part for _, part in scores.groupby("seed", sort=True)] if "seed" in scores else [scores]
    rankings = [_ranking(part) for part in by_seed]
    ranking = pd.concat(rankings).groupby(level=0, sort=False).mean()
    ranking["crps_sd"] = pd.concat([r["crps"] for r in rankings], axis=1).std(axis=1, ddof=1) if len(
        rankings) > 1 else float("nan")
    winners = [_best_calibrated(r) for r in rankings]
    ranking["wins"] = [sum(w == name for w in winners) if name != REGISTRY_DEFAULTS else 0 for name in ranking.index]
    if REGISTRY_DEFAULTS in ranking.index:  # the seeds in which each beats the baseline without a posterior
        for column, scope in (("below_defaults", "crps"), ("below_defaults_national", "national_crps")):
            ranking[column] = [sum(r.loc[name, scope] < r.loc[REGISTRY_DEFAULTS, scope] for r in rankings)
                               for name in ranking.index]
    ranking["seeds"] = len(rankings)
    ranking["skill_poisson"] = 1.0 - ranking["crps"] / ranking["crps_poisson"]
    ranking["beats_baseline"] = ranking["skill_poisson"] > 0.0
    chosen = _best_calibrated(ranking)
    ranking = ranking.sort_values("crps", kind="stable").rename_axis("candidate").reset_index()
    return chosen, ranking
