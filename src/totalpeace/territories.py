"""Territory tables: from a shipped dataset or from the user's CSV (+ GeoJSON), with adjacency.

The engine only sees this table and its adjacency pairs, so Colombia's 33 departments and a user's 1,122
municipalities go through the same code.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from totalpeace.errors import InputError
from totalpeace.scenario.schema import Territories

REQUIRED = ("name", "population", "area_km2")
NUMERIC_OPTIONAL = {"coca_ha": 0.0, "gold_ha": 0.0, "homicides": math.nan, "port": 0.0}
STATE_PRESENCE_RULE = "assumption: 0.25 + 0.15 log10(people per km2), clipped to [0.1, 0.95]"
ADJACENCY_TOLERANCE_DEG = 1e-4


@dataclass(frozen=True)
class TerritoryTable:
    """Attributes per territory (index: id as text), adjacency as index pairs, and provenance of columns."""

    frame: pd.DataFrame
    adjacency: np.ndarray
    sources: dict[str, str]
    presence: pd.DataFrame | None = None
    geometry: tuple[object, ...] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return list(self.frame.index)

    def neighbours(self) -> list[list[int]]:
        """Adjacency lists by position."""
        out: list[list[int]] = [[] for _ in range(len(self.frame))]
        for a, b in self.adjacency:
            out[a].append(int(b))
            out[b].append(int(a))
        return out


def state_presence_from_density(population: pd.Series, area_km2: pd.Series) -> pd.Series:
    """Institutional presence S_i where no data give it: denser places have more state (see STATE_PRESENCE_RULE)."""
    density = population / area_km2.clip(lower=1e-6)
    return (0.25 + 0.15 * np.log10(density.clip(lower=1e-3))).clip(0.1, 0.95)


def _fail(source: str, problem: str) -> InputError:
    return InputError(problem, source=source)


def finish_frame(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Check values, fill optional columns by documented rules, and say which were filled."""
    notes: list[str] = []
    for col in REQUIRED:
        if col not in frame.columns:
            raise _fail(source, f"territories: column {col!r} is missing (required: id, {', '.join(REQUIRED)})")
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()][0]
        raise _fail(source, f"territories: id {dup!r} appears more than once")
    for col in ("population", "area_km2", *NUMERIC_OPTIONAL):
        if col not in frame.columns:
            frame[col] = NUMERIC_OPTIONAL[col]
            notes.append(f"column {col!r} not given: {NUMERIC_OPTIONAL[col]} used")
            continue
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = frame.index[values.isna() & frame[col].notna()]
        if len(bad):
            raise _fail(source, f"territories[{bad[0]}].{col}: not a number ({frame.loc[bad[0], col]!r})")
        empty = frame.index[values.isna()]
        if len(empty) and col != "homicides":  # homicides may be unknown: the national rate is used there
            raise _fail(source, f"territories[{empty[0]}].{col}: value is missing (give a number, or leave the "
                                "column out)")
        if (values < 0).any():
            raise _fail(source, f"territories[{frame.index[values < 0][0]}].{col}: must be >= 0")
        if col in ("population", "area_km2") and values.isna().any():
            raise _fail(source, f"territories[{frame.index[values.isna()][0]}].{col}: value is missing")
        frame[col] = values.astype(float)
    if (frame["area_km2"] <= 0).any():
        raise _fail(source, f"territories[{frame.index[frame['area_km2'] <= 0][0]}].area_km2: must be > 0")
    if "state_presence" in frame.columns:
        sp = pd.to_numeric(frame["state_presence"], errors="coerce")
        if sp.isna().any() or ((sp < 0) | (sp > 1)).any():
            raise _fail(source, "territories.state_presence: every value must be a number in [0, 1]")
        frame["state_presence"] = sp.astype(float)
    else:
        frame["state_presence"] = state_presence_from_density(frame["population"], frame["area_km2"])
        notes.append(f"column 'state_presence' not given: {STATE_PRESENCE_RULE}")
    if "border_countries" not in frame.columns:
        frame["border_countries"] = ""
    frame["border_countries"] = frame["border_countries"].fillna("").astype(str)
    if "coast" not in frame.columns:
        frame["coast"] = "none"
    frame["coast"] = frame["coast"].fillna("none").astype(str)
    if frame["name"].isna().any():
        raise _fail(source, f"territories[{frame.index[frame['name'].isna()][0]}].name: value is missing")
    frame["name"] = frame["name"].astype(str)
    return frame, notes


