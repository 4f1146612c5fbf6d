"""The unidentified assumptions in the run plan: which are drawn, from what, and every guarantee of the plan kept."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from support import TINY, refused

from totalpeace import load_scenario, simulate
from totalpeace.errors import InputError
from totalpeace.experiments import LocalExecutor
from totalpeace.experiments.compare import run_compare
from totalpeace.scenario.params import BY_NAME, PARAMETERS
from totalpeace.uncertainty.assumptions import is_assumption, unidentified
from totalpeace.uncertainty.ensemble import simulate_uncertain
from totalpeace.uncertainty.plan import build_plan

MONTHS = 4


HISTORY = "parameters.calibration=colombia-history"


@pytest.fixture(scope="module")
def flagship():
    """The flagship under its calibration, which holds a sample of the assumptions matched to history."""
    return load_scenario("colombia-2022")


@pytest.fixture(scope="module")
def unmatched():
    """The flagship under a calibration without a matched sample (colombia-history): uniform draws."""
    return load_scenario("colombia-2022", [HISTORY])


def test_only_assumptions_no_calibration_or_scenario_gives_are_drawn(flagship):
    drawn = unidentified(flagship)
    assert drawn.names and all(is_assumption(BY_NAME[n]) for n in drawn.names)
    given = flagship.parameters.model_fields_set
    assert "talks_phase_months" in given and is_assumption(BY_NAME["talks_phase_months"])  # calibrated, not drawn
    assert not set(drawn.names) & given
    every = [p.name for p in PARAMETERS if is_assumption(p) and p.name not in given]
    assert list(drawn.names) == every
    sourced = BY_NAME["legal_income_per_member"]  # the minimum wage: a published figure is never drawn
    assert not is_assumption(sourced) and sourced.name not in drawn.names
    proposed = BY_NAME["guarantor_effect"]  # the effect is read (Walter 1997), its size is a proposal: drawn
    assert "size [P]" in proposed.source and proposed.name in drawn.names
    # a value set on the command line is held, even the default itself
    held = load_scenario("colombia-2022", [f"parameters.type_prior_mode={BY_NAME['type_prior_mode'].default}"])
    assert "type_prior_mode" in drawn.names and "type_prior_mode" not in unidentified(held).names


def test_draws_are_uniform_on_the_plausible_range_and_depend_on_seed_cell_and_name_only(unmatched):
    big = build_plan(unmatched, 200, seed=3, assumptions=True)
    assert big.assumed_from == "uniform" and big.record()["assumptions"]["drawn_from"] == "uniform"
    small = build_plan(unmatched, 23, seed=3, assumptions=True)
    assert [c.assumed for c in small.cells] == [c.assumed for c in big.cells[:12]]
    assert [c.particle for c in small.cells] == [c.particle for c in big.cells[:12]]  # the posterior draw unchanged
    other = build_plan(unmatched, 200, seed=4, assumptions=True)
    assert [c.assumed for c in other.cells] != [c.assumed for c in big.cells]
    names = big.assumptions.names
    values = np.array([c.assumed for c in build_plan(unmatched, 8_000, seed=3, assumptions=True).cells])
    low = np.array([BY_NAME[n].low for n in names])
    high = np.array([BY_NAME[n].high for n in names])
    unit = (values - low) / (high - low)
    assert unit.min() >= 0 and unit.max() <= 1
    # 4,000 uniform draws per parameter: the mean within 0.015 of 1/2 and the deciles within 0.03 of theirs
    assert np.abs(unit.mean(axis=0) - 0.5).max() < 0.015
    assert np.abs(np.quantile(unit, [0.1, 0.5, 0.9], axis=0).T - [0.1, 0.5, 0.9]).max() < 0.03
    # no two parameters move together: holding one leaves every other draw as it was
    assert np.abs(np.corrcoef(unit.T)[np.triu_indices(len(names), 1)]).max() < 0.1
    held = load_scenario("colombia-2022", [HISTORY, "parameters.type_prior_mode=0.9"])
    plan = build_plan(held, 200, seed=3, assumptions=True)
    for a, b in zip(plan.cells, big.cells, strict=True):
        ours, theirs = plan.drawn_values(a), big.drawn_values(b)
        assert "type_prior_mode" not in dict(zip(plan.assumptions.names, a.assumed, strict=True))
        assert all(ours[k] == theirs[k] for k in ours)


def test_cells_simulate_their_draws_and_the_outputs_say_so(flagship, unmatched):
    plan = build_plan(flagship, 40, seed=1)  # by default: the calibration's matched sample
    assert plan.assumed_from == "matched" and plan.record()["assumptions"]["drawn_from"] == "matched"
    cell = plan.cells[5]
    scenario = plan.scenario_for(flagship, cell)
    drawn = dict(zip(plan.assumptions.names, cell.assumed, strict=True))
    assert all(getattr(scenario.parameters, k) == v for k, v in drawn.items())
    assert all(getattr(scenario.parameters, k) == v for k, v in plan.posterior.values_of(cell.particle).items())
    assert flagship.parameters.type_prior_mode == BY_NAME["type_prior_mode"].default  # the scenario is not changed
    frame = plan.frame()
    assert set(plan.assumptions.names) <= set(frame.columns)
    assert frame.loc[frame["cell"] == 5, "type_prior_mode"].eq(drawn["type_prior_mode"]).all()
    record = plan.record()
    assert record["assumptions"]["parameters"] == list(plan.assumptions.names)
    assert f"{len(plan.assumptions.names)} unidentified assumptions drawn from the candidates history does not " \
           "reject" in " ".join(record["text"].split())
    assert any("candidates the patterns do not reject" in n for n in plan.notes)
    assert build_plan(flagship, 40, seed=1, assumptions=True).cells == plan.cells
    # held on request, and the outputs say what the intervals leave out
    fixed = build_plan(flagship, 40, seed=1, assumptions=False)
    assert not fixed.assumptions and fixed.record()["assumptions"] is None and fixed.assumed_from == ""
    assert all(c.assumed == () for c in fixed.cells)
    assert any("stay at their registry defaults" in n and "--assumptions drawn draws them from the candidates" in n
               for n in fixed.notes)
    # without a matched sample they are held unless asked for, and the notes say how to match them
    default = build_plan(unmatched, 40, seed=1)
    assert not default.assumptions
    assert any("has not matched them to history (`totalpeace match-assumptions`)" in n for n in default.notes)
    assert [c.particle for c in default.cells] == [c.particle for c in build_plan(unmatched, 40, seed=1,
                                                                                   assumptions=True).cells]
    with pytest.raises(InputError, match="stochastic design holds every parameter"):
        build_plan(flagship, 10, seed=1, design="stochastic", assumptions=True)
    assert not build_plan(flagship, 10, seed=1, design="stochastic").assumptions
    uncalibrated = flagship.model_copy(
        update={"parameters": flagship.parameters.model_copy(update={"calibration": None})})
    alone = build_plan(uncalibrated, 10, seed=1, assumptions=True)  # no posterior: the assumptions alone
    assert alone.drawn and not alone.calibrated and alone.sources[-2:] == ("parameters", "stochastic")
    assert "draws of" in alone.record()["text"] and "assumptions drawn" in alone.record()["text"]


@pytest.mark.parametrize("which", ["matched", "uniform"])
def test_runs_are_bit_identical_whatever_the_ensemble_size_or_executor(flagship, unmatched, which):
    scenario = flagship if which == "matched" else unmatched
    seven = simulate_uncertain(scenario, runs=7, seed=5, months=MONTHS, assumptions=True)
    twelve = simulate_uncertain(scenario, runs=12, seed=5, months=MONTHS, assumptions=True)
    for key in seven.national:
        assert np.array_equal(seven.national[key], twelve.national[key][:7]), key
    plan = build_plan(scenario, 12, seed=5, assumptions=True)
    assert plan.assumed_from == which
    alone = simulate(plan.scenario_for(scenario, plan.cells[3]), runs=1, seed=5, months=MONTHS, first_run=7)
    assert np.array_equal(alone.national["homicides"][0], twelve.national["homicides"][7])
    with LocalExecutor(2) as pool:
        parallel = simulate_uncertain(scenario, runs=12, seed=5, months=MONTHS, executor=pool, assumptions=True)
    assert parallel.summary() == twelve.summary()
    fixed = simulate_uncertain(scenario, runs=12, seed=5, months=MONTHS, assumptions=False)
    assert not np.array_equal(fixed.national["homicides"], twelve.national["homicides"])


def test_comparisons_pair_the_assumptions_run_by_run():
    same = run_compare(["colombia-2022", "colombia-2022"], runs=6, seed=3, months=MONTHS,
                       executor=LocalExecutor(1), uncertainty="full")
    assert (same.differences()[["diff_mean", "diff_p10", "diff_p90"]] == 0).all().all()
    base, twin = same.results
    assert [c.assumed for c in base.plan.cells] == [c.assumed for c in twin.plan.cells] != [()] * 3


def test_run_and_compare_commands(cli, tmp_path, write):
    out = tmp_path / "drawn"
    code, stdout, err = cli("run", "colombia-2022", "--runs", "40", "--months", "2", "--out", str(out),
                            "--no-report", columns=120)
    assert code == 0, err
    design = json.loads((out / "summary.json").read_text())["uncertainty"]["design"]
    assert design["assumptions"]["drawn_from"] == "matched"
    names = design["assumptions"]["parameters"]
    plan = pd.read_csv(out / "plan.csv")
    assert set(names) <= set(plan.columns) and plan["run"].tolist() == list(range(40))
    assert "unidentified assumptions drawn from the candidates history does not reject" in " ".join(stdout.split())
    assert "Unidentified assumptions that order the outcomes in" in " ".join(stdout.split())
    summary = json.loads((out / "summary.json").read_text())
    assert summary["uncertainty"]["assumption_drivers"]["cells"] == 20
    code, stdout, err = cli("run", "colombia-2022", "--runs", "4", "--months", "2", "--out", str(tmp_path / "f"),
                            "--no-report", "--assumptions", "fixed", columns=120)
    assert code == 0 and "unidentified assumptions stay at their registry defaults" in " ".join(stdout.split())
    fixed = json.loads((tmp_path / "f" / "summary.json").read_text())
    assert fixed["provenance"]["assumptions"] == "fixed" and fixed["uncertainty"]["assumption_drivers"] is None
    text = " ".join(refused(cli, "run", "colombia-2022", "--uncertainty", "stochastic", "--assumptions",
                            "drawn").split())
    assert "--assumptions drawn" in text and "stochastic design" in text
    assert "Invalid value for '--assumptions'" in " ".join(refused(cli, "run", "colombia-2022", "--assumptions",
                                                                   "some").split())
    variant = write("v.toml", 'extends = "colombia-2022"\nname = "v"\n[parameters]\ntype_prior_mode = 0.9\n')
    code, stdout, err = cli("compare", "colombia-2022", str(variant), "--runs", "4", "--months", "2", "--out",
                            str(tmp_path / "cmp"), "--workers", "1", "--no-report")
    assert code == 0, err
    meta = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    assert "type_prior_mode" in meta["uncertainty"]["design"]["assumptions"]["parameters"]  # the baseline draws it


def test_validate_draws_the_assumptions_each_set_leaves(cli, tmp_path):
    from totalpeace.uncertainty.assumptions import with_assumptions

    scenarios = [load_scenario("colombia-1998"), load_scenario("colombia-2012")]
    sets = with_assumptions([{"type_prior_mode": 0.7}, {"type_prior_mode": 0.8}, {}], scenarios, seed=2)
    assert [s["type_prior_mode"] for s in sets[:2]] == [0.7, 0.8] and "type_prior_mode" not in sets[2]
    assert "killed_share" not in sets[0]  # colombia-1998 sets it itself
    drawn = [k for k in sets[0] if k != "type_prior_mode"]
    assert drawn and all(is_assumption(BY_NAME[k]) for k in drawn)
    assert sets[0]["coca_rent_per_ha"] != sets[1]["coca_rent_per_ha"]
    for how, said in (("drawn", "from the candidates history does not reject"),
                      ("fixed", None)):
        code, stdout, err = cli("validate", "--no-backtest", "--patterns", "eln-share-venezuela", "--draws", "2",
                                "--runs", "1", "--assumptions", how, "--out", str(tmp_path / how), columns=200)
        assert code == 0, err
        page = (tmp_path / how / "validation.html").read_text()
        if said:
            assert said in stdout and said in page
        else:
            assert "unidentified assumptions" not in stdout and "unidentified assumptions" not in page
    # the default draws them as `run` does; holding one of the matched assumptions says what the others keep
    # (an assumption the sample draws, and a parameter the calibration fits: both were matched with the others)
    for held, value in (("reneged_share", 0.5), ("breakdown_hazard_base", 0.01)):
        code, stdout, err = cli("validate", "--no-backtest", "--patterns", "eln-share-venezuela", "--draws", "2",
                                "--runs", "1", "--set", f"parameters.{held}={value}", "--out", str(tmp_path / held),
                                columns=200)
        assert code == 0, err
        said = " ".join(stdout.split())
        assert "from the candidates history does not reject" in said
        assert f"{held} held while the other parameters and assumptions keep the values the sample matched" in said
    text = " ".join(refused(cli, "validate", "--backtest", "--assumptions", "drawn").split())
    assert "--assumptions drawn: not with --backtest" in text


def test_match_assumptions_keeps_the_candidates_history_does_not_reject(cli, write, tmp_path):
    spec = write("tiny.toml", TINY)
    folder = tmp_path / "cal"
    folder.mkdir()
    posterior = pd.DataFrame({"calibration": "tiny", "particle": range(3), "armed_violence_share": [0.1, 0.2, 0.3],
                              "weight": [0.5, 0.25, 0.25], "distance": [1.0, 1.2, 3.5]})
    posterior.to_parquet(folder / "posterior.parquet", index=False)

    def match(workers: str, out: str) -> pd.DataFrame:
        code, stdout, err = cli("match-assumptions", str(spec), "--posterior", str(folder / "posterior.parquet"),
                                "--candidates", "6", "--workers", workers, "--out", str(tmp_path / out), columns=150)
        assert code == 0, err
        assert "of 6 candidates" in stdout and "copy it to" in stdout
        return pd.read_parquet(tmp_path / out / "assumptions.parquet")

    one, two = match("1", "store/calibrations/tiny"), match("2", "two")
    pd.testing.assert_frame_equal(one, two)  # the same candidates and distances on any executor
    code, _, err = cli("query", "--store", str(tmp_path / "store"), "--csv", str(tmp_path / "q.csv"),
                            "SELECT calibration, count(*) AS n, sum(accepted::INT) AS kept FROM matched_assumptions "
                            "GROUP BY calibration")
    assert code == 0, err
    assert pd.read_csv(tmp_path / "q.csv").to_dict("records") == [
        {"calibration": "tiny", "n": 6, "kept": int(one["accepted"].sum())}]
    assert one["candidate"].tolist() == list(range(6)) and one["row"].between(0, 2).all()
    assert (one["armed_violence_share"] == posterior["armed_violence_share"].to_numpy()[one["row"]]).all()
    assert (one["tolerance"] == 3.5).all()  # no generations.parquet: the posterior's largest distance
    assert (one["accepted"] == (one["distance"] <= 3.5)).all() and one["accepted"].any() and not one["accepted"].all()
    assert one.loc[one["accepted"], "weight"].sum() == pytest.approx(1.0) and (one.loc[~one["accepted"], "weight"]
                                                                              == 0).all()
    names = [c for c in one.columns if c in BY_NAME and c != "armed_violence_share"]
    assert "type_prior_mode" in names and all(is_assumption(BY_NAME[n]) for n in names)
    for n in names:
        assert one[n].between(BY_NAME[n].low, BY_NAME[n].high).all()
    assert {"z:farc-havana-stable", "z:ceasefire-homicides"} <= set(one.columns)
    assert "--posterior" in refused(cli, "match-assumptions", str(spec), "--posterior", str(tmp_path / "none.pq"))


def test_match_assumptions_scores_only_the_patterns_the_posteriors_tolerance_was_measured_on(cli, write, tmp_path):
    """A pattern added to the catalogue after the calibration is not in the distance: the posterior's tolerance was
    measured without it, and a miss no candidate can avoid would lengthen every distance and reject candidates."""
    spec = write("tiny.toml", TINY)
    posterior = pd.DataFrame({"calibration": "tiny", "particle": range(2), "armed_violence_share": [0.1, 0.2],
                              "weight": [0.5, 0.5], "distance": [1.0, 9.0], "z:farc-havana-stable": [0.1, -0.2],
                              "z:homicides-national": [0.3, 0.4]})
    posterior.to_parquet(tmp_path / "posterior.parquet", index=False)
    code, stdout, err = cli("match-assumptions", str(spec), "--posterior", str(tmp_path / "posterior.parquet"),
                            "--candidates", "3", "--workers", "1", "--out", str(tmp_path / "out"), columns=200)
    assert code == 0, err
    assert "left out of the distance" in stdout and "ceasefire-homicides" in stdout
    matched = pd.read_parquet(tmp_path / "out" / "assumptions.parquet")
    scored = sorted(c for c in matched.columns if c.startswith("z:"))
    assert scored == ["z:farc-havana-stable", "z:homicides-national"]
    rms = np.sqrt((matched[scored] ** 2).mean(axis=1))
    assert np.allclose(rms, matched["distance"])  # the distance is over those two alone
    other = posterior.rename(columns={"z:farc-havana-stable": "z:eln-2020", "z:homicides-national": "z:eln-2020b"})
    other.to_parquet(tmp_path / "other.parquet", index=False)
    assert "another calibration" in refused(cli, "match-assumptions", str(spec), "--posterior",
                                            str(tmp_path / "other.parquet"), "--candidates", "2")


@pytest.fixture()
def matched_calibration(tmp_path):
    """A copy of the flagship's calibration with a synthetic assumptions.parquet: every fourth of 240 candidates
    rejected, the others spread over the particles of every form."""
    from totalpeace.calibration.paramset import shipped_sets

    folder = tmp_path / "colombia-patterns"
    shutil.copytree(shipped_sets()["colombia-patterns"].parent, folder)
    posterior = pd.read_parquet(folder / "posterior.parquet")
    rng = np.random.default_rng(0)
    rows = rng.choice(len(posterior), size=240)
    frame = posterior.iloc[rows][["negotiation_engine", "contest_form"]].reset_index(drop=True)
    frame.insert(0, "row", rows)
    for n in ("type_prior_mode", "trust_base", "wage_share"):
        frame[n] = rng.uniform(BY_NAME[n].low, BY_NAME[n].high, size=240)
    frame["accepted"] = np.arange(240) % 4 != 0
    frame["weight"] = frame["accepted"] / frame["accepted"].sum()
    frame.to_parquet(folder / "assumptions.parquet", index=False)
    return folder, frame


def test_a_matched_sample_gives_each_cell_a_candidate_of_its_form(matched_calibration):
    folder, frame = matched_calibration
    scenario = load_scenario("colombia-2022", [f'parameters.calibration="{folder}"'])
    plan = build_plan(scenario, 400, seed=2)
    names = plan.assumptions.names
    kept = frame[frame["accepted"]]
    for cell in plan.cells:
        values = dict(zip(names, cell.assumed, strict=True))
        hit = kept[(kept["row"] == cell.particle) & (kept["type_prior_mode"] == values["type_prior_mode"])]
        assert len(hit) == 1  # one accepted candidate: its particle and its values
        assert hit["trust_base"].iloc[0] == values["trust_base"] and hit["wage_share"].iloc[0] == values["wage_share"]
        form = plan.forms[cell.form]
        assert hit["negotiation_engine"].iloc[0] == form["negotiation_engine"]
        low, high = BY_NAME["coca_rent_per_ha"].low, BY_NAME["coca_rent_per_ha"].high
        assert low <= values["coca_rent_per_ha"] <= high  # not in the sample: drawn uniformly
    drawn = {(c.particle, c.assumed[names.index("type_prior_mode")]) for c in plan.cells}
    assert len(drawn) > 60  # many candidates, not a few
    note = next(n for n in plan.notes if "candidates the patterns do not reject" in n)
    assert f"{len(kept)} of 240" in note and "coca_rent_per_ha" in note
    small = build_plan(scenario, 30, seed=2)
    assert [(c.particle, c.assumed) for c in small.cells] == [(c.particle, c.assumed) for c in plan.cells[:15]]
    fixed = build_plan(scenario, 30, seed=2, assumptions=False)  # held assumptions: the particles of the plain plan
    assert [c.particle for c in fixed.cells] == [c.particle for c in build_plan(load_scenario("colombia-2022"), 30,
                                                                                 seed=2, assumptions=False).cells]


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns="row"), "no 'row' column"),
    (lambda f: f.assign(row=10_000), "must index the"),
    (lambda f: f.assign(accepted=False), "no accepted candidate"),
    (lambda f: f.assign(type_prior_mode=7.0), "type_prior_mode has values outside"),
])
def test_a_bad_matched_sample_is_an_input_error(matched_calibration, change, message):
    folder, frame = matched_calibration
    change(frame).to_parquet(folder / "assumptions.parquet", index=False)
    with pytest.raises(InputError, match=message):
        build_plan(load_scenario("colombia-2022", [f'parameters.calibration="{folder}"']), 10, seed=1,
                   assumptions=True)


def test_benjamini_hochberg_and_rank_correlations_known_answers():
    from scipy.stats import spearmanr

    from totalpeace.uncertainty.drivers import discoveries, rank_correlations

    # step-up: 0.03 <= 3/4 x 0.1 carries 0.01 and 0.02 with it; 0.5 > 0.1
    assert discoveries(np.array([0.03, 0.5, 0.01, 0.02]), 0.1).tolist() == [True, False, True, True]
    assert discoveries(np.array([0.04, 0.5]), 0.1).tolist() == [True, False]
    assert discoveries(np.array([0.06, 0.5]), 0.1).tolist() == [False, False]
    assert discoveries(np.array([np.nan, 0.001]), 0.1).tolist() == [False, True]
    rng = np.random.default_rng(4)
    draws = rng.uniform(size=(50, 3))
    outcome = np.round(draws[:, 1] * 4 + rng.normal(size=50), 0)  # ties in the outcome
    rho, p = rank_correlations(draws, outcome)
    for j in range(3):
        expected = spearmanr(draws[:, j], outcome)
        assert rho[j] == pytest.approx(expected.statistic) and p[j] == pytest.approx(expected.pvalue)


def test_an_assumption_correlated_with_the_driver_by_chance_is_not_named_a_second_driver_is():
    from totalpeace.uncertainty.drivers import centred_outcome, centred_ranks, named_drivers, partial_p_value

    rng = np.random.default_rng(11)
    n = 100
    driver = rng.uniform(size=n)
    companion = driver + rng.normal(0, 0.08, n)  # drawn together with the driver, no effect of its own
    second, idle = rng.uniform(size=n), rng.uniform(size=(n, 20))
    draws = np.column_stack([driver, companion, second, idle])
    alone = driver + rng.normal(0, 0.15, n)
    centred = centred_ranks(draws)
    named, rho, p = named_drivers(centred, alone)
    assert p[1] < 1e-6 and abs(rho[1]) > 0.5  # alone, the companion would be named: it orders the outcome too
    assert named == [0]
    both = driver + 0.8 * second + rng.normal(0, 0.15, n)
    named, _, _ = named_drivers(centred, both)
    assert named[:2] == [0, 2] and 1 not in named
    # the partial p-value: the companion's given the driver is large, the second driver's is tiny
    y = centred_outcome(both)
    assert partial_p_value(centred[0], [0], 1, y) > 0.05 > 1e-6 > partial_p_value(centred[0], [0], 2, y)


def test_drivers_name_the_assumption_that_orders_an_outcome_and_rarely_a_chance_one(unmatched):
    from totalpeace.uncertainty.drivers import drivers

    plan = build_plan(unmatched, 400, seed=1, assumptions=True)
    runs = np.arange(400)
    names = plan.assumptions.names
    j = names.index("type_prior_mode")
    by_cell = np.array([c.assumed[j] for c in plan.cells])[runs // plan.runs_per_draw]
    rng = np.random.default_rng(0)
    values = np.column_stack([by_cell + rng.normal(0, 0.1, 400), rng.normal(size=400)])
    found = drivers(plan, runs, [("homicides", "2025"), ("homicides", "2026")], values)
    assert found["cells"] == 200 and found["assumptions"] == len(names)
    top = found["by_metric"]["homicides"]["2025"]
    assert top[0]["parameter"] == "type_prior_mode" and top[0]["rho"] > 0.5 and len(top) <= 3
    # pure noise: over 20 outcomes, a chance discovery in at most a few (the rate is at most 10% per outcome)
    noise = rng.normal(size=(400, 20))
    keys = [("homicides", str(y)) for y in range(2000, 2020)]
    chance = drivers(plan, runs, keys, noise)["by_metric"]["homicides"]
    assert sum(bool(v) for v in chance.values()) <= 4
    assert drivers(build_plan(unmatched, 400, seed=1, assumptions=False), runs, keys, noise) is None
    assert drivers(build_plan(unmatched, 20, seed=1, assumptions=True), runs[:20], keys, noise[:20]) is None


def test_the_report_lists_the_assumptions_that_order_the_outcomes(cli, tmp_path):
    code, _, err = cli("run", "colombia-2022", "--runs", "40", "--months", "2", "--out", str(tmp_path / "r"))
    assert code == 0, err
    page = (tmp_path / "r" / "report.html").read_text()
    assert 'id="table-assumption-drivers"' in page and "Benjamini-Hochberg" in page
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    table = page[page.index('id="table-assumption-drivers"'):]
    table = table[:table.index("</table>")]
    shown = ("homicide_rate", "armed_group_members", "state_control_share", "agreements_signed")
    by_metric = summary["uncertainty"]["assumption_drivers"]["by_metric"]
    assert table.count("<tr") == len(shown) + 1  # a header and a row per outcome
    for name in shown:
        for d in by_metric[name]["2022"]:
            assert f"{d['parameter']} {d['rho']:+.2f}" in table


def test_the_assumptions_that_order_the_outcomes_are_shown_when_the_variance_cannot_be_split():
    """The drivers are read from the draws themselves, so a plan whose forms got too few draws for the variance split
    still names them, in the terminal and in the report (a calibration that weighs one form heavily leaves the others
    a draw or none in a short run)."""
    from rich.console import Console

    from totalpeace.report.uncertainty import section
    from totalpeace.uncertainty.terminal import print_sources

    drivers = {"method": "Spearman's rank correlation", "cells": 20, "assumptions": 143,
               "by_metric": {m: {"2022": [{"parameter": "selective_violence_rate", "rho": 0.81, "p": 1e-4}]}
                             for m in ("homicides", "homicide_rate")}}
    entry = {"design": {"sources": ["stochastic", "parameters", "forms"], "text": "full", "notes": []},
             "estimated": False, "note": "too few runs: a model form needs at least two draws (here 0 for one form)",
             "assumption_drivers": drivers}
    console = Console(record=True, width=200)
    print_sources(entry, "2022-08", 2, console)
    text = " ".join(console.export_text().split())
    assert "not estimated — too few runs" in text and "selective_violence_rate +0.81" in text
    page = section(entry, "2022-08", 2, figure=None,
                   table=lambda rows, header, ident: f"<table id='{ident}'>{rows}</table>")
    assert "Not estimated: too few runs" in page and "table-assumption-drivers" in page
    assert "selective_violence_rate" in page
    assert "Unidentified assumptions" not in section({**entry, "assumption_drivers": None}, "2022-08", 2,
                                                     figure=None, table=lambda *a: "")
