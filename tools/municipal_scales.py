"""Carry the outcome rates that scale with the competition index from the departments to the municipalities.

Why this script exists
----------------------
Three outcome rules read the competition index Q_i of a territory (docs/model.md 7.10): the social leaders killed where
armed groups compete, `(1 - S_i) Rur_i/1e5 lambda_Q Q_i`, the massacres, `m armed killings_i Q_i`, and the persons
confined, `c A_i Q_i Rur_i/Pop_i`. Their rates are measured on the department scenarios (tools/outcome_scales.py), but
Q_i depends on the map: a department sums municipalities that different groups hold, so it is contested where most of
its municipalities are held by one group or none. On the same start, the same members and the same rural population,
the municipal flagship therefore kills about half the social leaders of the department flagship in its first month and
three quarters of its massacres, and confines more (its armed members sit in rural municipalities, where the whole
population is rural, instead of at their department's rural share).

A rate is a property of the rule at the resolution it was measured at, so the municipal flagship carries each one
over by the ratio of the two flagships' counts in their first month, where both start from the same state (the same
groups, members, control by department and observed homicides): lambda_municipal = lambda x count_department /
count_municipal. Later months are left out, since the two resolutions' dynamics differ (the state removes members
faster at municipal scale, docs/scenarios.md 5.5) and a rate should not absorb them. The leaders' vacuum term is
switched off for the ratio (it is about zero at the start and has its own rate). Massacres are drawn (Poisson, half
a massacre a month nationally), so their ratio needs many runs: 4,000 by default put its noise near 3%; the
leaders' and confinement's are expected values and settle within a few runs. The ratios are assumed constant over
the flagship's four years.

Usage::

    python tools/municipal_scales.py [--runs N] [--seed S]

It prints the values `colombia-2022-municipal.toml` sets in `[parameters]` (tests/test_municipal.py keeps them equal).
"""

from __future__ import annotations

import argparse

import totalpeace
from totalpeace.engine.simulate import simulate

DEPARTMENTS, MUNICIPALITIES = "colombia-2022", "colombia-2022-municipal"
# the rate that scales each carried count
CARRIED = {"social_leader_killings": "leader_competition_rate", "massacres": "massacre_rate",
           "confined": "confinement_rate"}


def first_month_means(name: str, runs: int, seed: int) -> dict[str, float]:
    """The national counts of the first month, mean over the runs, with the rates of the department flagship (the
    municipal one inherits them) and the leaders' vacuum term off."""
    overrides = ["parameters.vacuum_violence_rate=0"]
    if name == MUNICIPALITIES:  # measure at the department flagship's rates, whatever the municipal file sets
        department = totalpeace.load_scenario(DEPARTMENTS).parameters
        overrides += [f"parameters.{rate}={getattr(department, rate)!r}" for rate in CARRIED.values()]
    results = simulate(totalpeace.load_scenario(name, overrides), runs=runs, seed=seed, months=1)
    return {metric: float(results.national[metric][:, 0].mean()) for metric in CARRIED}


def municipal_rates(runs: int = 4000, seed: int = 1) -> dict[str, tuple[float, float, float]]:
    """For each carried rate: (the department flagship's value, the first month's count ratio, the municipal
    value)."""
    department = totalpeace.load_scenario(DEPARTMENTS).parameters
    dep, mun = first_month_means(DEPARTMENTS, runs, seed), first_month_means(MUNICIPALITIES, runs, seed)
    out = {}
    for metric, rate in CARRIED.items():
        ratio = dep[metric] / mun[metric]
        out[rate] = (getattr(department, rate), ratio, getattr(department, rate) * ratio)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rates = municipal_rates(args.runs, args.seed)
    print(f"{'rate':26s} {'departments':>12s} {'count ratio':>12s} {'municipalities':>15s}")
    for name, (value, ratio, carried) in rates.items():
        print(f"{name:26s} {value:12.4g} {ratio:12.3f} {carried:15.4g}")


if __name__ == "__main__":
    main()
