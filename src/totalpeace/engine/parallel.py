"""Run an ensemble in chunks on local worker processes and merge the results (identical to one process)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from totalpeace.engine.results import Results
from totalpeace.engine.simulate import simulate
from totalpeace.scenario.schema import Scenario
from totalpeace.talks import merge_tables


def _chunk(args: tuple[dict, int, int, int, int]) -> Results:
    data, runs, seed, months, first = args
    return simulate(Scenario.model_validate(data), runs=runs, seed=seed, months=months, first_run=first)


def merge(parts: list[Results]) -> Results:
    """Concatenate chunks in run order; territory means are re-weighted by chunk size."""
    parts = sorted(parts, key=lambda r: int(r.run_ids[0]))
    total = sum(p.runs for p in parts)
    first = parts[0]
    return Results(
        scenario=first.scenario, scenario_sha256=first.scenario_sha256, version=first.version, seed=first.seed,
        run_ids=np.concatenate([p.run_ids for p in parts]), start=first.start, months=first.months,
        group_ids=first.group_ids, group_names=first.group_names, territory_ids=first.territory_ids,
        territory_names=first.territory_names, neighbour_ids=first.neighbour_ids,
        national={k: np.concatenate([p.national[k] for p in parts]) for k in first.national},
        groups={k: np.concatenate([p.groups[k] for p in parts]) for k in first.groups},
        neighbours=np.concatenate([p.neighbours for p in parts]),
        territories={k: sum(p.territories[k] * p.runs for p in parts) / total for k in first.territories},
        dominant_share=sum(p.dominant_share * p.runs for p in parts) / total,
        zone_share=sum(p.zone_share * p.runs for p in parts) / total, parents=first.parents,
        neighbour_rates=first.neighbour_rates,
        provenance=first.provenance, policy=first.policy, tables=merge_tables([p.tables for p in parts]),
        international_ids=first.international_ids,
        host_tolerance=None if first.host_tolerance is None else np.concatenate([p.host_tolerance for p in parts]),
    )


def simulate_parallel(scenario: Scenario, runs: int, seed: int, months: int | None, workers: int,
                      chunk: int | None = None, on_chunk: Callable[[int], None] | None = None,
                      threads: int = 1) -> Results:
    """The same ensemble as `simulate`, computed in chunks of `chunk` runs on `workers` processes (or, with one
    worker, in this process with `threads` threads sharing each batch's runs).

    By default each worker gets about two chunks (between 25 and 256 runs): fewer, larger chunks cost less in
    start-up and pickling; two per worker keep both busy to the end and let the progress bar move.
    """
    months = scenario.months if months is None else months
    if chunk is None:
        chunk = max(25, min(256, -(-runs // (2 * max(workers, 1)))))
    if workers <= 1:
        return simulate(scenario, runs=runs, seed=seed, months=months,
                        progress=(lambda n: on_chunk(n)) if on_chunk else None, threads=threads)
    data = scenario.model_dump(mode="python")
    jobs = [(data, min(chunk, runs - lo), seed, months, lo) for lo in range(0, runs, chunk)]
    parts = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_chunk, jobs):
            parts.append(result)
            if on_chunk:
                on_chunk(result.runs * months)
    return merge(parts)
