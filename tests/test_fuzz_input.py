"""Fuzzing the scenario loader and the `--set` parser: whatever the input, it loads or it fails with one clear
InputError (never another exception, a traceback or a silent default), and what loads runs without NaN.

Inputs: random TOML documents, random mutations of the flagship scenario at any path (wrong types, NaN and
infinities, huge and negative numbers, long lists and strings), random `--set` flags on real and invented paths,
and `extends` chains around the depth limit. `TOTALPEACE_FUZZ_EXAMPLES` raises the number of examples per property
(`make soak`); the default keeps the file fast enough for every test run.
"""

from __future__ import annotations

import math
import os
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import totalpeace
from totalpeace.errors import InputError
from totalpeace.scenario import builtin_scenarios
from totalpeace.scenario.loader import MAX_EXTENDS_DEPTH

EXAMPLES = int(os.environ.get("TOTALPEACE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FLAGSHIP_FILE = Path(totalpeace.__file__).parent / "scenario" / "builtin" / "colombia-2022.toml"
FLAGSHIP = tomllib.loads(FLAGSHIP_FILE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------------------
# A small TOML writer for generated documents (tomllib only reads)
# ---------------------------------------------------------------------------------------------------------------------
def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "-_" for c in key) else toml_value(key)


def to_toml(document: dict[str, Any]) -> str:
    """Every top-level key as `key = value` (inline tables for nested ones): valid TOML for any such document."""
    return "\n".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in document.items()) + "\n"


# ---------------------------------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------------------------------
keys = st.one_of(st.sampled_from(["name", "start", "months", "extends", "groups", "policy", "security", "eln",
                                  "members", "presence", "parameters", "ceasefires", "territories", "model"]),
                 st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12))
scalars = st.one_of(
    st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e300, -1e300, 1e-320, 2**62, float("nan"), float("inf"), ""]),
    st.text(max_size=30), st.sampled_from(["colombia-2022", "2022-08", "2022-13", "eln", "phased", "../../etc/passwd"]),
)
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=6), st.dictionaries(keys, children, max_size=6)), max_leaves=25)
documents = st.dictionaries(keys, values, max_size=8)


