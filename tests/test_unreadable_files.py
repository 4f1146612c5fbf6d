"""Every TOML file a user hands over (scenario, experiment spec, calibration spec, parameter set) that is not UTF-8,
too deeply nested or malformed fails with exit 2 naming the file: never an internal error. CSV files (territory data,
discover's tables) that are not UTF-8 are named with the line to fix, as TOML files are."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import refused

from totalpeace.tomlfile import MAX_NESTING, nesting_depth

NOT_UTF8 = b'name = "x"\ndescription = "caf\xe9"\n'  # Latin-1, as an old editor saves it
DEEP_ARRAYS = ("a = " + "[" * 100_000 + "]" * 100_000 + "\n").encode()
DEEP_TABLES = ("a = " + "{ b = " * 60 + "1" + " }" * 60 + "\n").encode()




COMMANDS = {
    "scenario": lambda path: ("show", str(path)),
    "experiment": lambda path: ("sweep", str(path), "--store", str(path.parent / "store"), "--no-report"),
    "calibration": lambda path: ("calibrate", str(path), "--store", str(path.parent / "store")),
}


@pytest.mark.parametrize("kind", COMMANDS)
@pytest.mark.parametrize(("content", "expected"), [
    (NOT_UTF8, "not UTF-8 text (line 2, byte 19 of the line)"),
    (DEEP_ARRAYS, f"invalid TOML: nested more than {MAX_NESTING} levels deep"),
    (DEEP_TABLES, f"invalid TOML: nested more than {MAX_NESTING} levels deep"),
], ids=["not-utf8", "deep-arrays", "deep-tables"])
def test_unusable_toml_files_are_named(cli, tmp_path: Path, kind: str, content: bytes, expected: str) -> None:
    path = tmp_path / f"{kind}.toml"
    path.write_bytes(content)
    msg = refused(cli, *COMMANDS[kind](path))
    assert f"{path}: {expected}" in msg


def test_a_parameter_set_that_is_not_utf8_is_named(cli, tmp_path: Path) -> None:
    (tmp_path / "parameters.toml").write_bytes(b"[parameters]\nddr_rate = 0.1 # \xff\n")
    msg = refused(cli, "show", "colombia-2022", "--set", f"parameters.calibration={tmp_path / 'parameters.toml'}")
    assert "parameters.calibration:" in msg and "not UTF-8 text (line 2" in msg


@pytest.mark.parametrize("value", ["inf", "nan", "true"])
def test_a_parameter_set_value_must_be_a_finite_number(cli, tmp_path: Path, value: str) -> None:
    (tmp_path / "parameters.toml").write_text(f"[parameters]\ndiscount_factor = {value}\n", encoding="utf-8")
    msg = refused(cli, "show", "colombia-2022", "--set", f"parameters.calibration={tmp_path / 'parameters.toml'}")
    assert f"discount_factor = {value if value != 'true' else 'True'} is not a number" in msg


def test_an_extended_file_that_is_not_utf8_is_named(cli, write) -> None:
    parent = write("parent.toml", "")
    parent.write_bytes(b'extends = "colombia-2022"\nname = "\xff"\n')
    child = write("child.toml", 'extends = "parent.toml"\nname = "child"\n')
    assert f"{parent}: not UTF-8 text" in refused(cli, "show", str(child))


def test_nesting_depth() -> None:
    assert nesting_depth(1) == 0
    assert nesting_depth({"a": 1}) == 1
    assert nesting_depth({"a": [1, {"b": [2]}], "c": {}}) == 4
    assert nesting_depth({"a": [[[]]]}) == 4


OWN = """name = "own"
start = "2024-01"
months = 6
[territories]
csv = "t.csv"
adjacency = "adj.csv"
[security]
military = 10
police = 10
buy_in = 0.5
"""


@pytest.mark.parametrize(("name", "field", "line", "byte"), [
    ("t.csv", "territories.csv", b"t1,Bogot\xe1,1000,10\n", 9),
    ("adj.csv", "territories.adjacency", b"t1,t\xe12\n", 5)])
def test_a_csv_file_that_is_not_utf8_is_named_with_its_line(cli, write, name: str, field: str, line: bytes,
                                                            byte: int) -> None:
    """pandas counts the byte from the chunk it was decoding: the message gives the file's own line instead."""
    rows = "".join(f"t{k},T{k},1000,10\n" for k in range(3000))
    write("t.csv", f"id,name,population,area_km2\n{rows}")
    write("adj.csv", "a,b\nt0,t1\n")
    bad = write(name, "")
    good = {"t.csv": f"id,name,population,area_km2\n{rows}", "adj.csv": "a,b\nt0,t1\n"}[name]
    bad.write_bytes(good.encode() + line)
    lines = good.count("\n") + 1
    msg = refused(cli, "show", str(write("own.toml", OWN)))
    assert f"{bad}: {field}: not UTF-8 text (line {lines}, byte {byte} of the line): save the file as UTF-8" in msg


def test_a_table_for_discover_that_is_not_utf8_is_named_with_its_line(cli, tmp_path: Path) -> None:
    table = tmp_path / "runs.csv"
    table.write_bytes(b"x,homicide_rate\n" + b"0.5,20\n" * 5000 + b"0.5,2\xe10\n")
    msg = refused(cli, "discover", str(table), "--outcome", "homicide_rate", "--threshold", "1", "--out",
                  str(tmp_path / "o"))
    assert f"{table}: not UTF-8 text (line 5002, byte 6 of the line)" in msg
