"""Set the prior of the tables' base breakdown hazard from Walter's base rate, counting every way a table ends.

Why this script exists
----------------------
The tables' commitment hazard (docs/model.md 7.5) has a base rate h_0 that no study gives directly. Its anchor is
Walter (1999): about half of civil-war negotiations without third-party guarantees fail. Read as "about half of the
tables without guarantors break down within four years", h_0 was first set as if the hazard were the only way a
table ends, at a constant rate: 1 - exp(-48 h_0) = 1/2, h_0 = 0.0144 a month. But the hazard rises above h_0 with the
package's shortfall, with violence against the group and with shifts of power, and the state also ends tables after
attacks, on its belief that the group is a total spoiler, when a suspension lasts or costs too much politically, when
a zone buys nothing. Reading Walter's rate as h_0 makes tables fail more often than the rate says.

This script applies Walter's rate to everything that ends a table: on the flagship (`colombia-2022`, the project's
own pre-2022 data), at the registry defaults, with every guarantor's weight set to zero, it measures the share of the
insurgent and dissident tables that open and then break down, for any reason and before signing, within 48 months
of opening, over a grid of h_0; and it prints the h_0 at which that share is one half (the default) and at which it
is 35% and 65% (the prior's range, Walter's 9 of 17 with its sampling uncertainty). Where even the grid's smallest
h_0 ends more than 35% (the state's reactions to the major attacks the flagship draws, docs/model.md 7.4, and its
beliefs end tables without any hazard), the range starts at that smallest h_0. The historical scenarios the
calibration fits (Havana, the Caguán, the ELN's talks of 2017-2019) are not used.

Usage::

    python tools/hazard_prior.py [--runs N] [--seed S]
"""

from __future__ import annotations

import argparse

import numpy as np

import totalpeace
from totalpeace.engine.simulate import simulate
from totalpeace.model.tables.reasons import ENDING

SCENARIO = "colombia-2022"
HORIZON = 48  # months after opening
ENDINGS = {reason.name for reason in ENDING}  # the audit's reasons that end a table
REGISTRY = {"parameters.calibration": None}  # the registry defaults, not the flagship's calibrated parameters
GRID = (0.0002, 0.0005, 0.001, 0.002, 0.003, 0.004, 0.006, 0.008, 0.011, 0.015, 0.02, 0.03)


def without_guarantors() -> tuple[dict[str, float], list[str]]:
    """The overrides that zero every guarantor's weight, and the insurgent and dissident groups with a table."""
    scenario = totalpeace.load_scenario(SCENARIO, REGISTRY)
    zero = {f"international.{a}.guarantor_weight": 0.0 for a, actor in scenario.international.items()
            if actor.guarantor_for}
    tables = scenario.model_dump(mode="python")["policy"]["tables"]
    groups = [g for g, group in scenario.groups.items() if group.type in ("insurgent", "dissident") and g in tables]
    return zero, groups


def broken_share(h0: float, zero: dict[str, float], groups: list[str], runs: int,
                 seed: int) -> tuple[float, int, float]:
    """Share of the opened tables that end unsigned within HORIZON months of opening, how many opened, and the share
    of those ends that the hazard itself drew (`BROKE_DOWN`, against the state's decisions)."""
    scenario = totalpeace.load_scenario(SCENARIO, {**REGISTRY, **zero, "parameters.breakdown_hazard_base": h0})
    audit = simulate(scenario, runs=runs, seed=seed, months=HORIZON + 12).audit_frame()
    audit = audit[audit["table"].isin(groups)]
    broken, opened, by_hazard = 0, 0, 0
    for _, table in audit.groupby(["run", "table"], sort=False):
        reasons = table.sort_values("month")["reason"].tolist()
        if "OPENED" not in reasons:
            continue
        opened += 1
        start = reasons.index("OPENED")
        ends = [i for i, r in enumerate(reasons) if r in ENDINGS]
        signed = reasons.index("SIGNED") if "SIGNED" in reasons else None
        if ends and (signed is None or ends[0] < signed) and ends[0] - start <= HORIZON:
            broken += 1
            by_hazard += reasons[ends[0]] == "BROKE_DOWN"
    return (broken / opened if opened else float("nan")), opened, (by_hazard / broken if broken else float("nan"))


def crossing(h: np.ndarray, share: np.ndarray, level: float) -> float:
    """The h_0 (log-linear interpolation) at which the share reaches `level` (the share rises with h_0)."""
    return float(np.exp(np.interp(level, share, np.log(h))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    zero, groups = without_guarantors()
    print(f"{SCENARIO}, registry defaults, no guarantors; tables: {', '.join(groups)}; {args.runs} runs")
    print(f"{'h_0 (1/month)':>14s} {'opened':>7s} {'ended unsigned within 48 months':>32s} "
          f"{'of which by the hazard':>23s}")
    shares = []
    for h0 in GRID:
        share, opened, by_hazard = broken_share(h0, zero, groups, args.runs, args.seed)
        shares.append(share)
        print(f"{h0:14.4f} {opened:7d} {share:32.2f} {by_hazard:23.2f}")
    h, s = np.array(GRID), np.maximum.accumulate(np.array(shares))  # monotone for the interpolation
    low = (f"35% at {crossing(h, s, 0.35):.4f}" if s[0] <= 0.35 else
           f"35% not reached ({s[0]:.0%} at h_0 = {h[0]:.4f}, the range's start)")
    print(f"\nhalf within four years at h_0 = {crossing(h, s, 0.5):.4f}; {low}, 65% at {crossing(h, s, 0.65):.4f}")
    print("(the hazard alone would give 1 - exp(-48 h_0) = 1/2 at h_0 = 0.0144)")


if __name__ == "__main__":
    main()
