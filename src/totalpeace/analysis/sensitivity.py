"""Global sensitivity with SALib: Sobol' first/total-order indices and Morris elementary effects, with intervals.

Designs and estimators work on the unit hypercube, one coordinate per factor: a factor's values are read from its
coordinate by the experiment's mapping (a range linearly, a list of choices in equal slices). Indices computed on the
unit coordinates are the indices of the factors themselves, since the mapping is a monotone change of variable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from totalpeace.errors import InputError

SOBOL_COLUMNS = ["S1", "S1_conf", "ST", "ST_conf"]
MORRIS_COLUMNS = ["mu_star", "mu_star_conf", "sigma", "mu"]


def unit_problem(names: list[str]) -> dict:
    """The SALib problem over the unit hypercube: one variable per factor, bounds [0, 1]."""
    if not names:
        raise InputError("sensitivity needs at least one factor (a lever or an uncertainty)")
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def sobol_design(problem: dict, n: int, seed: int, second_order: bool = False) -> np.ndarray:
    """Saltelli's extension of a scrambled Sobol' sequence: N (D + 2) rows, or N (2D + 2) with second order."""
    if n < 2 or n & (n - 1):
        raise InputError(f"samples: a Sobol' design needs a power of two of at least 2 (got {n})")
    from SALib.sample import sobol

    return sobol.sample(problem, n, calc_second_order=second_order, scramble=True, seed=seed)


def sobol_indices(problem: dict, y: np.ndarray, seed: int, second_order: bool = False,
                  conf_level: float = 0.95, resamples: int = 1000) -> pd.DataFrame:
    """First- and total-order indices, each with the half-width of its bootstrap confidence interval."""
    from SALib.analyze import sobol

    y = _finite(y)
    if np.ptp(y) == 0:
        raise InputError("the outcome does not vary across the design: Sobol' indices are undefined")
    result = sobol.analyze(problem, y, calc_second_order=second_order, num_resamples=resamples,
                           conf_level=conf_level, seed=seed)
    return pd.DataFrame({key: np.asarray(result[key], dtype=float) for key in SOBOL_COLUMNS},
                        index=pd.Index(problem["names"], name="factor"))


def morris_design(problem: dict, trajectories: int, levels: int, seed: int) -> np.ndarray:
    """Morris one-at-a-time trajectories on a `levels`-point grid: trajectories x (D + 1) rows."""
    if trajectories < 2:
        raise InputError(f"samples: a Morris design needs at least 2 trajectories (got {trajectories})")
    if levels < 2 or levels % 2:
        raise InputError(f"levels: a Morris design needs an even number of levels (got {levels})")
    from SALib.sample import morris

    return morris.sample(problem, trajectories, num_levels=levels, seed=seed)


def morris_indices(problem: dict, x: np.ndarray, y: np.ndarray, levels: int, seed: int,
                   conf_level: float = 0.95, resamples: int = 1000) -> pd.DataFrame:
    """mu* (mean absolute elementary effect) with its bootstrap interval, sigma and mu, per factor."""
    from SALib.analyze import morris

    y = _finite(y)
    result = morris.analyze(problem, np.asarray(x, dtype=float), y, num_resamples=resamples, conf_level=conf_level,
                            num_levels=levels, seed=seed)
    return pd.DataFrame({key: np.asarray(result[key], dtype=float) for key in MORRIS_COLUMNS},
                        index=pd.Index(problem["names"], name="factor"))


def _finite(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if not np.isfinite(y).all():
        raise InputError(f"the outcome has {int((~np.isfinite(y)).sum())} missing or non-finite values")
    return y
