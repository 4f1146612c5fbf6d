"""`totalpeace calibrate` / `validate` end to end on a tiny budget, calibrated sets in scenarios, and bad input."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from support import TINY

import totalpeace
from totalpeace.experiments.store import ResultsStore
from totalpeace.scenario.params import BY_NAME


def test_calibrate_then_validate(cli, write, tmp_path):
    spec = write("tiny.toml", TINY)
    store = tmp_path / "store"
    code, stdout, err = cli("calibrate", str(spec), "--store", str(store), "--workers", "1")
    assert code == 0, err
    assert "armed_violence_share" in stdout and "Predictive checks" in stdout
    folder = store / "calibrations" / "tiny"
    posterior = pd.read_parquet(folder / "posterior.parquet")
    assert list(posterior.columns[:5]) == ["calibration", "particle", "armed_violence_share", "weight", "distance"]
    assert {"z:farc-havana-stable", "z:ceasefire-homicides"} <= set(posterior.columns)
    assert len(posterior) == 4 and posterior["weight"].sum() == pytest.approx(1.0)
    low, high = BY_NAME["armed_violence_share"].low, BY_NAME["armed_violence_share"].high
    assert posterior["armed_violence_share"].between(low, high).all()
    paramset = tomllib.loads((folder / "parameters.toml").read_text())
    assert paramset["provenance"]["simulations"] >= 4
    assert paramset["provenance"]["patterns"] == ["farc-havana-stable", "ceasefire-homicides", "homicides-national"]
    assert low <= paramset["parameters"]["armed_violence_share"] <= high
    assert (folder / "spec.toml").read_text() == TINY
    checks = pd.read_parquet(folder / "checks.parquet")
    assert set(checks["ensemble"]) == {"prior", "posterior"}
    assert set(checks["pattern"]) >= {"farc-havana-stable", "plebiscite-then-congress"}  # every 2012 pattern
    # the negotiation tables record ratification votes: the plebiscite pattern is produced wherever a run of the tiny
    # ensembles reached a vote (not necessarily in both)
    assert checks.loc[checks["pattern"] == "plebiscite-then-congress", "produced"].any()
    ident = pd.read_parquet(folder / "identifiability.parquet")
    assert list(ident["parameter"]) == ["armed_violence_share"] and ident["verdict"].iloc[0] in (
        "identified", "partly identified", "not identified")
    # the store's views read the posterior and the checks back
    back = ResultsStore(store).query("SELECT count(*) AS particles, sum(weight) AS w FROM posterior "
                                     "WHERE calibration = 'tiny'")
    assert back["particles"].iloc[0] == 4 and back["w"].iloc[0] == pytest.approx(1.0)
    assert ResultsStore(store).calibration_names() == ["tiny"]
    for view in ("calibration_generations", "calibration_checks", "identifiability", "form_weights"):
        code, stdout, err = cli("query", "--store", str(store), f"SELECT count(*) AS n FROM {view}")
        assert code == 0, err

    # the spec's name finds the posterior in the store
    code, stdout, err = cli("validate", str(spec), "--store", str(store), "--draws", "2", "--runs", "1", "--out",
                            str(tmp_path / "val"), "--no-backtest")
    assert code == 0, err
    assert "CRPS" in stdout and "homicides" in stdout and f"draws from {folder}" in \
        (tmp_path / "val" / "validation.html").read_text()
    summary = pd.read_csv(tmp_path / "val" / "summary.csv")
    assert summary["years"].iloc[0] == "2019, 2020, 2021"  # the held-back years of colombia-2012
    assert summary["crps"].iloc[0] > 0 and summary["crps_persistence"].iloc[0] >= 0
    assert "<svg" in (tmp_path / "val" / "validation.html").read_text()


# Ten particles over two forms: at least one form keeps the five a posterior predictive check needs, whatever the split
# (calibration/method.MIN_FORM_PARTICLES).
FORMS = TINY.replace('parameters = ["armed_violence_share"]', 'parameters = ["armed_violence_share"]\n'
                     'forms = ["contest_form"]').replace("population = 4", "population = 10")


def test_forms_are_calibrated_and_weighed(cli, write, tmp_path):
    from totalpeace.scenario.forms import choices, form_weights, posterior_draws

    spec = write("forms.toml", FORMS)
    store = tmp_path / "store"
    code, _, err = cli("calibrate", str(spec), "--store", str(store), "--workers", "1")
    assert code == 0, err
    folder = store / "calibrations" / "tiny"
    weights = form_weights(folder)
    assert sorted(weights["contest_form"]) == sorted(choices("contest_form"))
    assert weights["weight"].sum() == pytest.approx(1.0)
    assert weights["particles"].sum() == 10
    assert set(pd.read_parquet(folder / "posterior.parquet")["contest_form"]) <= set(choices("contest_form"))
    draws = posterior_draws(folder, 5, seed=1)
    assert all(d["contest_form"] in choices("contest_form") and "armed_violence_share" in d for d in draws)


def test_calibrating_again_needs_replace(cli, write, tmp_path):
    spec = write("tiny.toml", TINY)
    store = tmp_path / "store"
    assert cli("calibrate", str(spec), "--store", str(store), "--workers", "1")[0] == 0
    code, _, err = cli("calibrate", str(spec), "--store", str(store), "--workers", "1")
    assert code == 2 and "--replace" in err
    before = (store / "calibrations" / "tiny" / "posterior.parquet").read_bytes()
    code, _, err = cli("calibrate", str(spec), "--store", str(store), "--workers", "2", "--replace")
    assert code == 0, err
    # same seed, same result, on one process or two
    assert (store / "calibrations" / "tiny" / "posterior.parquet").read_bytes() == before
    assert not any((store / "tmp-calibrations").iterdir())  # nothing left from the replaced folder


def test_a_quick_run_is_stored_apart_and_does_not_block_the_real_one(cli, write, tmp_path):
    spec = write("tiny.toml", TINY + "[quick]\npopulation = 4\ngenerations = 1\nruns = 1\nmax_minutes = 5\n"
                                     "predictive_draws = 1\n")
    store = tmp_path / "store"
    code, _, err = cli("calibrate", str(spec), "--quick", "--store", str(store), "--workers", "1")
    assert code == 0, err
    assert ResultsStore(store).calibration_names() == ["tiny-quick"]
    assert tomllib.loads((store / "calibrations" / "tiny-quick" / "parameters.toml").read_text())["provenance"]["quick"]
    code, _, err = cli("calibrate", str(spec), "--store", str(store), "--workers", "1")
    assert code == 0, err
    assert ResultsStore(store).calibration_names() == ["tiny", "tiny-quick"]


SCREENED = """
name = "screened"
scenarios = ["colombia-2012"]
patterns = ["farc-havana-stable"]
[screening]
candidates = ["recruitment_rate", "desertion_rate", "homicide_dispersion", "salience_host"]
keep = 2
per_target = 0
[budget]
population = 4
generations = 1
runs = 1
seed = 3
max_minutes = 5
screening_trajectories = 4
predictive_draws = 1
"""


def test_screening_chooses_the_parameters_that_move_the_patterns(cli, write, tmp_path):
    spec = write("screened.toml", SCREENED)
    store = tmp_path / "store"
    code, stdout, err = cli("calibrate", str(spec), "--store", str(store), "--workers", "1")
    assert code == 0, err
    assert "Screening" in stdout
    ranking = pd.read_parquet(store / "calibrations" / "screened" / "screening.parquet")
    chosen = set(ranking.loc[ranking["selected"], "parameter"])
    # the FARC's armed strength is driven by recruitment and desertion, not by homicide noise or a host's salience
    assert chosen == {"recruitment_rate", "desertion_rate"}
    posterior = pd.read_parquet(store / "calibrations" / "screened" / "posterior.parquet")
    assert {"recruitment_rate", "desertion_rate"} <= set(posterior.columns)
    assert "homicide_dispersion" not in posterior.columns
    paramset = tomllib.loads((store / "calibrations" / "screened" / "parameters.toml").read_text())
    assert paramset["provenance"]["screening_points"] == 4 * 5


def test_excluded_parameters_are_never_screened(write):
    """A measured outcome scale listed under `exclude` is neither screened nor calibrated, whatever its influence;
    the shipped spec excludes every scale tools/outcome_scales.py measures, the armed share tools/armed_share.py
    measures and the wait before resuming a suspended table the record of suspensions gives, and nothing else."""
    from totalpeace.calibration.spec import load_spec

    spec = load_spec(write("excluded.toml", SCREENED.replace("per_target = 0", 'per_target = 0\nexclude = '
                                                                              '["desertion_rate"]')))
    assert spec.candidates() == ["recruitment_rate", "homicide_dispersion", "salience_host"]
    repo = Path(__file__).resolve().parents[1]
    shipped = load_spec(repo / "examples" / "calibration.toml")
    # the tool's table of what it measures ("| `name` | scenario | figure |"; a bound, "(its top)", is not a measure)
    measured = set(re.findall(r"^\| `(\w+)` \|", (repo / "tools" / "outcome_scales.py").read_text(), re.M))
    assert len(measured) == 7 and "rival_lethality" not in measured
    measured.add("armed_violence_share")  # tools/armed_share.py: one parameter, on the homicide patterns
    measured.add("resume_months")  # the state's suspensions on record (history_events.csv 2014-11-16, 2014-12-10)
    assert "[R]" in BY_NAME["resume_months"].source and "2014-12-10" in BY_NAME["resume_months"].source
    assert measured == set(shipped.screening.exclude) and not measured & set(shipped.candidates())
    assert "armed_violence_share" not in shipped.parameters


def test_a_parameter_a_scenario_sets_itself_is_never_screened(write):
    """colombia-1998 sets killed_share from the Army's count of 2002-03; a screened killed_share would replace that
    sourced value by one fitted to the three scenarios at once (a refit did: its combat deaths of 1999-2002 fell to a
    median of 235 against 1,439 observed, docs/validation.md 10.37), so the spec's candidates leave it out; each sets
    its drifts' start from its own dates (docs/model.md 7.10), held alike."""
    from totalpeace.calibration.spec import held_by, load_spec

    scenarios = [totalpeace.load_scenario(n) for n in ("colombia-1998", "colombia-2012", "colombia-2017")]
    assert held_by(scenarios) == {"killed_share", "crime_drift_start_months"}
    spec = load_spec(write("held.toml", SCREENED.replace('"salience_host"]', '"salience_host", "killed_share"]')))
    assert "killed_share" in spec.candidates()
    assert spec.candidates(held_by(scenarios)) == ["recruitment_rate", "desertion_rate", "homicide_dispersion",
                                                   "salience_host"]