def all_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside nested dicts and lists."""
    paths = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, child in node.items():
            paths += all_paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            paths += all_paths(child, (*prefix, i))
    return paths


FLAGSHIP_PATHS = all_paths(FLAGSHIP)
replacements = st.one_of(values, st.lists(st.floats(0, 1), min_size=200, max_size=2000),
                         st.text(min_size=500, max_size=5000), st.just({}), st.just([]))


def loads_or_input_error(path: Path, sets: list[str] | None = None) -> totalpeace.Scenario | None:
    """Load a scenario: a Scenario or None after an InputError with a message; any other exception fails."""
    try:
        return totalpeace.load_scenario(str(path), sets or [])
    except InputError as exc:
        assert exc.message.strip(), "an InputError must say what is wrong"
        return None


def assert_runs_cleanly(scenario: totalpeace.Scenario) -> None:
    """A scenario that loads runs: either an InputError (for example data it cannot use) or finite results."""
    try:
        results = totalpeace.simulate(scenario, runs=2, seed=1, months=3)
    except InputError:
        return
    for name, series in results.national.items():
        assert np.all(np.isfinite(series)), name
        assert np.all(series >= 0.0) or name == "neighbour_violence", name


# ---------------------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------------------
@FUZZ
@given(document=documents, extend=st.booleans())
def test_random_documents_load_or_fail_with_a_clear_error(tmp_path: Path, document: dict, extend: bool) -> None:
    if extend:
        document = {"extends": "colombia-2022", **document}
    path = tmp_path / "random.toml"
    path.write_text(to_toml(document), encoding="utf-8")
    scenario = loads_or_input_error(path)
    if scenario is not None:
        assert_runs_cleanly(scenario)


@FUZZ
@given(data=st.data())
def test_mutated_flagship_loads_or_fails_with_a_clear_error(tmp_path: Path, data: st.DataObject) -> None:
    document = tomllib.loads(FLAGSHIP_FILE.read_text(encoding="utf-8"))
    target = data.draw(st.sampled_from(FLAGSHIP_PATHS))
    node = document
    for key in target[:-1]:
        node = node[key]
    node[target[-1]] = data.draw(replacements)
    path = tmp_path / "mutated.toml"
    path.write_text(to_toml(document), encoding="utf-8")
    scenario = loads_or_input_error(path)
    if scenario is not None:
        assert_runs_cleanly(scenario)


set_paths = st.one_of(
    st.sampled_from([".".join(str(k) for k in p) for p in FLAGSHIP_PATHS]),
    st.sampled_from(["parameters.ddr_rate", "policy.talks.mode", "security.buy_in", "groups.eln", "groups",
                     "policy.ceasefires.0.months", "policy.ceasefires.-1", "international.venezuela.host_tolerance"]),
    st.text(max_size=40),
)
set_values = st.one_of(st.text(max_size=60), scalars.map(toml_value), st.sampled_from(
    ["nan", "inf", "-inf", "1e400", "[1, 2", "{a = 1}", "true", "\"x\"", "[]", "0x10", "1_000", "--"]))


@FUZZ
@given(flags=st.lists(st.tuples(set_paths, set_values), min_size=1, max_size=3))
@example(flags=[("groups.comandos_frontera.armed_share", "1E-310")])  # a subnormal share once ran into NaN members
@example(flags=[("groups.eln.presence.ARA", "1e-320")])
def test_random_set_flags_load_or_fail_with_a_clear_error(flags: list[tuple[str, str]]) -> None:
    sets = [f"{path}={value}" for path, value in flags]
    try:
        scenario = totalpeace.load_scenario("colombia-2022", sets)
    except InputError as exc:
        assert exc.message.strip()
        return
    assert_runs_cleanly(scenario)


@FUZZ
@given(flag=st.text(max_size=80))
def test_a_random_flag_never_gives_a_traceback(cli, flag: str) -> None:
    code, _, err = cli("show", "colombia-2022", "--json", "--set", flag)
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err


# ---------------------------------------------------------------------------------------------------------------------
# extends chains
# ---------------------------------------------------------------------------------------------------------------------
def write_chain(folder: Path, length: int) -> Path:
    """`length` files, each extending the next, the last extending the flagship; returns the first."""
    for i in range(length):
        parent = f"s{i + 1}.toml" if i + 1 < length else "colombia-2022"
        (folder / f"s{i}.toml").write_text(f'extends = "{parent}"\nname = "s{i}"\n', encoding="utf-8")
    return folder / "s0.toml"


def test_an_extends_chain_within_the_limit_loads(tmp_path: Path) -> None:
    scenario = totalpeace.load_scenario(str(write_chain(tmp_path, MAX_EXTENDS_DEPTH - 2)))
    assert scenario.name == "s0" and len(scenario.groups) == len(totalpeace.load_scenario("colombia-2022").groups)


def test_an_extends_chain_beyond_the_limit_is_refused(cli, tmp_path: Path) -> None:
    code, _, err = cli("show", str(write_chain(tmp_path, MAX_EXTENDS_DEPTH + 5)))
    assert code == 2 and "extends" in err and "Traceback" not in err


@pytest.mark.parametrize("name", builtin_scenarios())
def test_every_built_in_scenario_survives_a_round_trip_through_the_writer(tmp_path: Path, name: str) -> None:
    """The fuzzing writer is faithful: the flagship written back loads to the same scenario."""
    source = Path(totalpeace.__file__).parent / "scenario" / "builtin" / f"{name}.toml"
    path = tmp_path / f"{name}.toml"
    path.write_text(to_toml(tomllib.loads(source.read_text(encoding="utf-8"))), encoding="utf-8")
    assert totalpeace.load_scenario(str(path)).model_dump() == totalpeace.load_scenario(name).model_dump()
