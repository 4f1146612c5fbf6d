"""A pyabc sampler whose result does not depend on the number of workers or the order tasks finish in.

pyabc's MappingSampler maps "sample until one particle is accepted" over the population, but reseeds each task from
the operating system, so two calibrations with the same seed differ. This sampler gives task i of generation t a
seed drawn from (calibration seed, t), and keeps the map's order, so the posterior is a pure function of the seed.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]


def _until_accepted(pickled: bytes, seed: int) -> list[Any]:
    """One task: draw and simulate particles until one is accepted, from a fixed seed (all particles returned)."""
    simulate_one = cloudpickle.loads(pickled)
    np.random.seed(seed)
    random.seed(seed)
    particles = []
    while True:
        particles.append(simulate_one())
        if particles[-1].accepted:
            return particles


class SeededMappingSampler(Sampler):
    """Evaluate a generation as `n` seeded tasks through `map_` (builtin map, a process pool's map, ...)."""

    def __init__(self, seed: int, map_: Mapper = map, on_task: Callable[[int], None] | None = None,
                 on_batch: Callable[[int, int], None] | None = None) -> None:
        super().__init__()
        self.seed = seed
        self.map_ = map_
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
        sample = self._create_empty_sample()
        evaluations = 0
        for particles in self.map_(task, seeds):
            for particle in particles:
                sample.append(particle)
            evaluations += len(particles)
            if self.on_task is not None:
                self.on_task(len(particles))
        self.nr_evaluations_ = evaluations
        return sample
