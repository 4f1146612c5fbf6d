"""Settings that contradict each other are refused (exit 2); harmless settings that do nothing are warned about;
an error is blamed on what introduced the bad value (`--set`, the variant), and a variant gets its own name."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from support import refused

from totalpeace import load_scenario
from totalpeace.errors import InputWarning
from totalpeace.scenario import builtin_scenarios

BUILTIN = Path(load_scenario.__code__.co_filename).parent / "builtin" / "colombia-2022.toml"


def _variant(write, body: str, name: str = "variant.toml") -> Path:
    return write(name, 'extends = "colombia-2022"\nname = "v"\n' + body)




# ---------------------------------------------------------------------------------------------------------------------
# Contradictions: exit 2
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("flag", "expected"), [
    ('groups.eln.rivals=["eln"]', "groups.eln.rivals[0]: a group cannot be among its own rivals"),
    ('groups.eln.allies=["eln"]', "groups.eln.allies[0]: a group cannot be among its own allies"),
    ("groups.eln.parent=eln", "groups.eln.parent: a group cannot be its own parent"),
    ('policy.talks.order=["eln", "clan_del_golfo", "eln"]',
     "policy.talks.order[2]: group 'eln' appears twice (also at [0])"),
    ('policy.ceasefires=[{group = "eln", start = "2022-12", months = 6}, {group = "eln", start = "2023-03", '
     'months = 2}]',
     "policy.ceasefires[1].start: overlaps policy.ceasefires[0] (2022-12 for 6 months) for group 'eln'"),
    ("security.purge.generals_retired=100001", "less than or equal to 100000"),
    ('international.norway.guarantor_for=["eln", "emc", "eln"]',
     "international.norway.guarantor_for[2]: group 'eln' appears twice (also at [0]): a guarantor guarantees a "
     "table once"),
    ("policy.tables.clan_del_golfo.offer.political_participation=0.5",
     "policy.tables.clan_del_golfo.offer.political_participation: no mandate on issue 'political_participation' at "
     "this table: it is not on the agenda of a socio_legal table"),
    ("policy.tables.clan_del_golfo.issues.political_participation.state.position=0.2",
     "policy.tables.clan_del_golfo.issues.political_participation: no terms for issue 'political_participation' at "
     "this table"),
    ('policy.ceasefires=[{group = "eln", start = "2022-12", months = 1201}]', "less than or equal to 1200"),
])
def test_contradictory_settings_are_refused(cli, flag: str, expected: str) -> None:
    msg = refused(cli, "show", "colombia-2022", "--set", flag)
    assert msg.startswith("error: --set: ") and expected in msg


def test_rival_and_ally_at_once_is_refused(cli) -> None:
    msg = refused(cli, "show", "colombia-2022", "--set", 'groups.eln.allies=["clan_del_golfo"]',
                 "--set", 'groups.eln.rivals=["clan_del_golfo"]')
    assert "groups.eln.rivals[0]: 'clan_del_golfo' is both a rival and an ally" in msg


def test_a_cycle_of_parents_is_refused(cli) -> None:
    msg = refused(cli, "show", "colombia-2022", "--set", "groups.eln.parent=clan_del_golfo",
                 "--set", "groups.clan_del_golfo.parent=eln")
    assert "parents form a cycle (eln -> clan_del_golfo -> eln)" in msg


def test_ceasefires_that_follow_each_other_are_fine() -> None:
    scenario = load_scenario("colombia-2022", [
        'policy.ceasefires=[{group = "eln", start = "2022-12", months = 3}, {group = "eln", start = "2023-03", '
        'months = 2}, {group = "clan_del_golfo", start = "2022-12", months = 6}]'])
    assert len(scenario.policy.ceasefires) == 3


def test_a_zone_needs_somewhere_to_be(cli, write) -> None:
    """A zone without territories defaults to the group's main territory; a group present nowhere has none."""
    cartel = next(g for g, v in load_scenario("colombia-2022").groups.items() if not v.presence)
    body = f'[[policy.concessions]]\ngroup = "{cartel}"\nkind = "zone"\nstart = "2023-01"\n'
    msg = refused(cli, "show", str(_variant(write, body)))
    assert f"policy.concessions[0].territories: a zone for group '{cartel}' needs territories" in msg