def test_the_flagship_calibration_was_fitted_with_the_shipped_spec_and_draws_nothing_it_excludes():
    """The shipped calibration is the one the repository's calibration file gives: its spec is that file, and its
    posterior draws none of the measured outcome scales the file excludes, so the flagship runs them at the values
    their sources measured without holding them itself, but for the two it scales to the last levels observed before
    its start (tools/flagship_scales.py, tests/test_flagship_scales.py)."""
    import hashlib

    from totalpeace.calibration.spec import load_spec
    from totalpeace.uncertainty.posterior import load_posterior

    example = Path(__file__).resolve().parents[1] / "examples" / "calibration.toml"
    flagship = totalpeace.load_scenario("colombia-2022")
    posterior = load_posterior(flagship)
    folder = Path(posterior.file).parent
    shipped = json.loads((folder / "calibration.json").read_text(encoding="utf-8"))["provenance"]
    assert shipped["spec_sha256"] == hashlib.sha256(example.read_bytes()).hexdigest()
    excluded = set(load_spec(example).screening.exclude)
    assert {"displacement_per_killing", "massacre_rate", "leader_competition_rate"} <= excluded
    assert all("outcome_scales.py" in BY_NAME[n].source or "armed_share.py" in BY_NAME[n].source
               or "history_events.csv" in BY_NAME[n].source for n in excluded)
    columns = set(pd.read_parquet(posterior.file).columns)
    assert not columns & excluded and not set(posterior.names) & excluded
    scaled = {"displacement_per_killing", "confinement_rate"}
    assert scaled <= excluded and scaled <= flagship.parameters.model_fields_set
    for name in excluded - scaled:
        assert name not in flagship.parameters.model_fields_set
        assert getattr(flagship.parameters, name) == BY_NAME[name].default


