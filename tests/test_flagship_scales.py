"""The flagship's displacement and confinement scales (tools/flagship_scales.py, docs/model.md 7.10): set from the
last national levels observed before August 2022 over the calibration the flagship runs with, for the flagship
alone, and with its start checks saying they read the same figures."""

from __future__ import annotations

import pandas as pd
import pytest
from support import load_tool

from totalpeace import load_scenario
from totalpeace.scenario.params import BY_NAME
from totalpeace.validation.patterns import catalogue, load_observations

RATES = ("displacement_per_killing", "confinement_rate")


def test_a_scale_meets_the_observation_with_the_median_run_and_refuses_an_empty_count() -> None:
    tool = load_tool("flagship_scales")
    table = pd.DataFrame({"observed_value": [100.0, 50.0], "median": [400.0, 25.0]},
                         index=["displacement-level", "confinement-level"])
    rates = {"displacement_per_killing": 10.0, "confinement_rate": 2.0}
    scaled = tool.scaled_rates(table, rates)
    assert scaled["displacement_per_killing"] == (10.0, 400.0, 2.5)  # a quarter: the median run counts four times
    assert scaled["confinement_rate"] == (2.0, 25.0, 4.0)
    table.loc["confinement-level", "median"] = 0.0
    with pytest.raises(SystemExit, match="confinement-level"):
        tool.scaled_rates(table, rates)


def test_only_the_flagship_and_its_municipal_twin_set_the_scales_the_historical_scenarios_keep_the_registry() -> None:
    flagship = load_scenario("colombia-2022").parameters
    for rate in RATES:
        assert rate in flagship.model_fields_set
        assert getattr(flagship, rate) < BY_NAME[rate].default  # both registry rates overstate 2018-2021
        low, high = BY_NAME[rate].low, BY_NAME[rate].high
        assert low <= getattr(flagship, rate) <= high
    municipal = load_scenario("colombia-2022-municipal").parameters
    assert municipal.displacement_per_killing == flagship.displacement_per_killing  # not read with the competition
    for name in ("colombia-1998", "colombia-2012", "colombia-2017"):
        parameters = load_scenario(name).parameters
        assert all(getattr(parameters, rate) == BY_NAME[rate].default for rate in RATES), name


def test_the_start_checks_say_they_read_the_figures_the_scales_are_set_from() -> None:
    patterns = {p.id: p for p in catalogue()}
    observations = load_observations()
    for start, level, rate in (("start-displacement", "displacement-level", "displacement_per_killing"),
                               ("start-confinement", "confinement-level", "confinement_rate")):
        assert patterns[start].observation == patterns[level].observation
        assert patterns[start].observation in observations
        assert rate in patterns[start].dependence and "flagship_scales.py" in patterns[start].dependence
    assert "flagship_scales.py" not in patterns["start-leaders"].dependence


def test_the_flagship_holds_what_the_rule_gives_over_its_calibration() -> None:
    """`python tools/flagship_scales.py`'s first seed (100 posterior draws x 5 runs) against the shipped mean of its
    two: the flagship's values are within 30% of it, so a model change that moves the conflict killings of 2018-2021
    calls for running the script again. One seed of the full size, not a smaller run: the confinement rate rests on
    the median run's confined persons, whose spread is wide (docs/validation.md 10.76's sample: 6.10 and 7.33 at seeds
    1 and 2; with 40 draws 4.96 at seed 1, 26% below the first, too noisy for the 30%; with 20 draws on the
    calibration of 10.57, 3.79, 6.13 and 5.63 over seeds 1-3)."""
    tool = load_tool("flagship_scales")
    flagship = load_scenario("colombia-2022").parameters
    registry = {rate: BY_NAME[rate].default for rate in RATES}
    scaled = tool.scaled_rates(tool.measured(seed=1, workers=2, draws=100), registry)
    for rate, (_at, _median, value) in scaled.items():
        assert getattr(flagship, rate) == pytest.approx(value, rel=0.3), rate
