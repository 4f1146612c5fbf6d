"""Run the historical scenarios and evaluate the pattern catalogue: per pattern, the share of runs reproducing it, the
ensemble's median and 80% interval beside the observed value, and a sentence built from what was measured.

The ensemble is the one `totalpeace validate` scores on held-back years: for each parameter set (posterior draws, or
the scenario's own parameters) `runs` runs with the same run ids, so targets and patterns come from the same
simulations. Each run is simulated on its own because the ensemble's results keep territory series only as means over
runs, and the department patterns need them run by run; a run's numbers are the same as in any batch (the draws are
keyed by seed, run and month). A paired pattern (a variant with `--set` overrides) runs its variant on the same seeds.

For calibration (#18) `statistics_frame` gives every pattern's statistic per run and `summary_vector` the ensemble's
summary per pattern, with `observed_vector` the matching observed values: an ABC distance or a neural posterior
estimator can use exactly the definitions the validation report shows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.scenario.schema import Scenario
from totalpeace.validation.outputs import NotProduced, Outputs
from totalpeace.validation.patterns import (
    REPRODUCED_SHARE,
    Criterion,
    Observation,
    Pattern,
    Runs,
    fmt,
    load_observations,
)
from totalpeace.validation.targets import Target, per_run

REPRODUCED, NOT_REPRODUCED, NOT_PRODUCED = "reproduced", "not reproduced", "not yet produced"
SHARE_Z = 1.6448536269514722  # the share's interval is a 90% one (the normal's 95th percentile)


@dataclass
class Ensemble:
    """Per-run outputs of one scenario (or variant) and the per-run values of its held-back targets."""

    outputs: Outputs
    targets: dict[str, np.ndarray]


def simulate_ensemble(scenario: Scenario, runs: int, seed: int,
                      parameter_sets: Sequence[dict[str, Any]] | None = None, targets: Sequence[Target] = (),
                      months: int | None = None,
                      progress: Callable[[int], None] | None = None, pool: Any = None) -> Ensemble:
    """`runs` runs per parameter set (run ids i*runs .. i*runs + runs - 1 for set i), each simulated on its own. A set
    may also choose model forms (a calibration's joint posterior: calibration/problem.with_setting). With `pool` (an
    executor of experiments/executors.py) the parameter sets run in its workers; the ensemble is the same, since
    every run is keyed by the seed and its run id and the sets are put back in their order."""
    tasks = [(scenario, params, i * runs, runs, seed, months or scenario.months, tuple(targets))
             for i, params in enumerate(parameter_sets or [{}])]
    done: dict[int, tuple[list[Outputs], dict[str, list[np.ndarray]]]] = {}
    finished = map(_set_runs, enumerate(tasks)) if pool is None else pool.map_unordered(_set_runs, enumerate(tasks))
    for index, set_outputs, set_values in finished:
        done[index] = (set_outputs, set_values)
        if progress:
            progress(runs)
    order = range(len(tasks))
    parts = [o for i in order for o in done[i][0]]
    values = {t.key: np.concatenate([v for i in order for v in done[i][1][t.key]]) for t in targets}
    return Ensemble(Outputs.concat(parts), values)


def _set_runs(indexed: tuple[int, tuple]) -> tuple[int, list[Outputs], dict[str, list[np.ndarray]]]:
    """One parameter set's runs of a scenario, each simulated on its own (a task of simulate_ensemble)."""
    from totalpeace.calibration.problem import with_setting
    from totalpeace.engine.simulate import simulate

    index, (scenario, params, first_run, runs, seed, months, targets) = indexed
    sc = with_setting(scenario.model_dump(mode="python"), params) if params else scenario
    start = {gid: g.members for gid, g in scenario.groups.items()}
    outputs, values = [], {t.key: [] for t in targets}
    for j in range(runs):
        results = simulate(sc, runs=1, seed=seed, months=months, first_run=first_run + j, fingerprint=False)
        outputs.append(Outputs.from_results(results, start))
        for t in targets:
            values[t.key].append(per_run(results, t))
    return index, outputs, values


