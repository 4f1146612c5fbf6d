"""Experiment files: validation names the field, both TOML spellings of a factor path, CLI exit status 2."""

from __future__ import annotations

import pytest

from totalpeace.errors import InputError
from totalpeace.experiments.spec import load_spec, parse_spec

BASE = {"name": "x", "scenario": "colombia-2022", "replications": 2, "months": 12}


def problems(data: dict) -> str:
    with pytest.raises(InputError) as info:
        parse_spec({**BASE, **data})
    return info.value.message


def test_both_spellings_of_a_factor_path_are_the_same_spec(write):
    quoted = load_spec(write("a.toml", 'name = "x"\nscenario = "colombia-2022"\n'
                                      '[levers."policy.talks.mode"]\nvalues = ["phased", "simultaneous"]\n'))
    nested = load_spec(write("b.toml", 'name = "x"\nscenario = "colombia-2022"\n'
                                       '[levers.policy.talks.mode]\nvalues = ["phased", "simultaneous"]\n'))
    assert quoted.fingerprint() == nested.fingerprint()
    assert list(quoted.levers) == ["policy.talks.mode"]


def test_name_defaults_to_the_file_name(write):
    spec = load_spec(write("my-sweep.toml", 'scenario = "colombia-2022"\n[levers."policy.decriminalization"]\n'
                                            "low = 0\nhigh = 1\n"))
    assert spec.name == "my-sweep" and spec.design == "latin_hypercube"


def test_unknown_scenario_path_suggests_the_field():
    message = problems({"levers": {"policy.decriminalisation": {"low": 0, "high": 1}}})
    assert "levers.policy.decriminalisation: 'policy.decriminalisation' is not a scenario field" in message
    assert 'did you mean "decriminalization"' in message


def test_unknown_spec_field_suggests_the_closest():
    assert 'replicatons: unknown field (did you mean "replications"?)' in problems(
        {"replicatons": 3, "levers": {"policy.decriminalization": {"low": 0, "high": 1}}})


def test_factor_errors_name_the_factor():
    message = problems({"uncertainties": {"security.buy_in": {"distribution": "triangular", "low": 0.2,
                                                              "high": 0.9}}})
    assert "uncertainties.security.buy_in" in message and "mode" in message
    message = problems({"levers": {"security.buy_in": {"low": 0.9, "high": 0.2}}})
    assert "levers.security.buy_in" in message and "below high" in message
    message = problems({"levers": {"security.buy_in": {"values": [0.5], "low": 0.1}}})
    assert "either values or a range" in message
    message = problems({"levers": {"security.buy_in": {"distribution": "gamma", "low": 0, "high": 1}}})
    assert "levers.security.buy_in.distribution" in message


def test_choices_are_checked_against_the_schema():
    message = problems({"levers": {"policy.talks.mode": {"values": ["phased", "sequential"]}}})
    assert "levers.policy.talks.mode.values" in message and "'sequential'" in message
    message = problems({"levers": {"policy.talks.mode": {"low": 0, "high": 1}}})
    assert "needs values" in message
    message = problems({"levers": {"security.buy_in": {"values": [0.5, "high"]}}})
    assert "'high' is not a number" in message
    message = problems({"levers": {"policy.talks": {"values": [1, 2]}}})
    assert "not a single value" in message


def test_spec_level_errors():
    assert "at least one lever or uncertainty" in problems({})
    message = problems({"outcomes": ["homicide_rates"], "levers": {"security.buy_in": {"low": 0, "high": 1}}})
    assert "outcomes" in message and 'did you mean "homicide_rate"' in message
    message = problems({"levers": {"security.buy_in": {"low": 0, "high": 1}},
                        "uncertainties": {"security.buy_in": {"low": 0, "high": 1}}})
    assert "both a lever and an uncertainty" in message
    message = problems({"design": "random", "levers": {"security.buy_in": {"low": 0, "high": 1}}})
    assert message.startswith("design:")


def test_a_set_that_a_factor_or_another_set_would_override_is_refused():
    """A `set` holds for every point: the design's values would replace one that names a factor, and the later of
    two values of one path would replace the earlier, without a word."""
    factor = {"levers": {"security.buy_in": {"low": 0, "high": 1}}}
    message = problems({**factor, "set": ["months=6", " security.buy_in = 0.5"]})
    assert "set: ' security.buy_in = 0.5' sets the lever 'security.buy_in', whose values come from the design" \
        in message
    message = problems({**factor, "set": ["policy.decriminalization=0.2", "policy.decriminalization=0.4"]})
    assert "set: 'policy.decriminalization' is given twice, to different values" in message
    assert parse_spec({**BASE, **factor, "set": ["months=6", "months = 6"]}).set == ["months=6", "months = 6"]


