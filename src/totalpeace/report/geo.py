"""The scenario's territories as a compact GeoJSON for the interactive maps, whatever the territories are.

Any territory set works the same way: the shipped department outlines, the user's own GeoJSON, Colombia's 1,122
municipalities. Outlines are simplified (a tolerance relative to the country's extent, topology kept) and their
coordinates rounded, so a municipal map stays a few hundred kilobytes. A scenario without boundaries gets a tile
grid: one square per territory in id order, drawn by the same map code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from shapely.geometry import box, mapping

SIMPLIFY_SHARE = 0.0015  # tolerance as a share of the larger side of the bounding box (about 2 km for Colombia)
DECIMALS = 3  # about 100 m


def _round(coords: Any) -> Any:
    if isinstance(coords, tuple | list) and coords and isinstance(coords[0], float | int):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round(c) for c in coords]


def _extent(shapes: list[Any]) -> float:
    bounds = np.array([g.bounds for g in shapes])
    return float(max(bounds[:, 2].max() - bounds[:, 0].min(), bounds[:, 3].max() - bounds[:, 1].min()))


def tile_shapes(n: int) -> list[Any]:
    """Squares in a near-square grid, one per territory (for scenarios without boundaries)."""
    cols = max(1, math.ceil(math.sqrt(n)))
    return [box(k % cols, -(k // cols), k % cols + 0.92, -(k // cols) + 0.92) for k in range(n)]


def territory_geojson(ids: list[str], names: list[str], shapes: list[Any] | None) -> dict[str, Any]:
    """A FeatureCollection with `id` and `name` properties; simplified outlines, or a tile grid without shapes."""
    tiles = shapes is None
    geoms = tile_shapes(len(ids)) if tiles else list(shapes)
    tolerance = 0.0 if tiles else SIMPLIFY_SHARE * _extent(geoms)
    features = []
    for tid, name, geom in zip(ids, names, geoms, strict=True):
        simple = geom.simplify(tolerance, preserve_topology=True) if tolerance and geom is not None else geom
        if simple is None or simple.is_empty:
            simple = geom
        shape = mapping(simple)
        features.append({"type": "Feature", "id": tid, "properties": {"id": tid, "name": name},
                         "geometry": {"type": shape["type"], "coordinates": _round(shape["coordinates"])}})
    return {"type": "FeatureCollection", "features": features, "tiles": tiles}
