"""Shipped datasets: curated public data with a source on every row (see each folder's README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from totalpeace.errors import InputError
from totalpeace.territories import TerritoryTable, adjacency_from_pairs, finish_frame

DATA_DIR = Path(__file__).parent
COLOMBIA = DATA_DIR / "colombia"

# Presence strength -> relative weight of a group's members in a department of a given extent (assumption: "strong"
# presence holds three times the members of a mere "present" report; the sources give no counts by department).
PRESENCE_WEIGHT = {"strong": 3.0, "present": 1.0}


def department_extents() -> dict[str, float]:
    """The extent of each department, sqrt(population x area) from departments.csv, relative to its mean.

    Assumption: a group's members in a department it is reported in scale with the people it can recruit and tax
    and the ground it must hold, so a report on San Andrés (65,000 people on 49 km2) places a handful where one on
    Antioquia places hundreds; the report's strength sets the ratio between departments of equal extent."""
    deps = _read(COLOMBIA / "departments.csv")
    extent = (deps["population"].astype(float) * deps["area_km2"].astype(float)) ** 0.5
    return dict(zip(deps["id"].astype(str), extent / extent.mean(), strict=True))


def report_weight(strength: str, department: str, extents: dict[str, float]) -> float:
    """Weight of one presence report: PRESENCE_WEIGHT of its strength times its department's extent."""
    return PRESENCE_WEIGHT.get(strength, 1.0) * extents.get(department, 1.0)


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype={"id": str, "a": str, "b": str})
    except FileNotFoundError:
        raise InputError("shipped data file is missing (reinstall totalpeace)", source=str(path)) from None


def latest_indicator(indicators: pd.DataFrame, name: str, max_year: int) -> tuple[pd.Series, pd.Series]:
    """Latest value (and its source) of an indicator per territory, up to `max_year`."""
    rows = indicators[(indicators["indicator"] == name) & (indicators["year"] <= max_year)]
    rows = rows.sort_values(["id", "year"]).groupby("id").tail(1).set_index("id")
    label = rows["source"].astype(str) + " (" + rows["year"].astype(str) + ")"
    return rows["value"].astype(float), label


def load_colombia_departments() -> TerritoryTable:
    """Colombia's 32 departments and Bogotá as known by August 2022."""
    deps = _read(COLOMBIA / "departments.csv").set_index("id")
    indicators = _read(COLOMBIA / "indicators.csv")
    frame = deps[["name", "population", "area_km2", "border_countries", "coast", "port"]].copy()
    sources: dict[str, str] = {
        "population": str(deps["source_population"].iloc[0]),
        "area_km2": str(deps["source_area"].iloc[0]),
        "border_countries": str(deps["source_borders"].iloc[0]),
        "coast": str(deps["source_coast"].iloc[0]),
        "port": str(deps["source_ports"].iloc[0]),
    }
    from totalpeace.data.municipal import rural_by_department

    rural, sources["rural_population"] = rural_by_department()  # 2021, the year of the population column
    frame["rural_population"] = np.minimum(rural.reindex(frame.index).fillna(0.0), frame["population"].astype(float))
    for column, indicator in (("homicides", "homicides"), ("coca_ha", "coca_ha"), ("gold_ha", "gold_alluvial_ha")):
        values, labels = latest_indicator(indicators, indicator, max_year=2021)
        frame[column] = values.reindex(frame.index)
        if column != "homicides":
            frame[column] = frame[column].fillna(0.0)
        sources[column] = "; ".join(sorted(set(labels)))[:400]
    frame, notes = finish_frame(frame, str(COLOMBIA / "departments.csv"))
    sources["state_presence"] = notes[-1].split(": ", 1)[-1] if notes else ""
    ids = list(frame.index)
    adjacency = adjacency_from_pairs(_read(COLOMBIA / "adjacency.csv"), ids, str(COLOMBIA / "adjacency.csv"))
    presence = _read(COLOMBIA / "group_presence.csv")
    return TerritoryTable(frame=frame, adjacency=adjacency, sources=sources, presence=presence, notes=notes)


def load_historical_departments(dataset: str) -> TerritoryTable:
    """Colombia's departments in an earlier year: the 2021 structure with homicides and coca scaled to that year.

    No department-level data before 2019 ship with the package, so the historical datasets keep each department's
    2021 share of homicides and 2020 share of coca and scale them by the national levels in `history_scaling.csv`
    (each with its source). Population, area, borders and presence stay as in the base dataset.
    """
    table = load_colombia_departments()
    scaling = _read(COLOMBIA / "history_scaling.csv")
    rows = scaling[scaling["dataset"] == dataset]
    frame, sources = table.frame.copy(), dict(table.sources)
    for row in rows.itertuples():
        frame[row.indicator] = frame[row.indicator] * float(row.factor)
        sources[str(row.indicator)] = (f"{sources[str(row.indicator)][:200]}; scaled by {float(row.factor):.3f} to the "
                                       f"national level of {row.year} ({row.source})")
    return TerritoryTable(frame=frame, adjacency=table.adjacency, sources=sources, presence=table.presence,
                          notes=[*table.notes, f"{dataset}: 2021 department structure scaled to national levels "
                                 "(history_scaling.csv)"])


def _municipalities(year: int | None = None) -> TerritoryTable:
    from totalpeace.data.municipal import LAST_YEAR, municipal_table

    return municipal_table(LAST_YEAR if year is None else year)


def _departments_as_of(year: int) -> TerritoryTable:
    from totalpeace.data.municipal import department_table

    return department_table(year)


DATASETS = {
    "colombia-departments": load_colombia_departments,
    "colombia-departments-2012": lambda: load_historical_departments("colombia-departments-2012"),
    "colombia-departments-1998": lambda: load_historical_departments("colombia-departments-1998"),
    "colombia-municipalities": _municipalities,
}
# NAME@YEAR: the data as known at the end of YEAR (2003-2021), for backtests that start in the past.
DATASETS_BY_YEAR = {"colombia-municipalities": _municipalities, "colombia-departments": _departments_as_of}


def load_dataset(name: str) -> TerritoryTable:
    """A shipped territory dataset by name (`colombia-municipalities@2015`: as known at the end of 2015)."""
    base, _, year = name.partition("@")
    if year and base in DATASETS_BY_YEAR:
        if not year.isdigit():
            raise InputError(f"territories.source: {name!r}: the year after '@' must be a number such as 2015")
        return DATASETS_BY_YEAR[base](int(year))
    if name not in DATASETS:
        from totalpeace.scenario.paths import suggest

        known = ", ".join(DATASETS)
        raise InputError(f"territories.source: unknown dataset {name!r}{suggest(name, list(DATASETS))} "
                         f"(shipped: {known})")
    return DATASETS[name]()


def presence_shares(table: TerritoryTable, group_key: str) -> dict[str, float]:
    """A group's share of members per territory, from the dataset's presence reports (`report_weight`)."""
    if table.presence is None:
        return {}
    rows = table.presence[table.presence["group"] == group_key]
    if "weight" in rows.columns:  # datasets whose presence rule gives weights (the municipal rule)
        weights = {str(r.id): float(r.weight) for r in rows.itertuples()}
    else:
        extents = department_extents()
        weights = {str(r.id): report_weight(str(r.strength), str(r.id), extents) for r in rows.itertuples()}
    total = sum(weights.values())
    return {tid: w / total for tid, w in sorted(weights.items())} if total else {}