# ---------------------------------------------------------------------------------------------------------------------
# Harmless but doing nothing: a warning
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("flag", "expected"), [
    ('policy.ceasefires=[{group = "eln", start = "2030-01", months = 6}]',
     "policy.ceasefires[0].start: 2030-01 is after the scenario's last month 2026-07 (48 months from 2022-08): no "
     "effect unless a run is longer (--months)"),
    ('policy.concessions=[{group = "eln", kind = "bombing_suspended", start = "2022-12", territories = ["05"]}]',
     'policy.concessions[0].territories: ignored: only a zone has territories (kind = "zone")'),
    ("security.purge.date=2027-01", "security.purge.date: 2027-01 is after the scenario's last month 2026-07"),
    ('international.norway.guarantor_for=["eln", "mexican_cartels"]',
     "international.norway.guarantor_for[1]: no effect: group 'mexican_cartels' has no table to guarantee and no "
     "ceasefire to verify"),
])
def test_settings_without_effect_are_warned_about(cli, flag: str, expected: str) -> None:
    code, _, err = cli("show", "colombia-2022", "--json", "--set", flag)
    assert code == 0, err
    assert f"warning: --set: {expected}" in " ".join(err.split())


def test_a_shorter_scenario_warns_about_what_it_cuts_off(cli) -> None:
    code, _, err = cli("show", "colombia-2022", "--set", "months=2")
    msg = " ".join(err.split())
    assert code == 0, err
    assert ("warning: --set: policy.tables.segunda_marquetalia.start: 2022-10 is after the scenario's last month "
            f"2022-09 (2 months from 2022-08): no effect unless a run is longer (--months) "
            f"(policy.tables.segunda_marquetalia.start is set in {BUILTIN})") in msg
    assert "policy.ceasefires[0].start" not in msg  # the flagship's ceasefire starts in its first month


