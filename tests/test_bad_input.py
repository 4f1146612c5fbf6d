"""Every kind of bad input exits with status 2 and one message naming the file, the field path and the problem."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

VALID_GROUP = """
[groups.eln]
name = "ELN"
type = "insurgent"
members = 100
presence = { "05" = 1.0 }
"""


def _variant(write, body: str, name: str = "bad.toml"):
    return write(name, 'extends = "colombia-2022"\n' + body)


def _fails(cli, *args: str) -> str:
    code, out, err = cli(*args)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "Traceback" not in out
    return " ".join(err.split())


def test_malformed_toml(cli, write):
    path = write("broken.toml", 'name = "x"\nmonths = 12 13\n')
    msg = _fails(cli, "show", str(path))
    assert str(path) in msg and "invalid TOML" in msg and "line" in msg


def test_unknown_key_suggests_the_closest(cli, write):
    path = _variant(write, "[groups.eln]\nmemebrs = 3000\n")
    msg = _fails(cli, "show", str(path))
    assert str(path) in msg and "groups.eln.memebrs: unknown field" in msg and 'did you mean "members"' in msg


def test_unknown_top_level_key(cli, write):
    msg = _fails(cli, "show", str(_variant(write, "monhts = 12\n")))
    assert 'monhts: unknown field (did you mean "months"?)' in msg


def test_wrong_type(cli, write):
    msg = _fails(cli, "show", str(_variant(write, '[groups.eln]\nmembers = "many"\n')))
    assert "groups.eln.members" in msg and "valid number" in msg and "'many'" in msg


def test_negative_members(cli, write):
    msg = _fails(cli, "show", str(_variant(write, "[groups.eln]\nmembers = -5\n")))
    assert "groups.eln.members" in msg and "greater than or equal to 0" in msg


def test_share_above_one(cli, write):
    msg = _fails(cli, "show", str(_variant(write, "[groups.eln.sanctuary]\nshare = 1.5\n")))
    assert "groups.eln.sanctuary.share" in msg and "less than or equal to 1" in msg


def test_sanctuary_income_without_a_source(cli, write):
    body = ('[groups.frente]\nname = "A front"\ntype = "insurgent"\nmembers = 100\npresence = { "81" = 1.0 }\n'
            'sanctuary = { country = "venezuela", share = 0.5, income_ratio = 1.2 }\n')
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "groups.frente.sanctuary" in msg and "income_source" in msg


def test_sanctuary_recruitment_without_a_source(cli, write):
    body = ('[groups.frente]\nname = "A front"\ntype = "insurgent"\nmembers = 100\npresence = { "81" = 1.0 }\n'
            'sanctuary = { country = "venezuela", share = 0.5, recruitment_ratio = 0.27 }\n')
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "groups.frente.sanctuary" in msg and "recruitment_source" in msg


def test_presence_share_above_one(cli, write):
    path = write("own.toml", 'extends = "colombia-2022"\n[groups.eln]\npresence = { "05" = 1.5 }\n')
    msg = _fails(cli, "show", str(path))
    assert "groups.eln.presence.05" in msg and "between 0 and 1" in msg


def test_ceasefire_for_a_group_that_does_not_exist(cli, write):
    body = '[[policy.ceasefires]]\ngroup = "farc"\nstart = "2023-01"\nmonths = 6\n'
    msg = _fails(cli, "show", str(_variant(write, "[policy]\n" + body.replace("[[policy.ceasefires]]\n", "") if False
                                           else body)))
    assert "policy.ceasefires[0].group" in msg and "no group with id 'farc'" in msg


def test_month_before_start(cli, write):
    body = '[[policy.ceasefires]]\ngroup = "eln"\nstart = "2021-01"\nmonths = 6\n'
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "policy.ceasefires[0].start" in msg and "before the scenario's start 2022-08" in msg


def test_attacks_drawn_from_before_the_start(cli, write):
    msg = _fails(cli, "show", str(_variant(write, '[policy]\ndraw_attacks_from = "2020-01"\n')))
    assert "policy.draw_attacks_from" in msg and "before the scenario's start 2022-08" in msg
    msg = _fails(cli, "show", str(_variant(write, '[policy]\ndraw_attacks_from = "2023-14"\n')))
    assert "policy.draw_attacks_from" in msg and "month must be 01-12" in msg


def test_table_deadline_not_after_its_start_or_given_twice(cli, write):
    msg = _fails(cli, "show", str(_variant(write, '[policy.tables.eln]\ndeadline = "2022-08"\n')))
    assert "policy.tables.eln.deadline" in msg and "2022-08 is not after the table's start 2022-08" in msg
    msg = _fails(cli, "show", str(_variant(write, '[policy.tables.eln]\ndeadline = "2024-08"\ndeadline_months = 24\n')))
    assert "policy.tables.eln.deadline" in msg and "not both" in msg


def test_deadline_announcement_and_target_need_a_deadline_announced_before_it(cli, write):
    msg = _fails(cli, "show", str(_variant(write, '[policy.tables.eln]\ndeadline_announced = "2023-01"\n')))
    assert "policy.tables.eln.deadline_announced" in msg and "needs a deadline" in msg
    msg = _fails(cli, "show", str(_variant(write, '[policy.tables.eln]\ndeadline_binding = false\n')))
    assert "policy.tables.eln.deadline_binding" in msg and "needs a deadline" in msg
    body = '[policy.tables.eln]\ndeadline = "2024-08"\ndeadline_announced = "2024-08"\n'
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "policy.tables.eln.deadline_announced" in msg and "2024-08 is not before the deadline 2024-08" in msg
    body = '[policy.tables.eln]\ndeadline = "2024-08"\ndeadline_announced = "2022-01"\n'
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "policy.tables.eln.deadline_announced" in msg and "2022-01 is before the table's start 2022-08" in msg
    msg = _fails(cli, "show", str(_variant(write, '[policy.tables.eln]\ndeadline_binding = "no"\n')))
    assert "policy.tables.eln.deadline_binding" in msg


def test_invalid_month(cli, write):
    msg = _fails(cli, "show", str(_variant(write, 'start = "2022-13"\n')))
    assert "start" in msg and "month must be 01-12" in msg


def test_cycle_in_extends(cli, write):
    write("a.toml", 'extends = "b.toml"\n')
    b = write("b.toml", 'extends = "a.toml"\n')
    msg = _fails(cli, "show", str(b))
    assert "extends: cycle" in msg and "a.toml" in msg and "b.toml" in msg


def test_extends_unknown_parent(cli, write):
    msg = _fails(cli, "show", str(write("x.toml", 'extends = "colombia-2021"\n')))
    assert "extends" in msg and 'did you mean "colombia-2022"' in msg


def test_missing_data_file(cli, write):
    path = write("own.toml", 'extends = "colombia-2022"\n[territories]\nsource = ""\ncsv = "nowhere.csv"\n')
    msg = _fails(cli, "show", str(path))
    assert "nowhere.csv" in msg and "file not found" in msg


def test_unknown_dataset(cli, write):
    msg = _fails(cli, "show", str(_variant(write, '[territories]\nsource = "colombia-departmnts"\n')))
    assert "territories.source" in msg and 'did you mean "colombia-departments"' in msg


def test_unknown_scenario_name(cli):
    msg = _fails(cli, "show", "colombia-2020")
    assert "no built-in scenario or scenario file named 'colombia-2020'" in msg


@pytest.mark.parametrize(("flag", "expected"), [
    ("policy.talks.mod=phased", 'unknown field \'policy.talks.mod\' (did you mean "mode"?)'),
    ("months=abc", "months: Input should be a valid integer"),
    ("policy.decriminalization=2", "policy.decriminalization: Input should be less than or equal to 1"),
    ("policy.talks.mode=sometimes", "policy.talks.mode: Input should be 'none', 'simultaneous' or 'phased'"),
    ("nodots", "expected dotted.path=value"),
    ("policy.ceasefires.5.months=3", "list index 5 out of range"),
    ("groups..members=3", "empty component"),
    ("parameters.ddr_rate=nan", "parameters.ddr_rate"),
    ("groups.eln.members=inf", "groups.eln.members: Input should be a finite number"),
    ("groups.eln.members=1e300", "groups.eln.members: Input should be less than or equal to 10000000"),
    ('name="../../etc"', "name: a scenario name starts with a letter or digit"),
    ('name="\x1f"', "name: a scenario name"),
    ('policy.ceasefires=[{"group": "eln", "months": 12}]',
     "the value of 'policy.ceasefires' is not a TOML list or table; write tables as {group = \"eln\", months = 12}"),
    ("international.venezuela.guarantor_for=[eln",
     "the value of 'international.venezuela.guarantor_for' is not a TOML"),
])
def test_bad_set(cli, flag, expected):
    msg = _fails(cli, "show", "colombia-2022", "--set", flag)
    assert expected in msg


def test_bad_set_names_the_flag_as_source(cli):
    msg = _fails(cli, "show", "colombia-2022", "--set", "groups.eln.members=-1")
    assert msg.startswith("error: --set: groups.eln.members")


@pytest.mark.parametrize(("flag", "expected"), [
    ("start=2022-13", "error: --set: start: month must be 01-12, got '2022-13'"),
    ('name="../x"', "error: --set: name: a scenario name starts with a letter or digit"),
    ("policy.tables.eln.offer.bogus=0.5", "error: --set: policy.tables.eln.offer.bogus: Input should be "
                                          "'legal_treatment'"),
])
def test_a_problem_is_said_once_in_plain_words(cli, flag, expected):
    """The project's own checks already say what is wrong: no "Value error, " before them, the value not given twice,
    and no "[key]" after a key that is not allowed."""
    msg = _fails(cli, "show", "colombia-2022", "--set", flag)
    assert msg.startswith(expected) and "Value error" not in msg and "[key]" not in msg, msg
    assert msg.count("'2022-13'") <= 1


@pytest.mark.parametrize("command", [["show", "colombia-2022"], ["run", "colombia-2022", "--runs", "1"],
                                     ["compare", "colombia-2022", "colombia-2022", "--runs", "1"]])
def test_a_path_set_twice_to_different_values_is_refused(cli, command, tmp_path):
    """Which one held would depend on the flags' order, and the other would be dropped without a word."""
    msg = _fails(cli, *command, "--set", "months=6", "--set", "policy.decriminalization=0.5", "--set", " months = 7",
                 "--out", str(tmp_path / "out")) if command[0] != "show" else \
        _fails(cli, *command, "--set", "months=6", "--set", " months = 7")
    assert msg == "error: --set months: given twice ('months=6', then ' months = 7'); give each path once"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("sets", [["months", "months=6"], ["months=6", "months"]])
