"""`totalpeace calibrate` / `validate` end to end on a tiny budget, calibrated sets in scenarios, and bad input."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

import totalpeace
from totalpeace.scenario.params import BY_NAME

TINY = """
name = "tiny"
scenarios = ["colombia-2012"]
targets = ["homicides"]
parameters = ["armed_violence_share"]
[budget]
population = 4
generations = 1
runs = 1
seed = 2
max_minutes = 5
"""


def test_calibrate_then_validate(cli, write, tmp_path):
    spec = write("tiny.toml", TINY)
    out = tmp_path / "cal"
    code, stdout, err = cli("calibrate", str(spec), "--out", str(out))
    assert code == 0, err
    assert "armed_violence_share" in stdout
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["armed_violence_share", "weight"]
    assert len(posterior) == 4 and posterior["weight"].sum() == pytest.approx(1.0)
    low, high = BY_NAME["armed_violence_share"].low, BY_NAME["armed_violence_share"].high
    assert posterior["armed_violence_share"].between(low, high).all()
    paramset = tomllib.loads((out / "parameters.toml").read_text())
    assert paramset["provenance"]["simulations"] >= 4
    assert low <= paramset["parameters"]["armed_violence_share"] <= high

    code, stdout, err = cli("validate", str(spec), "--posterior", str(out / "posterior.parquet"), "--draws", "2",
                            "--runs", "1", "--out", str(tmp_path / "val"))
    assert code == 0, err
    assert "CRPS" in stdout and "homicides" in stdout
    summary = pd.read_csv(tmp_path / "val" / "summary.csv")
    assert summary["years"].iloc[0] == "2019, 2020, 2021"  # the held-back years of colombia-2012
    assert summary["crps"].iloc[0] > 0 and summary["crps_persistence"].iloc[0] >= 0
    assert "<svg" in (tmp_path / "val" / "validation.html").read_text()


def test_scenario_uses_a_calibrated_set_and_explicit_values_win(write, tmp_path):
    paramset = write("set.toml", 'name = "s"\n[provenance]\nseed = 1\n[parameters]\nrecruitment_rate = 0.011\n'
                                 "desertion_rate = 0.009\n")
    scenario = write("variant.toml", f'extends = "colombia-2012"\nname = "v"\n[parameters]\n'
                                     f'calibration = "{paramset}"\ndesertion_rate = 0.004\n')
    resolved = totalpeace.load_scenario(str(scenario))
    assert resolved.parameters.recruitment_rate == 0.011
    assert resolved.parameters.desertion_rate == 0.004  # the scenario's own value wins
    assert resolved.parameters.calibration == str(paramset)


def test_show_prints_the_calibration_provenance(cli, write):
    paramset = write("set.toml", 'name = "s"\n[provenance]\nsimulations = 1234\n[parameters]\n'
                                 "recruitment_rate = 0.011\n")
    scenario = write("variant.toml", f'extends = "colombia-2012"\nname = "v"\n[parameters]\n'
                                     f'calibration = "{paramset}"\n')
    code, out, err = cli("show", str(scenario))
    assert code == 0, err
    assert "simulations 1234" in out and "calibration" in out


@pytest.mark.parametrize(("text", "message"), [
    ('[parameters]\ncalibration = "no-such-set"\n', "no calibrated parameter set named 'no-such-set'"),
])
def test_unknown_calibrated_set_is_an_input_error(cli, write, text, message):
    scenario = write("bad.toml", 'extends = "colombia-2012"\nname = "b"\n' + text)
    code, _, err = cli("show", str(scenario))
    assert code == 2 and message in err


def test_out_of_bounds_value_in_a_set_is_an_input_error(cli, write):
    paramset = write("set.toml", "[parameters]\nappropriable_share = 3.0\n")
    scenario = write("bad.toml", f'extends = "colombia-2012"\nname = "b"\n[parameters]\ncalibration = "{paramset}"\n')
    code, _, err = cli("show", str(scenario))
    assert code == 2 and "appropriable_share" in err


@pytest.mark.parametrize(("change", "message"), [
    (('parameters = ["armed_violence_share"]', 'parameters = ["armed_violence_shar"]'), "unknown parameter"),
    (('targets = ["homicides"]', 'targets = ["murders"]'), "unknown target 'murders'"),
    (("population = 4", "population = 1"), "budget.population"),
    (('scenarios = ["colombia-2012"]', 'scenarios = ["colombia-2022"]'), "no target is observed"),
    (("[budget]", "[budget]\nwhatever = 1"), "budget.whatever"),
])
def test_bad_calibration_file_exits_2_naming_the_field(cli, write, change, message):
    spec = write("bad.toml", TINY.replace(*change))
    code, _, err = cli("calibrate", str(spec))
    assert code == 2, err
    assert message in err


def test_validate_without_a_posterior_says_what_to_do(cli, write, tmp_path):
    spec = write("tiny.toml", TINY)
    code, _, err = cli("validate", str(spec), "--posterior", str(tmp_path / "none.parquet"))
    assert code == 2 and "run `totalpeace calibrate" in err


def test_relative_set_path_is_resolved_against_the_scenario_file(write):
    write("sets/set.toml", "[parameters]\nrecruitment_rate = 0.013\n")
    scenario = write("variant.toml", 'extends = "colombia-2012"\nname = "v"\n[parameters]\n'
                                     'calibration = "sets/set.toml"\n')
    resolved = totalpeace.load_scenario(str(scenario))
    assert resolved.parameters.recruitment_rate == 0.013
    assert resolved.parameters.calibration == str(scenario.parent / "sets" / "set.toml")


def test_shipped_sets_load_and_the_flagship_can_name_them():
    from totalpeace.calibration.paramset import read_set, shipped_sets

    assert shipped_sets(), "no calibrated parameter set ships"
    for name, path in shipped_sets().items():
        values = read_set(path)["parameters"]
        scenario = totalpeace.load_scenario("colombia-2022", [f"parameters.calibration={name}"])
        for key, value in values.items():
            assert getattr(scenario.parameters, key) == pytest.approx(value)
    assert totalpeace.load_scenario("colombia-2022").parameters.calibration is None  # the default is uncalibrated
