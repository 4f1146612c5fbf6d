"""`simulate`: run an ensemble of a scenario, all runs advanced together in batches."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from totalpeace.engine import records as records_
from totalpeace.engine.inputs import Options
from totalpeace.engine.records import GROUP, NATIONAL, TERRITORY
from totalpeace.engine.results import Results
from totalpeace.engine.rng import COUNTER, Draws
from totalpeace.engine.runner import Engine
from totalpeace.engine.schedule import Schedule, build_schedule
from totalpeace.errors import InputError
from totalpeace.model.choices import CHOICE_NAMES
from totalpeace.model.params import params_record
from totalpeace.model.tables import layout as TL
from totalpeace.model.tables.agenda import Agenda, build_agenda
from totalpeace.model.tables.issues import ENGINES, TRACKS
from totalpeace.policy import policy_record
from totalpeace.scenario.fingerprint import scenario_sha256
from totalpeace.scenario.schema import Scenario
from totalpeace.talks import TableRecords, group_series
from totalpeace.world import World, build_world

DEFAULT_BATCH = 256
WORLDS_KEPT = 8  # scenarios (and horizons) whose world and schedule a process keeps for its next ensembles
_BUILT: OrderedDict[tuple[bytes, int], tuple[World, Schedule]] = OrderedDict()
_BUILT_LOCK = threading.Lock()
Progress = Callable[[int], None]


def _version() -> str:
    from totalpeace.codeversion import code_version

    return code_version()


def table_records(scenario: Scenario, world, tables: Agenda, audit: np.ndarray, package: np.ndarray) -> TableRecords:
    """The negotiation audit of the group slots that have a table (talks.TableRecords): audit (R, M, B, N_AU) and
    package (R, M, B, K) as the engine records them, for the slots `tables.slots`."""
    slots = tables.slots
    return TableRecords(
        groups=[world.group_ids[g] for g in slots], slots=slots,
        phase=audit[:, :, :, TL.AU_PHASE].astype(np.int8), reason=audit[:, :, :, TL.AU_REASON].astype(np.int8),
        audit=audit.astype(np.float32, copy=False), package=package.astype(np.float32, copy=False),
        track=[TRACKS[int(tables.static[g, TL.TB_TRACK])] for g in slots], on_agenda=tables.agenda[slots] > 0,
        opening=tables.lo[slots], ceiling=tables.hi[slots], engine=scenario.model.negotiation_engine,
        deadline=[_deadline_label(scenario, world.group_ids[g]) for g in slots])


def _deadline_label(scenario: Scenario, gid: str) -> str:
    """The deadline of the group's table as the scenario set it ("" for a group without a table: a splinter's)."""
    table = scenario.policy.tables.get(gid)
    return table.deadline_label() if table is not None else ""


def simulate(scenario: Scenario, runs: int = 200, seed: int = 1, months: int | None = None,
             first_run: int = 0, batch_size: int = DEFAULT_BATCH, progress: Progress | None = None,
             threads: int = 1, fingerprint: bool = True) -> Results:
    """Run `runs` stochastic replications (run ids first_run .. first_run + runs - 1) for `months` months.

    Each run depends only on (scenario, parameters, seed, run id): batch size, order and the number of `threads`
    that share a batch's runs do not change its numbers. `progress` is called with the number of run-months just
    completed. Every run is computed on its own (engine/month.py); batches only bound the memory of the state arrays.
    `fingerprint=False` leaves `scenario_sha256` empty, for a caller that records another scenario's (a run plan's
    cells are one scenario drawn many times: hashing each cell's would cost as much as building its engine).
    """
    months = scenario.months if months is None else months
    check(runs, months, seed)
    engine = build_engine(scenario, months)
    run_ids = np.arange(first_run, first_run + runs, dtype=np.int64)
    ensemble = records_.allocate(runs, months, engine.sizes)
    out = records_.collect(ensemble, [
        engine.run(seed, run_ids[lo:lo + batch_size], progress, records_.rows(ensemble, lo, lo + batch_size), threads)
        for lo in range(0, runs, batch_size)])
    return assemble(scenario, engine, seed, run_ids, out, run_means(out, runs), fingerprint)


def check(runs: int, months: int, seed: int) -> None:
    """Refuse an ensemble the engine cannot run (InputError)."""
    if runs < 1:
        raise InputError(f"runs must be at least 1 (got {runs})")
    if months < 1 or months > 1200:
        raise InputError(f"months must be between 1 and 1200 (got {months})")
    if seed < 0 or seed >= 2**63:
        raise InputError(f"seed must be between 0 and 2^63 - 1 (got {seed})")


def run_means(out: dict[str, np.ndarray], runs: int) -> dict:
    """The run means of an ensemble's collected records (`records_.collect`) of `runs` runs: territory series,
    dominant and zone shares, as `assemble` takes them."""
    return {"territories": {k: out[k] / runs for k in TERRITORY}, "dominant_share": out["dominant_count"] / runs,
            "zone_share": out["zone_count"] / runs}


def assemble(scenario: Scenario, engine: Engine, seed: int, run_ids: np.ndarray, out: dict[str, np.ndarray],
             means: dict, fingerprint: bool = True) -> Results:
    """The Results of runs `run_ids` from their collected records `out` and their run means (`run_means`, or the
    merge of several chunks' means: engine/parallel.py)."""
    months = engine.months
    world = engine.world
    tables = table_records(scenario, world, engine.tables, out["table_audit"], out["table_package"])
    groups = {**{k: out[k] for k in GROUP}, **group_series(tables, world.n_groups)}
    groups.update({f"choice_{k}": out["choices"][:, :, :, i].copy() for i, k in enumerate(CHOICE_NAMES)})
    params = scenario.parameters.model_dump()
    calibration = params.pop("calibration")
    return Results(
        scenario=scenario.name, scenario_sha256=scenario_sha256(scenario) if fingerprint else "",
        version=_version(), seed=seed,
        run_ids=run_ids, start=scenario.start, months=months, group_ids=world.group_ids,
        group_names=world.group_names, territory_ids=world.territory_ids, territory_names=world.territory_names,
        neighbour_ids=world.neighbour_ids,
        national={k: out[k] for k in NATIONAL},
        groups=groups,
        neighbours=out["neighbour_index"],
        territories=means["territories"], dominant_share=means["dominant_share"], zone_share=means["zone_share"],
        parents=world.parent,
        neighbour_rates=world.neighbour_rate, tables=tables, international_ids=list(world.international_ids),
        host_tolerance=out["host_tolerance"],
        provenance={"negotiation_engine": scenario.model.negotiation_engine,
                    "contest_form": scenario.model.contest_form, "calibration": calibration,
                    "parameters": params},
        policy=policy_record(scenario),
    )


def world_and_schedule(scenario: Scenario, months: int) -> tuple[World, Schedule]:
    """The scenario's world and its levers' schedule over `months` months, built once per process and reused for
    every parameter set and model form of the same scenario: neither reads `parameters` or `model`, and a run
    plan's cells, calibration particles and `validate`'s runs simulate one scenario under hundreds of parameter sets
    (the world alone is about 3 ms, a sixth of a two-run cell). The key is the rest of the scenario, byte for byte;
    the engine never writes into either."""
    rest = scenario.model_dump(mode="python", exclude={"parameters", "model"})
    key = (hashlib.blake2b(pickle.dumps(rest, protocol=5), digest_size=16).digest(), months)
    with _BUILT_LOCK:
        found = _BUILT.get(key)
        if found is not None:
            _BUILT.move_to_end(key)
            return found
    world = build_world(scenario)
    built = (world, build_schedule(scenario, world, months))
    with _BUILT_LOCK:
        _BUILT[key] = built
        while len(_BUILT) > WORLDS_KEPT:
            _BUILT.popitem(last=False)
    return built


def build_engine(scenario: Scenario, months: int, draws: Draws = COUNTER) -> Engine:
    """The scenario's world, schedule and parameters, ready to run for `months` months (`draws`: see engine/rng.py)."""
    world, schedule = world_and_schedule(scenario, months)
    params = scenario.parameters.model_dump()
    params.pop("calibration")
    options = Options(phased=scenario.policy.talks.mode == "phased",
                      negotiation_engine=ENGINES.index(scenario.model.negotiation_engine),
                      difference=scenario.model.contest_form == "difference")
    tables = build_agenda(scenario, world.group_ids, world.table_start, params_record(params))
    return Engine(world, schedule, params, options, months, tables, draws,
                  float(scenario.security.budget or 0.0))