def test_validate_scores_a_scenario_outside_the_calibration_with_the_values_it_sets():
    """A scenario outside the calibration is scored as it runs: the values its file sets win over the posterior's
    draws (the municipal flagship's carried leaders' rate), the values its calibration supplies do not count as its
    own, and the calibration's own scenarios are scored as fitted, every drawn value applied."""
    from totalpeace.commands.calibration import sets_keeping_own

    sets = [{"leader_competition_rate": 99.0, "recruitment_rate": 0.001}, {"leader_competition_rate": 0.5}]
    municipal = totalpeace.load_scenario("colombia-2022-municipal")
    assert sets_keeping_own(municipal, sets) == [{"recruitment_rate": 0.001}, {}]
    assert sets_keeping_own(totalpeace.load_scenario("colombia-2022"), sets) == sets  # its calibration's alone
    assert sets_keeping_own(totalpeace.load_scenario("colombia-2012"), sets) == sets  # sets nothing of its own
    assert sets_keeping_own(municipal, None) is None


def test_validate_without_a_spec_scores_the_flagship_calibration(cli, tmp_path):
    code, stdout, err = cli("validate", "--draws", "2", "--runs", "1", "--out", str(tmp_path / "val"),
                            "--store", str(tmp_path / "empty-store"), "--no-backtest", "--patterns", "none")
    assert code == 0, err
    assert "CRPS" in stdout
    summary = pd.read_csv(tmp_path / "val" / "summary.csv")
    assert {"colombia-1998", "colombia-2012"} <= set(summary["scenario"])
    assert summary["crps"].gt(0).all()


