"""Design points of an experiment: SALib / scipy.stats.qmc samples of the unit hypercube mapped to factor values.

Every design first draws points in [0, 1]^D (one column per factor) and then maps each column through its factor:
a list of values is cut into equal slices of the unit interval, a range goes through the inverse CDF of its
distribution (scipy.stats). The unit sample is kept beside the values because sensitivity analyses (SALib's Sobol
and Morris estimators) need the points in the exact order and space they were drawn.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from totalpeace.errors import InputError
from totalpeace.experiments.spec import ExperimentSpec, Factor, integer_paths, json_value, structured_paths

UNIT_PREFIX = "unit:"
GRID_TAIL = 0.01  # grids over an unbounded distribution span its 1%..99% quantiles


def salib_problem(spec: ExperimentSpec) -> dict:
    """The SALib problem of the unit sample: one variable per factor, bounds [0, 1], names the dotted paths."""
    names = list(spec.factors())
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


class _Truncated:
    """Inverse CDF of a distribution restricted to [lo, hi]."""

    def __init__(self, dist: stats.rv_continuous, lo: float, hi: float) -> None:
        self.dist, self.a, self.b = dist, dist.cdf(lo), dist.cdf(hi)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.dist.ppf(self.a + u * (self.b - self.a))


def _distribution(factor: Factor) -> stats.rv_continuous | _Truncated | None:
    """The frozen scipy distribution of a range (None for a plain uniform range, mapped linearly)."""
    lo, hi = factor.low, factor.high
    match factor.distribution:
        case "uniform":
            return None
        case "loguniform":
            return stats.loguniform(lo, hi)
        case "triangular":
            return stats.triang((factor.mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
        case "normal":
            if lo is None:
                return stats.norm(factor.mean, factor.sd)
            return stats.truncnorm((lo - factor.mean) / factor.sd, (hi - factor.mean) / factor.sd,
                                   loc=factor.mean, scale=factor.sd)
        case "lognormal":
            dist = stats.lognorm(factor.sigma, scale=factor.median)
            if lo is None:
                return dist
            return _Truncated(dist, lo, hi)
    raise AssertionError(factor.distribution)


def _unbounded(factor: Factor) -> bool:
    return factor.values is None and factor.distribution in ("normal", "lognormal") and factor.low is None


def map_unit(factor: Factor, u: np.ndarray, grid: bool = False) -> np.ndarray:
    """Unit-interval coordinates -> factor values (object array for categorical values)."""
    u = np.asarray(u, dtype=float)
    if factor.values is not None:
        k = len(factor.values)
        index = np.minimum((u * k).astype(int), k - 1)
        return np.array(factor.values, dtype=object)[index]
    if _unbounded(factor):
        u = GRID_TAIL + u * (1 - 2 * GRID_TAIL) if grid else np.clip(u, 1e-9, 1 - 1e-9)
    dist = _distribution(factor)
    if dist is None:
        return factor.low + u * (factor.high - factor.low)
    return np.asarray(dist.ppf(u), dtype=float)


def unit_sample(spec: ExperimentSpec) -> tuple[np.ndarray, bool]:
    """Points of the unit hypercube in design order, and whether they lie on a grid (factorial, Morris)."""
    factors = spec.factors()
    d = len(factors)
    if spec.design == "latin_hypercube":
        return qmc.LatinHypercube(d=d, rng=spec.seed).random(spec.samples), False
    if spec.design == "sobol":
        if spec.samples & (spec.samples - 1):
            raise InputError(f"samples: a sobol design needs a power of two (got {spec.samples})",
                             source=spec.source)
        from SALib.sample import sobol

        return sobol.sample(salib_problem(spec), spec.samples, calc_second_order=True, seed=spec.seed), False
    if spec.design == "morris":
        from SALib.sample import morris

        levels = spec.levels or 4
        if levels % 2:
            raise InputError(f"levels: a morris design needs an even number of levels (got {levels})",
                             source=spec.source)
        return morris.sample(salib_problem(spec), spec.samples, num_levels=levels, seed=spec.seed), True
    # full factorial: every combination of each factor's levels (a list's values, or `levels` points of a range)
    axes = []
    for factor in factors.values():
        if factor.values is not None:
            k = len(factor.values)
            axes.append((np.arange(k) + 0.5) / k)
        else:
            axes.append(np.linspace(0.0, 1.0, factor.levels or spec.levels or 3))
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, d), True


def build_design(spec: ExperimentSpec) -> pd.DataFrame:
    """One row per design point: `point` (0..n-1), each factor's value, and its unit coordinate (`unit:<path>`)."""
    unit, grid = unit_sample(spec)
    integers = integer_paths(spec)
    columns: dict[str, object] = {"point": np.arange(len(unit), dtype=np.int64)}
    for j, (path, factor) in enumerate(spec.factors().items()):
        values = map_unit(factor, unit[:, j], grid=grid)
        if path in integers and factor.values is None:
            values = np.rint(values).astype(np.int64)
        elif factor.values is not None and all(isinstance(v, int | float) and not isinstance(v, bool)
                                               for v in factor.values):
            values = values.astype(float)
        elif factor.values is not None and all(isinstance(v, bool) for v in factor.values):
            values = values.astype(bool)
        elif factor.values is not None:
            values = values.astype(str)
        columns[path] = values
    for j, path in enumerate(spec.factors()):
        columns[UNIT_PREFIX + path] = unit[:, j]
    return pd.DataFrame(columns)


def point_overrides(row: pd.Series | dict, spec: ExperimentSpec) -> dict[str, object]:
    """A design point as `--set`-style overrides {dotted.path: plain Python value}; list and table values recorded
    as JSON text (a dashboard run's levers) are decoded."""
    structured = structured_paths(tuple(spec.factors()))
    out = {}
    for path in spec.factors():
        value = row[path]
        out[path] = json_value(path, value.item() if isinstance(value, np.generic) else value, structured)
    return out
