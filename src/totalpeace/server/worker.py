"""Code that runs inside the dashboard's worker processes: one chunk of an ensemble, with progress messages.

Kept apart from the manager so the spawned workers import only the engine, not the web stack.
"""

from __future__ import annotations

import os
import threading
import time
from multiprocessing.queues import Queue
from typing import Any

from totalpeace.engine.results import Results
from totalpeace.engine.simulate import simulate
from totalpeace.scenario.schema import Scenario

_progress: Queue | None = None


def init_worker(progress: Queue, parent: int) -> None:
    """Pool initializer: keep the progress queue, announce this worker's pid (so cancelling can be checked) and
    leave when the server process dies, even by SIGKILL, instead of idling forever."""
    global _progress
    _progress = progress
    progress.put(("worker", os.getpid()))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def run_chunk(job: tuple[str, dict[str, Any], int, int, int, int]) -> Results:
    """Runs first..first+runs-1 of one ensemble; each simulated month is reported as (run id, run-months)."""
    run_id, data, runs, seed, months, first = job

    def report(n: int) -> None:
        if _progress is not None:
            _progress.put((run_id, n))

    return simulate(Scenario.model_validate(data), runs=runs, seed=seed, months=months, first_run=first,
                    progress=report)
