"""`simulate`: run an ensemble of a scenario, all runs advanced together in batches."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from totalpeace.engine.inputs import Options
from totalpeace.engine.records import GROUP, NATIONAL, TERRITORY, merge
from totalpeace.engine.results import Results
from totalpeace.engine.rng import COUNTER, Draws
from totalpeace.engine.runner import Engine
from totalpeace.engine.schedule import build_schedule
from totalpeace.errors import InputError
from totalpeace.model.values import AUDITS
from totalpeace.policy import policy_record
from totalpeace.scenario.fingerprint import scenario_sha256
from totalpeace.scenario.schema import Scenario
from totalpeace.world import build_world

DEFAULT_BATCH = 256
Progress = Callable[[int], None]


def _version() -> str:
    from totalpeace.codeversion import code_version

    return code_version()


def simulate(scenario: Scenario, runs: int = 200, seed: int = 1, months: int | None = None,
             first_run: int = 0, batch_size: int = DEFAULT_BATCH, progress: Progress | None = None) -> Results:
    """Run `runs` stochastic replications (run ids first_run .. first_run + runs - 1) for `months` months.

    Each run depends only on (scenario, parameters, seed, run id): batch size and order do not change its numbers.
    `progress` is called with the number of run-months just completed. Every run is computed on its own
    (engine/month.py); batches only bound the memory of the state arrays.
    """
    months = scenario.months if months is None else months
    if runs < 1:
        raise InputError(f"runs must be at least 1 (got {runs})")
    if months < 1 or months > 1200:
        raise InputError(f"months must be between 1 and 1200 (got {months})")
    if seed < 0 or seed >= 2**63:
        raise InputError(f"seed must be between 0 and 2^63 - 1 (got {seed})")
    engine = build_engine(scenario, months)
    run_ids = np.arange(first_run, first_run + runs, dtype=np.int64)
    out = merge([engine.run(seed, run_ids[lo:lo + batch_size], progress) for lo in range(0, runs, batch_size)])
    groups = {k: out[k] for k in GROUP}
    groups.update({k: out["audits"][:, :, i, :].copy() for i, k in enumerate(AUDITS)})
    params = scenario.parameters.model_dump()
    calibration = params.pop("calibration")
    world = engine.world
    return Results(
        scenario=scenario.name, scenario_sha256=scenario_sha256(scenario), version=_version(), seed=seed,
        run_ids=run_ids, start=scenario.start, months=months, group_ids=world.group_ids,
        group_names=world.group_names, territory_ids=world.territory_ids, territory_names=world.territory_names,
        neighbour_ids=world.neighbour_ids,
        national={k: out[k] for k in NATIONAL},
        groups=groups,
        neighbours=out["neighbour_index"],
        territories={k: out[k] / runs for k in TERRITORY},
        dominant_share=out["dominant_count"] / runs, zone_share=out["zone_count"] / runs, parents=world.parent,
        neighbour_rates=world.neighbour_rate, international_ids=list(world.international_ids),
        host_tolerance=out["host_tolerance"],
        provenance={"negotiation_engine": scenario.model.negotiation_engine,
                    "contest_form": scenario.model.contest_form, "calibration": calibration,
                    "parameters": params},
        policy=policy_record(scenario),
    )


def build_engine(scenario: Scenario, months: int, draws: Draws = COUNTER) -> Engine:
    """The scenario's world, schedule and parameters, ready to run for `months` months (`draws`: see engine/rng.py)."""
    world = build_world(scenario)
    params = scenario.parameters.model_dump()
    params.pop("calibration")
    options = Options(phased=scenario.policy.talks.mode == "phased",
                      bdm=scenario.model.negotiation_engine == "bdm",
                      difference=scenario.model.contest_form == "difference")
    return Engine(world, build_schedule(scenario, world, months), params, options,
                  float(scenario.security.military + scenario.security.police), months, draws,
                  float(scenario.security.budget or 0.0))
