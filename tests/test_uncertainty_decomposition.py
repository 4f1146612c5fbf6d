"""The split of an outcome's variance into model form, parameters and runs, on synthetic cases with known shares.

Y = a[form] + b[draw] + e: with forms of equal weight at 0, 2, 4, 6 (variance 5), draws with standard deviation 2
(variance 4) and runs with standard deviation 1, the true shares are 0.5, 0.4 and 0.1.
"""

from __future__ import annotations

import numpy as np
import pytest

from totalpeace import load_scenario
from totalpeace.uncertainty.decomposition import decompose
from totalpeace.uncertainty.plan import build_plan
from totalpeace.uncertainty.summary import switch_of_form

ALL = ("structural", "parameters", "stochastic")
FORM_MEANS = np.array([0.0, 2.0, 4.0, 6.0])
TRUTH = {"structural": 0.5, "parameters": 0.4, "stochastic": 0.1}


def synthetic(rng: np.random.Generator, cells_per_form: int, runs: int = 5, draw_sd: float = 2.0):
    cells = np.repeat(np.arange(4 * cells_per_form), runs)
    forms = cells % 4
    values = FORM_MEANS[forms] + rng.normal(0.0, draw_sd, 4 * cells_per_form)[cells] + rng.normal(0, 1, len(cells))
    return values, forms, cells


def test_large_design_recovers_the_shares_and_each_switch():
    values, forms, cells = synthetic(np.random.default_rng(1), 2000)
    # two switches: the first separates forms {0, 1} from {2, 3} (means 1 and 5: variance 4 = 0.4 of 10), the
    # second {0, 2} from {1, 3} (means 2 and 4: variance 1 = 0.1); no interaction
    switches = {"first": np.array([0, 0, 1, 1]), "second": np.array([0, 1, 0, 1])}
    found = decompose(values, forms, cells, np.ones(4), ALL, switches)
    assert found.estimated
    for source, share in TRUTH.items():
        assert found.share[source][0] == pytest.approx(share, abs=0.015), source
        assert found.low[source][0] <= share + 0.01 and found.high[source][0] >= share - 0.01, source
    assert found.variance["stochastic"][0] == pytest.approx(1.0, rel=0.03)
    assert found.switches["first"][0] == pytest.approx(0.4, abs=0.015)
    assert found.switches["second"][0] == pytest.approx(0.1, abs=0.015)


def test_small_designs_are_unbiased_after_the_corrections():
    """The default's shape, 100 cells of two runs (25 draws per form): averaged over many replications the
    estimated components match the true variances (the naive variances of cell and form means would add 1/2 and
    more)."""
    rng = np.random.default_rng(2)
    estimates = []
    for _ in range(300):
        values, forms, cells = synthetic(rng, 25, runs=2)
        found = decompose(values, forms, cells, np.ones(4), ALL, replicates=0)
        estimates.append([found.variance[s][0] for s in ALL])
    mean = np.mean(estimates, axis=0)
    # truth 5, 4, 1; standard errors of the mean over 300 replications: about 0.05, 0.04, 0.008
    assert mean == pytest.approx([5.0, 4.0, 1.0], abs=0.3)
    assert mean[2] == pytest.approx(1.0, abs=0.03)


def test_no_parameter_effect_and_unequal_weights():
    rng = np.random.default_rng(3)
    values, forms, cells = synthetic(rng, 1500, draw_sd=0.0)
    # the forms' mixture has mean 2 and variance 0.4*4 + 0.2*4 + 0.1*16 = 4: the estimand follows the weights,
    # whatever share of the cells each form has
    weights = np.array([0.4, 0.3, 0.2, 0.1])
    found = decompose(values, forms, cells, weights, ALL)
    total = 4.0 + 1.0
    assert found.share["parameters"][0] == pytest.approx(0.0, abs=0.01)
    assert found.share["structural"][0] == pytest.approx(4.0 / total, abs=0.02)


