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

from totalpeace.csvheader import decoding_problem, repeated_column
from totalpeace.errors import InputError
from totalpeace.scenario.schema import Territories

REQUIRED = ("name", "population", "area_km2")
NUMERIC_OPTIONAL = {"coca_ha": 0.0, "gold_ha": 0.0, "homicides": math.nan, "port": 0.0}
STATE_PRESENCE_RULE = "assumption: 0.25 + 0.15 log10(people per km2), clipped to [0.1, 0.95]"
# The land holds at most this many rural people per km2; the rest of a territory's population lives in its towns.
# 24 per km2 makes the rule over Colombia's 1,122 municipalities (DANE population 2018, MGN 2018 areas) give 23.1% of
# the country outside the municipal seats, against the 2018 census's 22.9% (7.1% in centros poblados, 15.8% rural
# disperso: DANE via La FM, 2019, https://www.lafm.com.co/colombia/censo-del-dane-deja-ver-que-hay-tres-personas-en-
# promedio-por-familia). tests/test_territory_input.py checks that figure on the shipped data.
RURAL_DENSITY_KM2 = 24.0
RURAL_RULE = (f"proxy: min(population, {RURAL_DENSITY_KM2:g} people per km2 x area_km2), the people the land holds "
              "outside the towns; the density reproduces DANE's 2018 census share outside the municipal seats (22.9%) "
              "over Colombia's municipalities")
ADJACENCY_TOLERANCE_DEG = 1e-4
MAX_POPULATION = 1e10  # people in one territory: more than the world's population
MAX_AREA_KM2 = 2e7  # km2: more than the largest country (Russia, 1.7e7 km2)
HA_PER_KM2 = 100.0
AREA_GEOMETRIES = ("Polygon", "MultiPolygon")
MAX_PORT = 1e6  # `port` is a flag or a count of ports


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


def rural_population_from_density(population: pd.Series, area_km2: pd.Series) -> pd.Series:
    """The rural (non-urban) population where no data give it (RURAL_RULE): a town's people beyond what its land
    holds at a rural density count as urban, so a city's territory keeps only its rural fringe."""
    return np.minimum(population, RURAL_DENSITY_KM2 * area_km2).astype(float)


def _fail(source: str, problem: str) -> InputError:
    return InputError(problem, source=source)


def _column_limits(col: str, frame: pd.DataFrame) -> tuple[pd.Series, str]:
    """The largest value each row of a numeric column may take, and how to say it. A larger value is a unit mistake
    or a typo (`1e400` reads as infinity), never data: it would overflow the model's sums into NaN."""
    if col == "population":
        return pd.Series(MAX_POPULATION, index=frame.index), f"{MAX_POPULATION:.0e} people (more than the world's)"
    if col == "area_km2":
        return pd.Series(MAX_AREA_KM2, index=frame.index), f"{MAX_AREA_KM2:.0e} km2 (larger than any country)"
    if col in ("coca_ha", "gold_ha"):
        return frame["area_km2"] * HA_PER_KM2, "the territory's own area (area_km2 x 100 ha)"
    if col == "homicides":
        return frame["population"], "the territory's population"
    return pd.Series(MAX_PORT, index=frame.index), f"{MAX_PORT:g}"


def _numeric_column(frame: pd.DataFrame, col: str, source: str) -> pd.Series:
    """A column as finite floats >= 0 within its limit; the first bad cell is named with its id and value."""
    raw = frame[col]
    values = pd.to_numeric(raw, errors="coerce")

    def fail(mask: pd.Series, problem: str) -> InputError:
        tid = frame.index[mask.to_numpy()][0]
        value = raw.loc[tid]
        shown = repr(value) if isinstance(value, str) else f"{float(value):g}"
        return _fail(source, f"territories[{tid}].{col}: {problem} (got {shown})")

    text = raw.astype(str).str.strip().str.lower()
    bad = values.isna() & raw.notna() & ~text.isin(("", "nan"))
    if bad.any():
        raise fail(bad, "not a number")
    if col != "homicides" and values.isna().any():  # homicides may be unknown: the national rate is used there
        raise fail(values.isna(), "value is missing (give a number, or leave the column out)")
    if np.isinf(values).any():
        raise fail(pd.Series(np.isinf(values), index=frame.index), "must be a finite number")
    if (values < 0).any():
        raise fail(values < 0, "must be >= 0")
    return values.astype(float)


