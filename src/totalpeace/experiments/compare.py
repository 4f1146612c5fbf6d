"""Compare a baseline with variants on common random numbers: paired per-run differences with 80% intervals.

Every scenario runs with the same seed and run ids, so run r of a variant and run r of the baseline share every
random draw that the policy difference does not change; the spread of their paired differences is then the
uncertainty about the *effect*, far narrower than the spread of either ensemble.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from totalpeace.engine.results import FLOWS, STOCKS, Results
from totalpeace.errors import InputError
from totalpeace.experiments.executors import Executor, LocalExecutor
from totalpeace.experiments.worker import per_run_tables
from totalpeace.scenario import load_scenario
from totalpeace.scenario.fingerprint import scenario_sha256
from totalpeace.scenario.schema import Scenario
from totalpeace.territories import load_territories

METRICS = [*FLOWS, *STOCKS]
Progress = Callable[[int, int], None]


@dataclass
class Comparison:
    """Each scenario's ensemble (baseline first), its per-run yearly and monthly values, and the paired differences."""

    names: list[str]
    references: list[str]
    sha256: list[str]
    seed: int
    runs: int
    months: int
    start: str
    version: str
    sets: list[str]
    yearly: pd.DataFrame  # scenario, run, year, metric, value
    monthly: pd.DataFrame  # scenario, run, month, metric, value
    scenarios: list[Scenario]  # resolved, in `names` order (their data sources and boundaries go in the report)
    results: list[Results]  # every scenario's full ensemble (fans, members, talks, maps)

    @functools.cached_property
    def uncertainty(self) -> dict:
        """The run plans' design and, per variant, how much of the spread of the paired differences each source
        (model form, parameters, runs) contributes (comparison.json's `uncertainty`)."""
        from totalpeace.uncertainty.summary import comparison_entry

        return comparison_entry(self.results[0], dict(zip(self.variants, self.results[1:], strict=True)))

    @property
    def baseline(self) -> str:
        return self.names[0]

    @property
    def variants(self) -> list[str]:
        return self.names[1:]

    def differences(self) -> pd.DataFrame:
        """One row per (variant, metric, year): baseline and variant mean/median, and the mean, median and
        10th/90th percentiles of the paired per-run differences (variant - baseline), with the share of runs in
        which the variant is lower and higher."""
        table = self.yearly.pivot_table(index=["metric", "year", "run"], columns="scenario", values="value",
                                        aggfunc="first")
        rows = []
        for variant in self.variants:
            paired = pd.DataFrame({"base": table[self.baseline], "variant": table[variant]})
            paired["diff"] = paired["variant"] - paired["base"]
            grouped = paired.groupby(level=["metric", "year"], sort=False)
            stats = pd.DataFrame({
                "baseline_mean": grouped["base"].mean(), "baseline_p50": grouped["base"].median(),
                "variant_mean": grouped["variant"].mean(), "variant_p50": grouped["variant"].median(),
                "diff_mean": grouped["diff"].mean(), "diff_p10": grouped["diff"].quantile(0.1),
                "diff_p50": grouped["diff"].median(), "diff_p90": grouped["diff"].quantile(0.9),
                "share_lower": grouped["diff"].apply(lambda d: float((d < 0).mean())),
                "share_higher": grouped["diff"].apply(lambda d: float((d > 0).mean())),
            }).reset_index()
            stats.insert(0, "variant", variant)
            rows.append(stats)
        out = pd.concat(rows, ignore_index=True)
        if self.results[0].plan is not None:  # which source makes each effect uncertain
            from totalpeace.uncertainty.summary import share_columns

            shares = pd.concat([share_columns(self.uncertainty["differences"][v]["variance_shares"]).assign(
                variant=v) for v in self.variants])
            out = out.merge(shares, on=["variant", "metric", "year"], how="left")
        order = {m: i for i, m in enumerate(METRICS)}
        given = {v: i for i, v in enumerate(self.variants)}  # the command line's order, as the terminal prints them
        out["_order"], out["_variant"] = out["metric"].map(order), out["variant"].map(given)
        return out.sort_values(["_variant", "_order", "year"], kind="stable").drop(columns=["_order", "_variant"]) \
            .reset_index(drop=True)


