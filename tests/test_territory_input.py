"""A user's territory data (CSV + GeoJSON + adjacency) either loads as finite, meaningful numbers or fails at load
with exit 2 naming the file, the territory and the field: never NaN in the results or an internal error later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import refused

HEADER = "id,name,population,area_km2,coca_ha,gold_ha"
ROWS = ["a,A,100000,100,10,0", "b,B,20000,100,5,0", "c,C,5000,100,5,1"]
SCENARIO = """
name = "own"
start = "2024-01"
months = 6
[territories]
csv = "t.csv"
{extra}
[groups.band]
name = "Band"
type = "criminal"
members = 100
presence = {{ a = 0.5, b = 0.5 }}
[security]
military = 10
police = 10
buy_in = 0.5
"""


def square(x: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}


def features(**geometries: dict) -> dict:
    """A FeatureCollection of three unit squares in a row (a-b-c); `geometries` replaces some."""
    geoms = {"a": square(0), "b": square(1), "c": square(2), **geometries}
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"id": k}, "geometry": g} for k, g in geoms.items()]}


def own(write, rows: list[str] | None = None, *, header: str = HEADER, geojson: str | None = None,
        adjacency: str = "a,b\na,b\nb,c\n") -> Path:
    """A scenario on three territories from `rows`, with boundaries (text of a GeoJSON) or an adjacency CSV."""
    write("t.csv", "\n".join([header, *(ROWS if rows is None else rows)]) + "\n")
    if geojson is not None:
        write("t.geojson", geojson)
        extra = 'geojson = "t.geojson"'
    else:
        write("adj.csv", adjacency)
        extra = 'adjacency = "adj.csv"'
    return write("t.toml", SCENARIO.format(extra=extra))




@pytest.mark.parametrize(("row", "expected"), [
    ("b,B,inf,100,5,0", "territories[b].population: must be a finite number (got inf)"),
    ("b,B,1e400,100,5,0", "territories[b].population: must be a finite number (got inf)"),
    ("b,B,20000,100,inf,0", "territories[b].coca_ha: must be a finite number (got inf)"),
    ("b,B,20000,100,5,1e400", "territories[b].gold_ha: must be a finite number (got inf)"),
    ("b,B,20000,100,-inf,0", "territories[b].coca_ha: must be a finite number (got -inf)"),
    ("b,B,20000,inf,5,0", "territories[b].area_km2: must be a finite number (got inf)"),
    ("b,B,1e11,100,5,0", "territories[b].population: 1e+11 is more than 1e+10 people"),
    ("b,B,20000,1e300,5,0", "territories[b].area_km2: 1e+300 is more than 2e+07 km2"),
    ("b,B,20000,100,20000,0", "territories[b].coca_ha: 20000 is more than the territory's own area"),
    ("b,B,20000,1e-300,5,0", "territories[b].coca_ha: 5 is more than the territory's own area"),
    ("b,B,20000,100,5,-1", "territories[b].gold_ha: must be >= 0 (got -1)"),
    ("b,B,20000,100,many,0", "territories[b].coca_ha: not a number (got 'many')"),
])
def test_non_finite_and_out_of_range_cells_are_refused_at_load(cli, write, row: str, expected: str) -> None:
    path = own(write, [ROWS[0], row, ROWS[2]])
    for command in (("show", str(path), "--json"), ("run", str(path), "--runs", "1", "--no-report",
                                                    "--out", str(path.parent / "out"))):
        msg = refused(cli, *command)
        assert msg.startswith(f"error: {path.parent / 't.csv'}: ") and expected in msg
    assert not (path.parent / "out").exists(), "nothing may be written for input refused at load"


@pytest.mark.parametrize("column", ["homicides", "port"])
def test_optional_numeric_columns_must_be_finite_too(cli, write, column: str) -> None:
    rows = [f"{r},1" for r in ROWS[:2]] + [f"{ROWS[2]},inf"]
    msg = refused(cli, "show", str(own(write, rows, header=f"{HEADER},{column}")))
    assert f"territories[c].{column}: must be a finite number (got inf)" in msg


@pytest.mark.parametrize("column", ["coca_ha", "population", "id"])
def test_a_column_given_twice_is_refused(cli, write, column: str) -> None:
    """pandas reads a repeated column as another one (`coca_ha.1`): which value the model used was left unsaid."""
    rows = [f"{r},{r.split(',')[HEADER.split(',').index(column)]}" for r in ROWS]
    msg = refused(cli, "show", str(own(write, rows, header=f"{HEADER},{column}")))
    assert f"territories.csv: column {column!r} appears more than once" in msg


def test_homicides_cannot_exceed_the_population(cli, write) -> None:
    rows = [f"{r},1" for r in ROWS[:2]] + [f"{ROWS[2]},6000"]
    msg = refused(cli, "show", str(own(write, rows, header=f"{HEADER},homicides")))
    assert "territories[c].homicides: 6000 is more than the territory's population" in msg


def test_a_world_without_inhabitants_is_refused_at_load(cli, write) -> None:
    """Rates are per person: a world of zero population used to load, then end `run` in a ZeroDivisionError."""
    path = own(write, ["a,A,0,100,10,0", "b,B,0,100,5,0", "c,C,0,100,5,1"])
    msg = refused(cli, "run", str(path), "--runs", "1", "--no-report", "--out", str(path.parent / "out"))
    assert "territories.population: every territory has population 0" in msg


def test_some_uninhabited_territories_are_fine(cli, write) -> None:
    path = own(write, ["a,A,100,100,10,0", "b,B,0,100,5,0", "c,C,0,100,5,1"])
    code, _, err = cli("run", str(path), "--runs", "1", "--months", "2", "--no-report", "--out",
                       str(path.parent / "out"))
    assert code == 0, err


def test_a_table_without_rows_is_refused(cli, write) -> None:
    assert "the table has no rows" in refused(cli, "show", str(own(write, [], adjacency="a,b\n")))


@pytest.mark.parametrize("row", [",B,20000,100,5,0", "  ,B,20000,100,5,0"])
def test_an_empty_territory_id_is_refused(cli, write, row: str) -> None:
    """An empty id used to load and then crash `show` with an internal error."""
    msg = refused(cli, "show", str(own(write, [ROWS[0], row, ROWS[2]], adjacency="a,b\na,c\n")))
    assert "t.csv: territories.csv: line 3: empty 'id'" in msg


def test_geojson_boundaries_load(cli, write) -> None:
    code, out, err = cli("show", str(own(write, geojson=json.dumps(features()))), "--json")
    assert code == 0, err
    items = json.loads(out)["territories"]["items"]
    assert [t["neighbours"] for t in items] == [["b"], ["a", "c"], ["b"]]


@pytest.mark.parametrize(("geojson", "expected"), [
    (json.dumps(features(b={"type": "Point", "coordinates": [1.5, 0.5]})),
     "feature 1 (id 'b'): geometry Point is not an area"),
    (json.dumps(features(b={"type": "LineString", "coordinates": [[1, 0], [2, 1]]})),
     "feature 1 (id 'b'): geometry LineString is not an area"),
    (json.dumps(features(b=None)), "feature 1 (id 'b'): geometry missing is not an area"),
    (json.dumps(features(b={"type": "Polygon", "coordinates": []})), "feature 1 (id 'b'): the geometry is empty"),
    (json.dumps(features()).replace("[1, 0]", "[1e400, 0]", 1), "coordinates must be finite numbers"),
    (json.dumps(features()).replace("[1, 0]", "[NaN, 0]", 1), "invalid JSON: NaN is not a JSON number"),
    (json.dumps(features()).replace("[1, 0]", "[Infinity, 0]", 1), "invalid JSON: Infinity is not a JSON number"),
    (json.dumps(features()).replace('"id": "c"', '"id": ""'), "feature 2: 'id' must be a non-empty text"),
    (json.dumps(features()).replace('"id": "c"', '"id": null'), "feature 2: 'id' must be a non-empty text"),
    (json.dumps(features()).replace('"id": "c"', '"id": "b"'), "feature 2: id 'b' appears more than once"),
    ('{"type": "FeatureCollection", "features": [3]}', "feature 0 has no property 'id'"),
    ('{"features": ' + "[" * 100_000 + "]" * 100_000 + "}", "invalid JSON: nested too deeply"),
])
def test_bad_geojson_is_named(cli, write, geojson: str, expected: str) -> None:
    msg = refused(cli, "show", str(own(write, geojson=geojson)))
    assert "t.geojson: territories.geojson: " in msg and expected in msg


def test_geojson_that_is_not_utf8_is_named(cli, write) -> None:
    path = own(write, geojson="{}")
    (path.parent / "t.geojson").write_bytes(b'{"type": "FeatureCollection\xff"}')
    assert "territories.geojson: not UTF-8 text" in refused(cli, "show", str(path))


def test_adjacency_that_is_not_utf8_is_named(cli, write) -> None:
    path = own(write)
    (path.parent / "adj.csv").write_bytes(b"a,b\na,\xff\n")
    assert "territories.adjacency: not UTF-8 text (line 2, byte 3 of the line)" in refused(cli, "show", str(path))


def test_rural_population_must_not_exceed_the_population(cli, write) -> None:
    rows = [f"{ROWS[0]},50000", f"{ROWS[1]},20000", f"{ROWS[2]},6000"]
    msg = refused(cli, "show", str(own(write, rows, header=f"{HEADER},rural_population")))
    assert "territories[c].rural_population: 6000 is more than the territory's population (5000)" in msg


def test_rural_population_is_all_or_nothing(cli, write) -> None:
    rows = [f"{ROWS[0]},50000", f"{ROWS[1]},", f"{ROWS[2]},100"]
    msg = refused(cli, "show", str(own(write, rows, header=f"{HEADER},rural_population")))
    assert "territories[b].rural_population: value is missing" in msg


def test_rural_population_given_or_by_the_density_rule() -> None:
    """Given: kept. Not given: min(population, 24 per km2 x area), and a note says so (a town of 100,000 people on
    100 km2 keeps 2,400 rural people; a village of 2,000 on the same land is all rural)."""
    import pandas as pd

    from totalpeace.territories import RURAL_DENSITY_KM2, finish_frame

    def frame(**extra: list[float]) -> pd.DataFrame:
        return pd.DataFrame({"name": ["A", "B"], "population": [100_000.0, 2_000.0], "area_km2": [100.0, 100.0],
                             **extra}, index=["a", "b"])

    out, notes = finish_frame(frame(), "t.csv")
    assert RURAL_DENSITY_KM2 == 24.0
    assert out["rural_population"].tolist() == [2_400.0, 2_000.0]
    assert any(n.startswith("column 'rural_population' not given") for n in notes)
    out, notes = finish_frame(frame(rural_population=[30_000.0, 0.0]), "t.csv")
    assert out["rural_population"].tolist() == [30_000.0, 0.0]
    assert not any("rural_population" in n for n in notes)


def test_shipped_rural_populations_match_the_census_share_outside_the_towns() -> None:
    """The density of the rule reproduces DANE's 2018 census: 22.9% outside the municipal seats (within a point);
    departments sum their municipalities, so Bogotá keeps almost none and the Amazon departments nearly all."""
    from totalpeace.data import load_dataset

    municipal = load_dataset("colombia-municipalities@2018").frame
    assert municipal["rural_population"].sum() / municipal["population"].sum() == pytest.approx(0.229, abs=0.01)
    assert (municipal["rural_population"] <= municipal["population"]).all()
    departments = load_dataset("colombia-departments")
    share = departments.frame["rural_population"] / departments.frame["population"]
    assert share["11"] < 0.01 and share["97"] == pytest.approx(1.0) and 0.1 < share["05"] < 0.3
    assert "24 people per km2" in departments.sources["rural_population"]
    historical = load_dataset("colombia-departments-2012").frame
    assert historical["rural_population"].equals(departments.frame["rural_population"])


RIVALS = """
name = "rivals"
start = "2024-01"
months = 2
[territories]
csv = "{csv}"
adjacency = "adj.csv"
[groups.band]
name = "Band"
type = "criminal"
members = 400
presence = {{ a = 0.5, b = 0.5 }}
rivals = ["gang"]
[groups.gang]
name = "Gang"
type = "criminal"
members = 400
presence = {{ a = 0.5, b = 0.5 }}
[security]
military = 10
police = 10
buy_in = 0.5
"""


def test_killings_of_social_leaders_follow_the_rural_population(write) -> None:
    """Two groups compete in a and b: the first month's expected killings of social leaders scale with the rural
    population given (half of it, half the killings; none, none), the whole population playing no part."""
    from totalpeace import load_scenario, simulate

    write("adj.csv", "a,b\na,b\nb,c\n")
    first_month = []
    for k, share in enumerate((1.0, 0.5, 0.0)):
        rows = [f"{r},{float(r.split(',')[2]) * share:g}" for r in ROWS]
        write(f"t{k}.csv", "\n".join([f"{HEADER},rural_population", *rows]) + "\n")
        path = write(f"t{k}.toml", RIVALS.format(csv=f"t{k}.csv"))
        results = simulate(load_scenario(path), runs=1, seed=3)
        first_month.append(float(results.national["social_leader_killings"][0, 0]))
    assert first_month[0] > 0
    assert first_month[1] == pytest.approx(first_month[0] / 2, rel=1e-12)
    assert first_month[2] == 0.0
