"""`simulate`: run an ensemble of a scenario, all runs advanced together in batches."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from totalpeace.engine.results import TERRITORY_SERIES, Results
from totalpeace.engine.schedule import build_schedule
from totalpeace.engine.step import Engine
from totalpeace.errors import InputError
from totalpeace.scenario.fingerprint import scenario_sha256
from totalpeace.scenario.schema import Scenario
from totalpeace.world import build_world

DEFAULT_BATCH = 256
Progress = Callable[[int], None]


def _version() -> str:
    from totalpeace import __version__

    return __version__


def simulate(scenario: Scenario, runs: int = 200, seed: int = 1, months: int | None = None,
             first_run: int = 0, batch_size: int = DEFAULT_BATCH, progress: Progress | None = None) -> Results:
    """Run `runs` stochastic replications (run ids first_run .. first_run + runs - 1) for `months` months.

    Each run depends only on (scenario, parameters, seed, run id): batch size and order do not change its numbers.
    `progress` is called with the number of run-months just completed.
    """
    months = scenario.months if months is None else months
    if runs < 1:
        raise InputError(f"runs must be at least 1 (got {runs})")
    if months < 1 or months > 1200:
        raise InputError(f"months must be between 1 and 1200 (got {months})")
    if seed < 0 or seed >= 2**63:
        raise InputError(f"seed must be between 0 and 2^63 - 1 (got {seed})")
    world = build_world(scenario)
    schedule = build_schedule(scenario, world, months)
    params = scenario.parameters.model_dump()
    calibration = params.pop("calibration")
    total_forces = float(scenario.security.military + scenario.security.police)
    run_ids = np.arange(first_run, first_run + runs, dtype=np.int64)

    national: dict[str, list[np.ndarray]] = {}
    groups: dict[str, list[np.ndarray]] = {}
    neighbours: list[np.ndarray] = []
    territory_sum = {k: np.zeros((months, world.n_territories)) for k in TERRITORY_SERIES}
    dominant = np.zeros((months, world.n_territories, world.n_groups + 1))
    zones = np.zeros((months, world.n_territories, 5))
    for lo in range(0, runs, batch_size):
        batch = run_ids[lo:lo + batch_size]
        engine = Engine(world, schedule, params, scenario.model.negotiation_engine, scenario.model.contest_form,
                        seed, batch, scenario.policy.talks.mode == "phased", total_forces)
        records = []
        for month in range(months):
            records.append(engine.step(month))
            if progress is not None:
                progress(len(batch))
        for key in records[0]:
            if key.startswith("territory_"):
                if key in ("territory_dominant", "territory_zone"):
                    counts, offset = (dominant, 0) if key == "territory_dominant" else (zones, 1)
                    for m, rec in enumerate(records):
                        for a in range(counts.shape[2]):
                            counts[m, :, a] += (rec[key] == a + offset).sum(axis=0)
                else:
                    territory_sum[key] += np.stack([rec[key].sum(axis=0) for rec in records])
            elif key == "neighbour_index":
                neighbours.append(np.stack([rec[key] for rec in records], axis=1))
            elif key.startswith(("group_", "audit_")):
                groups.setdefault(key, []).append(np.stack([rec[key] for rec in records], axis=1))
            else:
                national.setdefault(key, []).append(np.stack([rec[key] for rec in records], axis=1))
    return Results(
        scenario=scenario.name, scenario_sha256=scenario_sha256(scenario), version=_version(), seed=seed,
        run_ids=run_ids, start=scenario.start, months=months, group_ids=world.group_ids,
        group_names=world.group_names, territory_ids=world.territory_ids, territory_names=world.territory_names,
        neighbour_ids=world.neighbour_ids,
        national={k: np.concatenate(v) for k, v in national.items()},
        groups={k: np.concatenate(v) for k, v in groups.items()},
        neighbours=np.concatenate(neighbours), territories={k: v / runs for k, v in territory_sum.items()},
        dominant_share=dominant / runs, zone_share=zones / runs, parents=world.parent,
        neighbour_rates=world.neighbour_rate,
        provenance={"negotiation_engine": scenario.model.negotiation_engine,
                    "contest_form": scenario.model.contest_form, "calibration": calibration,
                    "parameters": params},
    )
