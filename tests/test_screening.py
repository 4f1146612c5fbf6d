"""Morris screening ranks parameters by how much they move the calibration targets."""

from __future__ import annotations

import pytest

import totalpeace
from totalpeace.calibration.abc import make_problem
from totalpeace.calibration.screening import screen
from totalpeace.experiments.executors import LocalExecutor
from totalpeace.scenario.params import BY_NAME
from totalpeace.validation.targets import load_targets


@pytest.fixture(scope="module")
def problem():
    scenario = totalpeace.load_scenario("colombia-2012")
    targets = [t for t in load_targets(["farc_armed", "coca_ha"], use="calibrate") if t.scenario == "colombia-2012"]
    return make_problem({"colombia-2012": scenario}, targets, runs=1, seed=4)


def test_inert_parameters_have_no_effect_and_rank_last(problem):
    # rearmament in a demilitarized zone cannot matter where there is none (colombia-2012 has no zone)
    names = ["recruitment_rate", "zone_rearmament", "desertion_rate"]
    bounds = {n: (BY_NAME[n].low, BY_NAME[n].high) for n in names}
    with LocalExecutor(1) as pool:
        result = screen(problem, bounds, trajectories=4, levels=4, keep=1, executor=pool)
    assert result.evaluations == 4 * (len(names) + 1)
    effects = result.effects.pivot(index="parameter", columns="target", values="mu_star")
    assert effects.loc["zone_rearmament"].max() == 0.0
    assert effects.loc["recruitment_rate", "colombia-2012:farc_armed"] > 0.05
    assert result.selected == ["recruitment_rate"]
    assert result.ranking["parameter"].iloc[-1] == "zone_rearmament"
    assert list(result.ranking["rank"]) == [1, 2, 3]


def test_screening_is_the_same_on_two_workers(problem):
    bounds = {n: (BY_NAME[n].low, BY_NAME[n].high) for n in ["recruitment_rate", "desertion_rate"]}
    with LocalExecutor(1) as one, LocalExecutor(2) as two:
        first = screen(problem, bounds, trajectories=3, levels=4, keep=1, executor=one)
        second = screen(problem, bounds, trajectories=3, levels=4, keep=1, executor=two)
    assert first.effects.equals(second.effects) and first.ranking.equals(second.ranking)


def test_each_target_gets_its_strongest_candidate(problem):
    # coca responds only to the substitution announcement among these: averaged over targets it ranks last, but it
    # is the coca target's strongest candidate, so it is calibrated too
    names = ["recruitment_rate", "desertion_rate", "substitution_announcement"]
    bounds = {n: (BY_NAME[n].low, BY_NAME[n].high) for n in names}
    with LocalExecutor(1) as pool:
        overall = screen(problem, bounds, trajectories=4, levels=4, keep=1, executor=pool)
        per_target = screen(problem, bounds, trajectories=4, levels=4, keep=1, executor=pool, per_target=1)
    effects = per_target.effects.pivot(index="parameter", columns="target", values="mu_star")
    assert effects["colombia-2012:coca_ha"].idxmax() == "substitution_announcement"
    assert "substitution_announcement" not in overall.selected
    assert set(per_target.selected) == {overall.selected[0], "substitution_announcement"}
    reason = per_target.ranking.set_index("parameter").at["substitution_announcement", "reason"]
    assert reason == "top for colombia-2012:coca_ha"
