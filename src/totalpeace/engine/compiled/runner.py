"""Drive the compiled kernels: build the arrays once per scenario, then advance each batch month by month."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from totalpeace.engine.compiled import layout
from totalpeace.engine.compiled.month import step_batch
from totalpeace.engine.schedule import Schedule
from totalpeace.engine.step import Engine
from totalpeace.world import World

CALL_RUN_MONTHS = 2048  # run-months per kernel call at least (about 0.1 s of work on the flagship)


@dataclass
class BatchRecords:
    """What one batch produced: per-run records and per-territory sums over the batch's runs."""

    national: np.ndarray  # (R, M, metrics) in layout.NATIONAL order
    groups: np.ndarray  # (R, M, series, G) in layout.GROUP order
    neighbours: np.ndarray  # (R, M, K)
    territory_sum: np.ndarray  # (M, series, T) in layout.TERRITORY order
    dominant_count: np.ndarray  # (M, T, G + 1)
    zone_count: np.ndarray  # (M, T, 5)
    table_audit: np.ndarray  # (R, M, G, N_AU) the negotiation audit (model/tables/layout.py)
    table_package: np.ndarray  # (R, M, G, K) the package on every table


class CompiledEngine:
    """The compiled counterpart of engine.step.Engine for one scenario; `run` computes a batch of runs."""

    def __init__(self, world: World, schedule: Schedule, params: dict[str, float], engine: str, contest_form: str,
                 phased: bool, total_forces: float, months: int, scenario=None) -> None:
        self.world, self.months = world, months
        self.flags = (bool(phased), engine == "bdm", contest_form == "difference")
        self.p = layout.params_tuple(params)
        # The initial state is the same for every run: the reference engine computes it once, for one run.
        reference = Engine(world, schedule, params, engine, contest_form, 0, np.zeros(1, dtype=np.int64), phased,
                           total_forces)
        self.initial = reference.state
        self.world_arrays = layout.world_arrays(world, reference.youth, total_forces)
        self.levers = layout.lever_arrays(schedule, world, params, months)
        self.tables_static, self.tables_levers = layout.table_arrays(scenario, schedule, world, params, months, engine)

    def run(self, seed: int, run_ids: np.ndarray, progress: Callable[[int], None] | None = None) -> BatchRecords:
        """Advance the runs `run_ids` through every month; `progress` gets the run-months done after each month."""
        runs = np.ascontiguousarray(run_ids, dtype=np.int64)
        state = layout.state_arrays(self.initial, len(runs))
        out = layout.record_arrays(len(runs), self.months, self.world)
        tables_state = layout.table_state(len(runs), self.world)
        tables_out = layout.table_records(len(runs), self.months, self.world)
        # Each call covers several months when the batch is small, so that a single run is not dominated by the
        # cost of passing the arrays to the kernel; large batches report progress every month.
        step = max(1, CALL_RUN_MONTHS // len(runs))
        for first in range(0, self.months, step):
            last = min(self.months, first + step)
            step_batch(first, last, int(seed), runs, self.p, self.world_arrays, self.levers, state, out,
                       self.tables_static, self.tables_levers, tables_state, tables_out, *self.flags)
            if progress is not None:
                progress(len(runs) * (last - first))
        return BatchRecords(*out, *tables_out)
