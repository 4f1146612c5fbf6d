"""Ordinary crime falls back toward the nation's rate (docs/model.md 7.10, `crime_reversion`): the arithmetic of the
pull, its run in the engine, and the values the shipped registry and scenarios take from tools/crime_drift.py."""

from __future__ import annotations

import numpy as np
import pytest
from support import load_tool

import totalpeace
from totalpeace.engine.rng import central
from totalpeace.engine.simulate import build_engine
from totalpeace.model import violence
from totalpeace.model.params import default_params
from totalpeace.scenario.params import BY_NAME


def test_a_year_of_the_pull_closes_the_yearly_share_of_the_gap():
    """Known answer without shocks: twelve monthly steps from the counted level close `crime_reversion` of the log gap
    (1 - (1 - kappa)^12 = crime_reversion), whatever the gap's sign; the national walk (no pull) and a territory at the
    nation's rate do not move."""
    p = default_params(crime_reversion=0.04)
    pull = violence.crime_pull(p)
    assert pull == pytest.approx(1.0 - 0.96 ** (1.0 / 12.0))
    for gap in (0.8, -0.5):
        z = 0.0
        for _ in range(12):
            z = violence.crime_drift(z, 0.0, p.regional_crime_drift_sd, gap, pull)
        assert z == pytest.approx(-p.crime_reversion * gap)
        assert np.sign(z) == -np.sign(gap)  # above the nation's rate it falls, below it rises
    assert violence.crime_drift(0.2, 0.0, 0.03, 0.0, 0.0) == 0.2
    assert violence.crime_drift(0.0, 0.0, 0.03, 0.0, pull) == 0.0
    assert violence.crime_drift(0.0, 1.0, 0.03, 0.5, pull) == pytest.approx(0.03 - pull * 0.5)


def test_the_gap_is_the_log_rate_above_the_nations():
    assert violence.crime_gap(20.0, 1e5, 10.0 / 1e5) == pytest.approx(np.log(2.0))
    assert violence.crime_gap(5.0, 1e5, 10.0 / 1e5) == pytest.approx(-np.log(2.0))
    assert violence.crime_gap(10.0, 1e5, 10.0 / 1e5) == 0.0
    assert violence.crime_gap(0.0, 1e5, 10.0 / 1e5) == 0.0  # no ordinary crime: nothing to pull
    assert violence.crime_gap(3.0, 0.0, 10.0 / 1e5) == 0.0


def test_the_engine_pulls_each_territory_toward_the_nations_rate_from_the_second_month():
    """At the central draws (no shocks) the first month holds the counted level and every later month closes the
    monthly share of each territory's gap, computed from its ordinary crime at the start and its people; with
    `crime_reversion` 0 the drifts stay at 0 and so do the homicides of a model without the pull."""
    months = 13
    flagship = totalpeace.load_scenario("colombia-2022")
    engine = build_engine(flagship, months, draws=central(0.3))
    batch = engine.start(np.arange(1))
    engine.advance(batch, 1, 0, 1)
    assert not batch.state.regional_drift.any()  # the first month: the counted year's level
    engine.advance(batch, 1, 1, months)
    base, people = batch.state.hom_base[0], engine.world.population
    gap = np.where(base > 0, np.log(np.where(base > 0, base, 1.0) / people) - np.log(base.sum() / people.sum()), 0.0)
    assert np.abs(gap).max() > 0.5  # the flagship's departments differ from the nation's rate
    np.testing.assert_allclose(batch.state.crime_gap[0], gap, rtol=1e-12)  # fixed in the first month
    expected = -gap * (1.0 - (1.0 - flagship.parameters.crime_reversion) ** ((months - 1) / 12.0))
    np.testing.assert_allclose(batch.state.regional_drift[0], expected, rtol=1e-9, atol=1e-12)
    assert expected[np.argmax(gap)] < 0 < expected[np.argmin(gap)]
    held = totalpeace.load_scenario("colombia-2022", ["parameters.crime_reversion=0"])
    still = build_engine(held, months, draws=central(0.3))
    still_batch = still.start(np.arange(1))
    still.advance(still_batch, 1, 0, months)
    assert not still_batch.state.regional_drift.any()
    pulled = build_engine(flagship, months).run(7, np.arange(3))
    unpulled = build_engine(held, months).run(7, np.arange(3))
    np.testing.assert_array_equal(pulled.homicides[:, 0], unpulled.homicides[:, 0])
    assert not np.array_equal(pulled.homicides[:, 1:], unpulled.homicides[:, 1:])
    np.testing.assert_array_equal(pulled.armed_group_members, unpulled.armed_group_members)  # only crime moves


def test_the_registry_and_the_municipal_flagship_take_the_tools_estimates():
    """The registry's pull and drift are the tool's estimates on the departments (the drift net of the pull), the
    municipal flagship's on the municipalities; the estimate is the same on the years known before any scored year
    (2003-2012); pulled toward the nation's rate, the departments' counts one and two years ahead are closer to the
    Police's than the last count carried forward (the check on the data alone)."""
    tool = load_tool("crime_drift")
    counts, people = tool.department_counts(), tool.by_department(tool.municipal_population())
    pull = tool.reversion(counts.loc[2008:], people)
    assert BY_NAME["crime_reversion"].default == pytest.approx(pull, abs=0.0005)
    assert tool.reversion(counts.loc[2003:2012], people) == pytest.approx(pull, abs=0.002)
    assert BY_NAME["crime_reversion"].low == pytest.approx(tool.reversion(counts.loc[2008:], people, back=2),
                                                           abs=0.0005)
    step = tool.regional_step(counts.loc[2008:], tool.LARGE, people, pull)[0]
    assert BY_NAME["regional_crime_drift_sd"].default == pytest.approx(step, abs=0.0005)
    assert step < tool.regional_step(counts.loc[2008:])[0]  # part of the relative change is the pull
    for ahead in (1, 2):
        held, pulled = tool.forecast_errors(counts, people, pull, ahead)
        assert pulled < held
    municipal = totalpeace.load_scenario("colombia-2022-municipal").parameters
    counts, people = tool.municipal_counts(), tool.municipal_population()
    large = tool.MUNICIPAL_LARGE["default"]
    municipal_pull = tool.reversion(counts.loc[2008:], people, large)
    assert municipal.crime_reversion == pytest.approx(municipal_pull, abs=0.0005)
    assert municipal.regional_crime_drift_sd == pytest.approx(
        tool.regional_step(counts.loc[2008:], large, people, municipal_pull)[0], abs=0.0005)
