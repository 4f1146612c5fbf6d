"""The calibration's parts on known cases: the form registry, the patterns' yardsticks, identifiability and the
form weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import totalpeace
from totalpeace.calibration import diagnostics
from totalpeace.calibration.problem import setting_seed, with_setting
from totalpeace.calibration.yardsticks import (
    Z_CAP,
    Yardstick,
    discrepancy,
    distance,
    run_discrepancies,
    score,
    usable,
    yardstick,
)
from totalpeace.scenario.forms import all_forms, apply_form, choices, default_form, form_fields, label
from totalpeace.scenario.schema import Scenario
from totalpeace.validation.patterns import catalogue


def test_the_form_registry_reads_the_schema():
    assert {"negotiation_engine", "contest_form"} <= set(form_fields())
    assert set(choices("contest_form")) == {"ratio", "difference"}
    forms = all_forms()
    assert len(forms) == np.prod([len(choices(f)) for f in form_fields()])
    assert default_form() in forms and len({label(f) for f in forms}) == len(forms)
    only = all_forms(["contest_form"])
    assert [f["contest_form"] for f in only] == list(choices("contest_form"))
    assert all(f["negotiation_engine"] == default_form()["negotiation_engine"] for f in only)
    with pytest.raises(KeyError):
        choices("parameters")


def test_a_setting_sets_parameters_and_forms():
    data = totalpeace.load_scenario("colombia-2012").model_dump(mode="python")
    scenario = with_setting(data, {"recruitment_rate": 0.013, "contest_form": "difference"})
    assert scenario.parameters.recruitment_rate == 0.013 and scenario.model.contest_form == "difference"
    assert Scenario.model_validate(apply_form(data, {"negotiation_engine": "compromise"})).model.negotiation_engine \
        == "compromise"
    assert setting_seed(1, {"a": 1.0, "contest_form": "ratio"}) != setting_seed(1, {"a": 1.0, "contest_form":
                                                                                    "difference"})
    assert setting_seed(1, {"a": 1.0}) == setting_seed(1, {"a": 1})


def test_yardsticks_measure_in_half_bands():
    stick = Yardstick("x", observed=100.0, scale=np.log(1.2), log=True, indicator=False)
    assert discrepancy(stick, np.array([120.0, 120.0, 90.0])) == pytest.approx(1.0)  # median 120: one half-band
    assert discrepancy(stick, np.array([1e6])) == Z_CAP
    assert discrepancy(stick, np.array([0.0])) == -Z_CAP
    # most runs never see the event: the median is "never", a capped miss; a minority of misses does not matter
    assert discrepancy(stick, np.array([np.nan, np.nan, 100.0])) == Z_CAP
    assert discrepancy(stick, np.array([np.nan, 100.0, 100.0])) == 0.0
    yes_no = Yardstick("y", observed=1.0, scale=0.5, log=False, indicator=True)
    assert discrepancy(yes_no, np.array([1.0, 0.0, np.nan, 1.0])) == pytest.approx(-1.0)  # happens in half
    assert distance(np.array([3.0, 4.0])) == pytest.approx(np.sqrt(12.5))


def test_the_score_counts_every_run():
    stick = Yardstick("x", observed=100.0, scale=np.log(1.2), log=True, indicator=False)
    assert run_discrepancies(stick, np.array([120.0, np.nan, 0.0, 1e9])) == pytest.approx([1.0, Z_CAP, -Z_CAP, Z_CAP])
    # runs that agree: the score is their common |z|; runs on the observation score 0
    assert score(stick, np.array([120.0, 120.0, 120.0])) == pytest.approx(1.0)
    assert score(stick, np.full(6, 100.0)) == 0.0
    # a minority that never sees the event leaves the median on time but costs Z_CAP q^2 (unbiased over the runs:
    # Z_CAP k (k - 1) / (n (n - 1)) for k of n runs)
    two_of_six = np.array([np.nan, 100.0, 100.0, 100.0, 100.0, np.nan])
    assert discrepancy(stick, two_of_six) == 0.0
    assert score(stick, two_of_six) == pytest.approx(Z_CAP * 2 / 30)
    assert score(stick, np.array([np.nan] * 4 + [100.0] * 2)) == pytest.approx(Z_CAP * 12 / 30)
    # spread is not rewarded: the same misses on both sides score more than hitting, and a single run scores its |z|
    assert score(stick, np.array([100 / 1.2**2, 100 * 1.2**2] * 3)) > score(stick, np.full(6, 100.0))
    assert score(stick, np.array([144.0])) == pytest.approx(2.0)
    # a yes/no pattern: the unbiased Brier score 2 (1 - p)^2 in half-bands, 0 when it always happens
    yes_no = Yardstick("y", observed=1.0, scale=0.5, log=False, indicator=True)
    assert score(yes_no, np.ones(5)) == 0.0 and score(yes_no, np.zeros(5)) == pytest.approx(2.0)
    assert score(yes_no, np.array([1.0, 0.0, np.nan, 1.0])) == pytest.approx(2 * 2 / 12)  # 2 k (k - 1) / (n (n - 1))


def test_the_spec_chooses_what_the_distance_scores(monkeypatch):
    """The evaluator keeps the medians' signed misses for the posterior either way; its distance is their RMS, or
    with `distance = "crps"` the RMS of every run's score."""
    from totalpeace.calibration import method

    sticks = {"a": Yardstick("a", observed=100.0, scale=np.log(1.2), log=True, indicator=False),
              "b": Yardstick("b", observed=1.0, scale=0.5, log=False, indicator=True)}
    runs = {"a": np.array([np.nan, 100.0, 100.0, 100.0, 100.0, np.nan]), "b": np.array([1.0, 1.0, 1.0, 0.0, 1.0, 1.0])}
    monkeypatch.setattr(method, "evaluate_many", lambda problem, executor, settings, on_done: [runs] * len(settings))
    (z, median_distance), = method.evaluator(None, sticks, None, lambda: None)([{}])
    (z_crps, crps_distance), = method.evaluator(None, sticks, None, lambda: None, "crps")([{}])
    assert z == pytest.approx([0.0, -1 / 3]) and z_crps == pytest.approx(z)
    assert median_distance == pytest.approx(np.sqrt((0 + 1 / 9) / 2))
    # a: two never-signing runs of six, Z_CAP 2 / 30; b: one miss of six scores 0 in the unbiased estimate
    assert crps_distance == pytest.approx(np.sqrt(((Z_CAP * 2 / 30) ** 2 + 0.0) / 2))


