"""Benchmarks: the batched engine against the Mesa reference on the same work; scaling in territories, groups, runs.

Run `python benchmarks/run.py` (or `make bench`); `--quick` for a smoke run. Every case runs in a fresh subprocess so
that its peak memory (ru_maxrss) is its own. Results are printed as a table with ratios and written as JSON to
benchmarks/results/ with a description of the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))


@dataclass
class Case:
    """One measurement: `runs` runs x `months` months of a world, on `workers` processes, with `engine`."""

    name: str
    engine: str  # "totalpeace" or "mesa"
    runs: int
    months: int
    territories: int = 0  # 0: the flagship colombia-2022
    groups: int = 0
    workers: int = 1
    repeat: int = 1
    scenario: str = ""  # a built-in scenario instead of the flagship or a synthetic world


def _scenario(case: Case, folder: Path):
    from totalpeace import load_scenario

    if case.scenario:
        return load_scenario(case.scenario)
    if case.territories == 0:
        return load_scenario("colombia-2022")
    from synthetic import write_world

    return load_scenario(write_world(folder, case.territories, case.groups))


def measure(case: Case) -> dict:
    """Time the case in this process (called in a subprocess); warm-up first so JIT compilation is not counted."""
    with tempfile.TemporaryDirectory() as tmp:
        scenario = _scenario(case, Path(tmp))
        if case.engine == "mesa":
            from mesa_reference.timing import time_mesa

            time_mesa(scenario, runs=1, months=2)
            seconds = min(time_mesa(scenario, runs=case.runs, months=case.months) for _ in range(case.repeat))
        else:
            from totalpeace.engine.parallel import simulate_parallel

            simulate_parallel(scenario, runs=min(case.runs, 4), seed=1, months=2, workers=1)
            times = []
            for _ in range(case.repeat):
                start = time.perf_counter()
                simulate_parallel(scenario, runs=case.runs, seed=1, months=case.months, workers=case.workers)
                times.append(time.perf_counter() - start)
            seconds = min(times)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mib": peak_kib / 1024.0,
            "runs_per_second": case.runs / seconds, "run_months_per_second": case.runs * case.months / seconds}


def run_case(case: Case, timeout: float) -> dict:
    """Measure a case in a fresh interpreter; returns the measurement or the error."""
    cmd = [sys.executable, __file__, "--case", json.dumps(asdict(case))]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict:
    """What the figures were measured on."""
    import numpy

    info = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "numpy": numpy.__version__}
    with contextlib.suppress(OSError, StopIteration):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu_model"] = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    try:
        import mesa

        info["mesa"] = mesa.__version__
    except ImportError:
        info["mesa"] = None
    return info


def plan(quick: bool) -> list[Case]:
    """The cases; `quick` shrinks them to a smoke test."""
    if quick:
        return [Case("flagship single run", "totalpeace", 1, 48, repeat=3),
                Case("flagship ensemble", "totalpeace", 50, 48),
                Case("flagship ensemble", "mesa", 5, 48),
                Case("synthetic 1,122 x 10", "totalpeace", 10, 12, 1122, 10),
                Case("municipal flagship ensemble", "totalpeace", 20, 48, scenario="colombia-2022-municipal")]
    cases = [
        Case("flagship single run", "totalpeace", 1, 48, repeat=5),
        Case("flagship single run", "mesa", 1, 48, repeat=3),
        Case("flagship ensemble", "totalpeace", 1000, 48),
        Case("flagship ensemble", "mesa", 20, 48),
        Case("flagship ensemble, 2 workers", "totalpeace", 1000, 48, workers=2),
    ]
    for territories in (1122, 10_000, 100_000):
        runs = {1122: 100, 10_000: 10, 100_000: 2}[territories]
        cases.append(Case(f"synthetic {territories:,} x 10", "totalpeace", runs, 12, territories, 10))
        if territories <= 10_000:
            cases.append(Case(f"synthetic {territories:,} x 10", "mesa", max(1, runs // 20), 12, territories, 10))
    cases.append(Case("synthetic 1,122 x 100", "totalpeace", 20, 12, 1122, 100))
    # issue 19's target: the 200-run, 48-month municipal ensemble within 60 s (1 and 2 workers)
    cases.append(Case("municipal flagship ensemble", "totalpeace", 200, 48, scenario="colombia-2022-municipal"))
    cases.append(Case("municipal flagship ensemble, 2 workers", "totalpeace", 200, 48, workers=2,
                      scenario="colombia-2022-municipal"))
    for runs in (10, 100, 1000):
        cases.append(Case(f"flagship {runs} runs x 12 months", "totalpeace", runs, 12))
    return cases


def ratios(results: list[dict]) -> list[dict]:
    """Run-months per second of the engine over Mesa's on the same world, and 2 workers over 1."""
    out = []
    by_key = {(r["name"].removesuffix(", 2 workers"), r["engine"], r["workers"]): r
              for r in results if "error" not in r}
    for (name, engine, workers), r in by_key.items():
        mesa = by_key.get((name, "mesa", 1))
        if engine == "totalpeace" and workers == 1 and mesa:
            out.append({"what": f"{name}: totalpeace / Mesa (run-months per second)",
                        "ratio": r["run_months_per_second"] / mesa["run_months_per_second"]})
        if engine == "totalpeace" and workers == 2:
            one = by_key.get((name, "totalpeace", 1))
            if one:
                out.append({"what": f"{name}: 2 workers / 1 worker (throughput)",
                            "ratio": r["run_months_per_second"] / one["run_months_per_second"]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small cases only (smoke test)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per case")
    parser.add_argument("--ratios", metavar="FILE", help="recompute and print the ratios of a saved results file")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(measure(Case(**json.loads(args.case)))))
        return
    if args.ratios:
        saved = json.loads(Path(args.ratios).read_text())
        saved["ratios"] = ratios(saved["cases"])
        Path(args.ratios).write_text(json.dumps(saved, indent=2))
        for item in saved["ratios"]:
            print(f"{item['what']}: {item['ratio']:.1f}x")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    results = []
    table = Table(title="totalpeace benchmarks")
    for col in ("case", "engine", "runs x months", "workers", "seconds", "runs/s", "run-months/s", "peak MiB"):
        table.add_column(col, justify="left" if col in ("case", "engine") else "right")
    for case in plan(args.quick):
        console.print(f"measuring {case.name} ({case.engine}, {case.runs} x {case.months}, {case.workers} worker(s))")
        measured = run_case(case, args.timeout)
        row = {**asdict(case), **measured}
        results.append(row)
        if "error" in measured:
            table.add_row(case.name, case.engine, f"{case.runs} x {case.months}", str(case.workers),
                          measured["error"], "", "", "")
            continue
        table.add_row(case.name, case.engine, f"{case.runs} x {case.months}", str(case.workers),
                      f"{measured['seconds']:.3f}", f"{measured['runs_per_second']:.1f}",
                      f"{measured['run_months_per_second']:,.0f}", f"{measured['peak_mib']:.0f}")
    console.print(table)
    summary = ratios(results)
    for item in summary:
        console.print(f"{item['what']}: {item['ratio']:.1f}x")
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = out_dir / f"bench-{'quick-' if args.quick else ''}{stamp}.json"
    path.write_text(json.dumps({"machine": machine(), "cases": results, "ratios": summary}, indent=2))
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