def test_validate_holds_a_parameter_in_every_draw(cli, tmp_path):
    """`--set parameters.NAME=VALUE` holds a registry parameter in every scenario and posterior draw (over the drawn
    value, as explicit values win in a scenario) and says so on the page; the same draws without it differ."""
    def shares(*extra: str) -> tuple[pd.DataFrame, str, str]:
        out = tmp_path / "-".join(extra or ("plain",))
        code, stdout, err = cli("validate", "--draws", "2", "--runs", "2", "--out", str(out), "--store",
                                str(tmp_path / "empty-store"), "--no-backtest", "--patterns", "farc-havana-stable",
                                *extra)
        assert code == 0, err
        return pd.read_csv(out / "patterns.csv"), stdout, (out / "validation.html").read_text()

    plain, _, _ = shares()
    low, stdout, page = shares("--set", "parameters.recruitment_rate=0.0003")  # a calibrated parameter: held anyway
    high, _, _ = shares("--set", "parameters.recruitment_rate=0.003")
    assert "Held in every scenario and draw: recruitment_rate = 0.0003" in stdout
    assert "recruitment_rate held at 0.0003" in page
    assert low["median"].iloc[0] < plain["median"].iloc[0] < high["median"].iloc[0]


@pytest.mark.parametrize(("text", "message"), [
    ("groups.eln.members=5", "validate holds registry parameters only"),
    ("parameters.type_prior_mod=0.9", 'did you mean "type_prior_mode"'),
    ("parameters.type_prior_mode=5", "parameters.type_prior_mode: Input should be less than or equal to 1"),
    ("parameters.type_prior_mode", "expected parameters.NAME=VALUE"),
])
def test_validate_refuses_what_it_cannot_hold(cli, tmp_path, text, message):
    code, _, err = cli("validate", "--uncalibrated", "--no-backtest", "--set", text, "--out", str(tmp_path))
    assert code == 2 and message in err
    code, _, err = cli("validate", "--backtest", "--set", "parameters.type_prior_mode=0.9", "--out", str(tmp_path))
    assert code == 2 and "not with --backtest" in err