def test_the_score_rewards_runs_near_the_observation_not_their_spread():
    """Over many ensembles, runs spread around the observation score lower than the same runs shifted by half a band
    or spread twice as wide, and the fair estimate has no bias from the small ensembles."""
    stick = Yardstick("x", observed=0.0, scale=1.0, log=False, indicator=False)
    rng = np.random.default_rng(7)
    truth = rng.normal(0.0, 1.0, (4000, 6))
    mean = {name: np.mean([score(stick, row) for row in draws]) for name, draws in
            {"true": truth, "shifted": truth + 0.5, "wide": 2.0 * truth}.items()}
    assert mean["true"] < mean["shifted"] and mean["true"] < mean["wide"]
    # the fair estimate is unbiased: the CRPS of N(0, 1) at its own mean is (sqrt 2 - 1) / sqrt pi
    assert mean["true"] == pytest.approx((np.sqrt(2) - 1) / np.sqrt(np.pi), abs=0.01)


def test_catalogue_yardsticks_follow_the_bands():
    sticks = usable(catalogue())
    havana = sticks["farc-havana-stable"]  # 7,100 (5,360-9,600)
    assert havana.log and havana.scale == pytest.approx((np.log(9600) - np.log(5360)) / 2)
    mape = sticks["homicides-national"]  # error <= 0.10, ideal 0
    assert not mape.log and mape.observed == 0.0 and mape.scale == pytest.approx(0.10)
    assert sticks["plebiscite-then-congress"].indicator
    # not independent, or only a direction: not used
    assert yardstick(catalogue(["eln-share-venezuela"])[0]) is None
    assert "eln-venezuela-response" not in sticks


def test_identifiability_tells_a_narrowed_parameter_from_one_left_at_its_prior():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(0.5, 0.02, 4000).clip(0, 1), "b": rng.random(4000),
                          "c": rng.uniform(0.0, 0.04, 4000), "weight": 1.0})
    table = diagnostics.identifiability(frame, {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)}).set_index(
        "parameter")
    assert table.at["a", "verdict"] == "identified" and table.at["a", "sd_ratio"] < 0.1
    assert table.at["b", "verdict"] == "not identified" and table.at["b", "sd_ratio"] == pytest.approx(1.0, abs=0.05)
    assert table.at["c", "against_bound"] == "lower" and "lower end" in table.at["c", "explanation"]


