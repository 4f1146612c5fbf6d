"""PRIM (Friedman & Fisher 1999), the Patient Rule Induction Method, for scenario discovery.

Given experiments (one row per run: the levers and uncertainties that produced it) and a flag marking the runs with
the outcome of interest (e.g. a homicide rate above a threshold), PRIM looks for a box -- a range on some numeric
inputs and a subset of values on some categorical ones -- that holds many of those runs (coverage) and few others
(density). It peels: at each step it removes the `alpha` share of the box's runs from the one face (lower or upper
end of a numeric input, or one value of a categorical input) that raises the density most per run removed, and
records the box. The sequence of boxes is the peeling trajectory; the analyst picks a box on it, trading coverage for
density, and may then paste (extend the box again where that raises the density).

Written here because the maintained implementations that install on Python 3.11 (ema_workbench 2.5.3, prim 1.0.0)
fail on pandas 3 inputs (integer columns, categorical limits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from totalpeace.errors import InputError

Limit = tuple[float, float] | frozenset


@dataclass(frozen=True)
class Step:
    """One box of the trajectory: its limits and how well it captures the cases of interest."""

    limits: dict[str, Limit]
    coverage: float
    density: float
    mass: float
    n: int
    pasted: bool = False


@dataclass
class PrimResult:
    """The peeling trajectory, the data's summary, and helpers to read a chosen box."""

    steps: list[Step]
    inputs: list[str]
    full: dict[str, Limit]
    n_total: int
    n_interest: int
    alpha: float
    mass_min: float
    categorical: set[str] = field(default_factory=set)

    @property
    def base_density(self) -> float:
        return self.n_interest / self.n_total

    def restricted(self, step: int) -> list[str]:
        """Inputs whose limits at `step` are narrower than the data's range."""
        return self.restricted_from(self.steps[step])

    def restricted_from(self, box: Step) -> list[str]:
        return [name for name in self.inputs if box.limits[name] != self.full[name]]

    def trajectory(self) -> pd.DataFrame:
        """One row per box: step, coverage, density, mass, n, restricted dimensions, pasted."""
        return pd.DataFrame({
            "step": np.arange(len(self.steps)),
            "coverage": [s.coverage for s in self.steps], "density": [s.density for s in self.steps],
            "mass": [s.mass for s in self.steps], "n": [s.n for s in self.steps],
            "restricted": [len(self.restricted(i)) for i in range(len(self.steps))],
            "pasted": [s.pasted for s in self.steps]})

    def limits_frame(self, step: int) -> pd.DataFrame:
        """The restricted inputs of a box: numeric low/high, or the categorical values kept; with the data's range."""
        rows = []
        for name in self.restricted(step):
            limit, full = self.steps[step].limits[name], self.full[name]
            if isinstance(limit, frozenset):
                rows.append({"input": name, "low": None, "high": None, "values": ", ".join(sorted(map(str, limit))),
                             "data range": ", ".join(sorted(map(str, full)))})
            else:
                rows.append({"input": name, "low": limit[0], "high": limit[1], "values": None,
                             "data range": f"{full[0]:.4g} .. {full[1]:.4g}"})
        return pd.DataFrame(rows, columns=["input", "low", "high", "values", "data range"])

    def select(self, min_density: float) -> int:
        """The step with the highest coverage among those with density >= min_density (else the densest)."""
        table = self.trajectory()
        eligible = table[table["density"] >= min_density - 1e-12]
        if eligible.empty:
            return int(table["density"].idxmax())
        best = eligible["coverage"].max()
        return int(eligible[eligible["coverage"] >= best - 1e-12]["step"].max())