def test_bad_spec_files_exit_2(cli, write, tmp_path):
    code, _, err = cli("sweep", str(tmp_path / "missing.toml"), "--store", str(tmp_path / "s"))
    assert code == 2 and "experiment file not found" in err
    code, _, err = cli("sweep", str(write("bad.toml", "name = \n")), "--store", str(tmp_path / "s"))
    assert code == 2 and "invalid TOML" in err and "bad.toml" in err
    bad = write("range.toml", 'scenario = "colombia-2022"\nmonths = 12\nreplications = 1\ndesign = "full_factorial"\n'
                              '[levers."security.buy_in"]\nvalues = [0.5, 1.5]\n')
    code, _, err = cli("sweep", str(bad), "--store", str(tmp_path / "s"), "--workers", "1")
    assert code == 2 and "security.buy_in=1.5" in err and "less than or equal to 1" in err
    assert "Traceback" not in err


def test_design_and_input_sizes_are_bounded_up_front(cli, write, tmp_path):
    """A design too large to hold, or lists longer than any real experiment needs, are one message naming the field
    (exit 2), found before anything is built."""
    ranges = {p: {"low": 0.1, "high": 0.9} for p in ("policy.decriminalization", "security.buy_in",
                                                      "policy.substitution")}
    message = problems({"design": "full_factorial", "levels": 1000, "levers": ranges})
    assert message.startswith("design: the full_factorial design has levels (1000) x levels (1000) x levels (1000) "
                              "= 1,000,000,000 points, at most 1,000,000")
    message = problems({"design": "full_factorial", "levers": {"security.buy_in": {"low": 0, "high": 1,
                                                                                   "levels": 1000}},
                        "uncertainties": {"policy.decriminalization": {"values": [0.1 * i for i in range(1, 10)]}},
                        "replications": 10_000})
    assert message.startswith("replications: 9,000 points x 10,000 replications = 90,000,000 runs, at most")
    message = problems({"design": "sobol", "samples": 2**19, "levers": ranges})
    assert message.startswith("design: the sobol design has samples x (2 x 3 factors + 2) = 524,288 x 8")
    assert "at most 1000 items" in problems({"levers": {"security.buy_in": {"values": [0.5] * 200_000}}})
    assert "at most 1000 items" in problems({"levers": {"policy.talks.mode": {"values": ["bad"] * 200_000}}})
    assert "outcomes: 'homicides' is named twice" in problems({"outcomes": ["homicides", "homicides"],
                                                               "levers": ranges})
    assert "factors, at most 100" in problems({"levers": {f"parameters.x{i}": {"low": 0, "high": 1}
                                                          for i in range(101)}})
    big = write("big.toml", 'scenario = "colombia-2022"\n[levers."security.buy_in"]\nvalues = ['
                + ", ".join(["0.5"] * 200_000) + "]\n")
    code, _, err = cli("sweep", str(big), "--store", str(tmp_path / "s"))
    assert code == 2 and "larger than 1,000,000 bytes" in err and "big.toml" in err
    deep = b"a = " + b"[" * 100_000 + b"]" * 100_000
    for name, data in (("latin1.toml", b'name = "caf\xe9"\n'), ("deep.toml", deep)):
        (tmp_path / name).write_bytes(data)
        code, _, err = cli("sweep", str(tmp_path / name), "--store", str(tmp_path / "s"))
        assert code == 2 and name in err and "Traceback" not in err and "internal error" not in err
    assert not (tmp_path / "s" / "experiments").exists()  # nothing was started


@pytest.mark.parametrize(("entry", "expected"), [
    ("months", "set 'months': expected dotted.path=value"),
    ("montsh=3", "set 'montsh=3': unknown field 'montsh' (did you mean \"months\"?)"),
    ("months=", "set 'months=': the value of 'months' is empty; give one after the '='"),
    ("groups..members=3", "set 'groups..members=3': empty component in path 'groups..members'"),
    ("extends=colombia-1998", "set extends: the scenario a file changes is read before set applies; write a file "
                              "with extends = \"NAME\" and give that file instead"),
])
def test_a_bad_set_entry_is_named_as_the_files_set(cli, write, tmp_path, entry, expected):
    """An experiment file's `set` entry that cannot be applied is named as the file's field: the user gave no
    `--set`, so the command-line wording would send them looking for a flag."""
    spec = write("bad-set.toml", f'name = "bad-set"\nscenario = "colombia-2022"\nmonths = 2\nreplications = 1\n'
                                 f'set = [{entry!r}]\n[levers."security.buy_in"]\nlow = 0.2\nhigh = 0.8\n')
    code, _, err = cli("sweep", str(spec), "--store", str(tmp_path / "s"), "--workers", "1")
    assert code == 2, err
    assert f"error: {spec}: base scenario: {expected}" in " ".join(err.split()), err
    assert "--set" not in err and "command line" not in err
