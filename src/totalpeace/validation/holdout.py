"""Held-back-year validation: ensembles of the historical scenarios scored against the years calibration never saw.

The ensemble is a posterior predictive one when a posterior is given (parameter sets drawn by weight, a few runs
each), otherwise runs at the scenario's own parameters (simulated by `pattern_runs.simulate_ensemble`, which also
feeds the pattern catalogue). Every target is reproduced run by run; those marked
`validate` (after the scenario's cut-off year) are scored by CRPS and interval coverage, next to two baselines
that only know the calibration years: the last observed value carried forward and the mean of the observed values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.scenario.params import BY_NAME
from totalpeace.validation import scoring
from totalpeace.validation.targets import Target


@dataclass
class Ensemble:
    """Per-run values of every target, for one scenario."""

    values: dict[str, np.ndarray]  # target key -> (runs,)


def draw_parameters(posterior: pd.DataFrame, draws: int, seed: int) -> list[dict[str, Any]]:
    """`draws` settings resampled by weight from a posterior frame (parameter columns, form columns when the
    calibration weighed model forms, and `weight`)."""
    from totalpeace.scenario.forms import form_fields

    weights = posterior["weight"].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(posterior), size=draws, replace=True, p=weights / weights.sum())
    names = [c for c in posterior.columns if c in BY_NAME]  # not weight, particle or calibration
    forms = [c for c in posterior.columns if c in form_fields()]
    return [{**{n: float(posterior.iloc[i][n]) for n in names}, **{f: str(posterior.iloc[i][f]) for f in forms}}
            for i in rows]


def _history(targets: list[Target], target: Target) -> list[float]:
    """Observed values of the same target and scenario in the calibration years, in year order."""
    same = [t for t in targets if t.scenario == target.scenario and t.name == target.name and t.use == "calibrate"]
    return [t.value for t in sorted(same, key=lambda t: t.year)]


def score_table(targets: list[Target], ensembles: dict[str, Ensemble]) -> pd.DataFrame:
    """One row per target and year: observed, ensemble quantiles, CRPS of model and baselines, coverage."""
    rows = []
    for t in targets:
        members = ensembles[t.scenario].values[t.key]
        q = np.quantile(members, [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975])
        row = {"scenario": t.scenario, "target": t.name, "year": t.year, "use": t.use, "observed": t.value,
               "q025": q[0], "q10": q[1], "q25": q[2], "median": q[3], "q75": q[4], "q90": q[5], "q975": q[6],
               "crps": scoring.crps_ensemble(members, t.value), "source": t.source}
        for level in scoring.LEVELS:
            row[f"in{int(level * 100)}"] = scoring.covers(members, t.value, level)
        history = _history(targets, t)
        if t.use == "validate" and history:
            row["crps_persistence"] = scoring.crps_point(scoring.persistence_forecast(history), t.value)
            row["crps_climatology"] = scoring.crps_point(scoring.climatology_forecast(history), t.value)
        rows.append(row)
    return pd.DataFrame(rows)


def summary_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Per target on the held-back years: mean CRPS of the model and baselines, skill, coverage."""
    held = scores[scores["use"] == "validate"]
    rows = []
    for (scenario, name), part in held.groupby(["scenario", "target"], sort=False):
        crps = float(part["crps"].mean())
        row = {"scenario": scenario, "target": name, "years": ", ".join(str(y) for y in part["year"]),
               "crps": crps}
        for base in ("persistence", "climatology"):
            col = part.get(f"crps_{base}")
            ref = float(col.mean()) if col is not None and col.notna().all() else float("nan")
            row[f"crps_{base}"] = ref
            row[f"skill_{base}"] = scoring.skill(crps, ref) if np.isfinite(ref) else float("nan")
        for level in scoring.LEVELS:
            row[f"coverage{int(level * 100)}"] = float(part[f"in{int(level * 100)}"].mean())
        rows.append(row)
    return pd.DataFrame(rows)
