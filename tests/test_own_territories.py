"""The bring-your-own-territories path: a CSV of attributes plus GeoJSON boundaries, adjacency from shapely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from totalpeace import load_scenario
from totalpeace.territories import load_territories

SHARED = Path(__file__).resolve().parents[2] / "shared"


def grid_geojson(n: int) -> dict:
    """An n x n grid of unit squares with ids "r{row}c{col}" (queen-adjacent squares touch)."""
    features = []
    for r in range(n):
        for c in range(n):
            ring = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1], [c, r]]
            features.append({"type": "Feature", "properties": {"code": f"r{r}c{c}"},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


def own_scenario(write, n: int = 3, extra: str = "") -> Path:
    write("grid.geojson", json.dumps(grid_geojson(n)))
    rows = ["code,name,population,area_km2,coca_ha"]
    rows += [f"r{r}c{c},Cell {r}-{c},{10000 * (1 + r + c)},100,{50 * c}" for r in range(n) for c in range(n)]
    write("grid.csv", "\n".join(rows) + "\n")
    return write("grid.toml", f"""
name = "grid"
start = "2024-01"
months = 12
[territories]
csv = "grid.csv"
geojson = "grid.geojson"
id_column = "code"
[groups.band]
name = "A band"
type = "criminal"
members = 100
presence = {{ r0c0 = 0.5, r1c1 = 0.5 }}
[security]
military = 1000
police = 500
buy_in = 0.8
{extra}
""")


def test_grid_adjacency_is_computed_from_boundaries(write):
    scenario = load_scenario(own_scenario(write))
    table = load_territories(scenario.territories)
    assert len(table.frame) == 9
    # 3x3 grid: 12 edge-sharing pairs + 8 corner-sharing pairs.
    assert len(table.adjacency) == 20
    neighbours = table.neighbours()
    assert len(neighbours[table.ids.index("r1c1")]) == 8
    assert any("state_presence" in note for note in table.notes)


def test_adjacency_csv_takes_precedence(write):
    pairs = write("pairs.csv", "a,b\nr0c0,r0c1\nr0c1,r0c2\n")
    scenario = load_scenario(own_scenario(write), [f"territories.adjacency={pairs}"])
    assert len(load_territories(scenario.territories).adjacency) == 2


def test_show_prints_own_territories(cli, write):
    code, out, err = cli("show", str(own_scenario(write)), "--json")
    assert code == 0, err
    info = json.loads(out)
    assert [t["id"] for t in info["territories"]["items"]][:2] == ["r0c0", "r0c1"]
    assert info["territories"]["items"][0]["neighbours"] == ["r0c1", "r1c0", "r1c1"]


def test_missing_boundary_is_named(cli, write):
    path = own_scenario(write)
    doc = json.loads((path.parent / "grid.geojson").read_text())
    doc["features"] = doc["features"][:-1]
    (path.parent / "grid.geojson").write_text(json.dumps(doc))
    code, _, err = cli("show", str(path))
    assert code == 2 and "no boundary for id(s) r2c2" in err


def test_bad_column_value_is_named(cli, write):
    path = own_scenario(write)
    csv = path.parent / "grid.csv"
    csv.write_text(csv.read_text().replace("Cell 0-1,20000", "Cell 0-1,-5"))
    code, _, err = cli("show", str(path))
    assert code == 2 and "territories[r0c1].population: must be >= 0" in err


def test_presence_in_unknown_territory(cli, write):
    path = own_scenario(write)
    path.write_text(path.read_text().replace("r1c1 = 0.5", "r9c9 = 0.5"))
    code, _, err = cli("show", str(path))
    assert code == 2 and "groups.band.presence.r9c9: unknown territory id" in err


@pytest.mark.skipif(not (SHARED / "data/dane-mgn2018/municipalities.geojson").exists(),
                    reason="municipal boundaries are read from ../shared")
def test_real_municipal_boundaries(tmp_path):
    """Colombia's 1,122 municipalities (DANE MGN 2018) through the same path: about 3,196 touching pairs."""
    from totalpeace.scenario.schema import Territories

    geo = SHARED / "data/dane-mgn2018/municipalities.geojson"
    features = json.loads(geo.read_text())["features"]
    rows = ["MPIO_CCNCT,name,population,area_km2"]
    rows += [f"{f['properties']['MPIO_CCNCT']},\"{f['properties']['MPIO_CNMBR']}\",1000,"
             f"{f['properties']['MPIO_NAREA']}" for f in features]
    (tmp_path / "mun.csv").write_text("\n".join(rows) + "\n")
    cfg = Territories(csv=str(tmp_path / "mun.csv"), geojson=str(geo), id_column="MPIO_CCNCT")
    table = load_territories(cfg)
    assert len(table.frame) == 1122
    assert 3100 <= len(table.adjacency) <= 3300
