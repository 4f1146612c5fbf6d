"""Lever settings evaluated on the model under uncertainty, for the policy search.

An experiment file names the levers (the search space), the uncertainties and the outcomes. The uncertainties are
sampled once (a Latin hypercube of `samples` points, the spec's seed); every trial then runs each sample with the
same seed and run ids 0 .. replications - 1 (common random numbers) and scores each outcome by its mean over all
those runs in one calendar year.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from totalpeace.analysis.search import Lever
from totalpeace.errors import InputError
from totalpeace.experiments.design import build_design, point_overrides
from totalpeace.experiments.executors import DaskExecutor, LocalExecutor
from totalpeace.experiments.spec import ExperimentSpec, integer_paths
from totalpeace.experiments.sweep import check_year, resolve_point, simulated_years
from totalpeace.experiments.worker import Task, Unit, run_task
from totalpeace.scenario.schema import Scenario

ORDER_SLOT = re.compile(r"^policy\.talks\.order\.(\d+)$")


def apply_order_slots(overrides: dict[str, object], base: Scenario) -> dict[str, object]:
    """Turn `policy.talks.order.K = group` levers into one whole order: a permutation of the base order.

    Each chosen group moves to its slot (slots in increasing order; a group already placed is not placed twice) and
    the other tables keep their base order, so the order always names every table once.
    """
    slots = sorted((int(m.group(1)), v) for k, v in overrides.items() if (m := ORDER_SLOT.match(k)))
    if not slots:
        return overrides
    rest = [k for k in overrides if not ORDER_SLOT.match(k)]
    order = list(base.policy.talks.order)
    placed: list[str] = []
    for slot, group in slots:
        if group in placed or group not in order:
            continue
        order.remove(group)
        order.insert(min(slot, len(order)), group)
        placed.append(str(group))
    return {**{k: overrides[k] for k in rest}, "policy.talks.order": order}


def search_levers(spec: ExperimentSpec) -> list[Lever]:
    """The spec's levers as a search space: a list of values, or a range between `low` and `high`."""
    if not spec.levers:
        raise InputError("levers: a policy search needs at least one lever", source=spec.source)
    integers = integer_paths(spec)
    out = []
    for path, factor in spec.levers.items():
        if factor.values is not None:
            out.append(Lever(path, values=tuple(factor.values)))
        elif factor.low is None or factor.high is None:
            raise InputError(f"levers.{path}: a search needs a range with low and high (or values = [...])",
                             source=spec.source)
        else:
            out.append(Lever(path, low=factor.low, high=factor.high, integer=path in integers))
    return out


def current_setting(levers: list[Lever], base: Scenario) -> dict[str, object] | None:
    """Each lever's value in the base scenario (the policy as it stands), or None when a lever names something the
    scenario does not have (an item of a list it lacks)."""
    data = base.model_dump(mode="python")
    out: dict[str, object] = {}
    for lever in levers:
        slot = ORDER_SLOT.match(lever.name)
        try:
            if slot:
                out[lever.name] = base.policy.talks.order[int(slot.group(1))]
                continue
            node: object = data
            for part in lever.name.split("."):
                node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
        out[lever.name] = node
    return out


def uncertainty_samples(spec: ExperimentSpec) -> list[dict[str, object]]:
    """The fixed uncertainty samples every trial is run on (one empty sample when there are no uncertainties)."""
    if not spec.uncertainties:
        return [{}]
    only = spec.model_copy(update={"levers": {}, "design": "latin_hypercube"})
    return [point_overrides(row, only) for row in build_design(only).to_dict("records")]


@dataclass
class PolicyObjective:
    """Callable for `search`: lever setting -> mean of each outcome over samples x replications in `year`."""

    spec: ExperimentSpec
    executor: LocalExecutor | DaskExecutor
    year: int | None = None
    on_runs: Callable[[int], None] | None = None
    samples: list[dict[str, object]] = field(init=False)
    months: int = field(init=False)
    years: list[int] = field(init=False)
    base: Scenario = field(init=False)

    def __post_init__(self) -> None:
        base = self.base = resolve_point(self.spec, {})
        self.months = self.spec.months or base.months
        self.years = simulated_years(base.start, self.months)
        self.year = check_year(self.year, self.years)
        self.samples = uncertainty_samples(self.spec)

    @property
    def runs_per_trial(self) -> int:
        return len(self.samples) * self.spec.replications

    def __call__(self, levers: dict[str, object]) -> list[float]:
        tasks = []
        for i, sample in enumerate(self.samples):
            overrides = apply_order_slots({**levers, **sample}, self.base)
            data = resolve_point(self.spec, overrides, i).model_dump(mode="python")
            task = Task(self.spec.name, self.spec.seed, self.months, list(self.spec.outcomes), monthly=False)
            task.units.append(Unit(i, 0, self.spec.replications, data, overrides))
            tasks.append(task)
        yearly = []
        for result in self.executor.map_unordered(run_task, tasks):
            if result.failed:
                errors = [e for e in result.tables["runs"]["error"].to_pylist() if e]
                raise RuntimeError(f"runs failed for levers {levers}: {errors[0].splitlines()[0]}")
            yearly.append(result.tables["yearly"])
            if self.on_runs:
                self.on_runs(result.runs)
        frame = pa.concat_tables(yearly).to_pandas()
        frame = frame[(frame["year"] == self.year) & frame["metric"].isin(self.spec.outcomes)]
        means = frame.groupby("metric")["value"].mean()
        return [float(means[name]) for name in self.spec.outcomes]


def sample_table(objective: PolicyObjective) -> pd.DataFrame:
    """The uncertainty samples as a table (for the report)."""
    return pd.DataFrame(objective.samples).rename_axis("sample").reset_index()
