"""One ensemble computed on any executor: chunks of runs simulated where the executor puts them, merged in run order.

Each run is a pure function of (scenario, seed, run id), so the merged ensemble is bit-identical to one `simulate`
call whatever the executor, the chunk size or the order in which chunks finish.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from totalpeace.engine.parallel import merge
from totalpeace.engine.results import Results
from totalpeace.engine.simulate import simulate
from totalpeace.experiments.executors import Executor
from totalpeace.scenario.schema import Scenario

Progress = Callable[[int, int], None]


@dataclass
class Chunk:
    """Runs first_run .. first_run + runs - 1 of one resolved scenario (a plain dictionary: picklable anywhere)."""

    key: int
    scenario: dict
    seed: int
    months: int
    first_run: int
    runs: int
    fingerprint: bool = True  # False: the caller records the scenario's hash itself (engine.simulate)


def simulate_chunk(chunk: Chunk) -> tuple[int, Results]:
    """Worker side: the chunk's runs, tagged with the ensemble they belong to."""
    scenario = Scenario.model_validate(chunk.scenario)
    return chunk.key, simulate(scenario, runs=chunk.runs, seed=chunk.seed, months=chunk.months,
                               first_run=chunk.first_run, fingerprint=chunk.fingerprint)


def default_chunk(runs: int) -> int:
    """About 16 chunks (at most 64 runs each): enough to keep a few workers busy and the progress bar moving.

    It depends on the number of runs alone, never on the executor: the merge re-weights territory means by chunk
    size, so the same chunks are what makes every executor's numbers bit-identical.
    """
    return max(1, min(64, -(-runs // 16)))


def simulate_many(scenarios: list[Scenario], runs: int, seed: int, months: int | None, executor: Executor,
                  chunk: int | None = None, progress: Progress | None = None) -> list[Results]:
    """Every scenario's ensemble with the same seed and run ids (common random numbers), chunks interleaved.

    `progress(done, total)` counts runs; a single chunk is returned as simulated (identical to `simulate`).
    """
    size = chunk or default_chunk(runs)
    jobs = [Chunk(k, s.model_dump(mode="python"), seed, months or s.months, first, min(size, runs - first))
            for k, s in enumerate(scenarios) for first in range(0, runs, size)]
    return simulate_chunks(jobs, len(scenarios), executor, progress)


def simulate_chunks(jobs: list[Chunk], ensembles: int, executor: Executor,
                    progress: Progress | None = None) -> list[Results]:
    """The chunks on `executor`, merged in run order into one Results per ensemble (`Chunk.key` 0 .. ensembles - 1);
    `progress(done, total)` counts runs."""
    parts: dict[int, list[Results]] = {k: [] for k in range(ensembles)}
    done, total = 0, sum(job.runs for job in jobs)
    if progress:
        progress(done, total)
    for key, part in executor.map_unordered(simulate_chunk, jobs):
        parts[key].append(part)
        done += part.runs
        if progress:
            progress(done, total)
    return [parts[k][0] if len(parts[k]) == 1 else merge(parts[k]) for k in range(ensembles)]


def simulate_on(scenario: Scenario, runs: int, seed: int, months: int | None, executor: Executor,
                chunk: int | None = None, progress: Progress | None = None) -> Results:
    """One ensemble on `executor`: the same numbers as `simulate(scenario, runs, seed, months)`."""
    return simulate_many([scenario], runs, seed, months, executor, chunk, progress)[0]