def finish_frame(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Check values, fill optional columns by documented rules, and say which were filled.

    Every numeric cell must be a finite number >= 0 and within its column's limit (`_column_limits`), and the
    territories together must be inhabited (rates are per person)."""
    notes: list[str] = []
    if frame.empty:
        raise _fail(source, "territories: the table has no rows (give at least one territory)")
    for col in REQUIRED:
        if col not in frame.columns:
            raise _fail(source, f"territories: column {col!r} is missing (required: id, {', '.join(REQUIRED)})")
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()][0]
        raise _fail(source, f"territories: column {dup!r} appears more than once")
    empty = [i for i, tid in enumerate(frame.index) if pd.isna(tid) or not str(tid).strip()]
    if empty:
        raise _fail(source, f"territories: row {empty[0] + 1} has an empty id (every territory needs one)")
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()][0]
        raise _fail(source, f"territories: id {dup!r} appears more than once")
    for col in ("population", "area_km2", *NUMERIC_OPTIONAL):
        if col not in frame.columns:
            frame[col] = NUMERIC_OPTIONAL[col]
            notes.append(f"column {col!r} not given: {NUMERIC_OPTIONAL[col]} used")
            continue
        frame[col] = _numeric_column(frame, col, source)
    if (frame["area_km2"] <= 0).any():
        raise _fail(source, f"territories[{frame.index[frame['area_km2'] <= 0][0]}].area_km2: must be > 0")
    for col in ("population", "area_km2", *NUMERIC_OPTIONAL):
        limit, said = _column_limits(col, frame)
        over = frame[col] > limit
        if over.any():
            tid = frame.index[over.to_numpy()][0]
            raise _fail(source, f"territories[{tid}].{col}: {frame.loc[tid, col]:g} is more than {said}")
    if frame["population"].sum() <= 0:
        raise _fail(source, "territories.population: every territory has population 0; at least one must be "
                            "inhabited (homicide rates and control shares are per person)")
    _rural_column(frame, source, notes)
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


def _rural_column(frame: pd.DataFrame, source: str, notes: list[str]) -> None:
    """`rural_population`: checked when given (all or nothing, at most the population), else the density proxy."""
    if "rural_population" not in frame.columns:
        frame["rural_population"] = rural_population_from_density(frame["population"], frame["area_km2"])
        notes.append(f"column 'rural_population' not given: {RURAL_RULE}")
        return
    values = _numeric_column(frame, "rural_population", source)
    over = values > frame["population"]
    if over.any():
        tid = frame.index[over.to_numpy()][0]
        raise _fail(source, f"territories[{tid}].rural_population: {values.loc[tid]:g} is more than the territory's "
                            f"population ({frame.loc[tid, 'population']:g})")
    frame["rural_population"] = values


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


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _boundary(feat: dict, tid: str, k: int, source: str) -> object:
    """One feature's geometry as a shapely area with finite coordinates."""
    import shapely
    from shapely.geometry import shape

    where = f"territories.geojson: feature {k} (id {tid!r})"
    geometry = feat.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in AREA_GEOMETRIES:
        raise _fail(source, f"{where}: geometry {kind or 'missing'} is not an area (a territory's boundary is a "
                            f"{' or '.join(AREA_GEOMETRIES)})")
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed geometry
        raise _fail(source, f"{where}: invalid geometry ({exc})") from None
    if geom.is_empty:
        raise _fail(source, f"{where}: the geometry is empty")
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise _fail(source, f"{where}: coordinates must be finite numbers")
    return geom


def read_geojson(path: Path, id_column: str, ids: list[str]) -> list[object]:
    """Boundaries in territory order, matched on `id_column`: one Polygon or MultiPolygon per id."""
    source = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"), parse_constant=_reject_constant)
    except OSError as exc:
        raise _fail(source, f"territories.geojson: cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise _fail(source, f"territories.geojson: not UTF-8 text (byte {exc.start})") from None
    except ValueError as exc:  # JSONDecodeError, NaN or Infinity
        raise _fail(source, f"territories.geojson: invalid JSON: {exc}") from None
    except RecursionError:
        raise _fail(source, "territories.geojson: invalid JSON: nested too deeply") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise _fail(source, "territories.geojson: expected a FeatureCollection with a 'features' list")
    by_id: dict[str, object] = {}
    for k, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(props, dict) or id_column not in props:
            raise _fail(source, f"territories.geojson: feature {k} has no property {id_column!r}")
        value = props[id_column]
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            raise _fail(source, f"territories.geojson: feature {k}: {id_column!r} must be a non-empty text or "
                                f"integer id (got {value!r})")
        tid = str(value)
        if tid in by_id:
            raise _fail(source, f"territories.geojson: feature {k}: id {tid!r} appears more than once")
        by_id[tid] = _boundary(feat, tid, k, source)
    missing = [tid for tid in ids if tid not in by_id]
    if missing:
        raise _fail(source, f"territories.geojson: no boundary for id(s) {', '.join(missing[:5])}")
    return [by_id[tid] for tid in ids]


def load_user_territories(cfg: Territories) -> TerritoryTable:
    """The bring-your-own-data path: CSV of attributes, optional GeoJSON and adjacency CSV."""
    assert cfg.csv is not None
    csv_path = Path(cfg.csv)
    try:
        frame = pd.read_csv(csv_path, dtype={cfg.id_column: str})
    except FileNotFoundError:
        raise _fail(str(csv_path), "territories.csv: file not found") from None
    except UnicodeDecodeError:
        raise _fail(str(csv_path), f"territories.csv: {decoding_problem(csv_path)}") from None
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _fail(str(csv_path), f"territories.csv: cannot read as CSV ({exc})") from None
    repeated = repeated_column(csv_path)
    if repeated is not None:
        raise _fail(str(csv_path), f"territories.csv: column {repeated!r} appears more than once")
    if cfg.id_column not in frame.columns:
        raise _fail(str(csv_path), f"territories.csv: id column {cfg.id_column!r} is missing")
    ids = frame[cfg.id_column]
    empty = ids.isna() | (ids.astype(str).str.strip() == "")
    if empty.any():
        line = int(np.flatnonzero(empty.to_numpy())[0]) + 2  # the header is line 1
        raise _fail(str(csv_path), f"territories.csv: line {line}: empty {cfg.id_column!r} (every territory needs "
                                   "an id)")
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
        except UnicodeDecodeError:
            raise _fail(str(adj_path), f"territories.adjacency: {decoding_problem(adj_path)}") from None
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise _fail(str(adj_path), f"territories.adjacency: cannot read as CSV ({exc})") from None
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
