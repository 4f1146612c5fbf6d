"""Scenario files: `extends` merges tables deeply and replaces lists; `--set` is typed by the schema."""

from __future__ import annotations

import pytest

from totalpeace import load_scenario
from totalpeace.scenario.fingerprint import scenario_sha256


def test_extends_changes_only_what_differs(write):
    path = write("variant.toml", """
extends = "colombia-2022"
name = "variant"
[groups.eln]
members = 3000
[policy]
ceasefires = []
""")
    base, variant = load_scenario("colombia-2022"), load_scenario(path)
    assert variant.groups["eln"].members == 3000
    assert variant.groups["eln"].sanctuary == base.groups["eln"].sanctuary  # table merged, not replaced
    assert variant.groups["emc"] == base.groups["emc"]
    assert variant.policy.ceasefires == []  # list replaced
    assert variant.policy.concessions == base.policy.concessions


def test_extends_follows_relative_paths_through_a_chain(write):
    write("a/base.toml", 'extends = "colombia-2022"\nname = "base"\nmonths = 24\n')
    path = write("b/child.toml", 'extends = "../a/base.toml"\nname = "child"\n[policy]\ndecriminalization = 0.3\n')
    scenario = load_scenario(path)
    assert (scenario.name, scenario.months, scenario.policy.decriminalization) == ("child", 24, 0.3)


def test_set_values_are_typed_by_the_schema():
    scenario = load_scenario("colombia-2022", [
        "months=36", "start=2022-08-01", "policy.substitution_announced=true", "groups.eln.name=123",
        'policy.ceasefires=[{group="eln", start="2022-12", months=6, zone=true}]', "policy.ceasefires.0.months=9",
        "parameters.ddr_rate=0.2", "policy.talks.order=['eln', 'emc']",
    ])
    assert scenario.months == 36 and scenario.start == "2022-08"
    assert scenario.policy.substitution_announced is True
    assert scenario.groups["eln"].name == "123"  # a text field keeps text
    assert scenario.policy.ceasefires[0].zone is True and scenario.policy.ceasefires[0].months == 9
    assert scenario.parameters.ddr_rate == 0.2
    assert scenario.policy.talks.order == ["eln", "emc"]


def test_python_overrides_accept_values():
    scenario = load_scenario("colombia-2022", {"security.buy_in": 0.3, "policy.talks.mode": "none"})
    assert scenario.security.buy_in == 0.3 and scenario.policy.talks.mode == "none"


def test_events_can_change_levers(write):
    path = write("ev.toml", """
extends = "colombia-2022"
[[policy.events]]
date = "2024-01"
description = "decriminalisation decree"
set = { "policy.decriminalization" = 0.5 }
""")
    assert load_scenario(path).policy.events[0].set == {"policy.decriminalization": 0.5}


def test_event_values_are_read_as_their_fields_read_them(write):
    """A number written as text in an event's `set` is the number, as anywhere else in a scenario: the run, the policy
    record and the fingerprint see one value however it was written."""
    body = ('extends = "colombia-2022"\nname = "ev"\n[[policy.events]]\ndate = "2024-01"\ndescription = "x"\n'
            'set = {{ "policy.decriminalization" = {d}, "security.police" = {p}, '
            '"policy.substitution_announced" = {a} }}\n')
    text = load_scenario(write("text.toml", body.format(d='"0.5"', p='"180000"', a='"true"')))
    number = load_scenario(write("number.toml", body.format(d="0.5", p="180000", a="true")))
    values = text.policy.events[0].set
    assert values == {"policy.decriminalization": 0.5, "security.police": 180000, "policy.substitution_announced": True}
    assert [type(v) for v in values.values()] == [float, int, bool]
    assert scenario_sha256(text) == scenario_sha256(number)


def test_scenario_hash_depends_on_content_not_on_files(write):
    same = write("same.toml", 'extends = "colombia-2022"\nname = "colombia-2022"\n')
    base = load_scenario("colombia-2022")
    assert scenario_sha256(load_scenario(same)) == scenario_sha256(base)
    assert scenario_sha256(load_scenario("colombia-2022", ["months=12"])) != scenario_sha256(base)


@pytest.mark.parametrize("value", ["0.0", "1.0"])
def test_extreme_but_valid_levers_load(value):
    scenario = load_scenario("colombia-2022", [f"policy.decriminalization={value}"])
    assert scenario.policy.decriminalization == float(value)
