"""Policy search on a cheap objective with a known Pareto front; reproducibility; the Pareto filter itself."""

from __future__ import annotations

import numpy as np
import pytest

from totalpeace.analysis.search import Lever, pareto_mask, search
from totalpeace.errors import InputError


def schaffer(setting):
    # Schaffer's problem N.1 with a categorical switch: the front is x in [0, 2] with mode "good";
    # mode "bad" adds 1 to both objectives, so it is never on the front.
    x = setting["x"]
    penalty = 1.0 if setting["mode"] == "bad" else 0.0
    return [x**2 + penalty, (x - 2) ** 2 + penalty]


LEVERS = [Lever("x", low=-5.0, high=5.0), Lever("mode", values=("good", "bad"))]


def test_pareto_set_lies_on_the_known_front():
    result = search(LEVERS, schaffer, ["f1", "f2"], trials=200, seed=7, population=20)
    front = result.pareto
    assert len(result.trials) == 200
    assert len(front) >= 10
    assert (front["mode"] == "good").all()
    # a finite sample's non-dominated points sit on or next to the true front x in [0, 2]
    assert front["x"].between(-0.1, 2.1).all()
    assert front["x"].between(0.0, 2.0).mean() >= 0.8
    assert front["x"].min() < 0.2 and front["x"].max() > 1.8  # it spans the front
    assert front["f1"].is_monotonic_increasing and front["f2"].is_monotonic_decreasing


def test_same_seed_same_trials():
    a = search(LEVERS, schaffer, ["f1", "f2"], trials=16, seed=3).trials
    b = search(LEVERS, schaffer, ["f1", "f2"], trials=16, seed=3).trials
    assert a.equals(b)


def test_pareto_mask():
    values = np.array([[1, 5], [2, 2], [3, 3], [5, 1], [1, 5]])
    assert list(pareto_mask(values)) == [True, True, False, True, True]


def test_bad_search_input():
    with pytest.raises(InputError, match="at least one lever"):
        search([], schaffer, ["f1", "f2"], trials=4, seed=1)
    with pytest.raises(InputError, match="--trials"):
        search(LEVERS, schaffer, ["f1", "f2"], trials=0, seed=1)


def test_maximised_objective_and_integer_lever():
    # maximise -(k - 3)^2 and minimise k: the front is k in {0, 1, 2, 3}
    levers = [Lever("k", low=0, high=8, integer=True)]
    result = search(levers, lambda s: [-(s["k"] - 3) ** 2, s["k"]], ["closeness", "k_value"], trials=40, seed=2,
                    directions=["maximize", "minimize"])
    assert set(result.pareto["k"]) == {0, 1, 2, 3}
    assert list(pareto_mask(np.array([[1, 1], [2, 1]]), ["maximize", "minimize"])) == [False, True]
