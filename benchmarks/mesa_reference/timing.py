"""Time a Mesa reference ensemble: N runs x M months, one model instance per run (set-up included).

    from mesa_reference.timing import time_mesa, time_mesa_ensemble   # with benchmarks/ on sys.path
    time_mesa(scenario, runs=20, months=24)                           # seconds
    time_mesa_ensemble("colombia-2022", runs=20, months=24)
    # {'runs': 20, 'months': 24, 'seconds': 4.6, 'seconds_per_run': 0.23, 'seconds_per_run_month': 0.0096}
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import totalpeace
from totalpeace.scenario.schema import Scenario

from .model import run_ensemble


def time_mesa(scenario: Scenario | str, runs: int, months: int, seed: int = 1) -> float:
    """Seconds to run `runs` Mesa models of `scenario` for `months` months (building each model included)."""
    return time_mesa_ensemble(scenario, runs, months, seed)["seconds"]


def time_mesa_ensemble(scenario: Scenario | str = "colombia-2022", runs: int = 20, months: int = 24, seed: int = 1,
                       overrides: Sequence[str] = ()) -> dict[str, float]:
    """Wall-clock time of `run_ensemble(scenario, runs, seed, months)`; a scenario name is loaded with `overrides`."""
    if isinstance(scenario, str):
        scenario = totalpeace.load_scenario(scenario, list(overrides))
    start = time.perf_counter()
    run_ensemble(scenario, runs, seed=seed, months=months)
    seconds = time.perf_counter() - start
    return {"runs": runs, "months": months, "seconds": seconds, "seconds_per_run": seconds / runs,
            "seconds_per_run_month": seconds / (runs * months)}


if __name__ == "__main__":
    print(time_mesa_ensemble())
