"""Benchmarks: the batched engine against the Mesa reference on the same work; scaling in territories, groups, runs;
and the performance targets (docs/performance.md), each with its figure, its ratio and whether it is met.

Run `python benchmarks/run.py` (or `make bench`); `--quick` for a smoke run, `--calibration` to time the calibration
example as well (about half an hour). Every case runs in a fresh subprocess so that its peak memory (ru_maxrss) is its
own; "two independent processes" runs the same case twice at once, for what the machine gives two processes beside
what two workers give. Results are printed as tables (cases, ratios, targets) and written as JSON to
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
    threads: int = 1  # threads sharing each batch's runs in one process
    copies: int = 1  # independent processes running the case at the same time (wall time: the slowest)


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
        elif case.engine == "calibration":
            seconds = time_calibration(Path(tmp))
        elif case.engine == "command":
            seconds = time_command(case, Path(tmp))
        else:
            from totalpeace.engine.parallel import simulate_parallel

            simulate_parallel(scenario, runs=min(case.runs, 4), seed=1, months=2, workers=1, threads=case.threads)
            times = []
            for _ in range(case.repeat):
                start = time.perf_counter()
                simulate_parallel(scenario, runs=case.runs, seed=1, months=case.months, workers=case.workers,
                                  threads=case.threads)
                times.append(time.perf_counter() - start)
            seconds = min(times)
    who = resource.RUSAGE_CHILDREN if case.engine in ("command", "calibration") else resource.RUSAGE_SELF
    peak_kib = resource.getrusage(who).ru_maxrss
    return {"seconds": seconds, "peak_mib": peak_kib / 1024.0,
            "runs_per_second": case.runs / seconds, "run_months_per_second": case.runs * case.months / seconds}


def time_calibration(folder: Path) -> float:
    """Wall-clock seconds of `totalpeace calibrate examples/calibration.toml --workers 2` into a fresh store."""
    cmd = [str(Path(sys.executable).with_name("totalpeace")), "calibrate", str(HERE.parent / "examples" /
           "calibration.toml"), "--workers", "2", "--store", str(folder / "store")]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_command(case: Case, folder: Path) -> float:
    """Wall-clock seconds of `totalpeace run colombia-2022 --runs N [--workers K]` as a user types it: the default
    run plan (cells of two runs, each its own parameter draw), its files (summary.json, Parquet, CSV, plan.csv) and
    report.html, with the interpreter's start and imports; the compiled model is already in the cache."""
    cmd = [str(Path(sys.executable).with_name("totalpeace")), "run", case.scenario or "colombia-2022", "--runs",
           str(case.runs), "--months", str(case.months), "--workers", str(case.workers), "--out", str(folder / "run")]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_case(case: Case, timeout: float) -> dict:
    """Measure a case in a fresh interpreter (`copies` of them at once); returns the measurement or the error."""
    single = {**asdict(case), "copies": 1}
    cmd = [sys.executable, __file__, "--case", json.dumps(single)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(case.copies)]
    found = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for other in procs:
                other.kill()
            return {"error": f"timed out after {timeout:.0f} s"}
        if proc.returncode != 0:
            return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"}
        found.append(json.loads(out.strip().splitlines()[-1]))
    if case.copies == 1:
        return found[0]
    # the copies started together: their work is done when the slowest is (each timed after its own warm-up)
    seconds = max(f["seconds"] for f in found)
    return {"seconds": seconds, "peak_mib": max(f["peak_mib"] for f in found),
            "runs_per_second": case.copies * case.runs / seconds,
            "run_months_per_second": case.copies * case.runs * case.months / seconds}


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