def test_stacking_prefers_the_form_that_predicts_the_patterns():
    scores = np.array([[0.9, 0.8, 0.1], [0.1, 0.2, 0.9]])
    w = diagnostics.stacking_weights(scores)
    assert w.sum() == pytest.approx(1.0) and w[0] > w[1] > 0  # the second form still predicts one pattern best
    assert diagnostics.stacking_weights(np.array([[0.5, 0.5], [0.5, 0.5]])) == pytest.approx([0.5, 0.5])
    objective = lambda v: np.sum(np.log(v @ scores))  # noqa: E731
    for other in ([0.5, 0.5], [0.9, 0.1], [0.6, 0.4]):
        assert objective(w) >= objective(np.array(other)) - 1e-12
    assert diagnostics.smoothed_hits(np.array([0.0, 1.0]), np.array([10, 10])) == pytest.approx([0.5 / 11,
                                                                                                  10.5 / 11])


def test_bootstrapped_stacking_shares_the_weight_among_forms_the_patterns_cannot_tell_apart():
    """Two forms that are the same but for noise of the size of a share's sampling error over 240 runs: stacking on
    the point scores often puts nearly all the weight on one of them, the average over Bayesian-bootstrap replicates
    (patterns and each score's sampling noise) never does. A form ahead on every pattern by far more than the noise
    keeps nearly all the weight under both rules, and forms with the same scores share it equally."""
    patterns, runs = 30, np.full((2, 30), 240.0)
    base = np.random.default_rng(3).uniform(0.2, 0.6, patterns)
    extreme, largest = 0, 0.0
    for seed in range(5):
        noisy = np.vstack([base + np.random.default_rng(seed).normal(0.0, 0.04, patterns), base])
        point = diagnostics.stacking_weights(diagnostics.smoothed_hits(noisy, runs))
        boot = diagnostics.bootstrap_stacking_weights(noisy, runs)
        extreme += int(point.max() > 0.95)
        largest = max(largest, boot.max())
        assert boot.sum() == pytest.approx(1.0)
        assert np.array_equal(boot, diagnostics.bootstrap_stacking_weights(noisy, runs))  # fixed seed: reproducible
        assert diagnostics.bootstrap_stacking_weights(noisy[::-1], runs) == pytest.approx(boot[::-1], abs=0.03)
    assert extreme >= 2 and largest < 0.85
    apart = np.vstack([np.full(patterns, 0.8), np.full(patterns, 0.1)])
    assert diagnostics.bootstrap_stacking_weights(apart, runs)[0] > 0.99
    same = np.vstack([base, base])
    assert diagnostics.bootstrap_stacking_weights(same, runs) == pytest.approx([0.5, 0.5], abs=0.02)


def test_form_table_gives_no_weight_to_a_form_without_particles():
    shares = {lab: pd.DataFrame({"pattern": ["p", "q"], "share": s, "runs": [40, 40]})
              for lab, s in (("a", [0.9, 0.5]), ("b", [0.1, 0.5]))}
    table = diagnostics.form_table(["a", "b", "c"], [{"f": "a"}, {"f": "b"}, {"f": "c"}], [60, 40, 0], shares,
                                   ["p", "q"]).set_index("form")
    assert table.at["c", "weight"] == 0.0 and np.isnan(table.at["c", "score"])
    assert table["weight"].sum() == pytest.approx(1.0) and table.at["a", "weight"] > table.at["b", "weight"]
    assert table.at["a", "abc_probability"] == pytest.approx(0.6)
    assert table.at["a", "reproduced"] == 2 and table.at["b", "reproduced"] == 1
    assert (table["weight"] == table["bootstrap_weight"]).all()
    assert (table["weight_basis"] == "bootstrapped stacking").all()
    assert table.at["b", "weight"] > 0.0 and table.at["a", "weight"] < table.at["a", "stacking_weight"]


def test_form_table_falls_back_to_particle_shares_when_no_form_could_be_checked():
    table = diagnostics.form_table(["a", "b"], [{"f": "a"}, {"f": "b"}], [3, 1], {}, ["p"]).set_index("form")
    assert table["weight"].tolist() == pytest.approx([0.75, 0.25])
    assert (table["weight_basis"] == "abc_probability").all() and (table["stacking_weight"] == 0.0).all()


def test_the_recorded_tolerance_is_the_posteriors_not_an_abandoned_generations():
    from totalpeace.calibration.output import posterior_tolerance

    generations = pd.DataFrame({"t": [0, 1, 2], "epsilon": [4.2, 3.5, 3.1], "abandoned": [False, False, True]})
    assert posterior_tolerance(generations) == 3.5
    assert posterior_tolerance(generations.assign(abandoned=False)) == 3.1
    assert posterior_tolerance(generations.drop(columns="abandoned")) == 3.1