def test_a_path_without_a_value_is_named_as_such_not_as_given_twice(cli, sets):
    """A text without '=' sets nothing, so it cannot clash with a value: what is wrong is the missing value, in
    either order."""
    msg = _fails(cli, "show", "colombia-2022", *[arg for text in sets for arg in ("--set", text)])
    assert msg == "error: --set 'months': expected dotted.path=value", msg


def test_a_path_set_twice_to_one_value_is_one_setting(cli):
    code, out, err = cli("show", "colombia-2022", "--set", "months=6", "--set", "months = 6", "--json")
    assert code == 0, err
    assert '"months": 6' in out


def test_a_table_set_whole_takes_the_blame_for_what_it_removed():
    """`--set policy={...}` replaces the whole policy, its tables too: the guarantors left without a table are the
    --set's doing, not the built-in file's. Run as its own process, as a user runs the command: in a test worker
    that had run other commands first the warnings were once missing from the captured stream."""
    done = subprocess.run([sys.executable, "-c", "from totalpeace.cli import main; main()", "show", "colombia-2022",
                           "--set", "policy={decriminalization=0.2}"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=120)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert "warning: --set: international.venezuela.guarantor_for[0]: no effect: group 'eln' has no table" in said
    assert "(international.venezuela.guarantor_for[0] is set in " in said


def test_bad_event_assignment(cli, write):
    body = '[[policy.events]]\ndate = "2023-01"\ndescription = "x"\nset = { "policy.decriminalisation" = 0.5 }\n'
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "policy.events[0].set.policy.decriminalisation" in msg and 'did you mean "decriminalization"' in msg


@pytest.mark.parametrize(("value", "problem"), [('"lots"', "valid integer"), ("true", "not true or false"),
                                                ("[1, 2]", "valid integer"), ("-5", "greater than or equal to 0")])
def test_an_event_value_of_the_wrong_type_names_the_field(cli, write, value, problem):
    body = f'[[policy.events]]\ndate = "2023-01"\ndescription = "x"\nset = {{ "security.police" = {value} }}\n'
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "policy.events[0].set.security.police" in msg and problem in msg


def test_two_events_of_one_month_may_not_disagree(cli, write):
    event = '[[policy.events]]\ndate = "{date}"\ndescription = "x"\nset = {{ "policy.decriminalization" = {value} }}\n'
    same = event.format(date="2023-01", value=0.5) * 2
    code, _, err = cli("show", str(_variant(write, same, "same.toml")))
    assert code == 0, err  # the same value twice says one thing
    later = event.format(date="2023-01", value=0.5) + event.format(date="2024-01", value=0.9)
    code, _, err = cli("show", str(_variant(write, later, "later.toml")))
    assert code == 0, err
    msg = _fails(cli, "show", str(_variant(write, event.format(date="2023-01", value=0.5)
                                           + event.format(date="2023-01", value=0.9))))
    assert "policy.events[1].set.policy.decriminalization: policy.decriminalization is set to 0.9 and, in the same " \
           "month 2023-01, to 0.5 by policy.events[0]: give one value" in msg


def test_several_problems_are_all_listed(cli, write):
    msg = _fails(cli, "show", str(_variant(write, "months = 0\n[groups.eln]\ncohesion = 2\n")))
    assert "2 problems" in msg and "months" in msg and "groups.eln.cohesion" in msg


def test_own_scenario_without_presence(cli, write):
    msg = _fails(cli, "show", str(_variant(write, '[groups.new]\nname = "New"\ntype = "criminal"\nmembers = 10\n')))
    assert "groups.new.presence: no territories of presence" in msg


def test_phased_without_order(cli):
    msg = _fails(cli, "show", "colombia-2022", "--set", "policy.talks.mode=phased", "--set", "policy.talks.order=[]")
    assert "policy.talks.order: phased talks need an order" in msg


def test_unknown_command_line_option(cli):
    code, _, err = cli("show", "colombia-2022", "--bogus")
    assert code == 2 and "No such option: --bogus" in err and "Traceback" not in err


def test_empty_cell_in_own_territory_data(cli, write):
    write("t.csv", "id,name,population,area_km2,coca_ha\na,A,100,10,\nb,B,100,10,5\n")
    write("adj.csv", "a,b\na,b\n")
    path = write("t.toml", """
name = "t"
start = "2024-01"
months = 6
[territories]
csv = "t.csv"
adjacency = "adj.csv"
[security]
military = 10
police = 10
buy_in = 0.5
""")
    msg = _fails(cli, "show", str(path))
    assert "territories[a].coca_ha: value is missing" in msg


def test_set_reaches_keys_made_of_digits(cli):
    code, out, err = cli("show", "colombia-2022", "--json", "--set",
                         'groups.eln.presence={ "05" = 0.5, "81" = 0.5 }', "--set", "groups.eln.presence.05=0.25",
                         "--set", "groups.eln.presence.81=0.75")
    assert code == 0, err
    assert '"05": 0.25' in out


def test_a_long_path_in_a_message_is_printed_whole(cli, write):
    """Messages are not wrapped by the program: a path longer than the terminal stays one piece to copy or grep."""
    path = _variant(write, "monhts = 12\n", name="a-folder-with-a-rather-long-name/" * 6 + "bad.toml")
    code, _, err = cli("show", str(path), columns=60)
    assert code == 2 and str(path) in err and "monhts" in err


def test_agenda_points_name_only_issues_the_table_can_agree(cli, write):
    body = ('[policy.tables.clan_del_golfo]\nstart = "2022-09"\n'
            'points = [["legal_treatment"], ["political_participation"]]\n')
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "policy.tables.clan_del_golfo.points[1][0]" in msg and "'political_participation' cannot be agreed" in msg
    assert "socio_legal" in msg


def test_agenda_points_name_each_issue_once(cli, write):
    body = '[policy.tables.eln]\nstart = "2022-09"\npoints = [["legal_treatment", "territory"], ["territory"]]\n'
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "policy.tables.eln.points" in msg and "'territory' is in more than one point" in msg


def test_agenda_points_may_settle_no_issue_of_the_model_within_a_bound(cli, write):
    """[] is a point that settles none of the model's issues (Havana's rural reform): accepted; a list longer than
    the bound the table's state can count is refused, naming the field."""
    body = '[policy.tables.eln]\nstart = "2022-09"\npoints = [[], ["legal_treatment"], []]\n'
    code, _, err = cli("show", str(_variant(write, body)))
    assert code == 0, err
    body = '[policy.tables.eln]\nstart = "2022-09"\npoints = [' + ", ".join(["[]"] * 25) + ']\n'
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "policy.tables.eln.points" in msg and "at most 24" in msg


def test_the_levers_at_the_start_are_checked_like_the_levers(cli, write):
    body = '[initial]\ncohesion = 2\nhost_tolerance = { venezuela = 1.5 }\n'
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "initial.cohesion: Input should be less than or equal to 1 (got 2)" in msg
    assert "initial.host_tolerance.venezuela: Input should be less than or equal to 1 (got 1.5)" in msg
    msg = _fails(cli, "show", str(_variant(write, '[initial]\nhost_tolerance = { venezuel = 0.5 }\n')))
    assert "initial.host_tolerance.venezuel: no international actor with id 'venezuel'" in msg and "venezuela" in msg


def test_seeds_only_where_the_selection_rule_reads_them(cli):
    msg = _fails(cli, "validate", "--seeds", "2", "--no-backtest", "--patterns", "none")
    assert "--seeds: only with --backtest --calibrations" in msg
    msg = _fails(cli, "validate", "--backtest", "--seeds", "2")
    assert "--seeds: only with --backtest --calibrations" in msg


@pytest.mark.parametrize("args", [
    ("validate", "--no-backtest", "--draws", "1", "--runs", "1", "--out", "{file}"),
    ("validate", "--no-backtest", "--draws", "1", "--runs", "1", "--out", "{file}/sub"),
    ("validate", "--backtest", "--runs", "1", "--out", "{file}"),
    ("search", str(EXAMPLES / "search-policy.toml"), "--trials", "4", "--out", "{file}"),
])
def test_an_output_folder_that_cannot_be_made_is_refused_before_any_run(cli, write, args):
    """A file where the output folder should go is named before the simulations, not after them."""
    file = write("afile", "")
    args = [a.replace("{file}", str(file)) for a in args]
    msg = _fails(cli, *args)
    assert f"--out {args[-1]}:" in msg and ("a file, not a folder" in msg or "Not a directory" in msg)


@pytest.mark.parametrize("command", [("run", "colombia-2022"), ("validate", "--no-backtest"),
                                     ("compare", "colombia-2022", str(EXAMPLES / "variant-eln-ceasefire.toml"))])
def test_an_empty_output_folder_is_refused(cli, command, tmp_path, monkeypatch):
    """"" is not the default folder nor the working one: nothing is written anywhere."""
    monkeypatch.chdir(tmp_path)
    msg = _fails(cli, *command, "--out", "")
    assert not any(tmp_path.iterdir())
    assert "--out: empty" in msg


def test_a_number_written_as_true_or_false_is_refused(cli, write):
    """Python counts true as 1: a scenario that writes a boolean where a number is expected is refused, naming the
    field, not run with 1 or 0."""
    body = "months = true\n[groups.eln]\nmembers = false\n[policy]\ndecriminalization = true\n"
    msg = _fails(cli, "show", str(_variant(write, body)))
    assert "3 problems" in msg and "months: Input should be an integer, not true or false" in msg
    assert "groups.eln.members: Input should be a number, not true or false" in msg
    assert "policy.decriminalization: Input should be a number, not true or false" in msg
    msg = _fails(cli, "show", "colombia-2022", "--set", "policy.decriminalization=true")
    assert "policy.decriminalization: Input should be a number, not true or false" in msg
    code, _, err = cli("show", str(_variant(write, "[policy]\ndecriminalization = 1\n", name="whole.toml")))
    assert code == 0, err  # a whole number is a number


def test_a_number_written_as_true_or_false_is_refused_in_an_experiment_file(cli, write):
    text = (EXAMPLES / "sweep-factorial.toml").read_text(encoding="utf-8")
    spec = write("spec.toml", "\n".join("seed = true" if line.startswith("seed = ") else line
                                        for line in text.splitlines()))
    msg = _fails(cli, "sweep", str(spec), "--store", str(spec.parent / "store"))
    assert "seed: Input should be an integer, not true or false" in msg


def test_extends_cannot_be_set_on_the_command_line(cli):
    msg = _fails(cli, "show", "colombia-2022", "--set", "extends=nonexistent-thing")
    assert "--set extends: the scenario a file changes cannot be set on the command line" in msg


def test_an_empty_set_value_is_named_as_empty(cli):
    msg = _fails(cli, "show", "colombia-2022", "--set", "policy.decriminalization=")
    assert "the value of 'policy.decriminalization' is empty" in msg and "TOML list" not in msg


def test_a_byte_order_mark_at_the_start_of_a_file_is_read_as_nothing(cli, tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbfextends = "colombia-2022"\nname = "bom"\nmonths = 12\n')
    code, out, err = cli("show", str(path), "--json")
    assert code == 0, err
    assert '"months": 12' in out


def test_a_folder_given_as_a_scenario_is_named_as_a_folder(cli, tmp_path):
    (tmp_path / "dir.toml").mkdir()
    msg = _fails(cli, "show", f"{tmp_path / 'dir.toml'}/")
    assert "is a folder, not a scenario file" in msg


@pytest.mark.parametrize("text", ["", "  "])
def test_an_empty_scenario_name_is_said_to_be_missing(cli, write, text):
    """An empty path is the current folder: the message says nothing was given, not that a folder was."""
    msg = _fails(cli, "show", text)
    assert msg.startswith("error: no scenario given (") and "give a built-in name (colombia-2022" in msg
    assert "folder" not in msg
    path = write("empty-extends.toml", f'extends = "{text}"\n')
    assert f"{path}: extends: no scenario given" in _fails(cli, "show", str(path))


def test_a_folder_that_is_not_a_results_store_is_named(cli, tmp_path):
    msg = _fails(cli, "query", "SELECT count(*) FROM runs", "--store", str(tmp_path))
    assert f"--store {tmp_path}: no results store there" in msg


def test_a_query_is_one_statement_and_its_csv_folder_must_exist(cli, tmp_path):
    (tmp_path / "experiments").mkdir()
    msg = _fails(cli, "query", "SELECT * FROM runs; SELECT 1", "--store", str(tmp_path))
    assert "query: 2 SQL statements; give one per query" in msg
    code, _, err = cli("query", "SELECT 1 AS one;", "--store", str(tmp_path))
    assert code == 0, err  # a closing semicolon ends the one statement
    msg = _fails(cli, "query", "SELECT 1", "--store", str(tmp_path), "--csv", str(tmp_path / "nodir" / "x.csv"))
    assert "cannot write (no such folder:" in msg and "None" not in msg


@pytest.mark.parametrize(("args", "expected"), [
    (("--uncalibrated", "--posterior", "x.parquet"), "--posterior: not with --uncalibrated"),
    (("--backtest", "--no-backtest"), "--backtest and --no-backtest: choose one"),
    (("--calibrations", "defaults", "--no-backtest"), "--calibrations: only with --backtest"),
    (("--calibrations", "defaults"), "--calibrations: only with --backtest"),
    (("--patterns=", "--no-backtest"), "--patterns: empty"),
    (("--backtest", "--draws", "5"), "--draws: not with --backtest"),
    (("--backtest", "--patterns", "none"), "--patterns: not with --backtest"),
    (("examples/calibration.toml", "--backtest", "--uncalibrated"), "SPEC.toml, --uncalibrated: not with --backtest"),
    (("--no-backtest", "--origins", "2012-2013"), "--origins: the backtest's, not read with --no-backtest"),
    (("--no-backtest", "--levels", "department"), "--levels: the backtest's, not read with --no-backtest"),
])
def test_validate_refuses_flags_that_contradict_or_would_be_ignored(cli, args, expected):
    msg = _fails(cli, "validate", *args)
    assert expected in msg


def test_sweep_refuses_an_out_folder_it_would_not_write(cli, tmp_path):
    msg = _fails(cli, "sweep", "examples/sweep-factorial.toml", "--store", str(tmp_path / "store"), "--no-report",
                 "--out", str(tmp_path / "report"))
    assert "--out: the folder of report.html, which --no-report leaves unwritten" in msg
    assert not (tmp_path / "store").exists() and not (tmp_path / "report").exists()
