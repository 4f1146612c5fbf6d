"""Regenerate the municipal data shipped in ``src/totalpeace/data/colombia-municipal`` from ``../shared/data``.

Why this script exists
----------------------
The municipal flagship (``colombia-2022-municipal``) runs on Colombia's 1,122 municipalities. The shared curated
tables (``../shared/data/colombia-municipal``, ``colombia-violence``, ``dane-mgn2018``) are large (every row repeats
its full citation) and are not part of the package. This script turns them, deterministically, into the compact
files the package reads, keeping a source on every row (a key into ``sources.csv``, which holds the full citations):

* ``municipalities.csv``  the 1,122 units: DIVIPOLA code, name, department, official area, a representative point,
  ports and land borders;
* ``panel.parquet``       homicides 2003-2021 (Police), population 2003-2021 (DANE), coca 2001-2020 (SIMCI) and CNMH
  massacres 2003-2021, long format (id, year, indicator, value, flag, source);
* ``ged.parquet``         UCDP GED 19.1 events 1989-2018 aggregated per place, year, actor and type of violence; an
  event is given to a municipality only when GED locates it that precisely (``where_prec`` <= 3), to a department
  when it sits on a department centroid (4), and to the country otherwise (5-6);
* ``cnmh_presence.parquet`` groups with at least one case attributed to them in the CNMH records (a lower bound on
  presence), per municipality and year, with the group mapped to the model's keys;
* ``adjacency.csv``       municipal pairs sharing a boundary of positive length in the full-resolution DANE MGN 2018
  polygons of ../shared (with the length of the shared boundary);
* ``municipalities.geojson`` the polygons, simplified (coverage-preserving) and rounded, for maps;
* ``sources.csv``         every source key and its full citation.

The land-border countries of each municipality come from Natural Earth 10m admin-0 outlines of the five neighbours
(public domain), stored clipped and simplified in ``tools/data/neighbour_countries.geojson`` (how it was made is
written in that file's ``source``).

Usage::

    python tools/curate_municipal.py [--shared PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "src" / "totalpeace" / "data" / "colombia-municipal"
NEIGHBOURS = REPO_ROOT / "tools" / "data" / "neighbour_countries.geojson"
DEPARTMENTS = REPO_ROOT / "src" / "totalpeace" / "data" / "colombia" / "departments.csv"

LAST_YEAR = 2021  # nothing after the cut-off: 2022 outcomes are the out-of-sample test
SIMPLIFY_TOLERANCE_DEG = 0.005  # shapely.coverage_simplify (the source is already mapshaper-simplified)
GRID_DEG = 1e-4  # coordinates snapped to 0.0001 degrees (about 11 m)
BORDER_DISTANCE_DEG = 0.05  # a municipality on the national boundary within ~5.5 km of a neighbour's outline
EXTERIOR_MIN_KM = 1.0  # ... sharing at least 1 km with the national boundary
KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32

# Port zones named in the department table's port source (data/colombia/departments.csv, source_ports), placed in the
# municipality that holds the port. Puerto Bolívar lies in Uribia and the Golfo de Morrosquillo terminals in Santiago
# de Tolú and Coveñas (DANE MGN 2018 names).
PORTS: dict[str, str] = {
    "44847": "La Guajira port zone (Puerto Bolívar, Uribia)",
    "47001": "Santa Marta",
    "47189": "Ciénaga",
    "08001": "Barranquilla",
    "13001": "Cartagena",
    "70820": "Golfo de Morrosquillo (Santiago de Tolú)",
    "70221": "Golfo de Morrosquillo (Coveñas)",
    "05837": "Urabá port zone (Turbo)",
    "88001": "San Andrés",
    "76109": "Buenaventura",
    "52835": "Tumaco",
}

# Actor labels -> the model's keys. GED does not code the Clan del Golfo (GED 19.1 ends in 2018).
GED_ACTORS: dict[str, tuple[str, ...]] = {
    "Government of Colombia": ("state",),
    "FARC": ("farc",),
    "ELN": ("eln",),
    "FARC dissidents": ("farc_dissidents",),
    "AUC": ("paramilitaries",),
    "Bloque Central Bolívar": ("paramilitaries",),
    "MAS": ("paramilitaries",),
    "PEPES": ("paramilitaries",),
    "EPL": ("epl",),
    "EPL - Megateo": ("epl",),
    "Medellín Cartel": ("cartels",),
    "Cali Cartel": ("cartels",),
    "ELN, FARC": ("eln", "farc"),
    "Civilians": (),
}
CNMH_GROUPS: dict[str, str] = {
    "ELN": "eln",
    "FARC-EP": "farc",
    "FARC dissidents": "farc_dissidents",
    "Clan del Golfo (AGC)": "clan_del_golfo",
    "Los Rastrojos": "los_rastrojos",
    "EPL": "epl",
    "EPL (Los Pelusos)": "epl",
    "Disidencia Eln": "eln_dissidents",
    "AUC": "paramilitaries",
}

SOURCE_COLUMNS = ["key", "source", "notes"]


# --------------------------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------------------------


def title_name(upper: str) -> str:
    """'SAN JOSÉ DEL GUAVIARE' -> 'San José del Guaviare' (Spanish particles in lower case)."""
    small = {"de", "del", "la", "las", "los", "el", "y", "e", "en"}
    words = upper.lower().split(" ")
    out = [w if (k > 0 and w in small) else w[:1].upper() + w[1:] for k, w in enumerate(words)]
    return " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) if "-" in w else w for w in out)


class Sources:
    """Full citations, each under a short key (``prefix-k`` in order of first appearance)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self._keys: dict[tuple[str, str], str] = {}

    def key(self, prefix: str, source: str, notes: str = "") -> str:
        ident = (prefix, source)
        if ident not in self._keys:
            k = f"{prefix}-{sum(1 for p, _ in self._keys if p == prefix) + 1}"
            self._keys[ident] = k
            self.rows.append({"key": k, "source": source, "notes": notes})
        return self._keys[ident]

    def fixed(self, key: str, source: str, notes: str = "") -> str:
        if (key, source) not in self._keys:
            self._keys[(key, source)] = key
            self.rows.append({"key": key, "source": source, "notes": notes})
        return key


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> int:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