def test_designs_without_a_source_leave_it_out():
    values, forms, cells = synthetic(np.random.default_rng(4), 50, draw_sd=0.0)
    only_runs = decompose(values - FORM_MEANS[forms], np.zeros_like(forms), cells, np.ones(1), ("stochastic",))
    assert set(only_runs.share) == {"stochastic"} and only_runs.share["stochastic"][0] == 1.0
    no_draws = decompose(values, forms, cells, np.ones(4), ("structural", "stochastic"))
    assert set(no_draws.share) == {"structural", "stochastic"}
    assert no_draws.share["structural"][0] == pytest.approx(5.0 / 6.0, abs=0.03)


def test_too_small_designs_are_not_estimated():
    values, forms, cells = synthetic(np.random.default_rng(5), 1)
    found = decompose(values, forms, cells, np.ones(4), ALL)
    assert not found.estimated and "at least two draws" in found.reason and not found.share
    single_runs = decompose(values[::5], forms[::5], cells[::5], np.ones(4), ALL)
    assert "single run" in single_runs.reason or "at least two" in single_runs.reason
    constant = decompose(np.zeros((40, 2)), np.repeat(np.arange(4), 10), np.repeat(np.arange(8), 5), np.ones(4), ALL)
    assert constant.estimated and np.isnan(constant.share["stochastic"]).all()  # no spread: no shares


def test_the_flagship_plan_labels_recover_known_shares():
    """The plan's own cells and forms (lattice-assigned, 2,000 runs; the flagship under colombia-history, whose
    eight forms weigh equally) with synthetic outcomes: a form effect, a parameter effect through a drawn value and
    noise, recovered within the design's sampling error."""
    scenario = load_scenario("colombia-2022", ["parameters.calibration=colombia-history"])
    plan = build_plan(scenario, 2000, seed=7)
    run_ids = np.arange(2000)
    forms, cells = plan.run_labels(run_ids)
    rng = np.random.default_rng(6)
    particle = np.array([c.particle for c in plan.cells])[cells]
    rate = plan.posterior.values[:, plan.posterior.names.index("effort_noise")][particle]  # a drawn parameter
    draw = (rate - rate.mean()) / rate.std() * 2.0  # variance 4 over the drawn particles
    values = FORM_MEANS[forms % len(FORM_MEANS)] + draw + rng.normal(0.0, 1.0, len(run_ids))  # 8 forms, variance 5
    found = decompose(values, forms, cells, np.asarray(plan.weights), plan.sources, switch_of_form(plan))
    assert found.share["structural"][0] == pytest.approx(0.5, abs=0.05)
    assert found.share["parameters"][0] == pytest.approx(0.4, abs=0.05)
    assert found.share["stochastic"][0] == pytest.approx(0.1, abs=0.02)


def test_a_light_form_without_draws_is_left_out_of_the_split():
    """Form 3 weighs 5% and has a single draw: the split is made among the other forms (weights renormalised) and
    says how much it left out; a form of 20% without draws enough stops the split instead."""
    values, forms, cells = synthetic(np.random.default_rng(7), 500)
    lone = (forms != 3) | (cells == 3)  # form 3 keeps one cell
    weights = np.array([0.35, 0.3, 0.3, 0.05])
    found = decompose(values[lone], forms[lone], cells[lone], weights, ALL)
    assert found.estimated and found.left_out == pytest.approx(0.05)
    # forms 0-2 weighed .35/.3/.3 renormalised: means 0, 2, 4 -> variance about 2.6; draws 4; runs 1
    mean = np.dot([0.35, 0.3, 0.3], [0, 2, 4]) / 0.95
    structural = np.dot([0.35, 0.3, 0.3], (np.array([0, 2, 4]) - mean) ** 2) / 0.95
    assert found.variance["structural"][0] == pytest.approx(structural, rel=0.1)
    heavy = decompose(values[lone], forms[lone], cells[lone], np.array([0.3, 0.25, 0.25, 0.2]), ALL)
    assert not heavy.estimated and "at least two draws" in heavy.reason