@pytest.mark.parametrize("name", builtin_scenarios())
def test_built_in_scenarios_load_without_warnings(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        load_scenario(name)


# ---------------------------------------------------------------------------------------------------------------------
# Blame: the source that introduced the bad value
# ---------------------------------------------------------------------------------------------------------------------
def test_a_set_that_breaks_a_sum_is_blamed(cli) -> None:
    """The flagship gives the ELN's presence by `presence_from`, so the table of shares is the --set's own: no note
    that the built-in file set it."""
    msg = refused(cli, "show", "colombia-2022", "--set", "groups.eln.presence.05=0.9")
    assert msg.startswith("error: --set: groups.eln.presence: shares must add up to 1")
    assert "is set in" not in msg


def test_a_set_that_changes_one_share_of_a_files_table_is_blamed_and_the_table_named(cli, write) -> None:
    path = _variant(write, '[groups.eln]\npresence_from = ""\npresence = { "05" = 0.5, "54" = 0.5 }\n')
    msg = refused(cli, "show", str(path), "--set", "groups.eln.presence.05=0.9")
    assert msg.startswith("error: --set: groups.eln.presence: shares must add up to 1")
    assert f"(groups.eln.presence is set in {path})" in msg


def test_a_table_a_set_writes_whole_is_the_sets(cli) -> None:
    """--set with a table records each key it writes, as a file's values are: the problem it makes is its own."""
    msg = refused(cli, "show", "colombia-2022", "--set", 'policy.talks={mode = "phased"}')
    assert msg.startswith("error: --set: policy.talks.order: phased talks need an order")


@pytest.mark.parametrize(("source", "body", "expected"), [
    ("--set", "groups.ELN.members=3000", "groups.ELN: a new entry (none of that name before) lacks the required "
     'fields name, type (did you mean "eln"?)'),
    ("--set", 'policy.tables.ELN.track="political"', "policy.tables.ELN: a new entry (none of that name before) "
     'lacks the required field start (did you mean "eln"?)'),
    ("file", '[groups.newgroup]\nmembers = 300\ntype = "criminal"\n',
     "groups.newgroup: a new entry (none of that name before) lacks the required field name"),
])
def test_an_entry_added_without_its_required_fields_is_named_once(cli, write, source, body, expected) -> None:
    """A mistyped id (`ELN` for `eln`) adds an entry that lacks the required fields: one line, blamed on what added
    it, with the existing entry it may have meant; not one line per missing field blamed on the built-in file."""
    if source == "--set":
        msg = refused(cli, "show", "colombia-2022", "--set", body)
        assert msg == f"error: --set: {expected}"
    else:
        path = _variant(write, body)
        assert refused(cli, "show", str(path)) == f"error: {path}: {expected}"


def test_a_set_that_breaks_a_pair_is_blamed(cli) -> None:
    msg = refused(cli, "show", "colombia-2022", "--set", "security.purge.generals_total=1")
    assert msg.startswith("error: --set: security.purge.generals_retired: more generals retired than there are "
                          "(52 of 1)")


def test_a_variant_that_moves_the_start_is_blamed_for_earlier_dates(cli, write) -> None:
    path = _variant(write, 'start = "2023-06"\n')
    msg = refused(cli, "show", str(path))
    assert f"{path}: security.purge.date: 2022-08 is before the scenario's start 2023-06 (security.purge.date is " \
           f"set in {BUILTIN})" in msg
    assert f"{BUILTIN}: " not in msg.replace(f"set in {BUILTIN}", "")


def test_a_variant_that_replaces_the_territories_is_blamed_for_unknown_ids(cli, write) -> None:
    write("t.csv", "id,name,population,area_km2\na,A,100,10\nb,B,100,10\n")
    write("adj.csv", "a,b\na,b\n")
    path = _variant(write, '[territories]\nsource = ""\ncsv = "t.csv"\nadjacency = "adj.csv"\n')
    msg = refused(cli, "show", str(path))
    assert f"{path}: groups.eln.presence_from: the territory data have no presence rows for 'eln'" in msg


def test_a_value_replaced_by_a_variant_list_is_the_variant_s(cli, write) -> None:
    """A list a variant writes replaces the built-in's: errors inside it name the variant."""
    path = _variant(write, '[[policy.concessions]]\ngroup = "eln"\nkind = "zone"\nstart = "2023-01"\n'
                           'territories = ["zz"]\n')
    assert f"{path}: policy.concessions[0].territories[0]: unknown territory 'zz'" in refused(cli, "show", str(path))


# ---------------------------------------------------------------------------------------------------------------------
# A variant's name
# ---------------------------------------------------------------------------------------------------------------------
def test_a_variant_without_a_name_is_named_after_its_file(cli, write, tmp_path: Path, monkeypatch) -> None:
    path = write("eln-truce.toml", 'extends = "colombia-2022"\n[policy]\ndecriminalization = 0.5\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("run", str(path), "--runs", "1", "--months", "2", "--no-report")
    assert code == 0, err
    assert "this variant is named 'eln-truce' after its file" in " ".join(err.split())
    assert (tmp_path / "out" / "eln-truce" / "summary.json").exists()
    assert not (tmp_path / "out" / "colombia-2022").exists(), "a variant must not write over its baseline's folder"


def test_a_variant_keeps_the_name_it_sets(write) -> None:
    path = write("x.toml", 'extends = "colombia-2022"\nname = "my variant"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        assert load_scenario(path).name == "my variant"
        assert load_scenario(write("y.toml", 'extends = "colombia-2022"\n'), ["name=set"]).name == "set"


def test_a_file_name_that_cannot_be_a_name_is_cleaned(write) -> None:
    with pytest.warns(InputWarning, match="named 'x-y' after its file"):
        assert load_scenario(write("__x$y.toml", 'extends = "colombia-2022"\n')).name == "x-y"