def write_parquet(path: Path, frame: pd.DataFrame) -> int:
    """Deterministic Parquet: no pandas metadata, dictionary-encoded text, zstd."""
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd", compression_level=9, use_dictionary=True,
                   write_statistics=False, store_schema=False)
    return len(frame)


def km_length(geom: object, lat: float) -> float:
    """Length of a lon/lat line in km, with a local scale for longitude (good to ~1% within a municipality)."""
    coords = shapely.get_coordinates(geom)
    if len(coords) == 0:
        return 0.0
    scale = np.array([KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat)), KM_PER_DEG_LAT])
    parts = shapely.get_parts(shapely.line_merge(geom)) if geom.geom_type != "LineString" else [geom]
    total = 0.0
    for part in parts:
        xy = shapely.get_coordinates(part) * scale
        total += float(np.hypot(*np.diff(xy, axis=0).T).sum()) if len(xy) > 1 else 0.0
    return total


# --------------------------------------------------------------------------------------------------------------------
# geometry: units, adjacency, borders, simplified polygons
# --------------------------------------------------------------------------------------------------------------------


def read_units(geojson: Path) -> tuple[list[dict], list[object]]:
    doc = json.loads(geojson.read_text(encoding="utf-8"))
    features = sorted(doc["features"], key=lambda f: f["properties"]["MPIO_CCNCT"])
    return [f["properties"] for f in features], [shapely.make_valid(shape(f["geometry"])) for f in features]


