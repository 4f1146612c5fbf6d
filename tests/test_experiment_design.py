"""Designs: full factorial, Latin hypercube, Sobol (Saltelli) and Morris points, and the mapping to factor values."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.sample import morris as salib_morris
from SALib.sample import sobol as salib_sobol
from scipy import stats

from totalpeace.errors import InputError
from totalpeace.experiments.design import build_design, salib_problem
from totalpeace.experiments.spec import parse_spec

FACTORS = {
    "levers": {"policy.talks.mode": {"values": ["simultaneous", "phased"]},
               "policy.decriminalization": {"low": 0.0, "high": 1.0}},
    "uncertainties": {"international.venezuela.host_tolerance": {"distribution": "triangular", "low": 0.5,
                                                                  "high": 1.0, "mode": 0.9},
                      "parameters.ddr_rate": {"distribution": "lognormal", "median": 0.1, "sigma": 0.5,
                                              "low": 0.03, "high": 0.3}},
}


def spec(design: str, **extra):
    return parse_spec({"name": "d", "scenario": "colombia-2022", "design": design, "seed": 4, **FACTORS, **extra})


def test_full_factorial_is_every_combination():
    points = build_design(spec("full_factorial", levels=3))
    assert len(points) == 2 * 3 * 3 * 3
    assert list(points["point"]) == list(range(len(points)))
    combos = set(map(tuple, points[["policy.talks.mode", "policy.decriminalization"]].itertuples(index=False)))
    assert combos == {(m, d) for m in ("simultaneous", "phased") for d in (0.0, 0.5, 1.0)}
    assert sorted(points["international.venezuela.host_tolerance"].unique())[0] == pytest.approx(0.5)
    assert sorted(points["international.venezuela.host_tolerance"].unique())[-1] == pytest.approx(1.0)
    assert not points.duplicated(subset=[c for c in points.columns if c != "point"]).any()


def test_latin_hypercube_stratifies_every_factor():
    n = 25
    points = build_design(spec("latin_hypercube", samples=n))
    assert len(points) == n
    for path in FACTORS["levers"] | FACTORS["uncertainties"]:
        strata = np.floor(points[f"unit:{path}"] * n).astype(int)
        assert sorted(strata) == list(range(n)), path  # one point in each of the n slices of every axis
    assert set(points["policy.talks.mode"]) == {"simultaneous", "phased"}
    tol = points["international.venezuela.host_tolerance"]
    expected = stats.triang(0.8, loc=0.5, scale=0.5).ppf(points["unit:international.venezuela.host_tolerance"])
    np.testing.assert_allclose(tol, expected)
    ddr = points["parameters.ddr_rate"]
    assert ddr.between(0.03, 0.3).all()


def test_designs_are_reproducible_and_depend_on_the_seed():
    a = build_design(spec("latin_hypercube", samples=8))
    b = build_design(spec("latin_hypercube", samples=8))
    c = build_design(spec("latin_hypercube", samples=8, seed=5))
    assert a.equals(b) and not a.equals(c)


def test_sobol_is_salibs_saltelli_sample():
    s = spec("sobol", samples=8)
    points = build_design(s)
    d = 4
    assert len(points) == 8 * (2 * d + 2)
    expected = salib_sobol.sample(salib_problem(s), 8, calc_second_order=True, seed=4)
    np.testing.assert_array_equal(points[[f"unit:{p}" for p in salib_problem(s)["names"]]].to_numpy(), expected)
    with pytest.raises(InputError, match="power of two"):
        build_design(spec("sobol", samples=6))


def test_morris_is_salibs_trajectories_on_a_grid():
    s = spec("morris", samples=5, levels=4)
    points = build_design(s)
    assert len(points) == 5 * (4 + 1)
    unit = points[[f"unit:{p}" for p in salib_problem(s)["names"]]].to_numpy()
    np.testing.assert_array_equal(unit, salib_morris.sample(salib_problem(s), 5, num_levels=4, seed=4))
    # consecutive points of a trajectory differ in exactly one factor
    for t in range(5):
        block = unit[t * 5:(t + 1) * 5]
        assert (np.count_nonzero(np.diff(block, axis=0), axis=1) == 1).all()
    decrim = points["policy.decriminalization"]
    assert set(np.round(decrim, 6)) <= {0.0, round(1 / 3, 6), round(2 / 3, 6), 1.0}
    with pytest.raises(InputError, match="even number"):
        build_design(spec("morris", samples=5, levels=3))


def test_integer_fields_get_whole_numbers_and_unbounded_grids_stay_finite():
    s = parse_spec({"name": "i", "scenario": "colombia-2022", "design": "full_factorial",
                    "levers": {"policy.ceasefires.0.months": {"low": 6, "high": 24, "levels": 4}},
                    "uncertainties": {"security.buy_in": {"distribution": "normal", "mean": 0.6, "sd": 0.1}}})
    points = build_design(s)
    assert points["policy.ceasefires.0.months"].dtype.kind == "i"
    assert sorted(points["policy.ceasefires.0.months"].unique()) == [6, 12, 18, 24]
    assert np.isfinite(points["security.buy_in"]).all()
    assert points["security.buy_in"].min() == pytest.approx(stats.norm(0.6, 0.1).ppf(0.01))
