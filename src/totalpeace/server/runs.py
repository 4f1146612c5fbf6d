"""Background ensembles for the dashboard, run through the experiment layer: its tasks, executors and results store.

Every accepted run gets a thread and an executor of its own and is recorded in the results store as a one-point
experiment (`dashboard-<run id>`, its levers as fixed factors), streamed part by part like a sweep. The chunks' full
Results come back too and are merged in memory (the same ensemble as `totalpeace run` with the request's
`--uncertainty`: every run is a pure function of scenario, seed, run id and the run plan, whose cells each task
simulates as the command does) for the charts, maps and reports of this server's session.

Locally, a run's executor is a pool of `workers` spawned processes, so the web server's threads are never forked and
a long run never holds the server's GIL; a pool is reused by later runs unless it was terminated. Cancelling a run
terminates its executor: the local worker processes are killed at once (the CPU is freed), on Dask the run's futures
are cancelled; a cancelled run is removed from the store. At most `max_active` runs are queued or running at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from totalpeace.engine.parallel import merge
from totalpeace.engine.results import Results
from totalpeace.experiments.executors import DaskExecutor, ExecutorTerminated, LocalExecutor, make_executor
from totalpeace.experiments.recorded import begin_ensemble, ensemble_spec, ensemble_tasks
from totalpeace.experiments.store import DamagedStoreError, ResultsStore
from totalpeace.experiments.sweep import FLUSH_SECONDS, PartBuffer
from totalpeace.experiments.worker import Task, run_task
from totalpeace.policy import policy_record
from totalpeace.report.policy_view import changed_levers_sentence
from totalpeace.scenario.schema import Scenario
from totalpeace.uncertainty.ensemble import plan_tasks, with_plan
from totalpeace.uncertainty.plan import build_plan

Status = Literal["queued", "running", "done", "failed", "cancelled"]
KEEP_IN_MEMORY = 16  # finished runs whose Results stay in memory for charts and comparisons
KEEP_RUN_MONTHS = 1_000_000  # ... and at most this many run-months between them (about 2 GB)
KEEP_LISTED = 1000  # runs listed by GET /api/runs; older finished ones are forgotten (their runs stay in the store)
EXPERIMENT_PREFIX = "dashboard-"


class TooManyRuns(Exception):
    """Refused: `max_active` runs are already queued or running."""


class ShuttingDown(Exception):
    """Refused: the server is stopping."""


class RunFailed(Exception):
    """A chunk of the ensemble failed; the message is the first run's error."""


@dataclass
class Run:
    """One ensemble request and its state."""

    id: str
    scenario: Scenario  # resolved: the base scenario with the levers applied
    base: Scenario
    levers: dict[str, Any]  # every lever's value, by scenario path: the experiment's fixed factors
    request: dict[str, Any]
    runs: int
    seed: int
    months: int
    status: Status = "queued"
    done: int = 0  # run-months simulated
    error: str | None = None
    stored: bool = False
    created: float = field(default_factory=time.time)
    finished: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    executor: LocalExecutor | DaskExecutor | None = None
    restored: bool = False  # read back from the results store (a past session's run)

    @property
    def label(self) -> str:
        return self.request.get("label") or f"run {self.id}"

    @property
    def uncertainty(self) -> str:
        """The request's design; runs accepted before requests named one were single points."""
        return str(self.request.get("uncertainty", "stochastic"))

    @property
    def total(self) -> int:
        return self.runs * self.months

    @property
    def experiment(self) -> str:
        return EXPERIMENT_PREFIX + self.id

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "scenario": self.scenario.name,
                "progress": min(1.0, self.done / self.total) if self.total else 1.0, "run_months_done": self.done,
                "run_months_total": self.total, "runs": self.runs, "seed": self.seed, "months": self.months,
                "uncertainty": self.uncertainty, "error": self.error,
                "experiment": self.experiment if self.stored else None, "request": self.request, "label": self.label,
                "restored": self.restored,
                "created": datetime.fromtimestamp(self.created, UTC).isoformat(timespec="seconds"),
                "changes": changed_levers_sentence(policy_record(self.base), policy_record(self.scenario))}


