"""The drifts of ordinary crime start around the yearly counts the baselines are set from (docs/model.md 7.10):
the arithmetic of a random walk's month around its year's mean, and the value each shipped scenario takes from it."""

from __future__ import annotations

import numpy as np
import pytest
from support import load_tool

from totalpeace import load_scenario
from totalpeace.model.violence import drift_start_months
from totalpeace.scenario.params import BY_NAME


@pytest.mark.parametrize("start", [-1, 1, 6, 10, 12, 13, 20])
def test_the_start_variance_is_a_random_walks_month_around_its_years_mean(start: int) -> None:
    """Known answer by simulation: monthly unit steps from well before both the start and the counted year; the
    variance of the start month's level minus the year's mean is the rule's."""
    rng = np.random.default_rng(5)
    lead = 3  # months of walk before the earliest month read (they move the start and the year alike)
    first = min(start, 1) - lead
    walk = np.cumsum(rng.standard_normal((200_000, max(start, 12) - first + 1)), axis=1)
    year = walk[:, 1 - first:13 - first].mean(axis=1)
    assert np.var(walk[:, start - first] - year) == pytest.approx(drift_start_months(start), rel=0.02)


def test_a_january_start_gives_the_first_year_the_variance_the_step_is_estimated_from():
    """tools/crime_drift.py sets the step so that consecutive yearly means differ by the Police series' yearly change,
    a variance of (2 n^2 + 1) / (3 n) steps; a start in the January after the counted year (the backtest's origins,
    the registry's default) plus the first forecast year's own walk (months 1-11 after its January) gives exactly
    that, where a start at the year's mean gave 44% of it (3.51 steps)."""
    n = 12
    within_year = sum(((n - k) / n) ** 2 for k in range(1, n))
    assert drift_start_months(n + 1) + within_year == pytest.approx((2 * n * n + 1) / (3 * n))
    assert within_year / ((2 * n * n + 1) / (3 * n)) == pytest.approx(0.4377, abs=0.001)
    assert drift_start_months(n) == pytest.approx((n - 1) * (2 * n - 1) / (6 * n))  # December: (n-1)(2n-1)/(6n)
    assert BY_NAME["crime_drift_start_months"].default == round(drift_start_months(n + 1), 2)


def test_each_scenario_starts_its_drifts_from_its_own_counted_year():
    """The shipped scenarios set the value the tool prints for their start and counted year; the backtest's origin
    scenarios (January after the counted year) set the default's, whatever the flagship they copy sets."""
    from totalpeace.validation.colombia_backtest import build

    tool = load_tool("crime_drift")
    for name in tool.COUNTED_YEAR:
        assert load_scenario(name).parameters.crime_drift_start_months == round(
            drift_start_months(tool.start_month(name)), 2), name
    assert tool.start_month("colombia-2022") == 20  # August 2022 from the counts of 2021
    assert load_scenario("colombia-2022-municipal").parameters.crime_drift_start_months == 11.51
    for level in ("department", "municipality"):
        assert build(2019, level).parameters.crime_drift_start_months == round(drift_start_months(13), 2)