def build_adjacency(ids: list[str], geoms: list[object], sources: Sources) -> list[dict]:
    """Pairs whose boundaries share a line of positive length (corner contacts are not counted)."""
    key = sources.fixed("adjacency", "Computed with shapely from DANE MGN 2018 municipal polygons "
                        "(caticoa3/colombia_mapa co_2018_MGN_MPIO_POLITICO.geojson @97ab309): the two boundaries "
                        "share a line of positive length",
                        "shared_km: length of the shared boundary, km (local longitude scale)")
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    rows = []
    for i, j in sorted({(int(a), int(b)) for a, b in zip(left, right, strict=True) if a < b}):
        shared = geoms[i].boundary.intersection(geoms[j].boundary)
        lat = geoms[i].representative_point().y
        length = km_length(shared, lat) if not shared.is_empty else 0.0
        if shared.length > 0:
            rows.append({"a": ids[i], "b": ids[j], "shared_km": f"{length:.2f}", "source": key})
    return rows


def border_countries(ids: list[str], geoms: list[object], dept_borders: dict[str, set[str]],
                     sources: Sources) -> tuple[dict[str, str], str]:
    """ISO3 codes of the neighbours each municipality borders on land.

    A municipality borders country C when (1) its department borders C (departments.csv), (2) it shares at least
    EXTERIOR_MIN_KM with the national boundary (the boundary of the union of all municipalities) and (3) it lies within
    BORDER_DISTANCE_DEG of C's Natural Earth outline (the two sources differ by a few km along rivers)."""
    doc = json.loads(NEIGHBOURS.read_text(encoding="utf-8"))
    countries = {f["properties"]["iso3"]: shape(f["geometry"]) for f in doc["features"]}
    exterior = unary_union(geoms).boundary
    out: dict[str, str] = {}
    for tid, geom in zip(ids, geoms, strict=True):
        allowed = dept_borders.get(tid[:2], set())
        if not allowed:
            continue
        lat = geom.representative_point().y
        if km_length(geom.boundary.intersection(exterior), lat) < EXTERIOR_MIN_KM:
            continue
        near = sorted(c for c in allowed if geom.distance(countries[c]) <= BORDER_DISTANCE_DEG)
        if near:
            out[tid] = ";".join(near)
    key = sources.fixed("borders", "Computed: DANE MGN 2018 municipal polygons on the "
                        f"national boundary (>= {EXTERIOR_MIN_KM:g} km shared) within {BORDER_DISTANCE_DEG} deg of "
                        f"{doc['source']}; only countries the department borders (data/colombia/departments.csv)")
    return out, key


def simplified_geojson(ids: list[str], names: list[str], geoms: list[object]) -> dict:
    simple = shapely.coverage_simplify(np.array(geoms, dtype=object), SIMPLIFY_TOLERANCE_DEG)
    features = []
    for tid, name, geom in zip(ids, names, simple, strict=True):
        snapped = shapely.make_valid(shapely.set_precision(geom, GRID_DEG))
        polys = [p for p in shapely.get_parts(snapped) if p.geom_type == "Polygon"]
        clean = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
        geometry = json.loads(json.dumps(mapping(clean)))
        features.append({"type": "Feature", "properties": {"id": tid, "name": name},
                         "geometry": _round(geometry, 4)})
    return {"type": "FeatureCollection",
            "source": "DANE Marco Geoestadístico Nacional 2018 (MPIO_POLITICO) via caticoa3/colombia_mapa (mapshaper "
                      f"-simplified); shapely.coverage_simplify tolerance {SIMPLIFY_TOLERANCE_DEG} deg, coordinates "
                      f"snapped to {GRID_DEG} deg by tools/curate_municipal.py",
            "features": features}


def _round(geometry: dict, digits: int) -> dict:
    def walk(c):
        return [round(c[0], digits), round(c[1], digits)] if isinstance(c[0], float | int) else [walk(x) for x in c]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


# --------------------------------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------------------------------


