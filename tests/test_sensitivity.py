"""SALib Sobol' and Morris wrappers against the Ishigami function's analytic indices and a linear model's ranking."""

from __future__ import annotations

import numpy as np
import pytest

from totalpeace.analysis.sensitivity import morris_design, morris_indices, sobol_design, sobol_indices, unit_problem
from totalpeace.errors import InputError

A, B = 7.0, 0.1


def ishigami(unit: np.ndarray) -> np.ndarray:
    x = -np.pi + 2 * np.pi * unit  # unit coordinates -> [-pi, pi]^3
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_analytic() -> tuple[np.ndarray, np.ndarray]:
    """Analytic first and total order indices (Ishigami & Homma 1990)."""
    v1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / var, np.array([v1 + v13, v2, v13]) / var


def test_sobol_matches_ishigami_analytic_indices():
    problem = unit_problem(["x1", "x2", "x3"])
    x = sobol_design(problem, 4096, seed=1)
    assert x.shape == (4096 * 5, 3)
    table = sobol_indices(problem, ishigami(x), seed=1)
    s1, st = ishigami_analytic()
    assert np.allclose(table["S1"], s1, atol=0.03)
    assert np.allclose(table["ST"], st, atol=0.03)
    assert (table["S1_conf"] > 0).all() and (table["S1_conf"] < 0.1).all()
    assert (np.abs(table["S1"] - s1) < 3 * table["S1_conf"] + 0.01).all()


def test_morris_ranks_a_linear_model():
    problem = unit_problem(["a", "b", "c", "d"])
    x = morris_design(problem, trajectories=20, levels=4, seed=2)
    y = x @ np.array([5.0, -2.0, 0.5, 0.0])
    table = morris_indices(problem, x, y, levels=4, seed=2)
    assert list(table["mu_star"].sort_values(ascending=False).index) == ["a", "b", "c", "d"]
    assert np.allclose(table["mu_star"], [5.0, 2.0, 0.5, 0.0])
    assert np.allclose(table["sigma"], 0.0, atol=1e-9)  # a linear model has constant elementary effects
    assert table.loc["b", "mu"] == pytest.approx(-2.0)


def test_design_size_and_constant_outcome_are_checked():
    problem = unit_problem(["x"])
    with pytest.raises(InputError, match="power of two"):
        sobol_design(problem, 6, seed=1)
    with pytest.raises(InputError, match="does not vary"):
        sobol_indices(problem, np.ones(12), seed=1)
    with pytest.raises(InputError, match="even number of levels"):
        morris_design(problem, 4, levels=3, seed=1)
