"""Shipped boundaries and municipal-to-department summaries, for every view that draws or aggregates territories.

The report's maps and the dashboard read boundaries through `shipped_boundaries`; `department_view` turns any
per-municipality series into department values (sums, or population-weighted means) with the department outlines.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from totalpeace.aggregate import aggregate_series, group_index
from totalpeace.data import COLOMBIA
from totalpeace.data.municipal import MUNICIPAL
from totalpeace.territories import read_geojson

BOUNDARIES = {"colombia-departments": COLOMBIA / "departments.geojson",
              "colombia-municipalities": MUNICIPAL / "municipalities.geojson"}


def shipped_boundaries(source: str | None) -> Path | None:
    """The boundary file of a shipped dataset (`NAME@YEAR` variants share their base's), or None."""
    return BOUNDARIES.get((source or "").partition("@")[0])


def shapes_for(source: str | None, ids: list[str]) -> list[object] | None:
    """Shapely geometries of a shipped dataset in `ids` order, or None when it has no boundaries."""
    path = shipped_boundaries(source)
    if path is None or not path.is_file():
        return None
    return read_geojson(path, "id", ids)


def is_municipal(ids: list[str]) -> bool:
    """Whether territory ids are Colombian municipalities (5-digit DIVIPOLA codes)."""
    return len(ids) > 100 and all(len(t) == 5 and t.isdigit() for t in ids)


def department_view(values: np.ndarray, ids: list[str], weights: np.ndarray | None = None
                    ) -> tuple[list[str], np.ndarray, list[object] | None]:
    """Department ids, values (..., 33) and outlines for a per-municipality series (..., T)."""
    departments, index = group_index(ids)
    out = aggregate_series(np.asarray(values, dtype=float), index, len(departments), weights)
    return departments, out, shapes_for("colombia-departments", departments)
