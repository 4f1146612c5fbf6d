"""Drive the compiled month: build a scenario's arrays and initial state once, then advance batches of runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from totalpeace.engine import records as records_
from totalpeace.engine import state as state_
from totalpeace.engine.initial import initial_state
from totalpeace.engine.inputs import Options, lever_arrays, lever_effects, world_arrays
from totalpeace.engine.month import step_batch
from totalpeace.engine.records import Records
from totalpeace.engine.rng import COUNTER, Draws
from totalpeace.engine.schedule import Schedule
from totalpeace.engine.state import State
from totalpeace.model.params import params_tuple
from totalpeace.model.tables.agenda import Agenda
from totalpeace.world import World

CALL_RUN_MONTHS = 2048  # run-months per call into compiled code at least (about 0.1 s of work on the flagship)


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
                 total_forces: float, months: int, tables: Agenda, draws: Draws = COUNTER,
                 security_budget: float = 0.0) -> None:
        self.world, self.months, self.options, self.draws, self.tables = world, months, options, draws, tables
        self.p = params_tuple(params)
        self.arrays = world_arrays(world, total_forces, security_budget)
        self.levers = lever_arrays(schedule, world, months)
        self.effects = lever_effects(self.levers, self.p)
        self.sizes = {"G": world.n_groups, "B": tables.slots.shape[0], "T": world.n_territories,
                      "A": world.n_groups + 1, "K": len(world.neighbour_ids), "I": len(world.international_ids)}
        self.initial = initial_state(self.arrays, self.levers, self.p, options, self.sizes)

    def start(self, run_ids: np.ndarray) -> Batch:
        """The runs `run_ids` at the start of month 0, with empty records."""
        runs = np.ascontiguousarray(run_ids, dtype=np.int64)
        return Batch(runs, state_.replicate(self.initial, len(runs)),
                     records_.allocate(len(runs), self.months, self.sizes))

    def advance(self, batch: Batch, seed: int, first: int, last: int) -> None:
        """Advance the batch through months first .. last - 1."""
        step_batch(first, last, int(seed), batch.runs, self.p, self.arrays, self.levers, self.effects, self.tables,
                   batch.state, batch.records, self.options, self.draws)

    def run(self, seed: int, run_ids: np.ndarray, progress: Callable[[int], None] | None = None) -> Records:
        """The records of runs `run_ids` over every month; `progress` gets the run-months done after each call."""
        batch = self.start(run_ids)
        # Each call covers several months when the batch is small, so that a single run is not dominated by the
        # cost of passing the arrays to compiled code; large batches report progress every month.
        step = max(1, CALL_RUN_MONTHS // len(batch.runs))
        for first in range(0, self.months, step):
            last = min(self.months, first + step)
            self.advance(batch, seed, first, last)
            if progress is not None:
                progress(len(batch.runs) * (last - first))
        return batch.records