class Executors:
    """Where runs execute. `local`: a pool of `workers` spawned processes per running run, kept for later runs
    unless terminated. `dask://HOST:PORT`: one client shared by every run, one executor (its own futures) per run."""

    def __init__(self, spec: str | None, workers: int, keep_idle: int) -> None:
        self.workers = max(1, workers)
        self.keep_idle = keep_idle
        self._shared = make_executor(spec, self.workers) if spec not in (None, "local") else None
        self._idle: list[LocalExecutor] = []
        self._lock = threading.Lock()
        self.description = self._shared.description if self._shared else \
            f"local, {self.workers} worker{'s' if self.workers > 1 else ''} per run"

    def acquire(self) -> LocalExecutor | DaskExecutor:
        if isinstance(self._shared, DaskExecutor):
            return DaskExecutor(self._shared.client)
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return LocalExecutor(self.workers, isolate=True, start_method="spawn")

    def release(self, executor: LocalExecutor | DaskExecutor, reusable: bool) -> None:
        if isinstance(executor, DaskExecutor):
            return
        with self._lock:
            if reusable and len(self._idle) < self.keep_idle:
                self._idle.append(executor)
                return
        executor.terminate()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for executor in idle:
            executor.terminate()
        if self._shared is not None:
            self._shared.close()


