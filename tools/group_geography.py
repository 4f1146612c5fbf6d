"""Where a scenario's armed members are as the months go by: the share of each group's members in a set of departments
(by default the former FARC departments of the pattern catalogue), at the start and at a later month, with any
mechanism switched off by `--set`.

Why this script exists
----------------------
`leaders-former-farc-areas` and `homicides-by-department` depend on where the model's groups hold ground and members
years after the start, not only on the rules that turn them into killings (docs/validation.md 10.18, 10.26, 10.63).
This script measures the groups' own geography: it advances the engine month by month (`Engine.start` and
`Engine.advance`, the code every run uses) and reports, per group, the share of its members in the departments of an
observation of the catalogue (patterns.csv), and with `--group` its members per department at a few months. Each
`--set` is a scenario override, so a knock-out (`--set parameters.movement_rate=0`) is measured on the same runs.

Usage::

    python tools/group_geography.py [--scenario colombia-2012] [--month 2019-06] [--runs 40] [--seed 1]
        [--set parameters.movement_rate=0 ...] [--group eln] [--observation former_farc_departments]

The historical scenarios run at the shipped calibration's point (`parameters.calibration=colombia-patterns`) unless a
`--set parameters.calibration=...` says otherwise.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from totalpeace.engine.simulate import build_engine
from totalpeace.errors import InputError
from totalpeace.scenario.dates import month_index
from totalpeace.scenario.loader import load_scenario
from totalpeace.scenario.schema import Scenario
from totalpeace.validation.patterns import load_observations


def shares(members: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Each group's share of its members (G, T) in the territories marked `inside` (T,); NaN for a group with none."""
    total = members.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, members[:, inside].sum(axis=1) / total, np.nan)


def geography(scenario: Scenario, month: str, runs: int, seed: int,
              observation: str) -> tuple[pd.DataFrame, dict[int, np.ndarray], pd.Series]:
    """Per group (and all groups): its members and their share in the observation's territories at the start and at
    `month` (mean over the runs); the members (G, T) at the start, after 12 and 36 months and at `month`; the
    territories' names by id."""
    later = month_index(scenario.start, month)
    if not 0 < later <= 1200:
        raise SystemExit(f"--month {month} must come after the scenario's start {scenario.start}")
    engine = build_engine(scenario, later + 1)
    world = engine.world
    inside = np.isin(world.territory_ids, sorted(load_observations()[observation].by_territory()))
    batch = engine.start(np.arange(runs, dtype=np.int64))
    snapshots = {0: engine.initial.members[0].copy()}
    done = 0
    for mark in sorted({m for m in (12, 36, later) if m <= later}):
        engine.advance(batch, seed, done, mark)
        done = mark
        snapshots[mark] = batch.state.members.mean(axis=0)
    start, end = snapshots[0], snapshots[later]
    table = pd.DataFrame({"members at the start": start.sum(axis=1), "share at the start": shares(start, inside),
                          f"members {month}": end.sum(axis=1), f"share {month}": shares(end, inside)},
                         index=world.group_ids)
    table.loc["all groups"] = [start.sum(), start[:, inside].sum() / start.sum(), end.sum(),
                               end[:, inside].sum() / end.sum()]
    return table, snapshots, pd.Series(world.territory_names, index=world.territory_ids, name="territory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="colombia-2012")
    parser.add_argument("--month", default="2019-06", help="the later month, YYYY-MM")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", dest="sets", action="append", default=[], help="scenario override (repeatable)")
    parser.add_argument("--group", help="also print this group's members per territory")
    parser.add_argument("--observation", default="former_farc_departments")
    args = parser.parse_args()

    try:
        scenario = load_scenario(args.scenario, ["parameters.calibration=colombia-patterns", *args.sets])
    except InputError as error:
        parser.error(str(error))
    if args.observation not in load_observations():
        parser.error(f"--observation: no observation {args.observation!r} in patterns.csv")
    table, snapshots, names = geography(scenario, args.month, args.runs, args.seed, args.observation)
    groups = list(table.index[:-1])  # the scenario's groups and the splinters the model may create
    if args.group is not None and args.group not in groups:
        parser.error(f"--group: no group {args.group!r} in {args.scenario} (its groups: {', '.join(groups)})")
    print(f"{args.scenario}, {args.runs} runs, seed {args.seed}, {' '.join(args.sets) or 'as shipped'}: share of each "
          f"group's members in {args.observation}")
    print(table.round(2).to_string())
    if args.group:
        g = groups.index(args.group)
        rows = pd.DataFrame({f"month {m}": members[g] for m, members in snapshots.items()}, index=names.index)
        rows.insert(0, "territory", names)
        print(f"\n{args.group}: members per territory (mean over runs)")
        print(rows.sort_values(rows.columns[-1], ascending=False).round(1).to_string())


if __name__ == "__main__":
    main()
