"""Where an ensemble of the engine spends its time, per compiled function of the model (its kernels) and per runtime
cost (reference counting and allocation of arrays, the maths library, page faults), as shares of the samples.

Run `python benchmarks/profile_kernels.py [--runs 1000] [--months 48] [--threads 1] [--scenario colombia-2022]`
on Linux with `perf` (linux-perf-tools). Sampling profilers for Python (py-spy, pyinstrument) see only the one call
into compiled code; `perf` samples the machine code itself, and this script names it: the profiled process compiles
the model afresh (into a temporary numba cache, about a minute of CPU) so that it knows the address of every compiled
function, writes them to /tmp/perf-PID.map (the file `perf` reads for code generated at run time), then runs the
ensemble while `perf record` samples it. Functions that numba inlined into their caller count as the caller
(the monthly step `engine.month.step_run` holds the many small ones).

`--callers` also names the compiled functions that call the reference counting (NRT_incref / NRT_decref): those
two are leaf functions that do not touch the stack, so the first word of the stack at a sample in them is the return
address into their caller. `perf` keeps a few bytes of the user stack with every sample (`--call-graph dwarf`), and
its raw dump (`perf report -D`) has them; no unwinding through compiled code is needed.
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

REFCOUNT = ("NRT_incref", "NRT_decref")
ALLOCATION = ("malloc", "_int_malloc", "_int_free", "cfree", "free", "unlink_chunk", "NRT_MemInfo_alloc_aligned",
              "NRT_MemInfo_call_dtor", "NRT_dealloc", "NRT_Free", "NRT_Allocate", "NRT_MemInfo_new",
              "NRT_MemInfo_init", "nrt_internal_dtor_safe", "malloc_consolidate", "__memset", "tcache")
MATHS = ("exp", "log", "cos", "sin", "pow", "sqrt", "log1p", "expm1", "numba_exp", "numba_log")


def _target(scenario: str, runs: int, months: int, threads: int) -> None:
    """The profiled process: compile, write the perf map, wait for 'go', run the ensemble, say 'done'."""
    import gc

    import numpy as np
    from numba.core.registry import CPUDispatcher

    import totalpeace
    from totalpeace.engine.simulate import build_engine

    engine = build_engine(totalpeace.load_scenario(scenario), months)
    options = {"threads": threads} if threads > 1 else {}
    engine.run(1, np.arange(2), **options)  # compiles every kernel the ensemble uses
    symbols = {}
    for obj in gc.get_objects():
        if isinstance(obj, CPUDispatcher):
            for result in obj.overloads.values():
                library = result.library
                module = getattr(library, "_final_module", None)
                if module is None:
                    continue
                for fn in module.functions:
                    if not fn.is_declaration:
                        address = library.get_pointer_to_function(fn.name)
                        if address:
                            symbols[address] = fn.name
    addresses = sorted(symbols)
    with open(f"/tmp/perf-{os.getpid()}.map", "w") as out:
        for i, address in enumerate(addresses):
            size = addresses[i + 1] - address if i + 1 < len(addresses) else 4096
            out.write(f"{address:x} {min(size, 1 << 22):x} {symbols[address]}\n")
    print("ready", len(addresses), flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    engine.run(1, np.arange(runs), **options)
    print(f"done {time.perf_counter() - start:.3f}", flush=True)
    sys.stdin.readline()


def kernel_name(symbol: str) -> str:
    """`totalpeace.model.strength.movement` from numba's mangled name (the nested name of the Itanium ABI)."""
    if symbol.startswith("_ZN"):
        parts, rest = [], symbol[3:]
        while rest and rest[0].isdigit():
            digits = re.match(r"\d+", rest).group()
            n = int(digits)
            parts.append(rest[len(digits):len(digits) + n])
            rest = rest[len(digits) + n:]
        if parts:
            return ".".join(parts[1:] if parts[0] == "totalpeace" else parts)
    return symbol


def category(symbol: str, kernel_space: bool) -> str:
    """The group a sampled symbol counts in."""
    if kernel_space:
        return "operating system (page faults of new arrays, scheduling)"
    if any(symbol.startswith(name) for name in REFCOUNT):
        return "reference counting of arrays (NRT_incref / NRT_decref)"
    if any(symbol.startswith(name) for name in ALLOCATION):
        return "allocating and freeing arrays (malloc, free, NRT)"
    bare = symbol.split("@")[0].lstrip("_").removeprefix("ieee754_").removesuffix("_fma").removesuffix("_finite")
    if bare in MATHS:
        return "maths library (exp, log, cos, pow)"
    if symbol.startswith("_ZN"):
        return kernel_name(symbol)
    if symbol.startswith(("_Py", "Py", "gc_", "visit_", "dict_", "list_", "tuple")):
        return "Python interpreter"
    return "other"


def _read_map(path: Path) -> tuple[list[int], list[tuple[int, int, str]]]:
    """The perf map's functions, sorted by address (for looking up return addresses)."""
    rows = []
    for line in path.read_text().splitlines():
        address, size, name = line.split(" ", 2)
        rows.append((int(address, 16), int(size, 16), name))
    rows.sort()
    return [row[0] for row in rows], rows


def _function_at(address: int, starts: list[int], rows: list[tuple[int, int, str]]) -> str | None:
    i = bisect.bisect_right(starts, address) - 1
    if i >= 0 and address < rows[i][0] + rows[i][1]:
        return rows[i][2]
    return None


