"""Fuzzing a user's own data and files: territory CSVs, GeoJSON boundaries, and scenario files that are not UTF-8 or
nest deeply. Whatever they hold, they load (and then run to finite results) or fail with one InputError: never NaN,
an internal error or a later crash. `TOTALPEACE_FUZZ_EXAMPLES` sets the number of examples per property (`make soak`
raises it); the default keeps the file cheap.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import totalpeace
from totalpeace.errors import InputError
from totalpeace.territories import MAX_AREA_KM2, MAX_POPULATION, load_territories

EXAMPLES = int(os.environ.get("TOTALPEACE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SCENARIO = """
name = "fuzz"
start = "2024-01"
months = 3
[territories]
csv = "t.csv"
{where}
[security]
military = 100
police = 100
buy_in = 0.5
"""

ids = st.one_of(st.sampled_from(["a", "b", "c", "05", " ", "", "nan", "NA", "a,b", '"q"', "ñ", "a\nb"]),
                st.text(max_size=6))
bad_cells = st.one_of(  # one kind of trouble per branch, so that each is drawn often
    st.sampled_from(["inf", "-inf", "Infinity", "1e400", "-1e400", "nan", "NaN"]),
    st.sampled_from(["1e11", "3e7", "1e300", "1.7976931348623157e308"]),
    st.floats(max_value=-1e-300).map(repr),
    st.sampled_from(["", " ", "-0", "1e-320", "many", "1,5", "0x10", "1_000", "true", "\u00a0"]),
)
cells = st.one_of(bad_cells, st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.integers(-10, 10**12).map(str))
COLUMNS = ["name", "population", "area_km2", "coca_ha", "gold_ha", "homicides", "port", "state_presence"]
plausible = st.one_of(st.integers(0, 10**6).map(str), st.floats(0, 1e6).map(repr))
good_cells = {col: plausible for col in COLUMNS} | {"state_presence": st.floats(0, 1).map(repr),
                                                     "area_km2": st.floats(1, 1e6).map(repr)}


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """A CSV as pandas writes it (quoting what needs quoting)."""
    return pd.DataFrame(rows, columns=header).to_csv(index=False)


def load_or_input_error(path: Path) -> totalpeace.Scenario | None:
    try:
        scenario = totalpeace.load_scenario(str(path))
    except InputError as exc:
        assert exc.message.strip()
        event("refused")
        return None
    event("loaded")
    return scenario


def assert_sound(scenario: totalpeace.Scenario) -> None:
    """What loads holds finite numbers within their limits and runs to finite, non-negative national results."""
    frame = load_territories(scenario.territories).frame
    for col in ("population", "area_km2", "coca_ha", "gold_ha", "port", "state_presence"):
        assert np.isfinite(frame[col]).all() and (frame[col] >= 0).all(), col
    assert frame["population"].sum() > 0 and (frame["population"] <= MAX_POPULATION).all()
    assert (frame["area_km2"] > 0).all() and (frame["area_km2"] <= MAX_AREA_KM2).all()
    assert all(str(i).strip() for i in frame.index)
    results = totalpeace.simulate(scenario, runs=1, seed=1, months=2)
    for name, series in results.national.items():
        assert np.all(np.isfinite(series)), name
        assert np.all(series >= 0.0) or name == "neighbour_violence", name


@FUZZ
@given(data=st.data())
def test_fuzzed_territory_csv_loads_soundly_or_fails_clearly(tmp_path: Path, data: st.DataObject) -> None:
    header = ["id", *data.draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True))]
    if data.draw(st.booleans()):  # usually the required columns, so that the cells themselves get exercised
        header = ["id", "name", "population", "area_km2", *[c for c in header[1:] if c not in
                                                          ("name", "population", "area_km2")]]
    n = data.draw(st.integers(0, 6))
    rows = [[f"t{i}" if k == 0 else (f"T{i}" if col == "name" else data.draw(good_cells[col]))
             for k, col in enumerate(header)] for i in range(n)]
    for _ in range(data.draw(st.integers(1, 3)) if n else 0):  # then spoil a few cells (ids included)
        i, k = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, len(header) - 1))
        rows[i][k] = data.draw(ids if k == 0 else bad_cells if header[k] != "name" else cells)
    (tmp_path / "t.csv").write_text(csv_text(header, rows), encoding="utf-8")
    known = [r[0] for r in rows] or ["a"]
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(known), st.sampled_from(known)), max_size=8))
    (tmp_path / "adj.csv").write_text(csv_text(["a", "b"], [list(p) for p in pairs]), encoding="utf-8")
    path = tmp_path / "t.toml"
    path.write_text(SCENARIO.format(where='adjacency = "adj.csv"'), encoding="utf-8")
    scenario = load_or_input_error(path)
    if scenario is not None:
        assert_sound(scenario)


coordinates = st.one_of(st.floats(-200, 200, allow_nan=False), st.sampled_from([math.inf, -math.inf, math.nan, 1e308]))
geometries = st.one_of(
    st.none(), st.just({}), st.just("Polygon"), st.integers(),
    st.builds(lambda kind, c: {"type": kind, "coordinates": c},
              st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon", "GeometryCollection", "Circle"]),
              st.recursive(coordinates, lambda inner: st.lists(inner, max_size=5), max_leaves=12)),
    st.builds(lambda x, y, w: {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + w], [x, y + w],
                                                                    [x, y]]]},
              coordinates, coordinates, st.sampled_from([0.0, 1.0, 1e-9, -1.0])),
)


def square(x: int) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}


@FUZZ
@given(data=st.data())
def test_fuzzed_geojson_loads_soundly_or_fails_clearly(tmp_path: Path, data: st.DataObject) -> None:
    (tmp_path / "t.csv").write_text("id,name,population,area_km2\na,A,100,10\nb,B,100,10\nc,C,100,10\n",
                                    encoding="utf-8")
    features = [{"type": "Feature", "properties": {"id": tid}, "geometry": square(k)} for k, tid in enumerate("abc")]
    for _ in range(data.draw(st.integers(1, 3))):  # break a few features in some way
        k = data.draw(st.integers(0, 2))
        choice = data.draw(st.sampled_from(["geometry", "id", "feature", "extra"]))
        whole = isinstance(features[k], dict) and isinstance(features[k].get("properties"), dict)
        if choice == "geometry" and whole:
            features[k]["geometry"] = data.draw(geometries)
        elif choice == "id" and whole:
            features[k]["properties"]["id"] = data.draw(st.one_of(ids, st.none(), st.integers(), st.floats()))
        elif choice == "feature":
            features[k] = data.draw(st.one_of(st.none(), st.integers(), st.just({}), st.just({"properties": 1})))
        else:
            extra = {"type": "Feature", "properties": {"id": data.draw(ids)}, "geometry": data.draw(geometries)}
            features.append(extra)
    text = json.dumps({"type": "FeatureCollection", "features": features})  # NaN and Infinity written as tokens
    (tmp_path / "t.geojson").write_text(text, encoding="utf-8")
    path = tmp_path / "t.toml"
    path.write_text(SCENARIO.format(where='geojson = "t.geojson"'), encoding="utf-8")
    scenario = load_or_input_error(path)
    if scenario is not None:
        table = load_territories(scenario.territories)
        assert table.geometry is not None
        assert all(g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty for g in table.geometry)
        assert_sound(scenario)


@FUZZ
@given(data=st.data())
def test_scenario_bytes_that_are_not_utf8_or_nest_deeply_fail_clearly(tmp_path: Path, data: st.DataObject) -> None:
    """The flagship's text with invalid bytes inserted, or a value nested to a random depth: exit 2, never an
    internal error (a RecursionError or UnicodeDecodeError used to escape)."""
    base = b'extends = "colombia-2022"\nname = "fuzz"\n'
    if data.draw(st.booleans()):
        junk = data.draw(st.one_of(st.sampled_from([b"\xff", b"\xe9", b"\x80", b"\xc3(", b"\xed\xa0\x80"]),
                                   st.binary(max_size=3).map(lambda b: b"\xfe" + b)))  # never valid UTF-8
        at = data.draw(st.integers(0, len(base)))
        content = base[:at] + junk + base[at:]
    else:
        depth = data.draw(st.integers(1, 3000))
        opener, closer = data.draw(st.sampled_from([("[", "]"), ("{ a = ", " }")]))
        content = base + f"[policy]\nx = {opener * depth}1{closer * depth}\n".encode()
    path = tmp_path / "s.toml"
    path.write_bytes(content)
    assert load_or_input_error(path) is None


def test_a_large_territory_table_loads(tmp_path: Path) -> None:
    """20,000 territories in a chain (about 1 MB of CSV) load like three."""
    n = 20_000
    rows = [f"t{i},T{i},{1000 + i},{10 + i % 7},{i % 5},0" for i in range(n)]
    (tmp_path / "t.csv").write_text("id,name,population,area_km2,coca_ha,gold_ha\n" + "\n".join(rows) + "\n",
                                    encoding="utf-8")
    (tmp_path / "adj.csv").write_text("a,b\n" + "\n".join(f"t{i},t{i + 1}" for i in range(n - 1)) + "\n",
                                      encoding="utf-8")
    path = tmp_path / "t.toml"
    path.write_text(SCENARIO.format(where='adjacency = "adj.csv"'), encoding="utf-8")
    table = load_territories(totalpeace.load_scenario(str(path)).territories)
    assert len(table.frame) == n and len(table.adjacency) == n - 1
