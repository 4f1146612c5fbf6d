"""Territory results summed to a coarser level (municipalities to departments), for reports, maps and the scale test.

Homicides and vacated control add up; state control is averaged with population weights, as the national
`state_control_share` is. The department of a Colombian municipality is the first two digits of its DIVIPOLA code.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from totalpeace.engine.results import Results

SUMMED = ("territory_homicides", "territory_vacated")
WEIGHTED = ("territory_state_control",)


def divipola_department(territory_id: str) -> str:
    """'05001' -> '05' (a department id stays itself)."""
    return territory_id[:2]


def group_index(ids: list[str], key: Callable[[str], str] = divipola_department) -> tuple[list[str], np.ndarray]:
    """The coarse units in order of first appearance and, for each territory, the index of its unit."""
    keys = [key(t) for t in ids]
    units = list(dict.fromkeys(keys))
    position = {u: k for k, u in enumerate(units)}
    return units, np.array([position[k] for k in keys])


def aggregate_series(values: np.ndarray, index: np.ndarray, n_units: int,
                     weights: np.ndarray | None = None) -> np.ndarray:
    """(..., T) -> (..., units): sums, or weighted means when `weights` (T,) are given."""
    flat = values.reshape(-1, values.shape[-1])
    out = np.zeros((flat.shape[0], n_units))
    if weights is None:
        for k in range(n_units):
            out[:, k] = flat[:, index == k].sum(axis=1)
    else:
        for k in range(n_units):
            w = weights[index == k]
            out[:, k] = (flat[:, index == k] * w).sum(axis=1) / max(w.sum(), 1e-12)
    return out.reshape(*values.shape[:-1], n_units)


def territory_summary(results: Results, population: np.ndarray,
                      key: Callable[[str], str] = divipola_department) -> pd.DataFrame:
    """One row per (month, unit): homicides and vacated control summed, state control population-weighted (means
    over runs, as in territories.parquet)."""
    units, index = group_index(results.territory_ids, key)
    months = results.month_labels()
    out = {"month": np.repeat(months, len(units)), "unit": np.tile(units, len(months))}
    for name in (*SUMMED, *WEIGHTED):
        series = results.territories[name]
        weights = population if name in WEIGHTED else None
        out[name.removeprefix("territory_")] = aggregate_series(series, index, len(units), weights).reshape(-1)
    return pd.DataFrame(out)
