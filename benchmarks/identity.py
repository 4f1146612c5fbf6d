"""Digests of the engine's outputs, so that two versions of the code can be compared byte for byte.

A change made for speed must not change a single result: run `python benchmarks/identity.py --out before.json` on
the old code and `python benchmarks/identity.py --compare before.json` on the new. Each case is an ensemble (scenario,
seed, runs, months) computed with a given batch size, number of worker processes or threads; every per-run array
(national, group and neighbour series, the negotiation audit) and every run mean (territories, dominant and zone
shares) is hashed (SHA-256 of its bytes, dtype and shape). Within one version, the per-run digests of a case must
also be the same whatever its batch size, workers or threads (run means summed batch by batch, or merged from several
workers, may differ in the last bit: docs/performance.md); across versions, each case's means must be identical too,
and a case on threads must equal the same case on one thread in everything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

STRESS = str(HERE / "mesa_reference" / "scenarios" / "stress.toml")
# (label, scenario, overrides, seed, runs, months, batch size, worker processes, threads)
CASES = [
    ("flagship seed 1", "colombia-2022", [], 1, 50, 48, 256, 1, 1),
    ("flagship seed 1, batches of 7", "colombia-2022", [], 1, 50, 48, 7, 1, 1),
    ("flagship seed 1, 2 workers", "colombia-2022", [], 1, 50, 48, 0, 2, 1),
    ("flagship seed 1, 2 threads", "colombia-2022", [], 1, 50, 48, 256, 1, 2),
    ("flagship seed 1, 2 threads, batches of 7", "colombia-2022", [], 1, 50, 48, 7, 1, 2),
    ("flagship seed 7", "colombia-2022", [], 7, 50, 48, 256, 1, 1),
    ("flagship seed 123456789", "colombia-2022", [], 123456789, 50, 48, 256, 1, 1),
    ("flagship seed 7, batches of 1", "colombia-2022", [], 7, 50, 48, 1, 1, 1),
    ("flagship, difference contest, phased talks, compromise", "colombia-2022",
     ["model.contest_form=difference", "policy.talks.mode=phased", "model.negotiation_engine=compromise"],
     3, 40, 48, 256, 1, 1),
    ("flagship, no talks", "colombia-2022", ["policy.talks.mode=none"], 5, 40, 48, 256, 1, 1),
    ("stress variant (signs, splits, DDR, zones)", STRESS, [], 11, 40, 48, 256, 1, 1),
    ("stress variant, batches of 3", STRESS, [], 11, 40, 48, 3, 1, 1),
    ("stress variant (signs, splits, DDR, zones), 2 threads", STRESS, [], 11, 40, 48, 256, 1, 2),
    ("municipal", "colombia-2022-municipal", [], 2, 6, 24, 256, 1, 1),
    ("municipal, 2 threads", "colombia-2022-municipal", [], 2, 6, 24, 256, 1, 2),
]


def digest(array: np.ndarray) -> str:
    """SHA-256 of an array's bytes, dtype and shape."""
    a = np.ascontiguousarray(array)
    h = hashlib.sha256(f"{a.dtype.str}{a.shape}".encode())
    h.update(a.tobytes())
    return h.hexdigest()[:16]


def outputs(results) -> tuple[dict[str, str], dict[str, str]]:
    """Digests of the per-run arrays and of the run means of an ensemble's Results."""
    per_run = {f"national.{k}": digest(v) for k, v in results.national.items()}
    per_run.update({f"groups.{k}": digest(v) for k, v in results.groups.items()})
    per_run["neighbours"] = digest(results.neighbours)
    if results.host_tolerance is not None:
        per_run["host_tolerance"] = digest(results.host_tolerance)
    if results.tables is not None:
        for name in ("phase", "reason", "audit", "package"):
            per_run[f"tables.{name}"] = digest(getattr(results.tables, name))
    means = {f"territories.{k}": digest(v) for k, v in results.territories.items()}
    means["dominant_share"] = digest(results.dominant_share)
    means["zone_share"] = digest(results.zone_share)
    return per_run, means


def run_cases(selected: list[tuple]) -> dict[str, dict]:
    """Every case's digests."""
    from totalpeace import load_scenario
    from totalpeace.engine.parallel import simulate_parallel
    from totalpeace.engine.simulate import simulate

    out = {}
    for label, name, overrides, seed, runs, months, batch, workers, threads in selected:
        scenario = load_scenario(name, overrides)
        if workers > 1:
            results = simulate_parallel(scenario, runs=runs, seed=seed, months=months, workers=workers, chunk=17)
        elif threads > 1:
            results = simulate(scenario, runs=runs, seed=seed, months=months, batch_size=batch, threads=threads)
        else:
            results = simulate(scenario, runs=runs, seed=seed, months=months, batch_size=batch)
        per_run, means = outputs(results)
        out[label] = {"per_run": per_run, "means": means}
        print(f"{label}: {len(per_run)} per-run arrays, {len(means)} means, "
              f"homicides {digest(results.national['homicides'])}", flush=True)
    return out


def same_across_batching(found: dict[str, dict]) -> list[str]:
    """Cases of one ensemble computed with other batch sizes, workers or threads whose per-run digests differ."""
    problems = []
    groups: dict[tuple, list[str]] = {}
    for label, name, overrides, seed, runs, months, _batch, _workers, _threads in CASES:
        if label in found:
            groups.setdefault((name, tuple(overrides), seed, runs, months), []).append(label)
    for labels in groups.values():
        first = found[labels[0]]
        for other in labels[1:]:
            diff = [k for k, v in first["per_run"].items() if found[other]["per_run"].get(k) != v]
            if diff:
                problems.append(f"{other} differs from {labels[0]} in {', '.join(diff)}")
    return problems


def compare(before: dict[str, dict], now: dict[str, dict]) -> list[str]:
    """Every digest of `now` that differs from `before` (case and array)."""
    problems = []
    for label, parts in now.items():
        # threads share a batch's runs: everything, the sums over runs included, is the one-thread case's
        reference = before.get(label, before.get(label.replace(", 2 threads", "")))
        if reference is None:
            problems.append(f"{label}: not in the reference file")
            continue
        for kind in ("per_run", "means"):
            for key, value in parts[kind].items():
                if reference[kind].get(key) != value:
                    problems.append(f"{label}: {key} differs")
            missing = set(reference[kind]) - set(parts[kind])
            problems.extend(f"{label}: {key} missing" for key in sorted(missing))
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write the digests to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare with the digests in this JSON file")
    parser.add_argument("--only", help="run only the cases whose label contains this text")
    args = parser.parse_args()
    selected = [c for c in CASES if not args.only or args.only in c[0]]
    found = run_cases(selected)
    problems = same_across_batching(found)
    if args.out:
        args.out.write_text(json.dumps(found, indent=1, sort_keys=True))
        print(f"wrote {args.out}")
    if args.compare:
        problems += compare(json.loads(args.compare.read_text()), found)
    for line in problems:
        print(f"DIFFERENT: {line}")
    if args.compare or problems:
        print("identical" if not problems else f"{len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
