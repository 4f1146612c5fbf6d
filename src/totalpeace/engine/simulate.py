"""`simulate`: run an ensemble of a scenario, all runs advanced together in batches."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from totalpeace.engine.compiled.layout import GROUP, NATIONAL, TERRITORY
from totalpeace.engine.compiled.runner import CompiledEngine
from totalpeace.engine.results import Results
from totalpeace.engine.schedule import build_schedule
from totalpeace.errors import InputError
from totalpeace.policy import policy_record
from totalpeace.scenario.fingerprint import scenario_sha256
from totalpeace.scenario.schema import Scenario
from totalpeace.talks import TableRecords, group_series
from totalpeace.world import build_world

DEFAULT_BATCH = 256
Progress = Callable[[int], None]


def _version() -> str:
    from totalpeace.codeversion import code_version

    return code_version()


def table_records(scenario: Scenario, world, engine: CompiledEngine, audit: np.ndarray,
                  package: np.ndarray) -> TableRecords:
    """The negotiation audit of the group slots that have a table (talks.TableRecords)."""
    from totalpeace.model.tables import layout as TL
    from totalpeace.model.tables.issues import TRACKS

    static, lo, hi, agenda = engine.tables_static[:4]
    slots = np.flatnonzero(static[:, TL.TB_START] >= 0)
    return TableRecords(
        groups=[world.group_ids[g] for g in slots], slots=slots,
        phase=audit[:, :, slots, TL.AU_PHASE].astype(np.int8), reason=audit[:, :, slots, TL.AU_REASON].astype(np.int8),
        audit=audit[:, :, slots].astype(np.float32), package=package[:, :, slots].astype(np.float32),
        track=[TRACKS[int(static[g, TL.TB_TRACK])] for g in slots], on_agenda=agenda[slots] > 0,
        opening=lo[slots], ceiling=hi[slots], engine=scenario.model.negotiation_engine)


def simulate(scenario: Scenario, runs: int = 200, seed: int = 1, months: int | None = None,
             first_run: int = 0, batch_size: int = DEFAULT_BATCH, progress: Progress | None = None) -> Results:
    """Run `runs` stochastic replications (run ids first_run .. first_run + runs - 1) for `months` months.

    Each run depends only on (scenario, parameters, seed, run id): batch size and order do not change its numbers.
    `progress` is called with the number of run-months just completed. The compiled engine computes every run on its
    own (engine/compiled/); batches only bound the memory of the state arrays.
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

    engine = CompiledEngine(world, schedule, params, scenario.model.negotiation_engine, scenario.model.contest_form,
                            scenario.policy.talks.mode == "phased", total_forces, months, scenario)
    batches = [engine.run(seed, run_ids[lo:lo + batch_size], progress) for lo in range(0, runs, batch_size)]
    national = np.concatenate([b.national for b in batches])
    groups = np.concatenate([b.groups for b in batches])
    territory_sum = sum(b.territory_sum for b in batches[1:]) + batches[0].territory_sum
    dominant = sum(b.dominant_count for b in batches[1:]) + batches[0].dominant_count
    zones = sum(b.zone_count for b in batches[1:]) + batches[0].zone_count
    tables = table_records(scenario, world, engine, np.concatenate([b.table_audit for b in batches]),
                           np.concatenate([b.table_package for b in batches]))
    return Results(
        scenario=scenario.name, scenario_sha256=scenario_sha256(scenario), version=_version(), seed=seed,
        run_ids=run_ids, start=scenario.start, months=months, group_ids=world.group_ids,
        group_names=world.group_names, territory_ids=world.territory_ids, territory_names=world.territory_names,
        neighbour_ids=world.neighbour_ids,
        national={k: national[:, :, i].copy() for i, k in enumerate(NATIONAL)},
        groups={**{k: groups[:, :, i, :].copy() for i, k in enumerate(GROUP)},
                **group_series(tables, world.n_groups)},
        neighbours=np.concatenate([b.neighbours for b in batches]),
        territories={k: territory_sum[:, i, :] / runs for i, k in enumerate(TERRITORY)},
        dominant_share=dominant / runs, zone_share=zones / runs, parents=world.parent,
        neighbour_rates=world.neighbour_rate, tables=tables,
        provenance={"negotiation_engine": scenario.model.negotiation_engine,
                    "contest_form": scenario.model.contest_form, "calibration": calibration,
                    "parameters": params},
        policy=policy_record(scenario),
    )
