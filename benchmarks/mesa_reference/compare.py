"""Compare the Mesa reference model with the fast engine on one scenario, series by series.

    .venv/bin/python -m benchmarks.mesa_reference.compare colombia-2022 --mesa-runs 200 --fast-runs 1000 \
        --months 24 --set model.negotiation_engine=compromise

For every national series (and each group's members) at a few months it prints both means, their difference in
standard errors (z) and the two-sample Kolmogorov-Smirnov p-value, flagging |z| > 3 or p < 0.001.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.stats import ks_2samp

import totalpeace

from .model import SERIES, run_ensemble


def compare(scenario_name: str, overrides: list[str], mesa_runs: int, fast_runs: int, months: int,
            seed: int = 1) -> list[tuple[str, float, float, float, float]]:
    scenario = totalpeace.load_scenario(scenario_name, overrides)
    start = time.perf_counter()
    mesa = run_ensemble(scenario, mesa_runs, seed=seed, months=months)
    mesa_time = time.perf_counter() - start
    start = time.perf_counter()
    fast = totalpeace.simulate(scenario, runs=fast_runs, seed=seed, months=months)
    fast_time = time.perf_counter() - start
    print(f"Mesa: {mesa_time / mesa_runs * 1e3:.1f} ms per run; fast engine: {fast_time / fast_runs * 1e3:.2f} ms "
          f"per run ({months} months)")
    checks = sorted({0, 5, 11, 23, months - 1} & set(range(months)))
    rows = []

    def add(name: str, a: np.ndarray, b: np.ndarray) -> None:
        if np.allclose(a, b.mean(), rtol=1e-9, atol=1e-12) and np.allclose(b, b.mean(), rtol=1e-9, atol=1e-12):
            z, pv = 0.0, 1.0  # deterministic series (e.g. coca area): equal up to rounding
        else:
            se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
            z = 0.0 if se == 0 else (a.mean() - b.mean()) / se
            pv = ks_2samp(a, b).pvalue
        rows.append((name, float(a.mean()), float(b.mean()), float(z), float(pv)))

    if months >= 17:
        add("homicide_rate 2nd-13th month sum", mesa["homicide_rate"][:, 5:17].sum(1),
            fast.national["homicide_rate"][:, 5:17].sum(1))
    for key in SERIES:
        for m in checks:
            add(f"{key}[{m}]", mesa[key][:, m], fast.national[key][:, m])
    for g, gid in enumerate(mesa["group_ids"]):
        for m in checks:
            a, b = mesa["group_members"][:, m, g], fast.groups["group_members"][:, m, g]
            if a.any() or b.any():
                add(f"{gid}[{m}]", a, b)
    for name, a, b, z, pv in rows:
        flag = "  <--" if abs(z) > 3 or pv < 1e-3 else ""
        print(f"{name:42s} mesa {a:12.4f} fast {b:12.4f}  z {z:6.2f}  KS p {pv:6.3f}{flag}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="colombia-2022")
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--mesa-runs", type=int, default=200)
    parser.add_argument("--fast-runs", type=int, default=1000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    compare(args.scenario, args.overrides, args.mesa_runs, args.fast_runs, args.months, args.seed)


if __name__ == "__main__":
    main()