def refcount_callers(data: Path, perf_map: Path) -> dict[str, float]:
    """Shares of all samples spent in NRT_incref / NRT_decref on behalf of each compiled function: the return
    address is the first word of the user stack that perf kept with the sample (see the module's docstring)."""
    starts, rows = _read_map(perf_map)
    dump = subprocess.run(["perf", "report", "-D", "-i", str(data)], capture_output=True, text=True).stdout
    shares: dict[str, float] = defaultdict(float)
    total, raw, ip, offset = 0, bytearray(), None, None

    def flush() -> None:
        nonlocal total
        if ip is None or offset is None or not raw:
            return
        total += 1
        leaf = _function_at(ip, starts, rows)
        if leaf is None or not leaf.startswith(REFCOUNT):
            return
        size = int.from_bytes(raw[offset:offset + 8], "little")
        for k in range(min(size, 64) // 8):
            caller = _function_at(int.from_bytes(raw[offset + 8 + 8 * k:offset + 16 + 8 * k], "little"), starts, rows)
            if caller is not None and not caller.startswith(("NRT_", "nrt_")):
                shares[f"{leaf.split('@')[0]} from {kernel_name(caller)}"] += 1
                return

    in_raw = False
    for line in dump.splitlines():
        if "raw event: size" in line:
            flush()
            raw, ip, offset, in_raw = bytearray(), None, None, True
            continue
        if in_raw:
            found = re.match(r"\.\s+[0-9a-f]{4}:\s+((?:[0-9a-f]{2} )+)", line)
            if found:
                raw.extend(int(x, 16) for x in found.group(1).split())
                continue
            in_raw = False
        found = re.search(r"PERF_RECORD_SAMPLE.*?: (0x[0-9a-f]+) period", line)
        if found:
            ip = int(found.group(1), 16)
        found = re.search(r"ustack: size \d+, offset (0x[0-9a-f]+)", line)
        if found:
            offset = int(found.group(1), 16)
    flush()
    return {name: 100.0 * n / max(total, 1) for name, n in shares.items()}


def profile(scenario: str, runs: int, months: int, threads: int, frequency: int,
            callers: bool = False) -> tuple[dict[str, float], float, dict[str, float]]:
    """Shares of the samples by category, the ensemble's seconds and (with `callers`) the reference counting's shares
    by calling function."""
    if shutil.which("perf") is None:
        sys.exit("perf is not installed (Debian: apt-get install linux-perf)")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NUMBA_CACHE_DIR": str(Path(tmp) / "numba")}
        child = subprocess.Popen([sys.executable, __file__, "--target", scenario, str(runs), str(months),
                                  str(threads)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        line = child.stdout.readline()
        if not line.startswith("ready"):
            child.kill()
            sys.exit("the profiled process failed to start")
        data = Path(tmp) / "perf.data"
        stack = ["--call-graph", "dwarf,64"] if callers else []
        recorder = subprocess.Popen(["perf", "record", "-F", str(frequency), *stack, "-p", str(child.pid), "-o",
                                     str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        child.stdin.write("go\n")
        child.stdin.flush()
        seconds = float(child.stdout.readline().split()[1])
        recorder.send_signal(signal.SIGINT)
        recorder.wait()
        report = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "--sort", "sym", "-g", "none",
                                 "--stdio"], capture_output=True, text=True, check=True).stdout
        by_caller = refcount_callers(data, Path(f"/tmp/perf-{child.pid}.map")) if callers else {}
        child.stdin.write("exit\n")
        child.stdin.flush()
        child.wait()
        Path(f"/tmp/perf-{child.pid}.map").unlink(missing_ok=True)
    shares: dict[str, float] = defaultdict(float)
    for row in report.splitlines():
        found = re.match(r"\s*([\d.]+)%\s+\[([.k])\]\s+(\S+)", row)
        if found:
            shares[category(found.group(3), found.group(2) == "k")] += float(found.group(1))
    return dict(shares), seconds, by_caller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="colombia-2022")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--frequency", type=int, default=999, help="samples per second")
    parser.add_argument("--top", type=int, default=25, help="rows printed")
    parser.add_argument("--callers", action="store_true", help="also the reference counting by calling function")
    parser.add_argument("--target", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.target:
        _target(args.target[0], int(args.target[1]), int(args.target[2]), int(args.target[3]))
        return
    shares, seconds, by_caller = profile(args.scenario, args.runs, args.months, args.threads, args.frequency,
                                         args.callers)
    per_run_month = seconds / (args.runs * args.months) * 1e6
    print(f"{args.scenario}, {args.runs} runs x {args.months} months, {args.threads} thread(s): {seconds:.2f} s, "
          f"{per_run_month:.1f} us per run-month")
    print(f"{'where':70s} {'share':>7s} {'us / run-month':>15s}")
    for name, share in sorted(shares.items(), key=lambda item: -item[1])[:args.top]:
        print(f"{name[:70]:70s} {share:6.1f}% {share / 100 * per_run_month * args.threads:15.2f}")
    if by_caller:
        print(f"\nreference counting by calling function ({sum(by_caller.values()):.1f}% of the samples attributed)")
        for name, share in sorted(by_caller.items(), key=lambda item: -item[1])[:args.top]:
            print(f"{name[:70]:70s} {share:6.1f}% {share / 100 * per_run_month * args.threads:15.2f}")


if __name__ == "__main__":
    main()
