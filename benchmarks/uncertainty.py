"""Benchmark: what the run plan (model forms x posterior draws x runs) costs against the single-point ensemble.

Measures, for the flagship's default 200 runs: the simulation alone under each design (`stochastic` is the single
point of earlier versions, one `simulate` call in chunks; `parameters` and `full` simulate one chunk per cell of
two runs), the split of the variance for the summary, and the whole `totalpeace run` command under each design
(a fresh process each time, so imports, the report and the files are counted; the engine's compiled kernels are
cached on disk by a warm-up run first). Run `python benchmarks/uncertainty.py [--runs 200] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DESIGNS = ("stochastic", "parameters", "full")


def best(fn, repeat: int) -> tuple[float, float]:
    """The best wall-clock and the best CPU time (this process) of `repeat` calls: on a shared machine the CPU time
    is the steadier measure of the work, the wall clock what a user waits."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def command(design: str, runs: int, out: Path, scenario: str = "colombia-2022") -> tuple[float, float]:
    """Wall-clock and CPU seconds of one `totalpeace run` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from totalpeace.cli import main; main()", "run", scenario,
                    "--runs", str(runs), "--uncertainty", design, "--out", str(out / design)], check=True,
                   capture_output=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - t0, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def design_study(scenario, runs: int, seeds: int) -> None:
    """How precise are the shares and the 80% interval's ends with 2, 5 or 10 runs per draw (same total runs)?
    Each setting is run with `seeds` seeds; the table gives the mean over seeds and, in brackets, the standard
    deviation between seeds (the Monte Carlo error of one ensemble), at the horizon."""
    import numpy as np

    from totalpeace.uncertainty.ensemble import simulate_uncertain

    metrics = ("homicides", "armed_group_members", "state_control_share")
    print(f"\nRuns per draw ({runs} runs, {seeds} seeds): share of each source at the horizon, mean [sd over seeds]; "
          "ends of the 80% interval, sd over seeds in % of the mean")
    for m in (2, 5, 10):
        found: dict[str, list] = {k: [] for k in metrics}
        seconds = []
        for seed in range(1, seeds + 1):
            t0 = time.perf_counter()
            summary = simulate_uncertain(scenario, runs=runs, seed=seed, runs_per_draw=m).summary()
            seconds.append(time.perf_counter() - t0)
            year = max(summary["metrics"]["homicides"])
            for k in metrics:
                e = summary["uncertainty"]["variance_shares"][k][year]
                stat = summary["metrics"][k][year]
                found[k].append([e["structural"], e["parameters"], e["stochastic"], stat["p10"], stat["p90"]])
        print(f"  {m} runs per draw ({runs // m} draws; {statistics.median(seconds):.1f} s per ensemble)")
        for k in metrics:
            a = np.array(found[k], dtype=float)
            mean, sd = a.mean(axis=0), a.std(axis=0, ddof=1)
            shares = "  ".join(f"{mean[i]:.2f} [{sd[i]:.2f}]" for i in range(3))
            ends = "  ".join(f"{sd[i] / abs(mean[i]) * 100:.1f}%" for i in (3, 4))
            print(f"    {k:<22} form/param/runs {shares}   p10/p90 sd {ends}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=200, help="runs of the ensemble (run's default: 200)")
    parser.add_argument("--scenario", default="colombia-2022", help="built-in scenario (e.g. colombia-2022-municipal)")
    parser.add_argument("--runs-per-draw", type=int, nargs="*", default=[],
                        help="also time the full design with these runs per draw (e.g. 2 10)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; the best time is kept")
    parser.add_argument("--no-command", action="store_true", help="skip timing the whole command")
    parser.add_argument("--design-study", type=int, default=0, metavar="SEEDS",
                        help="also compare runs per draw 2, 5 and 10: spread of the shares and interval ends over "
                             "SEEDS seeds (about 2 s per ensemble)")
    args = parser.parse_args()

    from totalpeace import load_scenario
    from totalpeace.uncertainty.ensemble import simulate_uncertain
    from totalpeace.uncertainty.plan import RUNS_PER_DRAW, build_plan

    scenario = load_scenario(args.scenario)
    simulate_uncertain(scenario, runs=10, seed=1, months=2)  # compile and load once
    plan = build_plan(scenario, args.runs, 1)
    print(plan.record()["text"])
    print(f"\n{'design':<16} {'cells':>6} {'wall (s)':>9} {'cpu (s)':>8} {'cpu ratio':>10} {'summary cpu (s)':>16}")
    base = None
    cases = [(d, RUNS_PER_DRAW) for d in DESIGNS] + [("full", m) for m in args.runs_per_draw]
    for design, m in cases:
        label = design if m == RUNS_PER_DRAW else f"{design}, {m}/draw"
        cells = len(build_plan(scenario, args.runs, 1, design, m).cells) if design != "stochastic" else 0
        results = simulate_uncertain(scenario, runs=args.runs, seed=1, uncertainty=design, runs_per_draw=m)
        wall, cpu = best(lambda d=design, m=m: simulate_uncertain(scenario, runs=args.runs, seed=1, uncertainty=d,
                                                                 runs_per_draw=m), args.repeat)
        summary = best(lambda r=results: dataclasses.replace(r).summary(), args.repeat)[1]  # a copy: no cache
        base = base or cpu
        print(f"{label:<16} {cells:>6} {wall:>9.2f} {cpu:>8.2f} {cpu / base:>10.2f} {summary:>16.3f}")
    if args.design_study:
        design_study(scenario, args.runs, args.design_study)
    if args.no_command:
        return
    with tempfile.TemporaryDirectory() as folder:
        command("stochastic", 10, Path(folder), args.scenario)  # warm the on-disk caches
        rows: dict[str, list[tuple[float, float]]] = {d: [] for d in DESIGNS}
        for _ in range(args.repeat):  # interleaved, so that a busy spell on the machine hits every design
            for design in DESIGNS:
                rows[design].append(command(design, args.runs, Path(folder), args.scenario))
    print(f"\n`totalpeace run {args.scenario} --runs {args.runs}` (fresh process, report included), seconds:")
    print(f"{'design':<12} {'wall best':>10} {'wall median':>12} {'cpu best':>9} {'cpu ratio':>10}")
    first = min(c for _, c in rows["stochastic"])
    for design, times in rows.items():
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        print(f"{design:<12} {min(walls):>10.2f} {statistics.median(walls):>12.2f} {min(cpus):>9.2f} "
              f"{min(cpus) / first:>10.2f}")


if __name__ == "__main__":
    main()
