"""Scoring rules against known values: exact small cases, the Gaussian closed form and constructed coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from totalpeace.validation import scoring


def test_single_member_crps_is_absolute_error():
    assert scoring.crps_ensemble([3.0], 5.5) == pytest.approx(2.5)
    assert scoring.crps_point(3.0, 5.5) == pytest.approx(2.5)


def test_two_member_crps_by_hand():
    # E|X-y| = (|0-1| + |2-1|)/2 = 1; E|X-X'| = (0 + 2 + 2 + 0)/4 = 1; CRPS = 1 - 0.5 = 0.5
    assert scoring.crps_ensemble([2.0, 0.0], 1.0) == pytest.approx(0.5)
    # fair form: pair term over n(n-1) = 2 ordered distinct pairs -> 4/2 = 2; CRPS = 1 - 1 = 0
    assert scoring.crps_ensemble([2.0, 0.0], 1.0, fair=True) == pytest.approx(0.0)


def test_crps_matches_brute_force_pairs():
    rng = np.random.default_rng(3)
    x = rng.gamma(2.0, 3.0, size=57)
    y = 4.2
    brute = np.abs(x - y).mean() - 0.5 * np.abs(x[:, None] - x[None, :]).mean()
    assert scoring.crps_ensemble(x, y) == pytest.approx(brute, rel=1e-12)


@pytest.mark.parametrize("y", [-1.5, 0.0, 0.7, 2.5])
def test_gaussian_ensemble_matches_closed_form(y):
    members = norm.ppf((np.arange(20000) + 0.5) / 20000)  # a large, evenly spread N(0, 1) ensemble
    exact = y * (2 * norm.cdf(y) - 1) + 2 * norm.pdf(y) - 1 / math.sqrt(math.pi)
    assert scoring.crps_ensemble(members, y) == pytest.approx(exact, abs=2e-4)


def test_crps_ignores_non_finite_members_and_rejects_empty():
    assert scoring.crps_ensemble([1.0, np.nan], 3.0) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        scoring.crps_ensemble([np.nan], 1.0)


def test_sharper_correct_ensemble_scores_better():
    rng = np.random.default_rng(0)
    sharp, wide = rng.normal(10, 1, 500), rng.normal(10, 5, 500)
    assert scoring.crps_ensemble(sharp, 10.0) < scoring.crps_ensemble(wide, 10.0)


def test_interval_and_coverage_on_constructed_cases():
    ens = np.arange(101.0)  # 0..100: the central 80% interval is [10, 90]
    assert scoring.central_interval(ens, 0.8) == pytest.approx((10.0, 90.0))
    assert scoring.covers(ens, 90.0, 0.8)
    assert not scoring.covers(ens, 90.5, 0.8)
    observed = [50.0, 5.0, 97.0, 99.0]  # 50%: [25, 75] holds 50; 80%: [10, 90] holds 50; 95%: [2.5, 97.5] holds 3
    ensembles = [ens] * 4
    assert scoring.coverage(ensembles, observed, 0.5) == pytest.approx(0.25)
    assert scoring.coverage(ensembles, observed, 0.8) == pytest.approx(0.25)
    assert scoring.coverage(ensembles, observed, 0.95) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        scoring.coverage([ens], [1.0, 2.0], 0.5)
    with pytest.raises(ValueError):
        scoring.central_interval(ens, 1.0)


def test_calibrated_ensembles_reach_nominal_coverage():
    rng = np.random.default_rng(11)
    ensembles = [rng.normal(0, 1, 400) for _ in range(400)]
    observed = rng.normal(0, 1, 400)
    for level in scoring.LEVELS:
        assert scoring.coverage(ensembles, observed, level) == pytest.approx(level, abs=0.06)


def test_rank_coverage_is_nominal_for_calibrated_ensembles_of_any_size_and_for_counts():
    """The rank (PIT) credit of an observation drawn like the members averages the nominal level with 20 members,
    where the empirical quantiles cover 73% for 80%, and for counts with ties and Poisson's own distribution, where
    inclusive bounds cover more than nominal."""
    rng = np.random.default_rng(5)
    small = rng.normal(size=(4000, 20))
    truth = rng.normal(size=4000)
    counts, count_truth = rng.poisson(3.0, size=(4000, 20)), rng.poisson(3.0, size=4000)

    def mean_credit(ensembles: np.ndarray, observed: np.ndarray, level: float) -> float:
        return float(np.mean([scoring.rank_coverage(e, y, level) for e, y in zip(ensembles, observed, strict=True)]))

    for level in scoring.LEVELS:
        assert mean_credit(small, truth, level) == pytest.approx(level, abs=0.02)
        assert mean_credit(counts, count_truth, level) == pytest.approx(level, abs=0.02)
        assert np.mean([scoring.poisson_rank_coverage(3.0, y, level) for y in count_truth]) == pytest.approx(
            level, abs=0.02)
    quantile_coverage = np.mean([scoring.covers(e, y, 0.8) for e, y in zip(small, truth, strict=True)])
    assert quantile_coverage == pytest.approx(19 * 0.8 / 21, abs=0.02)  # what the empirical quantiles give
    members = np.arange(1.0, 10.0)  # 9 members: the PIT of 5 is uniform on [4/10, 6/10]
    assert scoring.rank_coverage(members, 5.0, 0.5) == 1.0
    assert scoring.rank_coverage(members, 0.0, 0.8) == pytest.approx(0.0, abs=1e-12)  # [0, 0.1]: the band starts at 0.1
    assert scoring.rank_coverage(members, 0.0, 0.95) == pytest.approx(0.75)  # [0.025, 0.1] of [0, 0.1]
    assert scoring.poisson_rank_coverage(0.0, 0.0, 0.8) == pytest.approx(0.8)
    assert scoring.poisson_rank_coverage(0.0, 1.0, 0.8) == 0.0


def test_baselines_and_skill():
    history = [10.0, 12.0, 14.0]
    assert scoring.persistence_forecast(history) == 14.0
    assert scoring.climatology_forecast(history) == 12.0
    assert scoring.skill(1.0, 4.0) == pytest.approx(0.75)
    assert scoring.skill(4.0, 4.0) == pytest.approx(0.0)
    assert scoring.skill(8.0, 4.0) == pytest.approx(-1.0)
    assert math.isnan(scoring.skill(0.0, 0.0))
