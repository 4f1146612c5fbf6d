"""Extreme but valid inputs that tests/test_invariants.py does not cover yet: the whole flagship country without
any armed group, every table opening and signing as early as the model allows, and every lever at its extreme at
once. Each must run without NaN or negative quantities (the invariants of test_invariants.check_results)."""

from __future__ import annotations

import numpy as np
import pytest
from test_invariants import EAGER, FLAGSHIP, check_results

import totalpeace
from totalpeace.scenario.references import check_references


def test_the_whole_country_without_any_armed_group() -> None:
    data = totalpeace.load_scenario(FLAGSHIP).model_dump(mode="python")
    data["groups"] = {}
    data["policy"].update(tables={}, ceasefires=[], concessions=[], events=[])
    data["policy"]["talks"]["order"] = []
    for actor in data["international"].values():
        actor.update({key: [] for key, value in actor.items() if isinstance(value, list)})
    scenario = totalpeace.Scenario.model_validate(data)
    assert check_references(scenario, data) == []  # a valid scenario, not a broken one
    res = totalpeace.simulate(scenario, runs=3, seed=5, months=14)
    check_results(res, 3, 14)
    assert np.all(res.national["armed_group_members"] == 0.0) and np.all(res.national["groups_in_talks"] == 0.0)
    np.testing.assert_allclose(res.national["state_control_share"], 1.0)


@pytest.mark.parametrize("mode", ["simultaneous", "phased"])
def test_every_table_opens_in_the_first_month_with_every_lever_at_its_extreme(mode: str) -> None:
    base = totalpeace.load_scenario(FLAGSHIP)
    changes = {**EAGER, "parameters.breakdown_hazard_base": 0.0, "policy.talks.mode": mode,
               "policy.decriminalization": 1.0, "policy.substitution": 1.0, "security.buy_in": 1.0,
               "international.venezuela.host_tolerance": 1.0,
               **{f"policy.tables.{g}.start": base.start for g in base.policy.tables}}
    scenario = totalpeace.load_scenario(FLAGSHIP, changes)
    months = 20
    res = totalpeace.simulate(scenario, runs=3, seed=9, months=months)
    check_results(res, 3, months)
    signed = res.national["agreements_signed"]
    # every table opens in month 0; one month of exploration, then one agenda issue a month: no table can sign before
    # month 1 + (issues on the shortest agenda)
    earliest = 1 + int(res.tables.on_agenda.sum(axis=1).min())
    assert np.all(signed[:, :earliest] == 0.0)
    assert np.all(signed[:, -1] >= (2.0 if mode == "simultaneous" else 1.0))
    members = res.national["armed_group_members"]
    assert np.all(members[:, -1] < members[:, 0])  # DDR after signature
    for name in ("group_members", "group_armed"):
        assert np.all(res.groups[name] >= 0.0)
