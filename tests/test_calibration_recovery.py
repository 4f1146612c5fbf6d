"""ABC-SMC recovers a parameter from data the model itself generated, and is reproducible from its seed."""

from __future__ import annotations

import numpy as np
import pytest

import totalpeace
from totalpeace.calibration.abc import Problem, run_abc, simulate_particle
from totalpeace.calibration.spec import Budget, CalibrationSpec
from totalpeace.experiments.executors import LocalExecutor
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
    posterior = run_abc(spec.prior_bounds(), scenarios, targets, budget, observed)
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


def test_same_seed_same_posterior_on_one_or_two_workers(setting):
    spec, scenarios, targets, observed = setting
    budget = Budget(population=8, generations=2, runs=1, seed=3, max_minutes=5)
    first = run_abc(spec.prior_bounds(), scenarios, targets, budget, observed)
    with LocalExecutor(2) as pool:  # two worker processes finish tasks in any order: the same posterior
        second = run_abc(spec.prior_bounds(), scenarios, targets, budget, observed, executor=pool)
    assert np.array_equal(first.samples.to_numpy(), second.samples.to_numpy())
    assert np.array_equal(first.weights, second.weights)
    assert first.generations["evaluations"].tolist() == second.generations["evaluations"].tolist()


def test_dask_executor_gives_the_same_posterior(setting):
    from distributed import Client, LocalCluster

    from totalpeace.experiments.executors import DaskExecutor

    spec, scenarios, targets, observed = setting
    budget = Budget(population=6, generations=2, runs=1, seed=8, max_minutes=5)
    local = run_abc(spec.prior_bounds(), scenarios, targets, budget, observed)
    # two threads in one worker process: tasks share numpy's global generator, which the sampler must guard
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        remote = run_abc(spec.prior_bounds(), scenarios, targets, budget, observed, executor=DaskExecutor(client))
    assert np.array_equal(local.samples.to_numpy(), remote.samples.to_numpy())
    assert np.array_equal(local.weights, remote.weights)