class _Data:
    """Inputs as numpy columns: float values for numeric inputs, category codes for the others."""

    def __init__(self, x: pd.DataFrame) -> None:
        self.n = len(x)
        self.names = [str(c) for c in x.columns]
        self.numeric: dict[str, np.ndarray] = {}
        self.codes: dict[str, np.ndarray] = {}
        self.levels: dict[str, np.ndarray] = {}
        for name, column in zip(self.names, x.columns, strict=True):
            series = x[column]
            if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
                values = series.to_numpy(dtype=float)
                if not np.isfinite(values).all():
                    raise InputError(f"input column {name!r}: missing or non-finite values")
                self.numeric[name] = values
            else:
                if series.isna().any():
                    raise InputError(f"input column {name!r}: missing values")
                codes, levels = pd.factorize(series.astype(str), sort=True)
                self.codes[name] = codes
                self.levels[name] = np.asarray(levels, dtype=object)

    def full_limits(self) -> dict[str, Limit]:
        out: dict[str, Limit] = {}
        for name in self.names:
            if name in self.numeric:
                out[name] = (float(self.numeric[name].min()), float(self.numeric[name].max()))
            else:
                out[name] = frozenset(self.levels[name].tolist())
        return out

    def inside(self, limits: dict[str, Limit], skip: str | None = None) -> np.ndarray:
        """Boolean mask of the rows inside a box (optionally ignoring one input)."""
        mask = np.ones(self.n, dtype=bool)
        for name, limit in limits.items():
            if name == skip:
                continue
            if name in self.numeric:
                v = self.numeric[name]
                mask &= (v >= limit[0]) & (v <= limit[1])
            else:
                allowed = np.isin(self.levels[name], list(limit))
                mask &= allowed[self.codes[name]]
        return mask


def _numeric_peels(values: np.ndarray, limit: tuple[float, float], alpha: float) -> list[tuple[float, float]]:
    """New limits after removing about `alpha` of the box's runs from the lower or the upper end."""
    out = []
    lo_q, hi_q = np.quantile(values, [alpha, 1 - alpha])
    lo = lo_q if lo_q > values.min() else _next_above(values, values.min())
    hi = hi_q if hi_q < values.max() else _next_below(values, values.max())
    if lo is not None:
        out.append((float(values[values >= lo].min()), limit[1]))
    if hi is not None:
        out.append((limit[0], float(values[values <= hi].max())))
    return out


def _next_above(values: np.ndarray, v: float) -> float | None:
    above = values[values > v]
    return float(above.min()) if above.size else None


def _next_below(values: np.ndarray, v: float) -> float | None:
    below = values[values < v]
    return float(below.max()) if below.size else None


def _candidates(data: _Data, limits: dict[str, Limit], inside: np.ndarray, alpha: float) -> list[dict[str, Limit]]:
    """Every box one peel smaller than `limits`."""
    out = []
    for name in data.names:
        if name in data.numeric:
            for new in _numeric_peels(data.numeric[name][inside], limits[name], alpha):
                out.append({**limits, name: new})
        else:
            present = set(data.levels[name][np.unique(data.codes[name][inside])].tolist())
            if len(present) > 1:
                for value in sorted(present):
                    out.append({**limits, name: frozenset(present - {value})})
    return out


def _step(data: _Data, y: np.ndarray, limits: dict[str, Limit], n_interest: int, pasted: bool = False) -> Step:
    inside = data.inside(limits)
    n = int(inside.sum())
    hits = int(y[inside].sum())
    return Step(limits=limits, coverage=hits / n_interest, density=hits / n if n else 0.0, mass=n / len(y), n=n,
                pasted=pasted)