def test_validate_refuses_one_parameter_held_at_two_values(cli, tmp_path):
    code, _, err = cli("validate", "--uncalibrated", "--no-backtest", "--set", "parameters.ddr_rate=0.1", "--set",
                       "parameters.ddr_rate=0.2", "--out", str(tmp_path))
    assert code == 2 and "--set parameters.ddr_rate: given twice ('parameters.ddr_rate=0.1', then " \
                          "'parameters.ddr_rate=0.2'); give each path once" in " ".join(err.split())


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
    (('patterns = ["farc-havana-stable",', 'patterns = ["farc-havana-stabl",'), "unknown pattern 'farc-havana-stabl'"),
    (("patterns = [", 'forms = ["contest"]\npatterns = ['), "forms[0]: 'contest' is not a model form"),
    (("population = 4", "population = 1"), "budget.population"),
    (("population = 4", "population = true"), "budget.population: Input should be an integer, not true or false"),
    (('scenarios = ["colombia-2012"]', 'scenarios = ["colombia-2022"]'), "none of the chosen patterns"),
    (("[budget]", "[budget]\nwhatever = 1"), "budget.whatever"),
    (('parameters = ["armed_violence_share"]', 'parameters = ["armed_violence_share"]\ndistance = "mean"'),
     "distance: Input should be 'median' or 'crps'"),
    (('parameters = ["armed_violence_share"]', "parameters = []"), "add a [screening] table"),
    (('parameters = ["armed_violence_share"]', 'parameters = []\n[screening]\ncandidates = ["recruitment_rate", '
      '"desertion_rat"]\nkeep = 1'), "screening.candidates[1]: unknown parameter 'desertion_rat'"),
    (('parameters = ["armed_violence_share"]', 'parameters = []\n[screening]\ncandidates = "all"\nkeep = 1000'),
     "screening.keep"),
    (('parameters = ["armed_violence_share"]', 'parameters = []\n[screening]\ncandidates = "some"\nkeep = 1'),
     "screening.candidates"),
    (('parameters = ["armed_violence_share"]', 'parameters = []\n[screening]\ncandidates = "all"\nkeep = 1\n'
      "levels = 3"), "screening.levels"),
    (('parameters = ["armed_violence_share"]', 'parameters = []\n[screening]\ncandidates = "all"\nkeep = 1\n'
      'exclude = ["massacre_rat"]'), "screening.exclude[0]: unknown parameter 'massacre_rat'"),
    (('parameters = ["armed_violence_share"]', 'parameters = ["armed_violence_share"]\n[screening]\n'
      'candidates = "all"\nkeep = 1\nexclude = ["armed_violence_share"]'),
     "screening.exclude: 'armed_violence_share' is also under parameters"),
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
    code, _, err = cli("validate", str(spec), "--store", str(tmp_path / "empty"))  # nothing named "tiny" anywhere
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
    from totalpeace.scenario.params import BY_NAME

    assert shipped_sets(), "no calibrated parameter set ships"
    for name, path in shipped_sets().items():
        values = read_set(path)["parameters"]
        scenario = totalpeace.load_scenario("colombia-2012", [f"parameters.calibration={name}"])
        for key, value in values.items():
            assert key in BY_NAME and getattr(scenario.parameters, key) == pytest.approx(value), key
        assert (path.parent / "spec.toml").is_file() and (path.parent / "posterior.parquet").is_file()


def test_the_flagship_uses_the_calibrated_parameters_and_history_does_not(cli):
    from totalpeace.calibration.paramset import read_set, shipped_sets
    from totalpeace.scenario.params import BY_NAME

    flagship = totalpeace.load_scenario("colombia-2022")
    assert flagship.parameters.calibration in shipped_sets()
    paramset = read_set(shipped_sets()[flagship.parameters.calibration])
    assert not paramset["provenance"]["quick"]
    held = {"displacement_per_killing", "massacre_rate", "leader_competition_rate"}  # measured: the file holds them
    for key, value in paramset["parameters"].items():
        assert getattr(flagship.parameters, key) == (BY_NAME[key].default if key in held else value), key
    for name in ("colombia-1998", "colombia-2012"):  # what the calibration fits to cannot use its result
        assert totalpeace.load_scenario(name).parameters.calibration is None
    code, out, err = cli("show", "colombia-2022")
    assert code == 0, err
    assert flagship.parameters.calibration in out and f"simulations {paramset['provenance']['simulations']}" in out


def test_candidate_calibrations_are_named_or_given_by_their_folder(tmp_path):
    """`validate --backtest --calibrations` takes a calibration's folder by path beside the names, so a refit in a
    store can be ranked against the shipped calibration of the same name; each candidate is scored on its own draws
    alone; a folder without a posterior, or an unknown name, is refused with what to give instead."""
    from totalpeace.calibration.paramset import shipped_sets
    from totalpeace.commands.calibration import _candidate_settings
    from totalpeace.errors import InputError

    shipped = shipped_sets()["colombia-patterns"].parent
    store = str(tmp_path / "store")
    by_name = _candidate_settings("colombia-patterns", store, 4, 1)["colombia-patterns"]
    by_folder = _candidate_settings(f"{shipped},defaults", store, 4, 1)
    assert list(by_folder) == [str(shipped), "defaults"] and by_folder[str(shipped)] == by_name
    # a candidate that does not draw a parameter the shipped calibration supplies is scored at its registry default,
    # as a flagship running on it would be, not at the shipped calibration's value
    history = _candidate_settings("colombia-history", store, 4, 1)["colombia-history"]
    assert "intergroup_attrition" in shipped_sets()["colombia-patterns"].read_text()
    assert all(s["intergroup_attrition"] == BY_NAME["intergroup_attrition"].default for s in history)
    assert len({s["recruitment_rate"] for s in history}) > 1  # its own draws are kept
    with pytest.raises(InputError, match=r"no posterior\.parquet there"):
        _candidate_settings(str(tmp_path / "empty"), store, 4, 1)
    with pytest.raises(InputError, match="a folder is named by its path"):
        _candidate_settings("no-such-calibration", store, 4, 1)
