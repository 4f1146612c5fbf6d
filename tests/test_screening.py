"""Morris screening ranks parameters by how much they move the patterns (in half-bands of each pattern)."""

from __future__ import annotations

import pytest

import totalpeace
from totalpeace.calibration.problem import build_problem
from totalpeace.calibration.screening import screen
from totalpeace.calibration.yardsticks import usable
from totalpeace.experiments.executors import LocalExecutor
from totalpeace.scenario.params import BY_NAME
from totalpeace.validation.patterns import catalogue

PATTERNS = ["farc-havana-stable", "ceasefire-homicides"]


@pytest.fixture(scope="module")
def setting():
    scenario = totalpeace.load_scenario("colombia-2012")
    patterns = catalogue(PATTERNS)
    probe = build_problem({"colombia-2012": scenario}, patterns, runs=1, seed=4)
    return probe.problem, usable(patterns)


def test_inert_parameters_have_no_effect_and_rank_last(setting):
    problem, sticks = setting
    # rearmament in a demilitarized zone cannot matter where there is none (colombia-2012 has no zone)
    names = ["recruitment_rate", "zone_rearmament", "desertion_rate"]
    bounds = {n: (BY_NAME[n].low, BY_NAME[n].high) for n in names}
    with LocalExecutor(1) as pool:
        result = screen(problem, sticks, bounds, trajectories=4, levels=4, keep=1, executor=pool)
    assert result.evaluations == 4 * (len(names) + 1)
    effects = result.effects.pivot(index="parameter", columns="target", values="mu_star")
    assert effects.loc["zone_rearmament"].max() == 0.0
    assert effects.loc["recruitment_rate", "farc-havana-stable"] > 0.5  # half a band or more
    assert result.selected == ["recruitment_rate"]
    assert result.ranking["parameter"].iloc[-1] == "zone_rearmament"
    assert list(result.ranking["rank"]) == [1, 2, 3]


def test_screening_is_the_same_on_two_workers(setting):
    problem, sticks = setting
    bounds = {n: (BY_NAME[n].low, BY_NAME[n].high) for n in ["recruitment_rate", "desertion_rate"]}
    with LocalExecutor(1) as one, LocalExecutor(2) as two:
        first = screen(problem, sticks, bounds, trajectories=3, levels=4, keep=1, executor=one)
        second = screen(problem, sticks, bounds, trajectories=3, levels=4, keep=1, executor=two)
    assert first.effects.equals(second.effects) and first.ranking.equals(second.ranking)


def test_each_pattern_gets_its_strongest_candidate(setting):
    problem, sticks = setting
    names = ["recruitment_rate", "desertion_rate", "armed_violence_share"]
    bounds = {n: (BY_NAME[n].low, BY_NAME[n].high) for n in names}
    with LocalExecutor(1) as pool:
        per_target = screen(problem, sticks, bounds, trajectories=4, levels=4, keep=1, executor=pool, per_target=1)
    effects = per_target.effects.pivot(index="parameter", columns="target", values="mu_star")
    strongest = {pattern: effects[pattern].idxmax() for pattern in PATTERNS if effects[pattern].max() > 0}
    assert set(per_target.selected) == {per_target.ranking["parameter"].iloc[0], *strongest.values()}
    for pattern, name in strongest.items():
        assert f"top for {pattern}" in per_target.ranking.set_index("parameter").at[name, "reason"]
