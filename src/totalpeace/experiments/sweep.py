"""Run an experiment end to end: design points -> tasks -> executor -> parts in the results store.

Every design point uses the experiment's seed and run ids 0 .. replications - 1 (common random numbers), so points
differ only by their factor values. Runs stream into the store as tasks finish; a resumed sweep skips the
(point, run) pairs already stored, so none is lost or duplicated whatever interrupted the last attempt.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from totalpeace.engine.results import FLOWS, STOCKS
from totalpeace.errors import InputError, format_path
from totalpeace.experiments.design import build_design, point_overrides
from totalpeace.experiments.executors import DaskExecutor, LocalExecutor
from totalpeace.experiments.parts import DamagedPart
from totalpeace.experiments.spec import ExperimentSpec, json_value, structured_paths
from totalpeace.experiments.store import DamagedPointsError, ResultsStore
from totalpeace.experiments.worker import Task, TaskResult, Unit, run_task
from totalpeace.scenario import load_scenario, paths
from totalpeace.scenario.dates import add_months
from totalpeace.scenario.fingerprint import scenario_sha256
from totalpeace.scenario.loader import validate
from totalpeace.scenario.references import check_references
from totalpeace.scenario.schema import Scenario

Progress = Callable[[int, int], None]  # (runs finished so far, runs in the experiment)
FLUSH_RUNS = 2000
FLUSH_SECONDS = 5.0


@dataclass
class SweepReport:
    """What a sweep did: counts, where the results are, how long it took."""

    experiment: str
    points: int
    runs_total: int
    runs_before: int
    runs_new: int
    failed: int
    parts: int
    seconds: float
    executor: str
    set_aside: list[DamagedPart] = field(default_factory=list)  # damaged parts moved out; their runs rerun
    errors: list[str] = field(default_factory=list)  # the distinct errors of the failed runs (first line each)


class PointResolver:
    """Scenarios of design points. The base (with the spec's `set`) is read and checked once; a point then only
    re-validates the base with its factor values applied — the same scenario as `load_scenario(base, sets +
    overrides)`, an order of magnitude faster, which matters for sweeps of thousands of points."""

    def __init__(self, spec: ExperimentSpec) -> None:
        self.spec = spec
        self.base = self._full({}, None)
        self._data = self.base.model_dump(mode="python")

    def __call__(self, overrides: dict[str, Any], point: int | None = None) -> Scenario:
        if any(k.startswith("territories") or "presence" in k for k in overrides):
            return self._full(overrides, point)  # these change what loading derives from the data files
        data = copy.deepcopy(self._data)
        origins: dict[tuple[Any, ...], str] = {}
        try:
            for key, value in overrides.items():
                path, _ = paths.parse_assignment(Scenario, f"{key}=0")
                paths.set_path(data, path, value)
                origins[tuple(path)] = "factor"
            scenario = validate(data, origins, "factor")
            problems = check_references(scenario, data)
            if problems:
                raise InputError([f"{format_path(loc)}: {msg}" for loc, msg in problems])
        except InputError as exc:
            raise self._error(exc, overrides, point) from None
        return scenario

    def _full(self, overrides: dict[str, Any], point: int | None) -> Scenario:
        return resolve_point(self.spec, overrides, point)

    def _error(self, exc: InputError, overrides: dict[str, Any], point: int | None) -> InputError:
        return _point_error(self.spec, exc, overrides, point)


def stored_spec(store: ResultsStore, experiment: str) -> ExperimentSpec:
    """The spec an experiment in `store` was run from (its experiment.json), as the file was read then."""
    meta = store.experiment(experiment)
    return ExperimentSpec.model_validate({**meta["spec"], "source": meta.get("source")})


def resolve_point(spec: ExperimentSpec, overrides: dict[str, Any], point: int | None = None) -> Scenario:
    """One point's scenario: `load_scenario(base, spec.set + overrides)`, errors naming the point and its values.
    For many points, `PointResolver` gives the same scenarios faster. A malformed text is blamed on the file's `set`,
    not on a `--set` the user never gave: the factors' texts cannot be malformed (their paths are checked with the
    spec, their values written here)."""
    sets = [*spec.set, *[f"{k}={_toml(v)}" for k, v in overrides.items()]]
    try:
        return load_scenario(spec.scenario_ref(), sets, flag="set")
    except InputError as exc:
        raise _point_error(spec, exc, overrides, point) from None


def _point_error(spec: ExperimentSpec, exc: InputError, overrides: dict[str, Any], point: int | None) -> InputError:
    where = f"design point {point}" if point is not None else "factor check"
    values = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
    detail = exc.message.replace("--set: ", "").replace("factor: ", "")  # the values come from the spec
    if not overrides:
        return InputError(f"{spec.source or spec.name}: base scenario: {detail}")
    return InputError(f"{spec.source or spec.name}: {where} ({values}): {detail}")


def _toml(value: Any) -> str:
    """A factor value as `--set` text (strings quoted so they stay text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def check_factor_ranges(spec: ExperimentSpec, points: pd.DataFrame, resolve: PointResolver) -> None:
    """Load the base scenario at each factor's smallest and largest design value (and each category) before
    running anything: a value the schema rejects is reported now, not after hours of runs."""
    structured = structured_paths(tuple(spec.factors()))
    for path, factor in spec.factors().items():
        column = points[path]
        extremes = [column.min(), column.max()] if factor.values is None else list(dict.fromkeys(factor.values))
        for value in extremes:
            resolve({path: json_value(path, value.item() if hasattr(value, "item") else value, structured)})


def experiment_metadata(spec: ExperimentSpec, base: Scenario, points: pd.DataFrame, months: int) -> dict[str, Any]:
    """What experiment.json records: the spec and how to read the stored runs."""
    from totalpeace.codeversion import code_version

    return {"name": spec.name, "fingerprint": spec.fingerprint(), "spec": spec.model_dump(mode="json"),
            "source": spec.source, "base_scenario": base.name, "base_scenario_sha256": scenario_sha256(base),
            "start": base.start, "months": months, **readout(base, months), "flows": list(FLOWS),
            "points": len(points), "levers": list(spec.levers), "uncertainties": list(spec.uncertainties),
            "version": code_version(), "created": datetime.now(UTC).isoformat(timespec="seconds")}


def simulated_years(start: str, months: int) -> list[int]:
    """The calendar years that runs of `months` months from `start` reach (a partial year included)."""
    return sorted({int(add_months(start, m)[:4]) for m in range(months)})


def readout(base: Scenario, months: int) -> dict[str, Any]:
    """What an experiment's stored runs can be read for, as experiment.json records it: the calendar `years` they
    cover and the `metrics` stored for each year (`ResultsStore.experiments_frame` reads no other)."""
    return {"years": simulated_years(base.start, months), "metrics": [*FLOWS, *STOCKS]}


def expected_readout(spec: ExperimentSpec, store: ResultsStore, replace: bool = False) -> dict[str, Any]:
    """The `years` and `metrics` the store's experiment will record once `run_sweep(spec, store, resume=True,
    replace=replace)` has run: those of its experiment.json when the sweep keeps it (the same spec, no `replace`:
    its years are those its runs were made with, even if the base scenario has changed since), otherwise those the
    sweep will write. Read before any run, so that a command checks `--year` and `--outcome` against what it will
    read the results with."""
    if not replace and spec.name in store.experiment_names():
        meta = store.experiment(spec.name)
        if meta["fingerprint"] == spec.fingerprint():  # otherwise the sweep refuses it, or --replace starts again
            return {"years": meta["years"], "metrics": meta["metrics"]}
    base = resolve_point(spec, {})
    return readout(base, spec.months or base.months)


def check_year(year: int | None, years: list[int]) -> int:
    """`--year` against the calendar years the runs cover: the year to read (default: the last), or an input error
    naming the flag and the years, before any run."""
    if year is None:
        return years[-1]
    if year not in years:
        raise InputError(f"--year {year}: the runs cover {years[0]}..{years[-1]}")
    return year


def check_outcomes(outcomes: list[str], metrics: list[str]) -> None:
    """`--outcome` names against the metrics the runs store: an input error naming the flag and the first unknown
    name (with the closest metric), before any run."""
    unknown = [o for o in outcomes if o not in metrics]
    if unknown:
        raise InputError(f"--outcome {unknown[0]!r}: not a metric of the experiment"
                         f"{paths.suggest(unknown[0], list(metrics))} (metrics: {', '.join(metrics)})")


def plan_tasks(spec: ExperimentSpec, points: pd.DataFrame, done: set[tuple[int, int]], months: int,
               chunk: int, resolve: PointResolver) -> Iterator[Task]:
    """Tasks of about `chunk` runs covering every (point, run) not yet done; scenarios are resolved lazily."""
    task = Task(spec.name, spec.seed, months, list(spec.outcomes), spec.monthly)
    for row in points.to_dict("records"):
        point = int(row["point"])
        missing = [r for r in range(spec.replications) if (point, r) not in done]
        if not missing:
            continue
        overrides = point_overrides(row, spec)
        data = resolve(overrides, point).model_dump(mode="python")
        start = prev = missing[0]
        for run in [*missing[1:], None]:
            if run is not None and run == prev + 1 and run - start < chunk:
                prev = run
                continue
            room = chunk - task.runs
            first = start
            while first <= prev:
                take = min(room, prev - first + 1)
                task.units.append(Unit(point, first, take, data, overrides))
                first += take
                room -= take
                if room == 0:
                    yield task
                    task = Task(spec.name, spec.seed, months, list(spec.outcomes), spec.monthly)
                    room = chunk
            if run is not None:
                start = prev = run
    if task.units:
        yield task


class PartBuffer:
    """Finished task results held until enough runs (or seconds) have gathered to write one part."""

    def __init__(self, store: ResultsStore, experiment: str, every: float) -> None:
        self.store, self.experiment, self.every = store, experiment, every
        self.results: list[TaskResult] = []
        self.last = time.monotonic()
        self.parts = 0

    def add(self, result: TaskResult) -> None:
        self.results.append(result)
        runs = sum(r.runs for r in self.results)
        if runs >= FLUSH_RUNS or time.monotonic() - self.last >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.results:
            tables = {name: pa.concat_tables([r.tables[name] for r in self.results]) for name in
                      ("runs", "yearly", "monthly")}
            self.store.write_part(self.experiment, tables)
            self.results = []
            self.parts += 1
        self.last = time.monotonic()


def run_sweep(spec: ExperimentSpec, store: ResultsStore | str | None = None,
              executor: LocalExecutor | DaskExecutor | None = None, resume: bool = False, replace: bool = False,
              progress: Progress | None = None, chunk: int | None = None,
              flush_every: float = FLUSH_SECONDS, starting: Callable[[], None] | None = None) -> SweepReport:
    """Run every (design point, replication) of `spec` not yet in `store` and stream the runs into it.

    `resume=True` continues an experiment already in the store (same spec); `replace=True` deletes it first.
    Finished runs are written as a part every `flush_every` seconds (or 2,000 runs); on KeyboardInterrupt the runs
    finished so far are written before the interrupt propagates.

    `starting` is called once the input checks have passed and the sweep has runs to do, before a stored run is
    deleted or a new one computed: for a new experiment or `replace` before the experiment is (re)created, for a
    resumed one once its missing runs are known. It is not called when the sweep stops at a check, or resumes an
    experiment with every run stored (the stored results stay as they were).
    """
    store = store if isinstance(store, ResultsStore) else ResultsStore(store)
    started = time.perf_counter()
    resolve = PointResolver(spec)
    base = resolve.base
    months = spec.months or base.months
    damaged_points = False
    if resume and spec.name in store.experiment_names() and not replace:
        try:
            points = store.points(spec.name, unit=True)
        except DamagedPointsError:  # drawn again below, and written if it gives back the recorded bytes
            points, damaged_points = build_design(spec), True
    else:
        points = build_design(spec)
    check_factor_ranges(spec, points, resolve)
    own = executor is None
    executor = executor or LocalExecutor()
    chunk = chunk or max(1, min(spec.replications, 32))
    total = len(points) * spec.replications
    buffer = PartBuffer(store, spec.name, flush_every)
    before = finished = failed = 0
    errors: dict[str, None] = {}  # insertion-ordered set
    set_aside: list[DamagedPart] = []
    try:
        with store.lock(spec.name):
            fresh = replace or spec.name not in store.experiment_names()  # every run is to do
            if fresh and starting:
                starting()
            store.begin(experiment_metadata(spec, base, points, months), points, resume=resume, replace=replace)
            store.clean_tmp(spec.name)
            if damaged_points:
                store.repair_points(spec.name, points)
            set_aside = store.set_aside_damaged(spec.name)
            done = store.done_runs(spec.name)
            before = finished = len(done)
            if not fresh and starting and finished < total:
                starting()
            if progress:
                progress(finished, total)
            try:
                tasks = plan_tasks(spec, points, done, months, chunk, resolve)
                for result in executor.map_unordered(run_task, tasks):
                    buffer.add(result)
                    finished += result.runs
                    failed += result.failed
                    if result.failed:
                        errors.update(dict.fromkeys(e.splitlines()[0] for e in result.tables["runs"]["error"]
                                                    .to_pylist() if e))
                    if progress:
                        progress(finished, total)
            finally:
                buffer.flush()
    finally:
        if own:
            executor.close()
    store.write_views()
    return SweepReport(spec.name, len(points), total, before, finished - before, failed, buffer.parts,
                       time.perf_counter() - started, executor.description, set_aside, list(errors))
