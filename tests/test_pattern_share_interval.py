"""How sure a pattern's verdict is: the share of runs reproducing it, with a 90% interval over the parameter draws
(validation/pattern_runs.share_interval), and a verdict left open when the interval holds one half."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from totalpeace.validation.pattern_runs import SHARE_Z, PatternResult, share_interval


def wilson(successes: int, n: int) -> tuple[float, float]:
    ci = binomtest(successes, n).proportion_ci(0.90, method="wilson")
    return float(ci.low), float(ci.high)


def test_independent_runs_give_wilsons_interval():
    ok = np.r_[np.ones(50), np.zeros(50)]
    assert share_interval(ok) == pytest.approx(wilson(50, 100), abs=1e-9)
    ok = np.r_[np.ones(3), np.zeros(17)]
    assert share_interval(ok) == pytest.approx(wilson(3, 20), abs=1e-9)
    low, high = share_interval(np.ones(40))  # every run meets it: still an interval below one
    assert high == 1.0 and low == pytest.approx(wilson(40, 40)[0], abs=1e-9) and low < 1.0


def test_runs_that_share_a_draw_count_as_one_draw_when_the_draw_decides():
    """Twenty draws of five runs each, where the draw alone decides (half the draws: every run; the others: none):
    the share is worth the draws, not the runs, and the interval is Wilson's for 19 draws (a ratio estimator's
    k - 1), much wider than for a hundred independent runs."""
    draws = np.repeat(np.arange(20), 5)
    ok = (draws % 2 == 0).astype(float)
    low, high = share_interval(ok, draws)
    z = SHARE_Z  # a share of one half over 19 effective trials
    size = 19.0
    half = z * np.sqrt(0.25 / size + z * z / (4 * size * size)) / (1 + z * z / size)
    assert (low, high) == pytest.approx((0.5 - half, 0.5 + half), abs=1e-9)
    independent = share_interval(ok)
    assert high - low > 2 * (independent[1] - independent[0])


def test_draws_that_do_not_matter_leave_the_runs_independent():
    rng = np.random.default_rng(7)
    ok = (rng.random(400) < 0.3).astype(float)
    draws = np.repeat(np.arange(200), 2)
    assert share_interval(ok, draws) == pytest.approx(share_interval(ok), abs=0.03)
    # never narrower than independent runs would give
    assert share_interval(ok, draws)[1] - share_interval(ok, draws)[0] >= share_interval(ok)[1] - \
        share_interval(ok)[0] - 1e-12


def test_a_verdict_is_settled_only_when_the_interval_lies_on_one_side_of_one_half():
    def result(share: float, low: float, high: float) -> PatternResult:
        return PatternResult(None, None, np.ones(1), share=share, share_low=low, share_high=high)  # type: ignore[arg-type]

    assert result(0.52, 0.38, 0.66).settled is False
    assert result(0.48, 0.35, 0.61).settled is False
    assert result(0.70, 0.55, 0.82).settled is True and result(0.70, 0.55, 0.82).status == "reproduced"
    assert result(0.20, 0.10, 0.35).settled is True and result(0.20, 0.10, 0.35).status == "not reproduced"


def test_the_pages_summary_says_how_many_verdicts_the_runs_leave_open():
    import pandas as pd

    from totalpeace.validation.report import adviser_summary, unsettled

    frame = pd.DataFrame({"pattern": ["a", "b", "c"], "independent": [True, True, False],
                          "status": ["reproduced", "not reproduced", "not yet produced"],
                          "settled": [False, True, True]})
    assert unsettled(frame) == 1
    assert "leave 1 of the 3 verdicts unsettled" in adviser_summary(frame, None, None)[0]
    assert "unsettled" not in adviser_summary(frame.assign(settled=True), None, None)[0]


def test_the_pages_chart_marks_the_verdicts_the_runs_leave_open():
    import pandas as pd

    from totalpeace.validation.report import pattern_chart

    frame = pd.DataFrame({"pattern": ["open-one", "settled-one"], "observed_value": [10.0, 10.0],
                          "low": [8.0, 8.0], "high": [12.0, 12.0], "median": [10.0, 30.0], "q10": [7.0, 20.0],
                          "q90": [13.0, 40.0], "status": ["reproduced", "not reproduced"],
                          "settled": [False, True]})
    chart = pattern_chart(frame)
    assert "open-one ?" in chart and "settled-one ?" not in chart and "settled-one" in chart