def plan(quick: bool, calibration: bool = False) -> list[Case]:
    """The cases; `quick` shrinks them to a smoke test; `calibration` adds the calibration example."""
    if quick:
        return [Case("flagship single run", "totalpeace", 1, 48, repeat=3),
                Case("flagship ensemble", "totalpeace", 50, 48),
                Case("flagship ensemble", "mesa", 5, 48),
                Case("flagship ensemble, 2 workers", "totalpeace", 50, 48, workers=2),
                Case("flagship ensemble, 2 threads", "totalpeace", 50, 48, threads=2),
                Case("flagship ensemble, two independent processes", "totalpeace", 50, 48, copies=2),
                Case("synthetic 1,122 x 10", "totalpeace", 10, 12, 1122, 10),
                Case("municipal flagship ensemble", "totalpeace", 20, 48, scenario="colombia-2022-municipal"),
                Case("totalpeace run colombia-2022 (default plan, files, report)", "command", 20, 48)]
    cases = [
        Case("flagship single run", "totalpeace", 1, 48, repeat=5),
        Case("flagship single run", "mesa", 1, 48, repeat=3),
        Case("flagship ensemble", "totalpeace", 1000, 48),
        Case("flagship ensemble", "mesa", 20, 48),
        Case("flagship ensemble, 2 workers", "totalpeace", 1000, 48, workers=2),
        Case("flagship ensemble, 2 threads", "totalpeace", 1000, 48, threads=2),
        Case("flagship ensemble, two independent processes", "totalpeace", 1000, 48, copies=2),
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
    cases.append(Case("municipal flagship ensemble, 2 threads", "totalpeace", 200, 48, threads=2,
                      scenario="colombia-2022-municipal"))
    for runs in (10, 100, 1000):
        cases.append(Case(f"flagship {runs} runs x 12 months", "totalpeace", runs, 12))
    # what a user waits for: the command line's default run, files and report included (not a target of issue 20)
    cases.append(Case("totalpeace run colombia-2022 (default plan, files, report)", "command", 200, 48))
    cases.append(Case("totalpeace run colombia-2022 (default plan, files, report), 2 workers", "command", 1000, 48,
                      workers=2))
    if calibration:
        cases.append(Case("calibration example, 2 workers", "calibration", 0, 0, workers=2))
    return cases


SUFFIXES = (", 2 workers", ", 2 threads", ", two independent processes")


def _base(name: str) -> str:
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _found(results: list[dict], name: str, engine: str = "totalpeace") -> dict | None:
    return next((r for r in results if r["name"] == name and r["engine"] == engine and "error" not in r), None)


def ratios(results: list[dict]) -> list[dict]:
    """Run-months per second of the engine over Mesa's on the same world; 2 workers, 2 threads and two independent
    processes over one process."""
    out = []
    for r in results:
        if "error" in r or r["engine"] != "totalpeace":
            continue
        name = _base(r["name"])
        mesa = _found(results, name, "mesa")
        if r["name"] == name and mesa:
            out.append({"what": f"{name}: totalpeace / Mesa (run-months per second)",
                        "ratio": r["run_months_per_second"] / mesa["run_months_per_second"]})
        one = _found(results, name)
        if r["name"] != name and one:
            out.append({"what": f"{r['name']} / 1 process (throughput)",
                        "ratio": r["run_months_per_second"] / one["run_months_per_second"]})
    return out


def targets(results: list[dict]) -> list[dict]:
    """The issue's performance targets: each with its figure, the ratio of figure to target (or of the measured
    speed-up to the one asked) and whether it is met; `None` where the case was not measured."""
    sizes = {"flagship": (1000, 48), "municipal": (200, 48), "calibration": (0, 0)}

    def measured(name: str, engine: str) -> dict | None:
        r = _found(results, name, engine)
        if r is None or engine == "mesa":  # Mesa's ensemble is smaller: only its speed per run-month counts
            return r
        return r if (r["runs"], r["months"]) == sizes[name.split()[0]] else None  # not a target's size (--quick)

    def seconds(name: str, engine: str = "totalpeace") -> float | None:
        r = measured(name, engine)
        return None if r is None else r["seconds"]

    def speed(name: str, engine: str = "totalpeace") -> float | None:
        r = measured(name, engine)
        return None if r is None else r["run_months_per_second"]

    def best(*values: float | None) -> float | None:
        found = [v for v in values if v is not None]
        return min(found) if found else None

    def row(what: str, figure: float | None, limit: float, unit: str, higher: bool = False, note: str = "") -> dict:
        if figure is None:
            return {"target": what, "figure": None, "unit": unit, "ratio": None, "met": None, "note": note}
        ratio = figure / limit
        return {"target": what, "figure": figure, "unit": unit, "ratio": ratio,
                "met": ratio >= 1.0 if higher else ratio <= 1.0, "note": note}

    flagship = "flagship ensemble"
    one, two_workers, two_threads = seconds(flagship), seconds(f"{flagship}, 2 workers"), \
        seconds(f"{flagship}, 2 threads")
    mesa = speed(flagship, "mesa")
    municipal = "municipal flagship ensemble"
    pair = speed(f"{flagship}, two independent processes")
    return [
        row("flagship 1,000 runs x 48 months with both cores <= 1 s", best(two_workers, two_threads), 1.0, "s",
            note=f"2 workers {_fmt(two_workers)} s, 2 threads {_fmt(two_threads)} s"),
        row("flagship 1,000 runs x 48 months on one core <= 2 s", one, 2.0, "s"),
        row("the model issues' limit: flagship 1,000 runs x 48 months with both cores <= 5 s",
            best(two_workers, two_threads), 5.0, "s",
            note=f"2 workers {_fmt(two_workers)} s, 2 threads {_fmt(two_threads)} s; one core {_fmt(one)} s"),
        row("flagship >= 300x the Mesa reference per run-month (one core each)",
            None if one is None or mesa is None else speed(flagship) / mesa, 300.0, "x", higher=True,
            note=f"{_found(results, flagship, 'mesa')['runs']} Mesa runs" if mesa else ""),
        row("municipal flagship 200 runs x 48 months <= 20 s",
            best(seconds(municipal), seconds(f"{municipal}, 2 workers"), seconds(f"{municipal}, 2 threads")), 20.0,
            "s", note=f"1 process {_fmt(seconds(municipal))} s, 2 workers "
            f"{_fmt(seconds(f'{municipal}, 2 workers'))} s, 2 threads {_fmt(seconds(f'{municipal}, 2 threads'))} s"),
        row("calibration example <= 15 min", None if seconds("calibration example, 2 workers", "calibration") is None
            else seconds("calibration example, 2 workers", "calibration") / 60.0, 15.0, "min",
            note="" if _found(results, "calibration example, 2 workers", "calibration") else "not measured: "
            "run with --calibration"),
        row("two workers >= 1.8x one (flagship)", None if one is None or two_workers is None else one / two_workers,
            1.8, "x", higher=True,
            note="the machine: two independent processes give "
            f"{_fmt(None if pair is None or one is None else pair / speed(flagship), 2)}x one; two threads "
            f"{_fmt(None if two_threads is None or one is None else one / two_threads, 2)}x"),
    ]


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small cases only (smoke test)")
    parser.add_argument("--calibration", action="store_true", help="also time the calibration example (~30 min)")
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
        saved["targets"] = targets(saved["cases"])
        Path(args.ratios).write_text(json.dumps(saved, indent=2))
        for item in saved["ratios"]:
            print(f"{item['what']}: {item['ratio']:.2f}x")
        for item in saved["targets"]:
            print(f"{item['target']}: {_fmt(item['figure'])} {item['unit']}, ratio {_fmt(item['ratio'])}, "
                  f"met {item['met']} {item['note']}")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    results = []
    table = Table(title="totalpeace benchmarks")
    for col in ("case", "engine", "runs x months", "processes x threads", "seconds", "runs/s", "run-months/s",
                "peak MiB"):
        table.add_column(col, justify="left" if col in ("case", "engine") else "right")
    timeout = max(args.timeout, 3600.0) if args.calibration else args.timeout
    for case in plan(args.quick, args.calibration):
        console.print(f"measuring {case.name} ({case.engine}, {case.runs} x {case.months}, "
                      f"{case.workers * case.copies} process(es) x {case.threads} thread(s))")
        measured = run_case(case, timeout)
        row = {**asdict(case), **measured}
        results.append(row)
        shape = f"{case.workers * case.copies} x {case.threads}"
        if "error" in measured:
            table.add_row(case.name, case.engine, f"{case.runs} x {case.months}", shape, measured["error"], "", "",
                          "")
            continue
        table.add_row(case.name, case.engine, f"{case.runs} x {case.months}", shape,
                      f"{measured['seconds']:.3f}", f"{measured['runs_per_second']:.1f}",
                      f"{measured['run_months_per_second']:,.0f}", f"{measured['peak_mib']:.0f}")
    console.print(table)
    summary = ratios(results)
    for item in summary:
        console.print(f"{item['what']}: {item['ratio']:.2f}x")
    goals = targets(results)
    board = Table(title="targets (docs/performance.md)")
    for col in ("target", "figure", "ratio to target", "met", "note"):
        board.add_column(col, justify="right" if col in ("figure", "ratio to target") else "left")
    for item in goals:
        met = "not measured" if item["met"] is None else ("met" if item["met"] else "NOT met")
        figure = "-" if item["figure"] is None else f"{item['figure']:.2f} {item['unit']}"
        board.add_row(item["target"], figure, _fmt(item["ratio"]), met, item["note"])
    console.print(board)
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = out_dir / f"bench-{'quick-' if args.quick else ''}{stamp}.json"
    path.write_text(json.dumps({"machine": machine(), "cases": results, "ratios": summary, "targets": goals},
                               indent=2))
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
