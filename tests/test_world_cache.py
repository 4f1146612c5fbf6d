"""The world and schedule are built once per scenario and reused across parameter sets and model forms, which must
change no number: they never read `parameters` or `model`."""

from __future__ import annotations

import numpy as np

import totalpeace.engine.simulate as simulate_module
from totalpeace import load_scenario, simulate


def _per_run(results) -> dict[str, np.ndarray]:
    return {**results.national, **{f"group:{k}": v for k, v in results.groups.items()}}


def test_parameters_and_forms_share_the_world_and_nothing_else_does(monkeypatch):
    monkeypatch.setattr(simulate_module, "_BUILT", type(simulate_module._BUILT)())
    base = load_scenario("colombia-2022")
    drawn = base.model_copy(update={"parameters": base.parameters.model_copy(update={"recruitment_rate": 0.002}),
                                    "model": base.model.model_copy(update={"negotiation_engine": "bdm"})})
    world, schedule = simulate_module.world_and_schedule(base, 12)
    assert simulate_module.world_and_schedule(drawn, 12) == (world, schedule)  # the same objects: reused
    assert simulate_module.world_and_schedule(base, 13)[1] is not schedule  # another horizon
    other = load_scenario("colombia-2022", {"security.buy_in": 0.2})
    assert simulate_module.world_and_schedule(other, 12)[1] is not schedule  # another policy


def test_reused_worlds_give_the_numbers_of_fresh_ones(monkeypatch):
    base = load_scenario("colombia-2022")
    variants = [base.model_copy(update={"parameters": base.parameters.model_copy(update={"recruitment_rate": r})})
                for r in (0.0005, 0.002, 0.0005)]
    monkeypatch.setattr(simulate_module, "WORLDS_KEPT", 0)  # every engine from a fresh world
    fresh = [_per_run(simulate(v, runs=3, seed=2, months=14)) for v in variants]
    monkeypatch.setattr(simulate_module, "WORLDS_KEPT", 8)
    monkeypatch.setattr(simulate_module, "_BUILT", type(simulate_module._BUILT)())
    reused = [_per_run(simulate(v, runs=3, seed=2, months=14)) for v in variants]
    assert len(simulate_module._BUILT) == 1
    for a, b in zip(fresh, reused, strict=True):
        assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)
    assert not np.array_equal(fresh[0]["armed_group_members"], fresh[1]["armed_group_members"])  # draws matter
    assert all(np.array_equal(fresh[0][k], reused[2][k], equal_nan=True) for k in fresh[0])
