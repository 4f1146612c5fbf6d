"""A pyabc sampler whose result does not depend on the number of workers or the order tasks finish in.

pyabc's MappingSampler maps "sample until one particle is accepted" over the population, but reseeds each task from
the operating system, so two calibrations with the same seed differ. This sampler gives task i of generation t a
seed drawn from (calibration seed, t), and puts the results back in task order whatever order they finish in, so the
posterior is a pure function of the seed on any executor (local processes or a Dask cluster).
"""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Callable
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

from totalpeace.experiments.executors import Executor

# pyabc draws from numpy's global generator: two tasks on threads of one process (a Dask worker with several
# threads) would interleave their draws. Tasks in one process therefore run one at a time; give Dask workers one
# thread each and add processes for parallelism.
_GLOBAL_RANDOM_STATE = threading.Lock()


def _until_accepted(pickled: bytes, task: tuple[int, int]) -> tuple[int, list[Any]]:
    """One task (index, seed): draw and simulate particles until one is accepted (all particles returned)."""
    index, seed = task
    simulate_one = cloudpickle.loads(pickled)
    with _GLOBAL_RANDOM_STATE:
        np.random.seed(seed)
        random.seed(seed)
        particles = []
        while True:
            particles.append(simulate_one())
            if particles[-1].accepted:
                return index, particles


class SeededMappingSampler(Sampler):
    """Evaluate a generation as `n` seeded tasks on an executor (experiments/executors.py)."""

    def __init__(self, seed: int, executor: Executor, on_task: Callable[[int], None] | None = None,
                 on_batch: Callable[[int, int], None] | None = None) -> None:
        super().__init__()
        self.seed = seed
        self.executor = executor
        self.on_task = on_task
        self.on_batch = on_batch
        self._generation = 0

    def sample_until_n_accepted(self, n: int, simulate_one: Callable[[], Any], t: int, *, max_eval: float = np.inf,
                                all_accepted: bool = False, ana_vars: Any = None) -> Any:
        if self.on_batch is not None:
            self.on_batch(self._generation, n)
        rng = np.random.default_rng([self.seed, self._generation])
        self._generation += 1  # pyabc also samples a calibration population before t = 0: count calls, not t
        seeds = [int(s) for s in rng.integers(0, 2**32 - 1, size=n)]
        task = functools.partial(_until_accepted, cloudpickle.dumps(simulate_one))
        finished: dict[int, list[Any]] = {}
        for index, particles in self.executor.map_unordered(task, enumerate(seeds)):
            finished[index] = particles
            if self.on_task is not None:
                self.on_task(len(particles))
        sample = self._create_empty_sample()
        for index in range(n):
            for particle in finished[index]:
                sample.append(particle)
        self.nr_evaluations_ = sum(len(p) for p in finished.values())
        return sample
