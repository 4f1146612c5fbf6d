"""The unidentified assumptions in the run plan: which are drawn, from what, and every guarantee of the plan kept."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from support import refused

from totalpeace import load_scenario, simulate
from totalpeace.errors import InputError
from totalpeace.experiments import LocalExecutor
from totalpeace.experiments.compare import run_compare
from totalpeace.scenario.params import BY_NAME, PARAMETERS
from totalpeace.uncertainty.assumptions import is_assumption, unidentified
from totalpeace.uncertainty.ensemble import simulate_uncertain
from totalpeace.uncertainty.plan import build_plan

MONTHS = 4


@pytest.fixture(scope="module")
def flagship():
    return load_scenario("colombia-2022")


def test_only_assumptions_no_calibration_or_scenario_gives_are_drawn(flagship):
    drawn = unidentified(flagship)
    assert drawn.names and all(is_assumption(BY_NAME[n]) for n in drawn.names)
    given = flagship.parameters.model_fields_set
    assert "reneged_share" in given and is_assumption(BY_NAME["reneged_share"])  # the calibration's, not drawn
    assert not set(drawn.names) & given
    every = [p.name for p in PARAMETERS if is_assumption(p) and p.name not in given]
    assert list(drawn.names) == every
    sourced = BY_NAME["legal_income_per_member"]  # the minimum wage: a published figure is never drawn
    assert not is_assumption(sourced) and sourced.name not in drawn.names
    # a value set on the command line is held, even the default itself
    held = load_scenario("colombia-2022", [f"parameters.type_prior_mode={BY_NAME['type_prior_mode'].default}"])
    assert "type_prior_mode" in drawn.names and "type_prior_mode" not in unidentified(held).names


def test_draws_are_uniform_on_the_plausible_range_and_depend_on_seed_cell_and_name_only(flagship):
    big = build_plan(flagship, 200, seed=3, assumptions=True)
    small = build_plan(flagship, 23, seed=3, assumptions=True)
    assert [c.assumed for c in small.cells] == [c.assumed for c in big.cells[:12]]
    assert [c.particle for c in small.cells] == [c.particle for c in big.cells[:12]]  # the posterior draw unchanged
    other = build_plan(flagship, 200, seed=4, assumptions=True)
    assert [c.assumed for c in other.cells] != [c.assumed for c in big.cells]
    names = big.assumptions.names
    values = np.array([c.assumed for c in build_plan(flagship, 8_000, seed=3, assumptions=True).cells])
    low = np.array([BY_NAME[n].low for n in names])
    high = np.array([BY_NAME[n].high for n in names])
    unit = (values - low) / (high - low)
    assert unit.min() >= 0 and unit.max() <= 1
    # 4,000 uniform draws per parameter: the mean within 0.015 of 1/2 and the deciles within 0.03 of theirs
    assert np.abs(unit.mean(axis=0) - 0.5).max() < 0.015
    assert np.abs(np.quantile(unit, [0.1, 0.5, 0.9], axis=0).T - [0.1, 0.5, 0.9]).max() < 0.03
    # no two parameters move together: holding one leaves every other draw as it was
    assert np.abs(np.corrcoef(unit.T)[np.triu_indices(len(names), 1)]).max() < 0.1
    held = load_scenario("colombia-2022", ["parameters.type_prior_mode=0.9"])
    plan = build_plan(held, 200, seed=3, assumptions=True)
    for a, b in zip(plan.cells, big.cells, strict=True):
        ours, theirs = plan.drawn_values(a), big.drawn_values(b)
        assert "type_prior_mode" not in dict(zip(plan.assumptions.names, a.assumed, strict=True))
        assert all(ours[k] == theirs[k] for k in ours)


def test_cells_simulate_their_draws_and_the_outputs_say_so(flagship):
    plan = build_plan(flagship, 40, seed=1, assumptions=True)
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
    assert f"{len(plan.assumptions.names)} unidentified assumptions drawn" in record["text"]
    # by default they are held, and the outputs say what the intervals leave out
    fixed = build_plan(flagship, 40, seed=1)
    assert not fixed.assumptions and fixed.record()["assumptions"] is None
    assert all(c.assumed == () for c in fixed.cells)
    assert [c.particle for c in fixed.cells] == [c.particle for c in plan.cells]
    assert any("unidentified assumptions stay at their registry defaults" in n for n in fixed.notes)
    with pytest.raises(InputError, match="stochastic design holds every parameter"):
        build_plan(flagship, 10, seed=1, design="stochastic", assumptions=True)
    uncalibrated = flagship.model_copy(
        update={"parameters": flagship.parameters.model_copy(update={"calibration": None})})
    alone = build_plan(uncalibrated, 10, seed=1, assumptions=True)  # no posterior: the assumptions alone
    assert alone.drawn and not alone.calibrated and alone.sources[-2:] == ("parameters", "stochastic")
    assert "draws of" in alone.record()["text"] and "assumptions drawn" in alone.record()["text"]


def test_runs_are_bit_identical_whatever_the_ensemble_size_or_executor(flagship):
    seven = simulate_uncertain(flagship, runs=7, seed=5, months=MONTHS, assumptions=True)
    twelve = simulate_uncertain(flagship, runs=12, seed=5, months=MONTHS, assumptions=True)
    for key in seven.national:
        assert np.array_equal(seven.national[key], twelve.national[key][:7]), key
    plan = build_plan(flagship, 12, seed=5, assumptions=True)
    alone = simulate(plan.scenario_for(flagship, plan.cells[3]), runs=1, seed=5, months=MONTHS, first_run=7)
    assert np.array_equal(alone.national["homicides"][0], twelve.national["homicides"][7])
    with LocalExecutor(2) as pool:
        parallel = simulate_uncertain(flagship, runs=12, seed=5, months=MONTHS, executor=pool, assumptions=True)
    assert parallel.summary() == twelve.summary()
    fixed = simulate_uncertain(flagship, runs=12, seed=5, months=MONTHS)
    assert not np.array_equal(fixed.national["homicides"], twelve.national["homicides"])


def test_comparisons_pair_the_assumptions_run_by_run(flagship):
    same = run_compare(["colombia-2022", "colombia-2022"], runs=6, seed=3, months=MONTHS,
                       executor=LocalExecutor(1), uncertainty="full", assumptions=True)
    assert (same.differences()[["diff_mean", "diff_p10", "diff_p90"]] == 0).all().all()
    base, twin = same.results
    assert [c.assumed for c in base.plan.cells] == [c.assumed for c in twin.plan.cells] != [()] * 3


def test_run_and_compare_commands(cli, tmp_path, write):
    out = tmp_path / "drawn"
    code, stdout, err = cli("run", "colombia-2022", "--runs", "8", "--months", "2", "--out", str(out),
                            "--no-report", "--assumptions", "drawn", columns=120)
    assert code == 0, err
    design = json.loads((out / "summary.json").read_text())["uncertainty"]["design"]
    assert design["assumptions"]["prior"] == "uniform on the plausible range"
    names = design["assumptions"]["parameters"]
    plan = pd.read_csv(out / "plan.csv")
    assert set(names) <= set(plan.columns) and plan["run"].tolist() == list(range(8))
    assert "unidentified assumptions drawn from their plausible ranges" in " ".join(stdout.split())
    code, stdout, err = cli("run", "colombia-2022", "--runs", "4", "--months", "2", "--out", str(tmp_path / "f"),
                            "--no-report", columns=120)
    assert code == 0 and "unidentified assumptions stay at their registry defaults" in " ".join(stdout.split())
    text = " ".join(refused(cli, "run", "colombia-2022", "--uncertainty", "stochastic", "--assumptions",
                            "drawn").split())
    assert "--assumptions drawn" in text and "stochastic design" in text
    assert "Invalid value for '--assumptions'" in " ".join(refused(cli, "run", "colombia-2022", "--assumptions",
                                                                   "some").split())
    variant = write("v.toml", 'extends = "colombia-2022"\nname = "v"\n[parameters]\ntype_prior_mode = 0.9\n')
    code, stdout, err = cli("compare", "colombia-2022", str(variant), "--runs", "4", "--months", "2", "--out",
                            str(tmp_path / "cmp"), "--workers", "1", "--no-report", "--assumptions", "drawn")
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
    code, stdout, err = cli("validate", "--no-backtest", "--patterns", "eln-share-venezuela", "--draws", "2",
                            "--runs", "1", "--assumptions", "drawn", "--out", str(tmp_path / "v"), columns=120)
    assert code == 0, err
    assert "Each of the 2 parameter sets also draws" in stdout
    page = (tmp_path / "v" / "validation.html").read_text()
    assert "unidentified assumptions drawn from their plausible ranges" in page
    text = " ".join(refused(cli, "validate", "--backtest", "--assumptions", "drawn").split())
    assert "--assumptions drawn: not with --backtest" in text
