"""Checks of the negotiation tables against history (all before August 2022): the share of runs that reproduce each.

* Havana 2012-2016 (colombia-2012): the FARC sign after about four years (36-60 months after the table opens) and the
  agreement is ratified, if need be after a veto player rejects the first text (the October 2016 plebiscite) and a
  revised one is put to another (Congress).
* The ELN talks 2017-2019 (colombia-2012): the table opened in February 2017 is neither signed nor ended before the
  January 2019 car bomb and is ended by the state within three months of it (the attack is a scenario event; the end
  follows from the state's suspension rule and beliefs). Also reported: suspended after the January 2018 attacks.
* The Caguán 1999-2002 (colombia-1998): the FARC table opened in January 1999 next to a demilitarised zone is never
  signed and breaks down after about three years (between July 2001 and June 2002).

Run `python -m totalpeace.validation.history --runs 500` for the figures of docs/validation.md; the test suite runs a
small version.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from totalpeace.model.tables.issues import Phase
from totalpeace.model.tables.reasons import Reason
from totalpeace.scenario.dates import month_index

SIGNED = (int(Phase.FINAL_AGREEMENT), int(Phase.IMPLEMENTATION), int(Phase.DEMOBILIZED))
BARGAINING_OR_SUSPENDED = (int(Phase.EXPLORATION), int(Phase.FORMAL_TALKS), int(Phase.PARTIAL_AGREEMENTS),
                           int(Phase.SUSPENDED))
ENDED_BY_STATE = (int(Reason.ENDED_SPOILER), int(Reason.ENDED_SUSPENSION), int(Reason.ENDED_DEADLINE),
                  int(Reason.ENDED_POLITICS))


@dataclass(frozen=True)
class Check:
    """One history: the scenario and months it needs, and the criteria (one boolean per run each)."""

    name: str
    scenario: str
    months: int
    criteria: Callable[[object], dict[str, np.ndarray]]


def _table(results, gid: str) -> tuple[np.ndarray, np.ndarray]:
    records = results.tables
    t = records.index(gid)
    return records.phase[:, :, t].astype(int), records.reason[:, :, t].astype(int)


def _first(mask: np.ndarray) -> np.ndarray:
    """First month where mask holds, per run (-1 if never)."""
    return np.where(mask.any(axis=1), np.argmax(mask, axis=1), -1)


def havana(results) -> dict[str, np.ndarray]:
    phase, reason = _table(results, "farc")
    opened = _first(reason == Reason.OPENED)
    signed = _first(np.isin(phase, SIGNED))
    months = signed - opened
    rejected = (reason == Reason.RATIFICATION_REJECTED).any(axis=1)
    ratified = (reason == Reason.RATIFIED).any(axis=1)
    window = (signed >= 0) & (months >= 36) & (months <= 60)
    return {"signed 36-60 months after opening": window,
            "ratified": ratified,
            "first text rejected, a revised one ratified": rejected & ratified,
            "reproduced (signed in the window and ratified)": window & ratified}


def eln_2017(results) -> dict[str, np.ndarray]:
    phase, reason = _table(results, "eln")
    bomb = month_index(results.start, "2019-01")
    attacks_2018 = month_index(results.start, "2018-01")
    open_before = np.isin(phase[:, bomb - 1], BARGAINING_OR_SUSPENDED)
    window = slice(bomb, min(bomb + 3, phase.shape[1]))
    ended_after = np.isin(reason[:, window], ENDED_BY_STATE).any(axis=1)
    broken_after = (phase[:, window] == Phase.BROKEN_DOWN).any(axis=1)
    suspended_2018 = (reason[:, attacks_2018:attacks_2018 + 3] == Reason.SUSPENDED_ATTACK).any(axis=1)
    return {"open (not signed, not ended) when the January 2019 bomb went off": open_before,
            "suspended after the January 2018 attacks": suspended_2018,
            "ended by the state within three months of the bomb": open_before & ended_after,
            "reproduced (open until the bomb, broken down within three months)": open_before & broken_after}


def caguan(results) -> dict[str, np.ndarray]:
    phase, _ = _table(results, "farc")
    start, end = month_index(results.start, "2001-07"), month_index(results.start, "2002-06")
    never_signed = ~np.isin(phase[:, : end + 1], SIGNED).any(axis=1)
    broke = _first(phase == Phase.BROKEN_DOWN)
    in_window = (broke >= start) & (broke <= end)
    return {"never signed": never_signed,
            "broke down between 2001-07 and 2002-06": in_window,
            "broke down before 2001-07": (broke >= 0) & (broke < start),
            "reproduced (never signed, broke down after about three years)": never_signed & in_window}


CHECKS = (Check("Havana 2012-2016", "colombia-2012", 72, havana),
          Check("ELN talks 2017-2019", "colombia-2012", 80, eln_2017),
          Check("Caguán 1999-2002", "colombia-1998", 44, caguan))


def shares(check: Check, runs: int, seed: int = 1, overrides: list[str] | None = None) -> dict[str, float]:
    """Simulate the check's scenario and return the share of runs meeting each criterion."""
    from totalpeace.engine.simulate import simulate
    from totalpeace.scenario.loader import load_scenario

    results = simulate(load_scenario(check.scenario, overrides or []), runs=runs, seed=seed, months=check.months)
    return {label: float(np.mean(flags)) for label, flags in check.criteria(results).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description="Share of runs that reproduce each negotiation history.")
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], help="dotted.path=value override (repeatable)")
    args = parser.parse_args()
    for check in CHECKS:
        print(f"{check.name} ({check.scenario}, {args.runs} runs, seed {args.seed})")
        for label, share in shares(check, args.runs, args.seed, args.set).items():
            print(f"  {share:6.1%}  {label}")


if __name__ == "__main__":
    main()