def prim(x: pd.DataFrame, y: np.ndarray | pd.Series, alpha: float = 0.05, mass_min: float = 0.05) -> PrimResult:
    """Peel from the whole input space down to `mass_min`, recording every box.

    `x` has one row per run and one column per input (numbers, or text/booleans treated as categories); `y` flags
    the runs of interest. At each step the peel with the largest density gain per run removed wins; peeling stops
    when no peel raises the density or the next box would hold less than `mass_min` of the runs.
    """
    flags = np.asarray(y)
    if flags.dtype != bool:
        if not np.isin(flags, [0, 1]).all():
            raise InputError("the cases of interest must be given as booleans (or 0/1)")
        flags = flags.astype(bool)
    if len(x) != len(flags):
        raise InputError(f"{len(x)} experiments but {len(flags)} outcome values")
    if x.shape[1] == 0:
        raise InputError("no input columns to build boxes from")
    if not 0 < alpha < 0.5:
        raise InputError(f"alpha must be in (0, 0.5) (got {alpha})")
    if not 0 < mass_min < 1:
        raise InputError(f"mass_min must be in (0, 1) (got {mass_min})")
    n_interest = int(flags.sum())
    if n_interest == 0:
        raise InputError("no run is a case of interest: nothing to discover (check the threshold)")
    data = _Data(x)
    full = data.full_limits()
    steps = [_step(data, flags, full, n_interest)]
    total = len(flags)
    while True:
        current = steps[-1]
        inside = data.inside(current.limits)
        best: tuple[float, float, Step] | None = None
        for limits in _candidates(data, current.limits, inside, alpha):
            candidate = _step(data, flags, limits, n_interest)
            removed = current.n - candidate.n
            if removed <= 0 or candidate.mass < mass_min:
                continue
            gain = (candidate.density - current.density) / removed
            key = (gain, candidate.mass)
            if best is None or key > best[:2]:
                best = (gain, candidate.mass, candidate)
        if best is None or best[0] <= 0:
            break
        steps.append(best[2])
    return PrimResult(steps=steps, inputs=data.names, full=full, n_total=total, n_interest=n_interest, alpha=alpha,
                      mass_min=mass_min, categorical=set(data.codes))


def quasi_p_values(result: PrimResult, x: pd.DataFrame, y: np.ndarray | pd.Series, step: int) -> dict[str, float]:
    """For each restricted input, how likely the box's density would be by chance if that restriction were dropped.

    Bryant & Lempert's (2010) quasi-p-value: a one-sided binomial test of the box's cases of interest against the
    density of the box without the restriction. A large value flags a restriction that adds little.
    """
    from scipy.stats import binom

    flags = np.asarray(y).astype(bool)
    data = _Data(x)
    box = result.steps[step]
    inside = data.inside(box.limits)
    hits = int(flags[inside].sum())
    out = {}
    for name in result.restricted(step):
        relaxed = data.inside(box.limits, skip=name)
        density = flags[relaxed].sum() / relaxed.sum()
        out[name] = float(binom.sf(hits - 1, int(inside.sum()), density))
    return out


def paste(result: PrimResult, x: pd.DataFrame, y: np.ndarray | pd.Series, step: int,
          alpha: float = 0.05) -> int:
    """Extend box `step` while that raises its density; append the pasted box to the trajectory and return its step.

    Each round tries, on every restricted input, to take back about `alpha` of the box's runs just outside one numeric
    face, or one excluded categorical value, and keeps the candidate with the highest density if it beats the box.
    """
    flags = np.asarray(y).astype(bool)
    data = _Data(x)
    box = result.steps[step]
    while True:
        best: Step | None = None
        for name in result.restricted_from(box):
            others = data.inside(box.limits, skip=name)
            for limits in _pastes(data, box, name, others, alpha, result.full[name]):
                candidate = _step(data, flags, limits, result.n_interest, pasted=True)
                if candidate.n > box.n and candidate.density > box.density + 1e-12 and (
                        best is None or candidate.density > best.density):
                    best = candidate
        if best is None:
            break
        box = best
    if box is result.steps[step]:
        return step
    result.steps.append(box)
    return len(result.steps) - 1


def _pastes(data: _Data, box: Step, name: str, others: np.ndarray, alpha: float, full: Limit) -> list[dict]:
    limit = box.limits[name]
    if name in data.codes:
        return [{**box.limits, name: frozenset(limit | {value})} for value in sorted(full - limit)]
    values = data.numeric[name][others]
    k = max(1, math.ceil(alpha * box.n))
    out = []
    below = np.sort(values[values < limit[0]])[::-1]
    if below.size:
        out.append({**box.limits, name: (float(below[min(k, below.size) - 1]), limit[1])})
    above = np.sort(values[values > limit[1]])
    if above.size:
        out.append({**box.limits, name: (limit[0], float(above[min(k, above.size) - 1]))})
    return out