def build_units(props: list[dict], geoms: list[object], departments: pd.DataFrame, borders: dict[str, str],
                border_key: str, sources: Sources) -> list[dict]:
    mgn = sources.fixed("mgn2018", "DANE, Marco Geoestadístico Nacional 2018 (MPIO_POLITICO: MPIO_CCNCT, MPIO_CNMBR, "
                        "MPIO_NAREA) via GitHub caticoa3/colombia_mapa co_2018_MGN_MPIO_POLITICO.geojson @97ab309",
                        "name: MPIO_CNMBR in title case; lon/lat: a representative point inside the polygon "
                        "(shapely), not the municipal seat; area_km2: MPIO_NAREA")
    ports = sources.fixed("ports", str(departments["source_ports"].iloc[0]).split(". No port")[0],
                          "Each named port zone placed in the municipality that holds it: " +
                          "; ".join(f"{k} {v}" for k, v in PORTS.items()))
    dept_names = dict(zip(departments["id"], departments["name"], strict=True))
    rows = []
    for p, geom in zip(props, geoms, strict=True):
        tid = p["MPIO_CCNCT"]
        point = geom.representative_point()
        keys = [mgn] + ([ports] if tid in PORTS else []) + ([border_key] if tid in borders else [])
        rows.append({"id": tid, "name": title_name(p["MPIO_CNMBR"]), "department_id": tid[:2],
                     "department": dept_names[tid[:2]], "area_km2": f"{float(p['MPIO_NAREA']):.2f}",
                     "lon": f"{point.x:.4f}", "lat": f"{point.y:.4f}", "port": 1 if tid in PORTS else 0,
                     "border_countries": borders.get(tid, ""), "source": ";".join(keys)})
    missing = set(PORTS) - {r["id"] for r in rows}
    if missing:
        raise ValueError(f"port municipalities not in MGN 2018: {sorted(missing)}")
    return rows


def homicide_flag(notes: str) -> str:
    flags = []
    if "not yet created" in notes or "not a separate unit" in notes:
        flags.append("retro-coded" if "retroactive" in notes else "pre-creation")
    if "No rows in the file" in notes:
        flags.append("no-rows")
    if "matched by (DEPARTAMENTO, MUNICIPIO) name" in notes:
        flags.append("name-matched")
    return ";".join(flags)


def population_flag(notes: str) -> str:
    flags = []
    if notes.startswith("0 ="):
        flags.append("pre-creation")
    if "CNPV 2005-based" in notes:
        flags.append("base-2005")
    return ";".join(flags)


def panel_rows(table: pd.DataFrame, indicator: str, column: str, flags: pd.Series | str, sources: Sources,
               prefix: str, note: str) -> pd.DataFrame:
    """One indicator of a shared table in the panel's long format, each row with its source key."""
    return pd.DataFrame({"id": table["dane_muni_code"], "year": table["year"], "indicator": indicator,
                         "value": table[column].astype(float), "flag": flags,
                         "source": [sources.key(prefix, s, note) for s in table["source"]]})


