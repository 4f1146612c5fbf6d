"""Executors: where tasks run. Local worker processes by default, or a Dask distributed cluster.

Both have one interface: `map_unordered(fn, tasks)` submits tasks lazily (never more than a few per worker in
flight, so a sweep of 100,000 runs never holds them all) and yields results as they finish. Results do not depend
on where or in which order tasks ran: every run is a pure function of (scenario, seed, run id).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from totalpeace.errors import InputError

IN_FLIGHT_PER_WORKER = 2


class Executor(Protocol):
    """Runs tasks somewhere and yields their results in completion order."""

    description: str

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the sweep process dies (even by kill -9) instead of idling forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


class LocalExecutor:
    """A pool of `workers` local processes; with one worker, tasks run in this process (no pool to start)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        if self.workers < 1:
            raise InputError(f"--workers must be at least 1 (got {self.workers})")
        self._pool: ProcessPoolExecutor | None = None
        self.description = f"local, {self.workers} worker{'s' if self.workers > 1 else ''}"

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        if self.workers == 1:
            for task in tasks:
                yield fn(task)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_exit_with_parent,
                                             initargs=(os.getpid(),))
        pending: set[Future] = set()
        source = iter(tasks)
        limit = self.workers * IN_FLIGHT_PER_WORKER
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                task = next(source, None)
                if task is None:
                    exhausted = True
                    break
                pending.add(self._pool.submit(fn, task))
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskExecutor:
    """Tasks sent to a Dask distributed scheduler (`dask://HOST:PORT` or `tcp://HOST:PORT`, or a Client)."""

    def __init__(self, address: Any, timeout: float = 10.0) -> None:
        from distributed import Client

        if isinstance(address, Client):
            self.client, self._own = address, False
        else:
            target = str(address).replace("dask://", "tcp://", 1)
            try:
                self.client, self._own = Client(target, timeout=timeout), True
            except OSError as exc:
                raise InputError(f"--executor {address}: cannot reach a Dask scheduler there ({exc})") from None
        self.description = f"dask {self.client.scheduler.address}"

    def _slots(self) -> int:
        threads = sum(self.client.nthreads().values())
        return max(1, threads) * IN_FLIGHT_PER_WORKER

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        source = iter(tasks)
        batch = [self.client.submit(fn, t, pure=False) for _, t in zip(range(self._slots()), source, strict=False)]
        if not batch:
            return
        pending = as_completed(batch)
        for future in pending:
            result = future.result()
            future.release()
            task = next(source, None)
            if task is not None:
                pending.add(self.client.submit(fn, task, pure=False))
            yield result

    def close(self) -> None:
        if self._own:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_executor(spec: str | None, workers: int | None) -> LocalExecutor | DaskExecutor:
    """`local` (default) or `dask://HOST:PORT` -> an executor; anything else is an input error."""
    if spec is None or spec == "local":
        return LocalExecutor(workers)
    if spec.startswith(("dask://", "tcp://")):
        return DaskExecutor(spec)
    raise InputError(f"--executor {spec!r}: expected local or dask://HOST:PORT")
