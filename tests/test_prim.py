"""PRIM: hand-computed trajectories on tiny data, recovery of a known box, pasting, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from totalpeace.analysis.prim import PrimResult, Step, paste, prim, quasi_p_values
from totalpeace.errors import InputError


def test_numeric_trajectory_matches_hand_computation():
    # x = 0..9, cases of interest x >= 7. Each peel of alpha = 0.1 removes the lowest run, so box k is [k, 9] with
    # density 3 / (10 - k) and coverage 1, until [7, 9] (mass 0.3 = mass_min).
    x = pd.DataFrame({"x": np.arange(10.0)})
    y = x["x"].to_numpy() >= 7
    result = prim(x, y, alpha=0.1, mass_min=0.3)
    table = result.trajectory()
    assert list(table["n"]) == [10, 9, 8, 7, 6, 5, 4, 3]
    assert np.allclose(table["density"], [3 / n for n in range(10, 2, -1)])
    assert np.allclose(table["coverage"], 1.0)
    assert np.allclose(table["mass"], np.arange(10, 2, -1) / 10)
    assert result.steps[-1].limits["x"] == (7.0, 9.0)
    assert result.base_density == pytest.approx(0.3)


def test_categorical_trajectory_matches_hand_computation():
    # Dropping "c" removes two non-cases (density 3/4); then dropping "b" leaves the two "a" cases (density 1,
    # coverage 2/3, mass 1/3).
    x = pd.DataFrame({"mode": ["a", "a", "b", "b", "c", "c"]})
    y = np.array([1, 1, 1, 0, 0, 0])
    result = prim(x, y, alpha=0.1, mass_min=0.3)
    table = result.trajectory()
    assert np.allclose(table["density"], [0.5, 0.75, 1.0])
    assert np.allclose(table["coverage"], [1.0, 1.0, 2 / 3])
    assert [s.limits["mode"] for s in result.steps] == [frozenset("abc"), frozenset("ab"), frozenset("a")]
    assert list(result.limits_frame(2)["values"]) == ["a"]


def test_recovers_a_known_box_among_noise_inputs():
    rng = np.random.default_rng(3)
    n = 1500
    x = pd.DataFrame({"x1": rng.uniform(size=n), "x2": rng.uniform(size=n), "noise1": rng.uniform(size=n),
                      "noise2": rng.integers(0, 5, size=n), "noise3": rng.choice(["a", "b", "c"], size=n)})
    y = (x["x1"] > 0.7) & (x["x2"] < 0.3)
    result = prim(x, y, alpha=0.05, mass_min=0.03)
    step = result.select(min_density=0.95)
    assert set(result.restricted(step)) == {"x1", "x2"}
    limits = result.steps[step].limits
    assert limits["x1"][0] == pytest.approx(0.7, abs=0.03)
    assert limits["x2"][1] == pytest.approx(0.3, abs=0.03)
    inside = ((x["x1"] >= limits["x1"][0]) & (x["x1"] <= limits["x1"][1])
              & (x["x2"] >= limits["x2"][0]) & (x["x2"] <= limits["x2"][1]))
    assert result.steps[step].coverage == pytest.approx((inside & y).sum() / y.sum())
    assert result.steps[step].density == pytest.approx((inside & y).sum() / inside.sum())
    assert result.steps[step].coverage > 0.9


def test_mixed_numeric_integer_and_categorical_box():
    rng = np.random.default_rng(5)
    n = 1200
    x = pd.DataFrame({"x1": rng.uniform(size=n), "k": rng.integers(0, 10, size=n),
                      "mode": rng.choice(["none", "simultaneous", "phased"], size=n),
                      "flag": rng.choice([True, False], size=n)})
    y = (x["x1"] > 0.6) & (x["mode"] == "phased") & (x["k"] >= 5)
    result = prim(x, y, alpha=0.05, mass_min=0.03)
    step = result.select(min_density=0.95)
    limits = result.steps[step].limits
    assert limits["mode"] == frozenset({"phased"})
    assert limits["k"][0] == 5
    assert limits["x1"][0] == pytest.approx(0.6, abs=0.05)
    assert "flag" not in result.restricted(step)


def test_paste_extends_a_box_while_density_rises():
    # Box [8, 9] holds one case in two. Taking back 7, 6, 5, 4, 3 one at a time raises the density to 6/7; adding 2
    # would lower it, so pasting stops at [3, 9].
    x = pd.DataFrame({"x": np.arange(10.0)})
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1, 0, 1], dtype=bool)
    result = PrimResult(steps=[Step({"x": (0.0, 9.0)}, 1.0, 0.6, 1.0, 10), Step({"x": (8.0, 9.0)}, 1 / 6, 0.5, 0.2, 2)],
                        inputs=["x"], full={"x": (0.0, 9.0)}, n_total=10, n_interest=6, alpha=0.05, mass_min=0.05)
    pasted = paste(result, x, y, step=1, alpha=0.05)
    assert pasted == 2
    assert result.steps[2].limits["x"] == (3.0, 9.0)
    assert result.steps[2].density == pytest.approx(6 / 7)
    assert result.steps[2].pasted


@pytest.mark.parametrize(("x", "y", "needle"), [
    (pd.DataFrame({"x": [1.0, 2.0]}), np.array([0, 0]), "no run is a case of interest"),
    (pd.DataFrame({"x": [1.0, 2.0]}), np.array([0, 2]), "booleans"),
    (pd.DataFrame({"x": [1.0, np.nan]}), np.array([0, 1]), "'x': missing"),
    (pd.DataFrame({"x": [1.0, 2.0, 3.0]}), np.array([0, 1]), "3 experiments but 2"),
])
def test_bad_input_is_named(x, y, needle):
    with pytest.raises(InputError, match=needle):
        prim(x, y)


def test_quasi_p_values_flag_a_useless_restriction():
    rng = np.random.default_rng(11)
    n = 600
    x = pd.DataFrame({"x1": rng.uniform(size=n), "noise": rng.uniform(size=n)})
    y = (x["x1"] > 0.6).to_numpy()
    full = {name: (float(x[name].min()), float(x[name].max())) for name in x}
    box = {"x1": (0.6, full["x1"][1]), "noise": (full["noise"][0], 0.9)}  # the step's statistics are not used
    result = PrimResult(steps=[Step(full, 1.0, y.mean(), 1.0, n), Step(box, 0.9, 1.0, 0.36, 216)],
                        inputs=["x1", "noise"], full=full, n_total=n, n_interest=int(y.sum()), alpha=0.05,
                        mass_min=0.05)
    p = quasi_p_values(result, x, y, 1)
    assert p["x1"] < 1e-10  # dropping x1 > 0.6 would leave density 0.4: the box's purity is no accident
    assert p["noise"] > 0.5  # dropping noise < 0.9 leaves the density at 1: the restriction adds nothing