def build_panel(shared: Path, ids: set[str], sources: Sources) -> pd.DataFrame:
    muni = shared / "data" / "colombia-municipal"
    parts = []
    hom = pd.read_csv(muni / "muni_homicides.csv", dtype={"dane_muni_code": str, "dane_dept_code": str})
    hom_note = ("Police homicide victims by municipality; flags: name-matched = 2003-2010 file has no codes, rows "
                "matched by (department, municipality) name (against DANE's DIVIPOLA names); no-rows = "
                "no row in the file, 0; pre-creation / retro-coded = DANE lists no population that year. Files were "
                "extracted after Aug 2022 (figures public in Aug 2022 may differ slightly)")
    parts.append(panel_rows(hom, "homicides", "homicides_count", hom["notes"].fillna("").map(homicide_flag), sources,
                            "police", hom_note))
    pop = pd.read_csv(muni / "muni_population.csv", dtype={"dane_muni_code": str})
    pop_note = ("DANE population at 30 June; flags: base-2005 = 2003-2004 on the CNPV 2005 base (higher level than "
                "the 2018 base used from 2005: national 2004 = 42.37 M vs 2005 = 41.67 M); pre-creation = 0, not yet a "
                "unit")
    parts.append(panel_rows(pop, "population", "population", pop["notes"].fillna("").map(population_flag), sources,
                            "dane-population", pop_note))
    coca = pd.read_csv(muni / "muni_coca.csv", dtype={"dane_muni_code": str})
    coca_note = ("SIMCI/UNODC coca census, hectares at 31 December, rounded to 0.1 ha; the table was exported after "
                 "2023 but its 2001-2020 figures were published 2002-2021; a municipality absent in a year had no coca "
                 "detected (0)")
    coca = coca[coca["year"] <= LAST_YEAR]
    parts.append(panel_rows(coca, "coca_ha", "coca_ha", "", sources, "simci", coca_note))
    mas = pd.read_csv(shared / "data" / "colombia-violence" / "massacres_cnmh_muni.csv", dtype={"dane_muni_code": str})
    abroad = ~mas["dane_muni_code"].isin(ids)  # CNMH codes EXPAN / EXVEN: massacres in Panama and Venezuela
    print(f"massacres abroad, not shipped: {int(mas.loc[abroad, 'massacres'].sum())} cases "
          f"({', '.join(sorted(set(mas.loc[abroad, 'dane_muni_code'])))})")
    mas = mas[~abroad]
    mas_note = ("CNMH massacre cases (4+ victims) by municipality and year as coded by CNMH; the records are taken as "
                "complete, so a municipality-year without a row had none (0)")
    for col, indicator in (("massacres", "massacres"), ("victims", "massacre_victims")):
        parts.append(panel_rows(mas, indicator, col, "", sources, "cnmh-massacres", mas_note))
    panel = pd.concat(parts, ignore_index=True)
    panel = panel[panel["year"] <= LAST_YEAR]
    unknown = sorted(set(panel["id"]) - ids)
    if unknown:
        raise ValueError(f"panel ids not in MGN 2018: {unknown[:10]}")
    order = {"population": 0, "homicides": 1, "coca_ha": 2, "massacres": 3, "massacre_victims": 4}
    panel = panel.assign(_o=panel["indicator"].map(order)).sort_values(["_o", "id", "year"], kind="stable")
    panel = panel.drop(columns="_o").reset_index(drop=True)
    panel["year"] = panel["year"].astype("int16")
    return panel


def build_ged(shared: Path, ids: set[str], sources: Sources) -> pd.DataFrame:
    ged = pd.read_csv(shared / "data" / "colombia-municipal" / "ged_colombia.csv", dtype={"dane_muni_code": str})
    note = ("UCDP GED 19.1 events aggregated by tools/curate_municipal.py: level municipality when where_prec <= 3 "
            "(muni_reliable = 1), department when where_prec = 4 (the point is the department's centroid), country "
            "otherwise; actor: the armed actor of the event (side_b of state-based events, both sides of non-state "
            "events, side_a of one-sided violence); deaths: 'best' estimate")
    rows = []
    for r in ged.itertuples():
        code = r.dane_muni_code if isinstance(r.dane_muni_code, str) else ""
        if int(r.where_prec) <= 3 and int(r.muni_reliable) == 1 and code in ids:
            level, place = "municipality", code
        elif int(r.where_prec) == 4 and code[:2]:
            level, place = "department", code[:2]
        else:
            level, place = "country", "CO"
        if r.type_of_violence == 1:
            labels = [r.side_b]
        elif r.type_of_violence == 2:
            labels = [r.side_a, r.side_b]
        else:
            labels = [r.side_a]
        actors = [k for label in labels for k in GED_ACTORS[label]]
        for actor in actors:
            rows.append({"level": level, "id": place, "year": int(r.year), "actor": actor,
                         "type_of_violence": int(r.type_of_violence), "deaths": float(r.best),
                         "source": sources.key("ucdp-ged", r.source, note)})
    frame = pd.DataFrame(rows)
    out = (frame.groupby(["level", "id", "year", "actor", "type_of_violence", "source"], sort=True)
           .agg(events=("deaths", "size"), deaths=("deaths", "sum")).reset_index())
    out = out[["level", "id", "year", "actor", "type_of_violence", "events", "deaths", "source"]]
    out["year"] = out["year"].astype("int16")
    out["type_of_violence"] = out["type_of_violence"].astype("int8")
    out["events"] = out["events"].astype("int32")
    return out


