"""Run an ensemble in chunks on local worker processes and merge the results (identical to one process).

Where processes can be forked, the parent builds the engine once and allocates the ensemble's records in memory that
the forked workers share: each worker writes its chunks' runs in place and returns only the chunk's index, so nothing
is built again, pickled or concatenated. Elsewhere each worker simulates its chunk and returns its Results.
"""

from __future__ import annotations

import itertools
import mmap
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from totalpeace.engine import records as records_
from totalpeace.engine.records import SUMS, Records
from totalpeace.engine.results import Results
from totalpeace.engine.runner import Engine
from totalpeace.engine.simulate import DEFAULT_BATCH, assemble, build_engine, check, run_means, simulate
from totalpeace.scenario.schema import Scenario
from totalpeace.talks import merge_tables

# What forked workers inherit: per call of simulate_parallel, its engine, seed and each chunk's batches
_SHARED: dict[int, tuple[Engine, int, list[list[tuple[np.ndarray, Records]]]]] = {}
_TOKENS = itertools.count()


def _chunk(args: tuple[dict, int, int, int, int]) -> Results:
    data, runs, seed, months, first = args
    return simulate(Scenario.model_validate(data), runs=runs, seed=seed, months=months, first_run=first)


def merged_means(means: list[dict], sizes: list[int]) -> dict:
    """The run means of several chunks (each `simulate.run_means`-shaped, in run order), re-weighted by chunk size:
    the one formula both `merge` and the shared-records path use, so that they give the same bits."""
    total = sum(sizes)
    return {
        "territories": {k: sum(m["territories"][k] * n for m, n in zip(means, sizes, strict=True)) / total
                        for k in means[0]["territories"]},
        "dominant_share": sum(m["dominant_share"] * n for m, n in zip(means, sizes, strict=True)) / total,
        "zone_share": sum(m["zone_share"] * n for m, n in zip(means, sizes, strict=True)) / total}


def merge(parts: list[Results]) -> Results:
    """Concatenate chunks in run order; territory means are re-weighted by chunk size."""
    parts = sorted(parts, key=lambda r: int(r.run_ids[0]))
    means = merged_means([{"territories": p.territories, "dominant_share": p.dominant_share,
                           "zone_share": p.zone_share} for p in parts], [p.runs for p in parts])
    first = parts[0]
    return Results(
        scenario=first.scenario, scenario_sha256=first.scenario_sha256, version=first.version, seed=first.seed,
        run_ids=np.concatenate([p.run_ids for p in parts]), start=first.start, months=first.months,
        group_ids=first.group_ids, group_names=first.group_names, territory_ids=first.territory_ids,
        territory_names=first.territory_names, neighbour_ids=first.neighbour_ids,
        national={k: np.concatenate([p.national[k] for p in parts]) for k in first.national},
        groups={k: np.concatenate([p.groups[k] for p in parts]) for k in first.groups},
        neighbours=np.concatenate([p.neighbours for p in parts]),
        territories=means["territories"], dominant_share=means["dominant_share"], zone_share=means["zone_share"],
        parents=first.parents,
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

    By default each worker gets about two chunks (between 25 and 256 runs): two per worker keep both busy to the end
    and let the progress bar move. The chunks, not the workers, decide the run means' last bits (`merge` re-weights
    them by chunk size), so the same chunks give the same bytes on any number of workers.
    """
    months = scenario.months if months is None else months
    if chunk is None:
        chunk = max(25, min(256, -(-runs // (2 * max(workers, 1)))))
    if workers <= 1:
        return simulate(scenario, runs=runs, seed=seed, months=months,
                        progress=(lambda n: on_chunk(n)) if on_chunk else None, threads=threads)
    if "fork" not in multiprocessing.get_all_start_methods():
        return _pickled(scenario, runs, seed, months, workers, chunk, on_chunk)
    return _shared(scenario, runs, seed, months, workers, chunk, on_chunk)


def _pickled(scenario: Scenario, runs: int, seed: int, months: int, workers: int, chunk: int,
             on_chunk: Callable[[int], None] | None) -> Results:
    """Each chunk simulated by a worker and returned whole (where processes cannot be forked)."""
    data = scenario.model_dump(mode="python")
    jobs = [(data, min(chunk, runs - lo), seed, months, lo) for lo in range(0, runs, chunk)]
    parts = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_chunk, jobs):
            parts.append(result)
            if on_chunk:
                on_chunk(result.runs * months)
    return merge(parts)


def shared_zeros(shape: tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
    """A zeroed array in anonymous shared memory: forked processes write into the parent's pages."""
    count = int(np.prod(shape))
    buffer = mmap.mmap(-1, max(1, count * np.dtype(dtype).itemsize))
    return np.frombuffer(buffer, dtype=dtype, count=count).reshape(shape)


def _run_chunk(args: tuple[int, int]) -> int:
    """Worker side: advance chunk `index`'s batches, writing into the shared records."""
    token, index = args
    engine, seed, chunks = _SHARED[token]
    for run_ids, records in chunks[index]:
        engine.run(seed, run_ids, None, records)
    return index


def _shared(scenario: Scenario, runs: int, seed: int, months: int, workers: int, chunk: int,
            on_chunk: Callable[[int], None] | None) -> Results:
    """The chunks on forked workers that write into shared records; the run means merged as `merge` merges them.

    Each chunk is split into batches as `simulate` splits it and has sums over runs of its own, so its means and the
    merged means have the bits of `merge` over the chunks' Results."""
    check(runs, months, seed)
    engine = build_engine(scenario, months)
    run_ids = np.arange(runs, dtype=np.int64)
    ensemble = records_.allocate(runs, months, engine.sizes, zeros=shared_zeros)
    bounds = [(lo, min(runs, lo + chunk)) for lo in range(0, runs, chunk)]
    chunks = [[(run_ids[b:min(hi, b + DEFAULT_BATCH)], records_.rows(ensemble, b, min(hi, b + DEFAULT_BATCH),
                                                                       zeros=shared_zeros))
               for b in range(lo, hi, DEFAULT_BATCH)] for lo, hi in bounds]
    token = next(_TOKENS)
    _SHARED[token] = (engine, seed, chunks)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for index in pool.map(_run_chunk, [(token, k) for k in range(len(chunks))]):
                if on_chunk:
                    on_chunk((bounds[index][1] - bounds[index][0]) * months)
    finally:
        del _SHARED[token]
    means = [run_means(records_.collect(ensemble, [records for _, records in batches]), hi - lo)
             for batches, (lo, hi) in zip(chunks, bounds, strict=True)]
    merged = merged_means(means, [hi - lo for lo, hi in bounds])
    out = {name: getattr(ensemble, name) for name in records_.DIMS if name not in SUMS}
    return assemble(scenario, engine, seed, run_ids, out, merged)