def _names(scenarios: list[Scenario], refs: list[str]) -> list[str]:
    """Scenario names, made unique (a repeated name gets its file name or position)."""
    names: list[str] = []
    for scenario, ref in zip(scenarios, refs, strict=True):
        name = scenario.name
        if name in names:
            name = f"{name} ({ref})"
        while name in names:
            name += "'"
        names.append(name)
    return names


def load_comparable(refs: list[str], sets: list[str]) -> list[Scenario]:
    """The scenarios to compare, loaded and checked to be comparable."""
    scenarios = [load_scenario(ref, sets) for ref in refs]
    check_comparable(scenarios, refs)
    return scenarios


def check_comparable(scenarios: list[Scenario], refs: list[str]) -> None:
    """Before anything runs or is written: scenarios are compared month by month and territory by territory, so they
    must start together and cover the same territories (in the same order)."""
    others = [f"{ref} starts in {s.start}" for ref, s in zip(refs[1:], scenarios[1:], strict=True)
              if s.start != scenarios[0].start]
    if others:
        raise InputError(f"scenarios start in different months ({'; '.join(others)}, the baseline {refs[0]} in "
                         f"{scenarios[0].start}): runs are compared month by month and period by period, so every "
                         "variant must start with its baseline")
    base = load_territories(scenarios[0].territories).ids
    for ref, scenario in zip(refs[1:], scenarios[1:], strict=True):
        ids = load_territories(scenario.territories).ids
        if ids != base:
            extra, missing = sorted(set(ids) - set(base)), sorted(set(base) - set(ids))
            detail = "; ".join(part for part in (f"not in the baseline: {', '.join(extra[:5])}" if extra else "",
                                                 f"missing: {', '.join(missing[:5])}" if missing else "") if part)
            raise InputError(f"{ref}: its territories differ from the baseline {refs[0]}'s ({len(ids)} vs "
                             f"{len(base)}; {detail or 'in another order'}): scenarios are compared territory by "
                             "territory")


def run_compare(refs: list[str], sets: list[str] | None = None, runs: int = 100, seed: int = 1,
                months: int | None = None, executor: Executor | None = None,
                progress: Progress | None = None, chunk: int | None = None,
                scenarios: list[Scenario] | None = None, uncertainty: str = "stochastic",
                assumptions: bool | None = None) -> Comparison:
    """Run the baseline `refs[0]` and each variant with the same seed and run ids; `sets` apply to all.
    `scenarios`: the refs already loaded and checked (`load_comparable`). `uncertainty`: the design of the run
    plans (totalpeace.uncertainty.plan), the same form and parameter draw for a run id in every scenario;
    `assumptions`: whether the plans draw the unidentified assumptions (None: when the calibration matched them)."""
    from totalpeace.codeversion import code_version
    from totalpeace.uncertainty.ensemble import simulate_plans
    from totalpeace.uncertainty.plan import build_plan, check_reference_forms, same_draws

    if len(refs) < 2:
        raise InputError("compare needs a baseline and at least one variant")
    sets = list(sets or [])
    scenarios = scenarios or load_comparable(refs, sets)
    months = months or scenarios[0].months
    names = _names(scenarios, refs)
    check_reference_forms(scenarios, names, uncertainty)
    plans = [build_plan(s, runs, seed, uncertainty, assumptions=assumptions) for s in scenarios]
    same_draws(plans, names)
    own = executor is None
    executor = executor or LocalExecutor()
    try:
        ensembles = simulate_plans(scenarios, plans, months, executor, progress, chunk)
    finally:
        if own:
            executor.close()
    frames: dict[str, list[pd.DataFrame]] = {"yearly": [], "monthly": []}
    for point, (name, results) in enumerate(zip(names, ensembles, strict=True)):
        for key, columns in zip(frames, per_run_tables(results, "compare", point, METRICS, True), strict=True):
            frame = pd.DataFrame(columns).drop(columns=["experiment", "point"])
            frame.insert(0, "scenario", name)
            frames[key].append(frame)
    return Comparison(names=names, references=list(refs), sha256=[scenario_sha256(s) for s in scenarios],
                      seed=seed, runs=runs, months=months, start=scenarios[0].start, version=code_version(),
                      sets=sets, yearly=pd.concat(frames["yearly"], ignore_index=True),
                      monthly=pd.concat(frames["monthly"], ignore_index=True), scenarios=scenarios,
                      results=ensembles)