def build_cnmh(shared: Path, sources: Sources) -> pd.DataFrame:
    raw = pd.read_csv(shared / "data" / "colombia-municipal" / "muni_group_presence.csv",
                      dtype={"dane_muni_code": str})
    note = ("CNMH memory observatory: a group counts as present in a municipality-year when at least one case "
            "(massacre, landmine, child recruitment, kidnapping, sexual violence) is attributed to it: a lower bound, "
            "never evidence of absence; id 00000 = municipality not recorded")
    raw = raw[raw["year"] <= LAST_YEAR]
    out = pd.DataFrame({
        "id": raw["dane_muni_code"], "year": raw["year"].astype("int16"), "label": raw["group"],
        "group": raw["group"].map(CNMH_GROUPS).fillna("other"), "cases": raw["n_cases"].astype("int32"),
        "source": [sources.key("cnmh", s, note) for s in raw["source"]]})
    return out.sort_values(["id", "year", "label"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared root (default: ../shared)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    sources = Sources()

    props, geoms = read_units(args.shared / "data" / "dane-mgn2018" / "municipalities.geojson")
    ids = [p["MPIO_CCNCT"] for p in props]
    departments = pd.read_csv(DEPARTMENTS, dtype={"id": str}, keep_default_na=False)
    dept_borders = {d: set(filter(None, str(b).split(";")))
                    for d, b in zip(departments["id"], departments["border_countries"], strict=True)}
    borders, border_key = border_countries(ids, geoms, dept_borders, sources)
    units = build_units(props, geoms, departments, borders, border_key, sources)
    adjacency = build_adjacency(ids, geoms, sources)
    panel = build_panel(args.shared, set(ids), sources)
    ged = build_ged(args.shared, set(ids), sources)
    cnmh = build_cnmh(args.shared, sources)
    geo = simplified_geojson(ids, [u["name"] for u in units], geoms)

    counts = {
        "municipalities.csv": write_csv(out / "municipalities.csv", list(units[0]), units),
        "adjacency.csv": write_csv(out / "adjacency.csv", ["a", "b", "shared_km", "source"], adjacency),
        "panel.parquet": write_parquet(out / "panel.parquet", panel),
        "ged.parquet": write_parquet(out / "ged.parquet", ged),
        "cnmh_presence.parquet": write_parquet(out / "cnmh_presence.parquet", cnmh),
        "sources.csv": write_csv(out / "sources.csv", SOURCE_COLUMNS, sources.rows),
    }
    (out / "municipalities.geojson").write_text(json.dumps(geo, ensure_ascii=False, separators=(",", ":")) + "\n",
                                                encoding="utf-8")
    counts["municipalities.geojson"] = len(geo["features"])
    for name, n in counts.items():
        print(f"{name}: {n} rows, {(out / name).stat().st_size / 1024:.0f} KB")
    border_counts = pd.Series([c for b in borders.values() for c in b.split(";")]).value_counts().to_dict()
    print(f"border municipalities: {len(borders)} ({border_counts}); ports: {len(PORTS)}")
    print(f"adjacent pairs: {len(adjacency)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
