"""ABC-SMC recovers a parameter from data the model itself generated, and is reproducible from its seed."""

from __future__ import annotations

import numpy as np
import pytest

import totalpeace
from totalpeace.calibration.abc import Problem, run_abc, simulate_particle
from totalpeace.calibration.spec import Budget, CalibrationSpec
from totalpeace.validation.targets import Target

TRUE_RATE = 0.02
PRIOR = (0.006, 0.04)


@pytest.fixture(scope="module")
def setting():
    scenario = totalpeace.load_scenario("colombia-2012")
    target = Target("farc_armed", "colombia-2012", 2013, float("nan"), "group_armed", "farc", "year_end",
                    "calibrate", "synthetic")
    truth = Problem(scenarios={"colombia-2012": scenario.model_dump(mode="python")}, months={"colombia-2012": 15},
                    targets=(target,), runs=4, seed=99)
    observed = simulate_particle(truth, {"recruitment_rate": TRUE_RATE})
    spec = CalibrationSpec(name="synthetic", scenarios=["colombia-2012"], parameters=["recruitment_rate"],
                           priors={"recruitment_rate": {"low": PRIOR[0], "high": PRIOR[1]}})
    return spec, {"colombia-2012": scenario}, [target], observed


def test_recovers_recruitment_rate_from_synthetic_data(setting):
    spec, scenarios, targets, observed = setting
    budget = Budget(population=20, generations=3, runs=2, seed=5, max_minutes=5)
    posterior = run_abc(spec, scenarios, targets, budget, observed)
    mean = posterior.mean()["recruitment_rate"]
    values = posterior.samples["recruitment_rate"].to_numpy()
    sd = float(np.sqrt(np.sum(posterior.weights * (values - mean) ** 2)))
    prior_sd = (PRIOR[1] - PRIOR[0]) / np.sqrt(12)
    assert abs(mean - TRUE_RATE) < 0.004
    assert sd < 0.7 * prior_sd  # the data are one noisy ensemble mean: the posterior narrows, not collapses
    assert posterior.weights.sum() == pytest.approx(1.0)
    assert len(posterior.generations) == 3
    lo, hi = posterior.quantiles(0.05)["recruitment_rate"], posterior.quantiles(0.95)["recruitment_rate"]
    assert lo <= TRUE_RATE <= hi


def test_same_seed_same_posterior(setting):
    spec, scenarios, targets, observed = setting
    budget = Budget(population=8, generations=2, runs=1, seed=3, max_minutes=5)
    first = run_abc(spec, scenarios, targets, budget, observed)
    second = run_abc(spec, scenarios, targets, budget, observed)
    assert np.array_equal(first.samples.to_numpy(), second.samples.to_numpy())
    assert np.array_equal(first.weights, second.weights)
