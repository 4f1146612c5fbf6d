"""Benchmark: what the pattern table of `totalpeace validate` costs, per ensemble, against the batched ensemble.

`totalpeace validate` simulates each historical scenario (and the paired Venezuela variant) run by run, so that the
department patterns can read territory series per run; this script measures that cost for each ensemble beside the
same runs simulated as one batch, and the time to evaluate the whole catalogue. Run `python benchmarks/patterns.py
[--runs 100]`; it prints a table (the compiled engine is warmed up first, so JIT compilation is not counted).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=100, help="runs per ensemble (validate's default: 20 x 5)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from totalpeace import load_scenario, simulate
    from totalpeace.validation.pattern_runs import ensembles_needed, evaluate, simulate_ensemble
    from totalpeace.validation.patterns import catalogue

    patterns = catalogue()
    jobs = {key: load_scenario(name, list(over)) for key, (name, over) in ensembles_needed(patterns).items()}
    t0 = time.perf_counter()
    for scenario in jobs.values():  # warm-up: compile the engine and load the datasets (one-off costs)
        simulate_ensemble(scenario, 2, args.seed)
    warm_up = time.perf_counter() - t0
    rows, ensembles = [], {}
    for key, scenario in jobs.items():
        t0 = time.perf_counter()
        ensembles[key] = simulate_ensemble(scenario, args.runs, args.seed).outputs
        run_by_run = time.perf_counter() - t0
        t0 = time.perf_counter()
        simulate(scenario, runs=args.runs, seed=args.seed)
        batch = time.perf_counter() - t0
        rows.append((key, scenario.months, run_by_run, batch))
    t0 = time.perf_counter()
    results = evaluate(patterns, ensembles)
    evaluation = time.perf_counter() - t0

    print(f"{'ensemble':<58} {'months':>6} {'run by run (s)':>15} {'batch (s)':>10} {'ratio':>6}")
    for key, months, one, batch in rows:
        print(f"{key:<58} {months:>6} {one:>15.2f} {batch:>10.2f} {one / batch:>6.1f}")
    total = sum(r[2] for r in rows)
    print(f"one-off costs (compilation cached on disk, datasets): {warm_up:.1f} s")
    print(f"{len(rows)} ensembles of {args.runs} runs: {total:.1f} s simulated run by run, "
          f"{sum(r[3] for r in rows):.1f} s as batches; evaluating {len(results)} patterns: {evaluation:.2f} s")


if __name__ == "__main__":
    main()
