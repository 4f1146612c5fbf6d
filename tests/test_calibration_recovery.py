"""ABC-SMC with MCMC moves: right on a model with a known posterior, recovers a parameter of the real model from data
the model generated, keeps its effective sample size, and gives the same posterior on any executor."""

from __future__ import annotations

import numpy as np
import pytest

import totalpeace
from totalpeace.calibration.method import evaluator
from totalpeace.calibration.problem import build_problem, particle_statistics
from totalpeace.calibration.smc import Prior, SmcSettings, effective_sample_size, moves_needed, run_smc
from totalpeace.calibration.yardsticks import Yardstick, summary
from totalpeace.experiments.executors import LocalExecutor
from totalpeace.validation.patterns import catalogue

TRUE_RATE = 0.0015
PRIOR = (0.0003, 0.003)  # the registry's plausible range of recruitment_rate


def gaussian_model(observed: float, noise: float, seed: int):
    """A toy simulator x ~ N(theta, noise^2): at a small tolerance its ABC posterior is near N(observed, noise^2)."""
    def evaluate(settings: list[dict]) -> list[tuple[np.ndarray, float]]:
        out = []
        for s in settings:
            rng = np.random.default_rng([seed, int((s["theta"] + 10.0) * 1e12)])
            z = np.array([(s["theta"] + noise * rng.standard_normal() - observed) / noise])
            out.append((z, float(abs(z[0]))))
        return out
    return evaluate


def test_posterior_of_a_known_model_and_its_sample_size():
    prior = Prior({"theta": (-5.0, 5.0)})
    settings = SmcSettings(population=300, keep=0.5, generations=8, seed=3, max_minutes=5)
    result = run_smc(prior, gaussian_model(observed=1.0, noise=0.5, seed=1), settings)
    theta = -5.0 + 10.0 * result.population.unit[:, 0]
    # the ABC posterior at tolerance eps is N(1, 0.5^2) convolved with U(-eps, eps) in z: its sd lies a little above
    # 0.5 and its mean near 1
    eps = result.generations["epsilon"].iloc[-1]
    assert abs(theta.mean() - 1.0) < 0.12
    assert 0.5 * 0.85 < theta.std() < 0.5 * np.sqrt(1 + eps**2 / 3) * 1.2
    # the MCMC moves keep the particles distinct: the effective sample size stays near the population
    assert effective_sample_size(result.population) > 0.9 * 300
    assert result.generations["epsilon"].is_monotonic_decreasing


def test_moves_needed_from_the_acceptance_rate():
    assert moves_needed(0.5, 0.01, 30) == 7  # 0.5^7 < 0.01 <= 0.5^6
    assert moves_needed(0.0, 0.01, 30) == 30 and moves_needed(1.0, 0.01, 30) == 1


def test_the_simulation_budget_stops_the_run_deterministically():
    prior = Prior({"theta": (-5.0, 5.0)})
    settings = SmcSettings(population=40, generations=50, max_simulations=200, seed=2)
    result = run_smc(prior, gaussian_model(0.0, 1.0, 4), settings)
    assert result.simulations <= 200 and "budget" in result.stopped


@pytest.fixture(scope="module")
def synthetic():
    """colombia-2012's FARC at the end of 2015, with the observation replaced by the model's own value at the true
    recruitment rate (its band: +-10% on the log scale)."""
    scenario = totalpeace.load_scenario("colombia-2012")
    pattern = catalogue(["farc-havana-stable"])
    problem = build_problem({"colombia-2012": scenario}, pattern, runs=2, seed=99).problem
    truth = particle_statistics(problem, {"recruitment_rate": TRUE_RATE})["farc-havana-stable"]
    stick = Yardstick("farc-havana-stable", summary(Yardstick("", 1.0, 1.0, True, False), truth), 0.1, True, False)
    return problem, {"farc-havana-stable": stick}


def test_recovers_recruitment_rate_from_synthetic_data(synthetic):
    problem, sticks = synthetic
    prior = Prior({"recruitment_rate": PRIOR})
    with LocalExecutor(1) as pool:
        result = run_smc(prior, evaluator(problem, sticks, pool, lambda: None),
                         SmcSettings(population=24, generations=4, seed=5, max_minutes=5))
    values = PRIOR[0] + (PRIOR[1] - PRIOR[0]) * result.population.unit[:, 0]
    prior_sd = (PRIOR[1] - PRIOR[0]) / np.sqrt(12)
    assert abs(np.median(values) - TRUE_RATE) < 0.12 * (PRIOR[1] - PRIOR[0])
    assert np.quantile(values, 0.05) <= TRUE_RATE <= np.quantile(values, 0.95)
    # The data contract the prior: the FARC's size identifies the recruitment rate only partly, since the state's
    # deployment follows the armed groups' density (more recruits draw more forces), a negative feedback.
    assert values.std() < 0.6 * prior_sd
    assert effective_sample_size(result.population) >= 20


def test_same_posterior_on_one_or_two_workers_and_on_dask(synthetic):
    from distributed import Client, LocalCluster

    from totalpeace.experiments.executors import DaskExecutor

    problem, sticks = synthetic
    prior = Prior({"recruitment_rate": PRIOR, "armed_violence_share": (0.1, 0.6)},
                  [{"contest_form": "ratio"}, {"contest_form": "difference"}])
    settings = SmcSettings(population=6, generations=2, max_moves=2, seed=3)

    def run(pool):
        return run_smc(prior, evaluator(problem, sticks, pool, lambda: None), settings)

    with LocalExecutor(1) as one:
        first = run(one)
    with LocalExecutor(2) as two:  # two worker processes finish tasks in any order: the same posterior
        second = run(two)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        third = run(DaskExecutor(client))
    for other in (second, third):
        assert np.array_equal(first.population.unit, other.population.unit)
        assert np.array_equal(first.population.form, other.population.form)
        assert np.array_equal(first.population.distance, other.population.distance)
        assert first.generations.drop(columns="minutes").equals(other.generations.drop(columns="minutes"))
