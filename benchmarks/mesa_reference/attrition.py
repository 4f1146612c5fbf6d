"""What the state's attrition on each group is made of in one calendar year, read from the Mesa reference's agents.

    .venv/bin/python -m benchmarks.mesa_reference.attrition colombia-2012 --year 2014 --groups farc eln --runs 100 \
        --set parameters.calibration=colombia-patterns

The compiled engine records the removals per group and per territory, not the factors of the attrition rate
(docs/model.md 7.9) where each group's members are; the Mesa reference keeps every territory and group as an object,
so it can say them: each group's armed members in the country, support networks and members in sanctuary; the
operations against it (`ops_g`) and the state's effort per search area where its members are, both weighted by its
members; and the armed members removed and network members captured in the year. docs/validation.md 10.19 reads it.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import totalpeace
from totalpeace.scenario.dates import add_months

from .model import TotalPeaceModel


def year_months(start: str, months: int, year: int) -> list[int]:
    """The months of the run that fall in `year` (indices from the scenario's start)."""
    return [m for m in range(months) if add_months(start, m).startswith(f"{year}-")]


def attrition(scenario_name: str, overrides: list[str], year: int, groups: list[str], runs: int,
              seed: int = 1) -> dict[str, dict[str, float]]:
    """Per group, the year's means of its stocks and weighted factors, and its yearly removals (means over runs)."""
    scenario = totalpeace.load_scenario(scenario_name, overrides)
    months = year_months(scenario.start, scenario.months, year)
    if len(months) != 12:
        raise SystemExit(f"error: --year {year} is not a whole year of {scenario_name} (from {scenario.start}, "
                         f"{scenario.months} months)")
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for run in range(runs):
        model = TotalPeaceModel(scenario, months[-1] + 1, seed=seed, run=run)
        for month in range(months[-1] + 1):
            model.step()
            if month < months[0]:
                continue
            for group in model.group_list:
                if group.gid not in groups:
                    continue
                total = sums[group.gid]
                armed = sum(group.members.values())
                total["armed"] += armed
                total["networks"] += sum(group.support.values())
                total["sanctuary"] += group.sanctuary
                total["ops"] += group.ops * armed
                for territory in model.territory_list:  # removals and captures wherever they happened
                    total["effort_per_area"] += territory.search_density * group.members.get(territory.tid, 0.0)
                    total["removed"] += territory.losses_state.get(group.gid, 0.0)
                    total["captured"] += territory.captured_support.get(group.gid, 0.0)
    out = {}
    for gid in groups:
        total = sums[gid]
        member_months = max(total["armed"], 1e-12)
        everyone = total["armed"] + total["networks"] + total["sanctuary"]
        out[gid] = {
            "armed": total["armed"] / runs / 12, "networks": total["networks"] / runs / 12,
            "sanctuary": total["sanctuary"] / runs / 12, "ops": total["ops"] / member_months,
            "effort_per_area": total["effort_per_area"] / member_months,
            "removed": total["removed"] / runs, "captured": total["captured"] / runs,
            "removed_share_armed": total["removed"] * 12 / member_months,
            "removed_share_all": (total["removed"] + total["captured"]) * 12 / max(everyone, 1e-12),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--groups", nargs="+", required=True)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    result = attrition(args.scenario, args.overrides, args.year, args.groups, args.runs, args.seed)
    print(f"{args.scenario}, {args.year}, {args.runs} Mesa runs (means over the year; removals a year)")
    rows = (("armed members in the country", "armed", "{:,.0f}"), ("support networks", "networks", "{:,.0f}"),
            ("members in sanctuary", "sanctuary", "{:,.0f}"), ("operations ops_g, member-weighted", "ops", "{:.3f}"),
            ("state's effort per search area, member-weighted", "effort_per_area", "{:.1f}"),
            ("armed members removed", "removed", "{:,.0f}"), ("network members captured", "captured", "{:,.0f}"),
            ("removed / armed members", "removed_share_armed", "{:.1%}"),
            ("removed and captured / all members", "removed_share_all", "{:.1%}"))
    print(f"{'':50s}" + "".join(f"{gid:>14s}" for gid in args.groups))
    for label, key, form in rows:
        print(f"{label:50s}" + "".join(f"{form.format(result[gid][key]):>14s}" for gid in args.groups))


if __name__ == "__main__":
    main()
