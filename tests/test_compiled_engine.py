"""The compiled engine (engine/compiled/) against the vectorised reference engine (engine/step.py).

Both implement the same equations with the same counter-based draws, so they must follow the same path month by
month: every national and group record within rounding (relative 1e-9), over scenarios that exercise every branch
(zones, phased talks, the difference contest, the compromise engine, splits and DDR, unconditional repression) and
over random parameters inside their plausible ranges.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import totalpeace
from totalpeace.engine.compiled import layout
from totalpeace.engine.compiled.runner import CompiledEngine
from totalpeace.engine.schedule import build_schedule
from totalpeace.engine.step import Engine
from totalpeace.scenario.params import PARAMETERS
from totalpeace.world import build_world

RTOL = 1e-9

ZONE_VARIANT = """
extends = "colombia-2022"
name = "eln-zone"
[policy]
decriminalization = 0.5
[[policy.ceasefires]]
group = "eln"
start = "2022-10"
months = 24
zone = true
"""


def paths(scenario: totalpeace.Scenario, months: int, seed: int, runs: int) -> tuple[list[dict], object]:
    """Monthly records of the reference engine and the compiled engine's batch records for the same runs."""
    world = build_world(scenario)
    schedule = build_schedule(scenario, world, months)
    params = scenario.parameters.model_dump()
    params.pop("calibration")
    forces = float(scenario.security.military + scenario.security.police)
    phased = scenario.policy.talks.mode == "phased"
    run_ids = np.arange(runs, dtype=np.int64)
    reference = Engine(world, schedule, params, scenario.model.negotiation_engine, scenario.model.contest_form, seed,
                       run_ids, phased, forces)
    records = [reference.step(m) for m in range(months)]
    compiled = CompiledEngine(world, schedule, params, scenario.model.negotiation_engine, scenario.model.contest_form,
                              phased, forces, months).run(seed, run_ids)
    return records, compiled


def assert_same_path(records: list[dict], compiled) -> None:
    for m, rec in enumerate(records):
        for i, key in enumerate(layout.NATIONAL):
            np.testing.assert_allclose(compiled.national[:, m, i], rec[key], rtol=RTOL, atol=1e-9,
                                       err_msg=f"{key}, month {m}")
        for i, key in enumerate(layout.GROUP):
            np.testing.assert_allclose(compiled.groups[:, m, i, :], rec[key], rtol=RTOL, atol=1e-9,
                                       err_msg=f"{key}, month {m}")
        np.testing.assert_allclose(compiled.neighbours[:, m, :], rec["neighbour_index"], rtol=RTOL)
        for i, key in enumerate(layout.TERRITORY):
            np.testing.assert_allclose(compiled.territory_sum[m, i], rec[key].sum(axis=0), rtol=RTOL, atol=1e-9)
        actors = range(compiled.dominant_count.shape[2])
        leaders = np.stack([(rec["territory_dominant"] == a).sum(axis=0) for a in actors], axis=-1)
        np.testing.assert_array_equal(compiled.dominant_count[m], leaders)


@pytest.mark.parametrize("sets", [
    [],
    ["policy.talks.mode=phased", "model.contest_form=difference"],
    ["model.negotiation_engine=compromise", "security.repression=unconditional"],
    ["parameters.split_base=0.9", "parameters.acceptance_slope=40", "parameters.breakdown_hazard_base=0.001",
     "parameters.bdm_rounds_per_month=3", "parameters.bdm_status_quo_q=0.7", "parameters.contest_decisiveness=1.5"],
], ids=["flagship", "phased-difference", "compromise-unconditional", "signing-splits-ddr"])
def test_compiled_engine_follows_the_reference(sets):
    records, compiled = paths(totalpeace.load_scenario("colombia-2022", sets), months=30, seed=7, runs=5)
    assert_same_path(records, compiled)


def test_zone_splits_and_demobilisation_follow_the_reference(tmp_path: Path):
    path = tmp_path / "zone.toml"
    path.write_text(ZONE_VARIANT)
    sets = ["parameters.split_base=0.9", "parameters.acceptance_slope=40", "parameters.breakdown_hazard_base=0.001"]
    records, compiled = paths(totalpeace.load_scenario(str(path), sets), months=36, seed=3, runs=6)
    assert_same_path(records, compiled)
    phases = compiled.groups[:, -1, layout.GROUP.index("group_phase"), :]
    assert (phases >= 6).any(), "the case must reach implementation for the comparison to cover DDR"
    splinters = compiled.groups[:, -1, 0, -5:]
    assert splinters.sum() > 0, "the case must produce a split"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PARAMETERS), min_size=1, max_size=12, unique_by=lambda s: s.name).flatmap(
    lambda specs: st.fixed_dictionaries({s.name: st.floats(s.low, s.high, allow_nan=False) for s in specs})),
    st.integers(0, 2**31))
def test_compiled_engine_follows_the_reference_for_any_parameters(values, seed):
    sets = [f"parameters.{name}={value!r}" for name, value in values.items()]
    records, compiled = paths(totalpeace.load_scenario("colombia-2022", sets), months=10, seed=seed, runs=2)
    assert_same_path(records, compiled)