class RunManager:
    """Accepts runs (at most `max_active` queued or running), executes each on its own executor, records it in the
    results store and keeps the latest Results in memory."""

    def __init__(self, store: ResultsStore, executor: str | None = "local", workers: int = 1,
                 max_active: int = 4) -> None:
        self.store = store
        self.max_active = max(1, max_active)
        self._executor_spec, self._workers = executor, workers
        self.executors = Executors(executor, workers, keep_idle=self.max_active)
        self._runs: OrderedDict[str, Run] = OrderedDict()
        self._results: OrderedDict[str, Results] = OrderedDict()
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()
        self._recompute_lock = threading.Lock()
        self._closed = False

    # ---- public API -------------------------------------------------------------------------------------------
    def submit(self, scenario: Scenario, base: Scenario, levers: dict[str, Any], request: dict[str, Any],
               runs: int, seed: int, months: int) -> Run:
        run = Run(id=uuid.uuid4().hex[:12], scenario=scenario, base=base, levers=levers, request=request, runs=runs,
                  seed=seed, months=months)
        with self._lock:
            if self._closed:
                raise ShuttingDown("the server is shutting down: no new runs")
            active = sum(r.active for r in self._runs.values())
            if active >= self.max_active:
                raise TooManyRuns(f"{active} runs are already queued or running (at most {self.max_active}): wait "
                                  "for one to finish or cancel one")
            self._runs[run.id] = run
            self._forget_old()
            thread = threading.Thread(target=self._execute, args=(run,), name=f"run-{run.id}", daemon=True)
            self._threads[run.id] = thread
        thread.start()
        return run

    def get(self, run_id: str) -> Run | None:
        with self._lock:
            return self._runs.get(run_id)

    def restore(self, resolve: Any) -> int:
        """List the dashboard runs a results store holds from earlier sessions (oldest first), so that they survive
        a reload and a restart. `resolve(request)` turns a stored request back into (scenario, base, levers); a
        request that no longer resolves (the scenario changed) is listed as failed with the reason."""
        names = [n for n in self.store.experiment_names() if n.startswith(EXPERIMENT_PREFIX)]
        if not names:
            return 0
        found = []
        for name in names:
            meta = self.store.experiment(name)
            record = meta.get("dashboard") or {}
            request, run_id = record.get("request"), record.get("run")
            if not request or not run_id:
                continue
            created = datetime.fromisoformat(meta["created"]).timestamp() if meta.get("created") else 0.0
            try:
                scenario, base, levers = resolve(request)
                error = None
            except Exception as exc:  # a stored request the current scenarios reject: shown, not fatal
                scenario = base = None
                levers, error = {}, f"cannot be read back: {exc}"
            runs, months = int(meta["spec"]["replications"]), int(meta["months"])
            try:  # one experiment at a time: a damaged part elsewhere in the store does not hide this one
                ok = int(self.store.query("SELECT count(*) FILTER (WHERE status = 'ok') AS ok FROM runs WHERE "
                                          "experiment = ?", [name], experiment=name)["ok"].iloc[0])
            except DamagedStoreError as exc:
                ok, error = 0, error or exc.message
            complete = ok == runs
            run = Run(id=run_id, scenario=scenario, base=base, levers=levers, request=request, runs=runs,
                      seed=int(meta["spec"]["seed"]), months=months, stored=True, restored=True, created=created,
                      status="done" if complete and error is None else "failed",
                      error=error or (None if complete else f"incomplete in the store ({ok} of {runs} runs)"))
            run.done = run.total if complete else 0
            found.append(run)
        with self._lock:
            for run in sorted(found, key=lambda r: r.created):
                if run.id not in self._runs and run.scenario is not None:
                    self._runs[run.id] = run
            self._runs = OrderedDict(sorted(self._runs.items(), key=lambda kv: kv[1].created))
        return len(found)

    def recompute(self, run_id: str) -> Results | None:
        """The Results of a finished run that are no longer in memory (an earlier session's, or evicted), computed
        again: every run is a pure function of scenario, seed, run id and the run plan, so they are the stored
        ensemble's."""
        from totalpeace.engine.simulate import simulate
        from totalpeace.uncertainty.ensemble import simulate_uncertain

        run = self.get(run_id)
        if run is None or run.status != "done" or run.scenario is None:
            return None
        with self._recompute_lock:
            found = self.results(run_id)
            if found is not None:
                return found
            if run.uncertainty == "stochastic":
                results = simulate(run.scenario, runs=run.runs, seed=run.seed, months=run.months)
            else:
                results = simulate_uncertain(run.scenario, runs=run.runs, seed=run.seed, months=run.months,
                                             uncertainty=run.uncertainty)
            with self._lock:
                self._results[run.id] = results
                self._trim_results()
        return results

    def list(self) -> list[Run]:
        with self._lock:
            return list(self._runs.values())

    def active(self) -> int:
        with self._lock:
            return sum(r.active for r in self._runs.values())

    def cancel(self, run_id: str) -> Run | None:
        """A queued run never starts; a running one has its executor terminated (local workers killed at once).
        None for an unknown run, or when the run has ended or its cancel was already requested (only the first of
        several requests cancels)."""
        run = self.get(run_id)
        if run is None:
            return None
        with run.lock:
            if not run.active or run.cancel.is_set():
                return None
            run.cancel.set()
            executor = run.executor
            if executor is None:
                run.status = "cancelled"
        if executor is not None:
            executor.terminate()
        return run

    def results(self, run_id: str) -> Results | None:
        with self._lock:
            found = self._results.get(run_id)
            if found is not None:
                self._results.move_to_end(run_id)
            return found

    def worker_pids(self, run_id: str) -> list[int]:
        """The local worker processes computing a run now (none when it is not running, or on Dask)."""
        run = self.get(run_id)
        executor = run.executor if run is not None else None
        return executor.worker_pids() if executor is not None else []

    def wait(self, run_id: str, timeout: float | None = None) -> None:
        """Block until a run's thread has ended (tests and shutdown)."""
        with self._lock:
            thread = self._threads.get(run_id)
        if thread is not None:
            thread.join(timeout)

    def open(self) -> None:
        """Accept runs again after a shutdown (an application started anew, as test clients do)."""
        with self._lock:
            if self._closed:
                self.executors = Executors(self._executor_spec, self._workers, keep_idle=self.max_active)
                self._closed = False

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
        for run in self.list():
            self.cancel(run.id)
        for run in self.list():
            self.wait(run.id, timeout=30)
        self.executors.close()

    # ---- execution --------------------------------------------------------------------------------------------
    def _forget_old(self) -> None:
        """Keep the list bounded: forget the oldest finished runs (call with the lock held)."""
        while len(self._runs) > KEEP_LISTED:
            oldest = next((rid for rid, r in self._runs.items() if not r.active), None)
            if oldest is None:
                return
            del self._runs[oldest]
            self._threads.pop(oldest, None)
            self._results.pop(oldest, None)

    def _execute(self, run: Run) -> None:
        executor = self.executors.acquire()
        reusable = True
        try:
            with run.lock:
                if run.cancel.is_set():  # cancelled while queued: the executor was never used
                    run.status = "cancelled"
                    return
                run.executor, run.status = executor, "running"
            reusable = self._compute(run, executor)
        except Exception as exc:  # a failed run is reported through the API; the server keeps serving
            reusable = False
            run.status, run.error = "failed", str(exc) if isinstance(exc, RunFailed) else f"{type(exc).__name__}: {exc}"
        finally:
            run.executor = None
            run.finished = time.time()
            self.executors.release(executor, reusable)

    def _compute(self, run: Run, executor: LocalExecutor | DaskExecutor) -> bool:
        """Simulate, stream into the store, merge; True when the executor may serve another run."""
        spec = ensemble_spec(run.experiment, run.base.name, run.levers, run.runs, run.seed, run.months,
                             description=run.request.get("label") or "")
        plan = None
        if run.uncertainty == "stochastic":
            tasks = ensemble_tasks(spec, run.scenario)
        else:  # the run plan of `totalpeace run`: forms, posterior draws and assumptions, cell by cell
            plan = build_plan(run.scenario, run.runs, run.seed, run.uncertainty)
            tasks = plan_tasks(spec, run.scenario, plan)
        parts: list[Results] = []
        with self.store.lock(spec.name):
            begin_ensemble(self.store, spec, run.base, {"dashboard": {"run": run.id, "request": run.request}})
            run.stored = True
            buffer = PartBuffer(self.store, spec.name, FLUSH_SECONDS)
            try:
                for result in executor.map_unordered(run_task, _until(run.cancel, tasks)):
                    buffer.add(result)
                    if result.failed:
                        errors = [e for e in result.tables["runs"]["error"].to_pylist() if e]
                        raise RunFailed((errors[0] if errors else "a chunk failed").splitlines()[0])
                    parts.extend(result.results)
                    run.done += result.runs * run.months
            except ExecutorTerminated:
                if not run.cancel.is_set():
                    raise
            except RunFailed:
                executor.terminate()  # the other chunks would only fail the same way
                buffer.flush()  # the failed runs are recorded with their error
                raise
            if run.cancel.is_set():
                executor.terminate()
                self.store.delete(spec.name)
                run.stored, run.status = False, "cancelled"
                return False
            buffer.flush()
        self.store.write_views()
        results = merge(parts) if plan is None else with_plan(merge(parts), run.scenario, plan)
        with self._lock:
            self._results[run.id] = results
            self._trim_results()
        run.done, run.status = run.total, "done"
        return True

    def _trim_results(self) -> None:
        """Drop the least recently used Results beyond the count and size limits (the newest always stays)."""
        def run_months() -> int:
            return sum(r.runs * r.months for r in self._results.values())

        while len(self._results) > 1 and (len(self._results) > KEEP_IN_MEMORY or run_months() > KEEP_RUN_MONTHS):
            self._results.popitem(last=False)


def _until(cancel: threading.Event, tasks: list[Task]):
    """The tasks, stopping as soon as the run is cancelled (no new chunk starts after a cancel)."""
    for task in tasks:
        if cancel.is_set():
            return
        yield task
