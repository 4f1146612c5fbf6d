"""Drive the compiled month: build a scenario's arrays and initial state once, then advance batches of runs."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from totalpeace.engine import compiled_cache
from totalpeace.engine import records as records_
from totalpeace.engine import state as state_
from totalpeace.engine.initial import initial_state
from totalpeace.engine.inputs import Options, lever_arrays, lever_effects, world_arrays
from totalpeace.engine.month import step_runs
from totalpeace.engine.records import Records
from totalpeace.engine.rng import COUNTER, Draws
from totalpeace.engine.schedule import Schedule
from totalpeace.engine.state import State
from totalpeace.model.params import params_record
from totalpeace.model.tables.agenda import Agenda
from totalpeace.world import World

CALL_WORK = 2**20  # territory-run-months per call into compiled code at least (about 1 s of work: every month of a
# flagship batch of 256 runs or of a single run, four months of a municipal batch of 200)
SCRATCH_BYTES = 64 * 2**20  # at most this much for the threads' per-run rows of the sums over runs


@dataclass
class Batch:
    """Runs advanced together: their ids, their state (updated in place) and what they recorded so far."""

    runs: np.ndarray  # (R,) run ids
    state: State
    records: Records


class Engine:
    """One scenario's model, ready to run: `run` computes a batch of runs through every month; `start` and `advance`
    do the same month by month, for inspecting the state as it goes."""

    def __init__(self, world: World, schedule: Schedule, params: dict[str, float], options: Options,
                 months: int, tables: Agenda, draws: Draws = COUNTER, security_budget: float = 0.0) -> None:
        self.world, self.months, self.options, self.draws, self.tables = world, months, options, draws, tables
        self.p = params_record(params)
        self.arrays = world_arrays(world, schedule.start.forces, security_budget, schedule.start)
        self.levers = lever_arrays(schedule, world, months)
        self.sizes = {"G": world.n_groups, "B": tables.slots.shape[0], "T": world.n_territories,
                      "A": world.n_groups + 1, "K": len(world.neighbour_ids), "I": len(world.international_ids)}
        with compiled_cache.compiling_once() as compiling:
            self.effects = lever_effects(self.levers, self.p)
            self.initial = initial_state(self.arrays, self.p, options, self.sizes)
            if compiling:  # compile the month now, while other processes wait for it (one run, one month, dropped)
                self.advance(self.start(np.zeros(1, dtype=np.int64)), 0, 0, 1)

    def start(self, run_ids: np.ndarray, records: Records | None = None) -> Batch:
        """The runs `run_ids` at the start of month 0, with empty records (or `records`, zeroed, for example rows of
        an ensemble's records: records_.rows)."""
        runs = np.ascontiguousarray(run_ids, dtype=np.int64)
        if records is None:
            records = records_.allocate(len(runs), self.months, self.sizes)
        return Batch(runs, state_.replicate(self.initial, len(runs)), records)

    def advance(self, batch: Batch, seed: int, first: int, last: int, threads: int = 1) -> None:
        """Advance the batch through months first .. last - 1, its runs shared among `threads` threads (the same
        results with any number)."""
        runs = len(batch.runs)
        threads = min(threads, runs)
        if threads > 1:
            self._advance_threads(batch, int(seed), first, last, threads)
            return
        step_runs(0, runs, first, last, int(seed), batch.runs, self.p, self.arrays, self.levers, self.effects,
                  self.tables, batch.state, batch.records, batch.records, -1, self.options, self.draws)

    def _advance_threads(self, batch: Batch, seed: int, first: int, last: int, threads: int) -> None:
        """`advance` with each thread running a contiguous block of the batch's runs (the compiled month,
        month.step_run, releases Python's lock). The first block adds its runs' shares of the sums over runs to the
        records as it goes; the others write theirs to rows of their own, added afterwards in run order."""
        runs = len(batch.runs)
        bounds = [runs * k // threads for k in range(threads + 1)]
        later = runs - bounds[1]  # runs whose shares wait in rows
        months = max(1, min(last - first, SCRATCH_BYTES // max(1, later * records_.scratch_bytes(batch.records))))
        sums, pairs = records_.scratch(batch.records, later, months)
        with ThreadPoolExecutor(threads) as pool:
            for start in range(first, last, months):
                stop = min(last, start + months)
                blocks = [pool.submit(step_runs, bounds[k], bounds[k + 1], start, stop, seed, batch.runs, self.p,
                                      self.arrays, self.levers, self.effects, self.tables, batch.state,
                                      batch.records, batch.records if k == 0 else sums, -1 if k == 0 else bounds[1],
                                      self.options, self.draws) for k in range(threads)]
                for block in blocks:
                    block.result()
                records_.add_sums(pairs, start, stop, later)

    def run(self, seed: int, run_ids: np.ndarray, progress: Callable[[int], None] | None = None,
            records: Records | None = None, threads: int = 1) -> Records:
        """The records of runs `run_ids` over every month (written into `records` when given); `progress` gets the
        run-months done after each call; `threads` share the runs (the same results with any number)."""
        batch = self.start(run_ids, records)
        # Each call covers as many months as make about CALL_WORK territory-run-months: what a call costs besides the
        # months (passing the arrays to compiled code, each run's work arrays allocated once per call) is then spread
        # over many months, while large worlds still report progress every month.
        step = max(1, CALL_WORK // (len(batch.runs) * self.sizes["T"]))
        for first in range(0, self.months, step):
            last = min(self.months, first + step)
            self.advance(batch, seed, first, last, threads)
            if progress is not None:
                progress(len(batch.runs) * (last - first))
        return batch.records