def ensembles_needed(patterns: Sequence[Pattern]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Ensemble key -> (scenario, overrides) for every scenario and variant the patterns read."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for p in patterns:
        out.setdefault(p.scenario, (p.scenario, ()))
        if p.variant:
            out.setdefault(p.scenario_key, (p.scenario, p.variant))
    return out


@dataclass
class PatternResult:
    """One pattern evaluated on an ensemble."""

    pattern: Pattern
    observation: Observation
    values: np.ndarray | None  # per run; None when not produced
    missing: str = ""
    share: float = float("nan")
    median: float = float("nan")
    q10: float = float("nan")
    q90: float = float("nan")
    undefined: float = float("nan")  # share of runs where the statistic is undefined (event never happened)
    explanation: str = ""
    share_low: float = float("nan")  # the share's 90% interval (share_interval)
    share_high: float = float("nan")

    @property
    def status(self) -> str:
        if self.values is None:
            return NOT_PRODUCED
        return REPRODUCED if self.share >= REPRODUCED_SHARE else NOT_REPRODUCED

    @property
    def settled(self) -> bool:
        """Whether the ensemble settles the verdict: the share's interval lies on one side of REPRODUCED_SHARE. A
        share of 0.52 over a hundred runs of twenty draws says neither reproduced nor not; more draws decide it."""
        return bool(self.share_low >= REPRODUCED_SHARE or self.share_high < REPRODUCED_SHARE)


def share_interval(ok: np.ndarray, clusters: np.ndarray | None = None) -> tuple[float, float]:
    """The 90% interval of the share of runs meeting a criterion: Wilson's score interval on the runs' number over
    the design effect. Runs that share a parameter draw (`clusters`, a label per run) are not independent trials:
    the share's variance is estimated over the draws (a ratio estimator over clusters) and turned into the number of
    independent runs it is worth (Kish), at most the runs' number. Without labels the runs count as independent."""
    ok = np.asarray(ok, dtype=float)
    n = ok.size
    if n == 0:
        return float("nan"), float("nan")
    share = float(ok.mean())
    size = float(n)
    if clusters is not None and 0.0 < share < 1.0:
        _, inverse, counts = np.unique(np.asarray(clusters), return_inverse=True, return_counts=True)
        k = counts.size
        if k >= 2:
            means = np.bincount(inverse, weights=ok) / counts
            variance = float(np.sum((counts * (means - share)) ** 2) / (k * (k - 1) * counts.mean() ** 2))
            if variance > 0.0:
                size = min(size, share * (1.0 - share) / variance)
    z2 = SHARE_Z ** 2
    centre = (share + z2 / (2.0 * size)) / (1.0 + z2 / size)
    half = SHARE_Z * np.sqrt(share * (1.0 - share) / size + z2 / (4.0 * size ** 2)) / (1.0 + z2 / size)
    return max(0.0, centre - half), min(1.0, centre + half)


def _runs(pattern: Pattern, ensembles: dict[str, Outputs], observation: Observation) -> Runs:
    variant = ensembles[pattern.scenario_key] if pattern.variant else None
    return Runs(ensembles[pattern.scenario], observation, variant)


def pattern_values(pattern: Pattern, ensembles: dict[str, Outputs]) -> np.ndarray:
    """The pattern's statistic per run (raises NotProduced when an output is missing)."""
    observation = load_observations()[pattern.observation]
    return np.asarray(pattern.statistic(_runs(pattern, ensembles, observation)), dtype=float)


def evaluate(patterns: Sequence[Pattern], ensembles: dict[str, Outputs],
             clusters: np.ndarray | None = None) -> list[PatternResult]:
    """Every pattern on its ensemble: share reproducing with its 90% interval (`clusters`: the parameter draw of each
    run, see share_interval), median and 80% interval, and a measured explanation."""
    observations = load_observations()
    results = []
    for p in patterns:
        obs = observations[p.observation]
        try:
            values = pattern_values(p, ensembles)
        except NotProduced as missing:
            results.append(PatternResult(p, obs, None, missing=missing.output,
                                         explanation=f"Not yet produced: the model has no {missing.output}; the "
                                                     "statistic is defined and tested on synthetic runs."))
            continue
        criterion = p.criterion_for(obs)
        ok = criterion.holds(values)
        finite = values[np.isfinite(values)]
        res = PatternResult(p, obs, values, share=float(ok.mean()), undefined=float(1 - np.isfinite(values).mean()))
        res.share_low, res.share_high = share_interval(ok, clusters)
        if finite.size:
            res.q10, res.median, res.q90 = (float(x) for x in np.quantile(finite, [0.1, 0.5, 0.9]))
        res.explanation = _explain(p, res, criterion, values, _runs(p, ensembles, obs))
        results.append(res)
    return results


def _explain(pattern: Pattern, res: PatternResult, criterion: Criterion, values: np.ndarray, runs: Runs) -> str:
    """A sentence from the measured numbers: where the runs fall against the criterion, and the diagnosis."""
    finite = np.isfinite(values)
    parts = []
    if res.status == REPRODUCED:
        parts.append(f"{res.share:.0%} of runs meet the criterion (median {fmt(res.median)}).")
    else:
        below = np.mean(finite & (values < criterion.low)) if np.isfinite(criterion.low) else 0.0
        above = np.mean(finite & (values > criterion.high)) if np.isfinite(criterion.high) else 0.0
        where = [f"below in {below:.0%} of runs" if below else "", f"above in {above:.0%}" if above else "",
                 f"undefined (the event never happens) in {1 - finite.mean():.0%}" if not finite.all() else ""]
        parts.append(f"Only {res.share:.0%} of runs meet the criterion: " + ", ".join(w for w in where if w) + ".")
    if pattern.diagnose is not None:
        with contextlib.suppress(NotProduced, ValueError):  # a diagnosis that needs a missing output is left out
            parts.append(pattern.diagnose(runs, values) + ".")
    if pattern.dependence:
        parts.append(f"Not an independent test: {pattern.dependence}.")
    return " ".join(parts)


def result_table(results: Sequence[PatternResult]) -> pd.DataFrame:
    """One row per pattern, the columns the terminal, the CSV and the HTML page show."""
    rows = []
    for r in results:
        p, obs = r.pattern, r.observation
        criterion = p.criterion_for(obs)
        rows.append({
            "pattern": p.id, "issue": p.issue, "question": p.question, "scenario": p.scenario_key,
            "measures": p.measures, "observed": observed_text(p, obs), "criterion": criterion.text(),
            "observed_value": obs.single.value if len(obs.rows) == 1 else float("nan"), "low": criterion.low,
            "high": criterion.high, "median": r.median, "q10": r.q10, "q90": r.q90, "share": r.share,
            "share_low": r.share_low, "share_high": r.share_high,
            "settled": r.settled if r.values is not None else True,  # a pattern not produced has no share to settle
            "undefined": r.undefined, "status": r.status,
            "independent": not p.dependence, "missing": r.missing,
            "explanation": r.explanation, "unit": p.unit, "source": " | ".join(obs.sources),
            "notes": " | ".join(sorted({row.notes for row in obs.rows}))[:600],
        })
    return pd.DataFrame(rows)


def observed_text(pattern: Pattern, obs: Observation) -> str:
    """The observation in a few words: its value, or the series' extent (the band is the criterion's)."""
    if len(obs.rows) == 1:
        value = obs.single.value
        return fmt(value) if np.isfinite(value) else "direction"
    return f"{len(obs.rows)} {'years' if obs.rows[0].territory == '' else 'depts'}"


# --- for calibration (#18) -------------------------------------------------------------------------------------------
def statistics_frame(patterns: Sequence[Pattern], ensembles: dict[str, Outputs]) -> pd.DataFrame:
    """Each pattern's statistic per run (rows: runs, columns: pattern ids); patterns not produced are left out.

    Rows align across scenarios when every ensemble used the same parameter sets and runs per set (row i is the same
    parameter set and run id everywhere), which is what a neural posterior estimator needs."""
    columns = {}
    for p in patterns:
        try:
            columns[p.id] = pattern_values(p, ensembles)
        except NotProduced:
            continue
    return pd.DataFrame(columns)


def summary_vector(patterns: Sequence[Pattern], ensembles: dict[str, Outputs],
                   reduce: Callable[[np.ndarray], float] = np.nanmedian) -> np.ndarray:
    """One number per pattern (NaN when not produced): the ensemble's summary of the per-run statistic."""
    frame = statistics_frame(patterns, ensembles)
    out = []
    for p in patterns:
        values = frame[p.id].to_numpy(dtype=float) if p.id in frame else np.array([np.nan])
        out.append(float(reduce(values)) if np.isfinite(values).any() else float("nan"))
    return np.array(out)


def observed_vector(patterns: Sequence[Pattern]) -> np.ndarray:
    """The observed value of each pattern's statistic, in the order of `summary_vector` (NaN when the observation
    fixes only a direction): the observation's value, or for a series the statistic's value on the data itself
    (`Pattern.ideal`: no error, all of the homicides in the right departments)."""
    observations = load_observations()
    return np.array([p.ideal if p.ideal is not None else observations[p.observation].single.value
                     for p in patterns], dtype=float)