def adjacency_from_pairs(pairs: pd.DataFrame, ids: list[str], source: str) -> np.ndarray:
    """Index pairs (a < b) from a table with columns a and b of territory ids."""
    for col in ("a", "b"):
        if col not in pairs.columns:
            raise _fail(source, f"adjacency: column {col!r} is missing (expected columns a, b)")
    position = {tid: i for i, tid in enumerate(ids)}
    out = set()
    for a, b in zip(pairs["a"].astype(str), pairs["b"].astype(str), strict=True):
        for tid in (a, b):
            if tid not in position:
                raise _fail(source, f"adjacency: territory id {tid!r} is not in the territory table")
        if a != b:
            out.add((min(position[a], position[b]), max(position[a], position[b])))
    return np.array(sorted(out), dtype=np.int64).reshape(-1, 2)


def adjacency_from_geometry(geoms: list[object], tolerance: float = ADJACENCY_TOLERANCE_DEG) -> np.ndarray:
    """Pairs of polygons that touch (within `tolerance`, for simplified boundaries with slivers)."""
    from shapely import STRtree

    tree = STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance)
    keep = left < right
    pairs = np.stack([left[keep], right[keep]], axis=1).astype(np.int64)
    return np.unique(pairs, axis=0).reshape(-1, 2)


def read_geojson(path: Path, id_column: str, ids: list[str]) -> list[object]:
    """Boundaries in territory order, matched on `id_column`."""
    from shapely.geometry import shape

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(str(path), f"territories.geojson: cannot read file: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise _fail(str(path), f"territories.geojson: invalid JSON: {exc}") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise _fail(str(path), "territories.geojson: expected a FeatureCollection with a 'features' list")
    by_id: dict[str, object] = {}
    for k, feat in enumerate(features):
        props = (feat or {}).get("properties") or {}
        if id_column not in props:
            raise _fail(str(path), f"territories.geojson: feature {k} has no property {id_column!r}")
        try:
            by_id[str(props[id_column])] = shape(feat["geometry"])
        except Exception as exc:  # shapely raises several types for malformed geometry
            raise _fail(str(path), f"territories.geojson: feature {k} has invalid geometry ({exc})") from None
    missing = [tid for tid in ids if tid not in by_id]
    if missing:
        raise _fail(str(path), f"territories.geojson: no boundary for id(s) {', '.join(missing[:5])}")
    return [by_id[tid] for tid in ids]


def load_user_territories(cfg: Territories) -> TerritoryTable:
    """The bring-your-own-data path: CSV of attributes, optional GeoJSON and adjacency CSV."""
    assert cfg.csv is not None
    csv_path = Path(cfg.csv)
    try:
        frame = pd.read_csv(csv_path, dtype={cfg.id_column: str})
    except FileNotFoundError:
        raise _fail(str(csv_path), "territories.csv: file not found") from None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise _fail(str(csv_path), f"territories.csv: cannot read as CSV ({exc})") from None
    if cfg.id_column not in frame.columns:
        raise _fail(str(csv_path), f"territories.csv: id column {cfg.id_column!r} is missing")
    frame = frame.set_index(cfg.id_column)
    frame.index = frame.index.astype(str)
    frame.index.name = "id"
    frame, notes = finish_frame(frame, str(csv_path))
    ids = list(frame.index)
    geoms = read_geojson(Path(cfg.geojson), cfg.id_column, ids) if cfg.geojson else None
    if cfg.adjacency:
        adj_path = Path(cfg.adjacency)
        try:
            pairs = pd.read_csv(adj_path, dtype=str)
        except FileNotFoundError:
            raise _fail(str(adj_path), "territories.adjacency: file not found") from None
        adjacency = adjacency_from_pairs(pairs, ids, str(adj_path))
    elif geoms is not None:
        adjacency = adjacency_from_geometry(geoms)
        notes.append(f"adjacency computed from the boundaries (touching within {ADJACENCY_TOLERANCE_DEG} units)")
    else:
        raise _fail(str(csv_path), "territories: no adjacency: give territories.adjacency (CSV a,b) or .geojson")
    note = cfg.source_note or f"user data: {csv_path.name}"
    sources = {col: note for col in frame.columns}
    return TerritoryTable(frame=frame, adjacency=adjacency, sources=sources, geometry=tuple(geoms) if geoms else None,
                          notes=notes)


@lru_cache(maxsize=16)
def _load_cached(cfg_json: str) -> TerritoryTable:
    cfg = Territories.model_validate_json(cfg_json)
    if cfg.source and cfg.csv:
        raise InputError("territories: give either source (a shipped dataset) or csv (your own data), not both")
    if cfg.source:
        from totalpeace.data import load_dataset

        return load_dataset(cfg.source)
    if cfg.csv:
        return load_user_territories(cfg)
    raise InputError("territories: give source (a shipped dataset) or csv (your own data)")


def load_territories(cfg: Territories) -> TerritoryTable:
    """The territory table a scenario describes (cached: scenarios and their variants share it)."""
    return _load_cached(cfg.model_dump_json())
