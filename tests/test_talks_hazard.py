"""The negotiation audit's account of breakdowns by the commitment hazard: what raised the hazard in the month it
broke a table (talks.hazard_attribution, docs/model.md 7.5), checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from totalpeace import talks
from totalpeace.model.tables import layout as L

DRIVERS = list(talks.HAZARD_DRIVERS)


def _terms(**log_terms: float) -> np.ndarray:
    row = np.zeros(len(L.HAZARD_TERMS))
    for name, value in log_terms.items():
        row[L.HAZARD_TERMS.index(name)] = value
    return row[None, :]


def test_one_term_that_quadruples_the_hazard_accounts_for_three_quarters_of_the_breakdown() -> None:
    share = talks.hazard_attribution(_terms(shortfall=math.log(4.0)))[0]
    assert share[DRIVERS.index("shortfall")] == pytest.approx(0.75)
    assert share[DRIVERS.index("base")] == pytest.approx(0.25)
    assert share.sum() == pytest.approx(1.0)


def test_raising_terms_share_the_attributable_part_by_their_log_terms() -> None:
    share = talks.hazard_attribution(_terms(violence=math.log(2.0), power_shift=math.log(2.0) * 3))[0]
    attributable = 1.0 - 1.0 / 16.0  # the hazard is 2 x 8 = 16 times its base
    assert share[DRIVERS.index("violence")] == pytest.approx(attributable / 4)
    assert share[DRIVERS.index("power_shift")] == pytest.approx(attributable * 3 / 4)
    assert share[DRIVERS.index("base")] == pytest.approx(1.0 / 16.0)


def test_terms_that_lower_the_hazard_leave_a_breakdown_to_the_base_rate() -> None:
    lowered = talks.hazard_attribution(_terms(guarantors=-1.0, progress=-0.5))[0]
    assert lowered[DRIVERS.index("base")] == 1.0 and lowered.sum() == 1.0
    # a guarantor lowers the hazard; it does not change how the rest is shared between what raised it
    with_guarantor = talks.hazard_attribution(_terms(shortfall=1.0, guarantors=-1.0))[0]
    np.testing.assert_allclose(with_guarantor, talks.hazard_attribution(_terms(shortfall=1.0))[0])


def test_drivers_average_over_the_breakdowns_largest_first() -> None:
    terms = np.vstack([_terms(shortfall=math.log(4.0)), _terms(), _terms(disarmament=math.log(2.0))])
    drivers = talks.hazard_drivers(terms)
    assert list(drivers) == ["base", "shortfall", "disarmament"]
    assert drivers["base"] == pytest.approx((0.25 + 1.0 + 0.5) / 3)
    assert drivers["shortfall"] == pytest.approx(0.75 / 3)
    assert sum(drivers.values()) == pytest.approx(1.0)
    assert talks.hazard_drivers(np.zeros((0, len(L.HAZARD_TERMS)))) == {}
