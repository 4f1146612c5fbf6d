"""Executors: where tasks run. Local worker processes by default, or a Dask distributed cluster.

Both have one interface: `map_unordered(fn, tasks)` submits tasks lazily (never more than a few per worker in
flight, so a sweep of 100,000 runs never holds them all) and yields results as they finish. Results do not depend
on where or in which order tasks ran: every run is a pure function of (scenario, seed, run id).

`terminate()` stops an executor for good, from any thread (the dashboard's cancel button): the local executor kills
its worker processes, the Dask executor cancels its futures on the cluster; `map_unordered` then raises
`ExecutorTerminated`, now and on any later call.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from totalpeace.errors import InputError

IN_FLIGHT_PER_WORKER = 2
RECANCEL_AFTER = (0.5, 2.0)  # seconds between the cancels of a key that follow the first (DaskExecutor._cancel)


class Executor(Protocol):
    """Runs tasks somewhere and yields their results in completion order."""

    description: str

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...

    def terminate(self) -> None: ...


class ExecutorTerminated(RuntimeError):
    """Raised by `map_unordered` when `terminate()` stopped it: the results it did not yield are lost."""


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
    """A pool of `workers` local processes; with one worker, tasks run in this process (no pool to start) unless
    `isolate` asks for a worker process anyway (so that they can be terminated and never hold this process's GIL).
    `start_method` is multiprocessing's ("spawn" for a caller with threads, which must never be forked)."""

    def __init__(self, workers: int | None = None, isolate: bool = False, start_method: str | None = None) -> None:
        self.workers = workers or default_workers()
        if self.workers < 1:
            raise InputError(f"--workers must be at least 1 (got {self.workers})")
        self.isolate = isolate
        self._context = multiprocessing.get_context(start_method) if start_method else None
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._stopped = False  # set by terminate()
        self.description = f"local, {self.workers} worker{'s' if self.workers > 1 else ''}"

    def _current_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._stopped:
                raise ExecutorTerminated("the local executor was terminated")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context,
                                                 initializer=_exit_with_parent, initargs=(os.getpid(),))
            return self._pool

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        if self.workers == 1 and not self.isolate:
            for task in tasks:
                if self._stopped:
                    raise ExecutorTerminated("the local executor was terminated")
                yield fn(task)
            return
        pool = self._current_pool()
        pending: set[Future] = set()
        source = iter(tasks)
        limit = self.workers * IN_FLIGHT_PER_WORKER
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < limit:
                    task = next(source, None)
                    if task is None:
                        exhausted = True
                        break
                    pending.add(pool.submit(fn, task))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        except (BrokenProcessPool, CancelledError, RuntimeError):
            if self._stopped:
                raise ExecutorTerminated("the local worker processes were terminated") from None
            raise

    def worker_pids(self) -> list[int]:
        """Process ids of the running worker processes (none before the first task or after terminate)."""
        with self._lock:
            pool = self._pool
        # ProcessPoolExecutor has no public list of its processes before Python 3.14
        return sorted(getattr(pool, "_processes", None) or {}) if pool is not None else []

    def terminate(self) -> None:
        """Kill the worker processes now (their tasks are lost), wait until they are gone, accept no more tasks."""
        with self._lock:
            self._stopped = True
            pool, self._pool = self._pool, None
        if pool is None:
            return
        # ProcessPoolExecutor has no public way to stop its processes before Python 3.14 (terminate_workers)
        processes = getattr(pool, "_processes", None) or {}
        pool.shutdown(wait=False, cancel_futures=True)  # after this no process is added to `processes`
        for process in list(processes.values()):
            process.terminate()
        for process in list(processes.values()):
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

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
            check_address(str(address))
            try:
                self.client, self._own = Client(target, timeout=timeout), True
            except OSError as exc:
                raise InputError(f"--executor {address}: cannot reach a Dask scheduler there ({exc})") from None
            except (ValueError, TypeError) as exc:  # whatever the address check above let through
                raise InputError(f"--executor {address}: not a scheduler address ({exc})") from None
        self.description = f"dask {self.client.scheduler.address}"
        self._futures: set[Any] = set()  # submitted and not yet read: what terminate() cancels
        self._futures_lock = threading.Lock()
        self._terminated = False

    def _slots(self) -> int:
        threads = sum(self.client.nthreads().values())
        return max(1, threads) * IN_FLIGHT_PER_WORKER

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        if self._terminated:
            raise ExecutorTerminated("the Dask executor was terminated")
        source = iter(tasks)
        unread: set[Any] = set()  # this map's futures whose results were not yet read
        try:
            for _, task in zip(range(self._slots()), source, strict=False):
                unread.add(self._submit(fn, task))
            if not unread:
                return
            pending = as_completed(list(unread))
            for future in pending:
                try:
                    result = future.result()
                except BaseException as exc:  # a cancelled Dask future raises asyncio's CancelledError
                    release([future])
                    if self._terminated and not isinstance(exc, KeyboardInterrupt):
                        raise ExecutorTerminated("the tasks were cancelled on the Dask cluster") from None
                    raise
                finally:
                    unread.discard(future)
                    with self._futures_lock:
                        self._futures.discard(future)
                future.release()
                task = next(source, None) if not self._terminated else None
                if task is not None:
                    submitted = self._submit(fn, task)
                    unread.add(submitted)
                    pending.add(submitted)
                yield result
        finally:  # left early (an error, a consumer that stops reading): nothing of this map stays on the cluster
            if unread:
                with self._futures_lock:
                    self._futures -= unread
                self._cancel(list(unread))  # finished ones too: their results hold worker memory
        if self._terminated:
            raise ExecutorTerminated("the tasks were cancelled on the Dask cluster")

    def _submit(self, fn: Callable[[Any], Any], task: Any) -> Any:
        """Submit and register under the lock terminate() takes, so a future sent while terminate() runs is either
        in the set it cancels or sees the flag and cancels itself: none is left on the cluster."""
        future = self.client.submit(fn, task, pure=False)
        with self._futures_lock:
            late = self._terminated
            if not late:
                self._futures.add(future)
        if late:
            self._cancel([future])
            raise ExecutorTerminated("the tasks were cancelled on the Dask cluster")
        return future

    def worker_pids(self) -> list[int]:
        """Worker processes of a cluster are not this executor's to report."""
        return []

    def terminate(self) -> None:
        """Cancel this executor's futures: queued tasks never start; a task already running on a worker thread
        finishes (Python threads cannot be interrupted) and its result is dropped."""
        with self._futures_lock:
            self._terminated = True
            futures = list(self._futures)
        if futures:
            self._cancel(futures)

    def _cancel(self, futures: list[Any]) -> None:
        """Cancel futures on the cluster, release them at once, and cancel their keys again a little later: under
        load the scheduler can register a submission after the cancel that was meant for it (a race inside
        distributed: a terminated map left a task on the scheduler in about one termination in fifteen with three
        busy processes on two cores), and a later cancel of the same key removes it."""
        self.client.cancel(futures, force=True)
        release(futures)
        keys = [future.key for future in futures]
        threading.Thread(target=self._cancel_again, args=(keys,), daemon=True, name="dask-cancel-again").start()

    def _cancel_again(self, keys: list[Any]) -> None:
        from distributed import Future as DaskFuture

        for delay in RECANCEL_AFTER:
            time.sleep(delay)
            try:
                late = [DaskFuture(key, self.client) for key in keys]
                self.client.cancel(late, force=True)
                release(late)
            except Exception:  # the client was closed meanwhile: its keys went with it
                return

    def close(self) -> None:
        if self._own:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def release(futures: Iterable[Any]) -> None:
    """Release cancelled futures at once rather than when the garbage collector frees them (a traceback's reference
    cycle can hold them for long): the scheduler hears that this client no longer wants the keys."""
    for future in futures:
        future.release()


ADDRESS = re.compile(r"^(?:dask|tcp)://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<port>\d{1,5})$")


def check_address(address: str) -> None:
    """`dask://HOST:PORT` (or tcp://), HOST a name, an IPv4 address or a bracketed IPv6 one, PORT 1..65535."""
    match = ADDRESS.match(address)
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise InputError(f"--executor {address!r}: expected dask://HOST:PORT (e.g. dask://127.0.0.1:8786; an IPv6 "
                         "host in brackets, dask://[::1]:8786), or local")


def make_executor(spec: str | None, workers: int | None) -> LocalExecutor | DaskExecutor:
    """`local` (default) or `dask://HOST:PORT` -> an executor; anything else is an input error."""
    if spec is None or spec == "local":
        return LocalExecutor(workers)
    if spec.startswith(("dask://", "tcp://")):
        return DaskExecutor(spec)
    raise InputError(f"--executor {spec!r}: expected local or dask://HOST:PORT")
