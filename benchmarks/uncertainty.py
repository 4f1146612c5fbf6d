"""Benchmark: what the run plan (model forms x posterior draws x runs) costs against the single-point ensemble.

Measures, for the flagship's default 200 runs: the simulation alone under each design (`stochastic` is the single
point of earlier versions, one `simulate` call in chunks; `parameters` and `full` simulate one chunk per cell of
five runs), the split of the variance for the summary, and the whole `totalpeace run` command under each design
(a fresh process each time, so imports, the report and the files are counted; the engine's compiled kernels are
cached on disk by a warm-up run first). Run `python benchmarks/uncertainty.py [--runs 200] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DESIGNS = ("stochastic", "parameters", "full")


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def command(design: str, runs: int, out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from totalpeace.cli import main; main()", "run", "colombia-2022",
                    "--runs", str(runs), "--uncertainty", design, "--out", str(out / design)], check=True,
                   capture_output=True, cwd=ROOT)
    return time.perf_counter() - t0


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
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; the best time is kept")
    parser.add_argument("--no-command", action="store_true", help="skip timing the whole command")
    parser.add_argument("--design-study", type=int, default=0, metavar="SEEDS",
                        help="also compare runs per draw 2, 5 and 10: spread of the shares and interval ends over "
                             "SEEDS seeds (about 2 s per ensemble)")
    args = parser.parse_args()

    from totalpeace import load_scenario
    from totalpeace.uncertainty.ensemble import simulate_uncertain
    from totalpeace.uncertainty.plan import build_plan

    scenario = load_scenario("colombia-2022")
    simulate_uncertain(scenario, runs=10, seed=1, months=2)  # compile and load once
    plan = build_plan(scenario, args.runs, 1)
    print(plan.record()["text"])
    print(f"\n{'design':<12} {'cells':>6} {'simulate (s)':>13} {'ratio':>6} {'summary (s)':>12}")
    base = None
    for design in DESIGNS:
        cells = len(build_plan(scenario, args.runs, 1, design).cells) if design != "stochastic" else 0
        results = simulate_uncertain(scenario, runs=args.runs, seed=1, uncertainty=design)
        seconds = best(lambda d=design: simulate_uncertain(scenario, runs=args.runs, seed=1, uncertainty=d),
                       args.repeat)
        summary = best(results.summary, args.repeat)
        base = base or seconds
        print(f"{design:<12} {cells:>6} {seconds:>13.2f} {seconds / base:>6.2f} {summary:>12.3f}")
    if args.design_study:
        design_study(scenario, args.runs, args.design_study)
    if args.no_command:
        return
    with tempfile.TemporaryDirectory() as folder:
        command("stochastic", 10, Path(folder))  # warm the on-disk caches
        rows = {d: [] for d in DESIGNS}
        for _ in range(args.repeat):  # interleaved, so that a busy spell on the machine hits every design
            for design in DESIGNS:
                rows[design].append(command(design, args.runs, Path(folder)))
    print(f"\n`totalpeace run colombia-2022 --runs {args.runs}` (fresh process, report included), seconds:")
    print(f"{'design':<12} {'best':>6} {'median':>7} {'ratio (best)':>13}")
    first = min(rows["stochastic"])
    for design, times in rows.items():
        print(f"{design:<12} {min(times):>6.2f} {statistics.median(times):>7.2f} {min(times) / first:>13.2f}")


if __name__ == "__main__":
    main()
