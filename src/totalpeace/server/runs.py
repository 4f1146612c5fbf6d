"""Background ensembles for the dashboard: a queue of runs, a pool of worker processes, progress and cancel.

One driver thread takes runs in order and splits each into chunks of run ids on a `multiprocessing` pool (spawned
workers, so the server's threads are never forked). Chunks are pure functions of (scenario, seed, run ids), so the
merged result is the same as `totalpeace run`. Cancelling a running ensemble terminates the pool's processes (the
CPU is freed at once) and the next run starts on a fresh pool. Finished runs are written to the store folder
(request.json, summary.json, Parquet files) and kept in memory for charts.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import queue
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from totalpeace.engine.parallel import merge
from totalpeace.engine.results import Results
from totalpeace.scenario.schema import Scenario
from totalpeace.server import worker

Status = Literal["queued", "running", "done", "failed", "cancelled"]
KEEP_IN_MEMORY = 16


@dataclass
class Run:
    """One ensemble request and its state."""

    id: str
    scenario: Scenario
    request: dict[str, Any]
    runs: int
    seed: int
    months: int
    status: Status = "queued"
    done: int = 0  # run-months simulated
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def total(self) -> int:
        return self.runs * self.months

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "scenario": self.scenario.name,
                "progress": min(1.0, self.done / self.total) if self.total else 1.0, "run_months_done": self.done,
                "run_months_total": self.total, "runs": self.runs, "seed": self.seed, "months": self.months,
                "error": self.error, "request": self.request}


class RunManager:
    """Accepts runs, executes them one after the other on worker processes, and keeps their results."""

    def __init__(self, store: Path, workers: int = 1, chunks_per_worker: int = 4) -> None:
        self.store = Path(store)
        self.store.mkdir(parents=True, exist_ok=True)
        self.workers = max(1, workers)
        self.chunks_per_worker = chunks_per_worker
        self._runs: dict[str, Run] = {}
        self._results: OrderedDict[str, Results] = OrderedDict()
        self._lock = threading.Lock()
        self._todo: queue.Queue[str | None] = queue.Queue()
        self._pool: Any = None
        self._progress: Any = None
        self._drain: threading.Thread | None = None
        self.worker_pids: set[int] = set()
        self._ctx = mp.get_context("spawn")
        self._driver = threading.Thread(target=self._drive, name="totalpeace-runs", daemon=True)
        self._driver.start()

    # ---- public API -------------------------------------------------------------------------------------------
    def submit(self, scenario: Scenario, request: dict[str, Any], runs: int, seed: int, months: int) -> Run:
        run = Run(id=uuid.uuid4().hex[:12], scenario=scenario, request=request, runs=runs, seed=seed, months=months)
        with self._lock:
            self._runs[run.id] = run
        self._todo.put(run.id)
        return run

    def get(self, run_id: str) -> Run | None:
        with self._lock:
            return self._runs.get(run_id)

    def list(self) -> list[Run]:
        with self._lock:
            return sorted(self._runs.values(), key=lambda r: r.created)

    def cancel(self, run_id: str) -> Run | None:
        """Queued runs are dropped; a running one has its worker processes terminated."""
        run = self.get(run_id)
        if run is not None and run.status in ("queued", "running"):
            run.cancel.set()
            if run.status == "queued":
                run.status = "cancelled"
        return run

    def results(self, run_id: str) -> Results | None:
        with self._lock:
            found = self._results.get(run_id)
            if found is not None:
                self._results.move_to_end(run_id)
            return found

    def folder(self, run_id: str) -> Path:
        return self.store / run_id

    def shutdown(self) -> None:
        for run in self.list():
            run.cancel.set()
        self._todo.put(None)
        self._driver.join(timeout=10)
        self._stop_pool()

    # ---- pool -------------------------------------------------------------------------------------------------
    def _start_pool(self) -> None:
        self._progress = self._ctx.Queue()
        self._pool = self._ctx.Pool(self.workers, initializer=worker.init_worker,
                                  initargs=(self._progress, os.getpid()))
        self._drain = threading.Thread(target=self._read_progress, args=(self._progress,), daemon=True)
        self._drain.start()

    def _stop_pool(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        if self._progress is not None:
            self._progress.put(None)  # ends the drain thread
            self._progress = None

    def _read_progress(self, messages: Any) -> None:
        while True:
            try:
                item = messages.get()
            except (EOFError, OSError):
                return
            if item is None:
                return
            key, value = item
            if key == "worker":
                self.worker_pids.add(int(value))
                continue
            run = self.get(key)
            if run is not None and run.status == "running":
                run.done += int(value)

    # ---- driver -----------------------------------------------------------------------------------------------
    def _drive(self) -> None:
        while True:
            run_id = self._todo.get()
            if run_id is None:
                return
            run = self.get(run_id)
            if run is None or run.cancel.is_set():
                continue
            try:
                self._execute(run)
            except Exception as exc:  # a failed run is reported through the API, the server keeps serving
                run.status, run.error = "failed", f"{type(exc).__name__}: {exc}"
                self._stop_pool()
            run.finished = time.time()

    def _jobs(self, run: Run) -> list[tuple[str, dict[str, Any], int, int, int, int]]:
        size = max(1, math.ceil(run.runs / (self.workers * self.chunks_per_worker)))
        data = run.scenario.model_dump(mode="python")
        return [(run.id, data, min(size, run.runs - lo), run.seed, run.months, lo) for lo in range(0, run.runs, size)]

    def _execute(self, run: Run) -> None:
        if self._pool is None:
            self._start_pool()
        run.status = "running"
        pending = self._pool.map_async(worker.run_chunk, self._jobs(run))
        while not pending.ready():
            if run.cancel.wait(0.1):
                self._stop_pool()  # terminates the workers: a cancelled run stops using the CPU now
                run.status = "cancelled"
                return
        results = merge(pending.get())
        folder = self.folder(run.id)
        results.save(folder)
        (folder / "request.json").write_text(json.dumps(run.request, indent=2), encoding="utf-8")
        with self._lock:
            self._results[run.id] = results
            while len(self._results) > KEEP_IN_MEMORY:
                self._results.popitem(last=False)
        run.done = run.total
        run.status = "done"
