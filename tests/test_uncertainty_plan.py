"""Run plans: every run's model form and parameter draw depend on (seed, run id) alone, comparisons stay paired, the
calibration's form weights and per-form posteriors are used, and `--uncertainty` switches the design."""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from support import has_figure, load_tool, refused

from totalpeace import load_scenario, simulate
from totalpeace.calibration.paramset import shipped_sets
from totalpeace.errors import InputError, InputWarning
from totalpeace.experiments import LocalExecutor
from totalpeace.experiments.compare import run_compare
from totalpeace.uncertainty.ensemble import simulate_uncertain
from totalpeace.uncertainty.forms import MIN_WEIGHT, SWITCHES, joint_forms
from totalpeace.uncertainty.plan import Plan, build_plan, warn_reference_forms

MONTHS = 4


HISTORY = "parameters.calibration=colombia-history"


@pytest.fixture(scope="module")
def flagship():
    """The flagship under a calibration with one posterior for every form and no form weights (colombia-history):
    the plan's machinery with equal weights; test_the_shipped_form_weights covers the flagship's own calibration."""
    return load_scenario("colombia-2022", [HISTORY])


def test_registry_has_every_switch_with_its_forms(flagship):
    from totalpeace.scenario.schema import ModelOptions

    assert {s.name for s in SWITCHES} == set(ModelOptions.model_fields) - {"candidates"}
    assert all(len(s.forms) >= 2 for s in SWITCHES)
    assert len(joint_forms(flagship)) == np.prod([len(s.forms) for s in SWITCHES])
    narrowed = load_scenario("colombia-2022", ['model.candidates.contest_form=["difference"]'])
    assert {f["contest_form"] for f in joint_forms(narrowed)} == {"difference"}


def test_a_cells_form_and_draw_depend_on_seed_and_cell_only(flagship):
    big, small = build_plan(flagship, 200, seed=3), build_plan(flagship, 23, seed=3)
    assert [(c.form, c.particle, c.first_run) for c in small.cells] == \
           [(c.form, c.particle, c.first_run) for c in big.cells[:12]]
    assert small.cells[-1].runs == 1  # 23 runs: eleven cells of two and a last one of one
    other = build_plan(flagship, 200, seed=4)
    assert [c.particle for c in other.cells] != [c.particle for c in big.cells]
    # the lattice balances forms: 100 cells over 8 equally weighed forms (4 engines x 2 contest forms), 12.5 each
    assert len(big.forms) == 8
    counts = np.bincount([c.form for c in big.cells], minlength=8)
    assert counts.min() >= 11 and counts.max() <= 14
    # particles are drawn by weight: the heaviest particles are the most drawn over many cells
    many = build_plan(flagship, 20_000, seed=3)
    drawn = np.bincount([c.particle for c in many.cells], minlength=len(many.posterior.weights)) / len(many.cells)
    assert np.abs(drawn - many.posterior.weights).max() < 0.01


def test_runs_are_bit_identical_whatever_the_ensemble_size_or_batching(flagship):
    seven = simulate_uncertain(flagship, runs=7, seed=5, months=MONTHS)
    twelve = simulate_uncertain(flagship, runs=12, seed=5, months=MONTHS)
    for key in seven.national:
        assert np.array_equal(seven.national[key], twelve.national[key][:7]), key
    plan = build_plan(flagship, 12, seed=5)
    cell = plan.cells[3]  # runs 6 and 7; run 7 simulated alone from the cell's scenario
    alone = simulate(plan.scenario_for(flagship, cell), runs=1, seed=5, months=MONTHS, first_run=7)
    assert np.array_equal(alone.national["homicides"][0], twelve.national["homicides"][7])
    with LocalExecutor(2) as pool:  # two worker processes finish cells in any order
        parallel = simulate_uncertain(flagship, runs=12, seed=5, months=MONTHS, executor=pool)
    assert parallel.summary() == twelve.summary()


def test_cells_use_their_form_and_draw(flagship):
    plan = build_plan(flagship, 40, seed=1)
    cell = next(c for c in plan.cells if plan.forms[c.form]["contest_form"] == "difference")
    scenario = plan.scenario_for(flagship, cell)
    assert scenario.model.contest_form == "difference"
    drawn = plan.posterior.values_of(cell.particle)
    assert all(getattr(scenario.parameters, k) == v for k, v in drawn.items())
    assert flagship.model.contest_form == "ratio"  # the scenario itself is not changed
    frame = plan.frame()
    assert list(frame["run"]) == list(range(40)) and {"cell", "contest_form", "particle", "effort_noise"} <= \
        set(frame.columns)


def test_values_the_scenario_sets_are_not_drawn():
    scenario = load_scenario("colombia-2022", [HISTORY, "parameters.recruitment_rate=0.02"])
    plan = build_plan(scenario, 10, seed=1)
    assert "recruitment_rate" not in plan.posterior.names and "effort_noise" in plan.posterior.names
    assert all(plan.scenario_for(scenario, c).parameters.recruitment_rate == 0.02 for c in plan.cells)


def test_designs(flagship):
    full = build_plan(flagship, 40, seed=1)
    assert full.sources == ("structural", "parameters", "stochastic") and len(full.forms) == 8
    assert "equal weights" in full.record()["text"] and any("equal weights" in n for n in full.notes)
    params = build_plan(flagship, 40, seed=1, design="parameters")
    assert params.sources == ("parameters", "stochastic") and params.forms == [{"negotiation_engine": "nash",
                                                                                "contest_form": "ratio"}]
    # one posterior for every form: a cell draws the same particle whatever the design
    assert [c.particle for c in params.cells] == [c.particle for c in full.cells]
    point = build_plan(flagship, 40, seed=1, design="stochastic")
    assert point.sources == ("stochastic",) and all(c.particle is None for c in point.cells)
    uncalibrated = flagship.model_copy(
        update={"parameters": flagship.parameters.model_copy(update={"calibration": None})})
    plain = build_plan(uncalibrated, 40, seed=1)
    assert plain.sources == ("structural", "stochastic") and "parameter uncertainty is not included" in \
        " ".join(plain.notes)
    with pytest.raises(InputError, match="not a design"):
        build_plan(flagship, 10, seed=1, design="everything")


def test_stochastic_design_is_todays_single_point(flagship):
    point = simulate_uncertain(flagship, runs=6, seed=2, months=MONTHS, uncertainty="stochastic")
    plain = simulate(flagship, runs=6, seed=2, months=MONTHS)
    assert all(np.array_equal(point.national[k], plain.national[k]) for k in plain.national)
    assert point.summary()["metrics"] == plain.summary()["metrics"]


def test_the_calibrations_form_weights_and_per_form_posterior(tmp_path):
    """A calibration folder that weighs contest forms (forms.parquet) and fitted each its own particles is used as
    such; a switch the table does not vary (the engine) shares its weight equally."""
    folder = tmp_path / "weighed"
    shutil.copytree(shipped_sets()["colombia-history"].parent, folder)
    pd.DataFrame({"form": ["bdm/ratio", "bdm/difference"], "negotiation_engine": ["bdm", "bdm"],
                  "contest_form": ["ratio", "difference"], "weight": [0.75, 0.25]}).to_parquet(folder / "forms.parquet")
    posterior = pd.read_parquet(folder / "posterior.parquet")
    posterior["contest_form"] = np.where(np.arange(len(posterior)) % 2 == 0, "ratio", "difference")
    posterior["negotiation_engine"] = "bdm"  # one value: not a per-form posterior for the engine
    posterior.to_parquet(folder / "posterior.parquet")
    scenario = load_scenario("colombia-2022", [f"parameters.calibration={folder}"])
    plan = build_plan(scenario, 4000, seed=1)
    weights = {(f["negotiation_engine"], f["contest_form"]): w for f, w in zip(plan.forms, plan.weights, strict=True)}
    assert weights[("nash", "ratio")] == pytest.approx(0.75 / 4) and weights[("compromise", "difference")] == \
        pytest.approx(0.25 / 4)
    assert plan.weighting == "calibration" and "weighed by the calibration" in plan.record()["text"]
    for cell in plan.cells:  # each cell draws among its own contest form's particles
        assert posterior["contest_form"].iloc[cell.particle] == plan.forms[cell.form]["contest_form"]
    share = np.mean([plan.forms[c.form]["contest_form"] == "ratio" for c in plan.cells])
    assert share == pytest.approx(0.75, abs=0.005)
    pd.DataFrame({"contest_form": ["ratio", "square"], "weight": [1.0, 1.0]}).to_parquet(folder / "forms.parquet")
    with pytest.raises(InputError, match="'square' is not one of ratio, difference"):
        build_plan(load_scenario("colombia-2022", [f"parameters.calibration={folder}"]), 10, seed=1)


def test_the_shipped_form_weights():
    """The flagship's calibration, colombia-patterns, weighed all eight joint forms by stacking and fitted each its
    own particles: the plan gives every form its stored weight (forms below MIN_WEIGHT get no runs, the others
    renormalised), draws each run among its own form's particles, and reports the calibration's effective sample size
    (identical particles merged, as the calibration counts it)."""
    table = pd.read_parquet(shipped_sets()["colombia-patterns"].parent / "forms.parquet")
    assert len(table) == 8 and table["weight"].sum() == pytest.approx(1.0)
    kept = table[table["weight"] >= MIN_WEIGHT]
    expected = {(r.negotiation_engine, r.contest_form): r.weight / kept["weight"].sum() for r in kept.itertuples()}
    plan = build_plan(load_scenario("colombia-2022"), 400, seed=1)
    got = {(f["negotiation_engine"], f["contest_form"]): w for f, w in zip(plan.forms, plan.weights, strict=True)}
    assert set(got) == set(expected) and plan.weighting == "calibration"
    assert all(got[k] == pytest.approx(w) for k, w in expected.items())
    # the forms the particles vary in (the refit of docs/validation.md 10.47 kept no particle of the difference contest)
    assert "negotiation_engine" in plan.posterior.forms
    assert set(plan.posterior.forms) <= {"negotiation_engine", "contest_form"}
    posterior = pd.read_parquet(shipped_sets()["colombia-patterns"].parent / "posterior.parquet")
    for cell in plan.cells:  # each run draws among its own joint form's particles
        form = plan.forms[cell.form]
        row = posterior.iloc[cell.particle]
        assert (row["negotiation_engine"], row["contest_form"]) == (form["negotiation_engine"], form["contest_form"])
    for k, (form, w) in enumerate(zip(plan.forms, plan.weights, strict=True)):  # cells follow the weights
        assert abs(sum(c.form == k for c in plan.cells) - w * len(plan.cells)) <= 2, form
    left_out = table[table["weight"] < MIN_WEIGHT]["form"].tolist()
    assert all(name in " ".join(plan.notes) for name in left_out)
    stored = json.loads((shipped_sets()["colombia-patterns"].parent / "calibration.json").read_text())
    assert plan.record()["posterior"]["effective_size"] == pytest.approx(
        stored["provenance"]["effective_sample_size"], abs=0.1)
    history = build_plan(load_scenario("colombia-2022", [HISTORY]), 20, seed=1)
    assert "colombia-history calibration stores no form weights" in " ".join(history.notes)


def test_the_shipped_form_weights_follow_the_weighting_rule_from_the_shipped_checks():
    """The flagship's calibration was re-weighed from its own predictive checks (tools/reweigh_forms.py) when the
    rule became bootstrapped stacking: the stored forms.parquet is what the rule gives from checks.parquet today, so
    a change to the rule or to the stored checks cannot leave the weights the run plans read behind."""
    tool = load_tool("reweigh_forms")
    folder = shipped_sets()["colombia-patterns"].parent
    stored = pd.read_parquet(folder / "forms.parquet")
    again = tool.reweigh(folder)
    assert again["form"].tolist() == stored["form"].tolist()
    assert (stored["weight_basis"] == "bootstrapped stacking").all()
    for column in ("weight", "bootstrap_weight", "stacking_weight", "pseudo_bma_weight", "score", "abc_probability"):
        assert np.allclose(again[column], stored[column], equal_nan=True, rtol=1e-9, atol=1e-12), column


def test_comparisons_stay_paired_form_by_form_and_draw_by_draw(flagship):
    same = run_compare(["colombia-2022", "colombia-2022"], runs=10, seed=3, months=MONTHS,
                       executor=LocalExecutor(1), uncertainty="full")
    base, twin = same.results
    assert np.array_equal(base.plan.run_labels(base.run_ids)[0], twin.plan.run_labels(twin.run_ids)[0])
    assert [c.particle for c in base.plan.cells] == [c.particle for c in twin.plan.cells]
    diffs = same.differences()
    assert (diffs[["diff_mean", "diff_p10", "diff_p90"]] == 0).all().all()  # common random numbers, forms, draws
    assert {"share_structural", "share_parameters", "share_stochastic"} <= set(diffs.columns)
    with pytest.raises(InputError, match=r"model\.contest_form is 'difference'"):
        run_compare(["colombia-2022", "colombia-2022"], runs=5, months=2, uncertainty="full",
                    scenarios=[flagship, load_scenario("colombia-2022", ["model.contest_form=difference"])])
    with pytest.raises(InputError, match="model forms differ"):
        run_compare(["colombia-2022", "colombia-2022"], runs=5, months=2, uncertainty="full",
                    scenarios=[flagship, load_scenario("colombia-2022",
                                                       ['model.candidates.contest_form=["ratio"]'])])
    # the single-form designs run each scenario's own form: model forms are compared that way, paired run by run
    forms = run_compare(["colombia-2022", "colombia-2022"], runs=4, seed=3, months=2, uncertainty="stochastic",
                        scenarios=[flagship, load_scenario("colombia-2022", ["model.negotiation_engine=compromise"])])
    assert [r.plan.forms[0]["negotiation_engine"] for r in forms.results] == ["nash", "compromise"]


def test_run_and_compare_commands(cli, tmp_path, write):
    out = tmp_path / "full"
    code, stdout, err = cli("run", "colombia-2022", "--runs", "80", "--months", "3", "--out", str(out),
                            columns=100)
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text())
    entry = summary["uncertainty"]
    table = pd.read_parquet(shipped_sets()["colombia-patterns"].parent / "forms.parquet")
    weighed = set(table.loc[table["weight"] >= MIN_WEIGHT, "form"])  # the flagship's calibration's forms with runs
    assert entry["design"]["design"] == "full" and len(entry["design"]["forms"]) == len(weighed)
    assert entry["design"]["posterior"]["effective_size"] > 1 and entry["estimated"]
    shares = entry["variance_shares"]["homicides"]["2022"]
    assert set(shares) >= {"structural", "parameters", "stochastic", "sd", "interval80", "switches"}
    assert sum(shares[s] for s in ("structural", "parameters", "stochastic")) == pytest.approx(1.0, abs=1e-3)
    assert set(entry["by_form"]["homicides"]["2022"]) == weighed
    assert f"Uncertainty (full): {len(weighed)} model forms" in stdout and "Where the spread comes from" in stdout
    assert max(len(line) for line in stdout.splitlines()) <= 100
    assert pd.read_csv(out / "plan.csv")["run"].tolist() == list(range(80))
    page = (out / "report.html").read_text()
    assert has_figure(page, "chart-uncertainty") and 'id="table-by-form"' in page
    assert "intervals include model-form, parameter and stochastic uncertainty" in page

    code, stdout, err = cli("run", "colombia-2022", "--runs", "6", "--months", "3", "--uncertainty", "stochastic",
                            "--out", str(tmp_path / "point"), "--no-report")
    assert code == 0, err
    point = json.loads((tmp_path / "point" / "summary.json").read_text())
    plain = simulate(load_scenario("colombia-2022"), runs=6, seed=1, months=3).summary()
    assert point["metrics"] == plain["metrics"] and point["uncertainty"]["design"]["sources"] == ["stochastic"]
    assert "Uncertainty (stochastic)" in stdout

    # two runs give every form at most one posterior draw, however many forms the calibration weighs: too few to
    # split the spread; the --set of a form the full design does not run as asked is warned about
    code, stdout, err = cli("run", "colombia-2022", "--runs", "2", "--months", "2", "--out", str(tmp_path / "warn"),
                            "--no-report", "--set", "model.contest_form=difference")
    assert code == 0 and "model.candidates.contest_form" in err and "not estimated" in stdout
    assert "Invalid value for '--uncertainty'" in " ".join(refused(cli, "run", "colombia-2022",
                                                                   "--uncertainty", "most").split())
    assert "model.candidates" in refused(cli, "run", "colombia-2022", "--set",
                                         'model.candidates.contest_form=["square"]')

    variant = write("v.toml", 'extends = "colombia-2022"\nname = "v"\n[policy]\ndecriminalization = 0.5\n')
    code, stdout, err = cli("compare", "colombia-2022", str(variant), "--runs", "80", "--months", "3",
                            "--out", str(tmp_path / "cmp"), "--workers", "1", columns=100)
    assert code == 0, err
    meta = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    assert meta["uncertainty"]["design"]["design"] == "full"
    assert meta["uncertainty"]["differences"]["v"]["variance_shares"]["homicides"]["2022"]["stochastic"] is not None
    assert "Where the uncertainty about the effect comes from" in stdout
    assert has_figure((tmp_path / "cmp" / "report.html").read_text(), "chart-uncertainty-diff")


def test_a_form_set_on_the_command_line_is_warned_about_when_the_full_design_runs_others():
    """`--set model.contest_form=X` under the full design: warned about when the plan runs several contest forms,
    or one that is not X (a calibration that weighed X out), and not when the plan runs X alone."""
    def plan(*contests: str) -> Plan:
        forms = [{"negotiation_engine": "nash", "contest_form": c} for c in contests]
        return Plan(design="full", seed=1, runs=2, runs_per_draw=1, forms=forms, weights=[1.0] * len(forms),
                    weighting="calibration", posterior=None, cells=[])

    for contests in (("ratio", "difference"), ("ratio",)):
        with pytest.warns(InputWarning, match="model.candidates.contest_form"):
            warn_reference_forms(["model.contest_form=difference"], plan(*contests))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_reference_forms(["model.contest_form=difference"], plan("difference"))
        warn_reference_forms(["policy.decriminalization=0.5"], plan("ratio", "difference"))
        warn_reference_forms(['model.contest_form="difference"'], plan("difference"))


def test_the_suggested_command_quotes_a_quoted_form_once():
    """A form typed as a TOML string (`model.contest_form="ratio"`) is suggested back as `["ratio"]`, the list a
    user can paste, not with its quotes doubled."""
    plan = Plan(design="full", seed=1, runs=2, runs_per_draw=1,
                forms=[{"negotiation_engine": "nash", "contest_form": c} for c in ("ratio", "difference")],
                weights=[1.0, 1.0], weighting="calibration", posterior=None, cells=[])
    for typed in ('model.contest_form="ratio"', "model.contest_form='ratio'", "model.contest_form=ratio"):
        with pytest.warns(InputWarning) as caught:
            warn_reference_forms([typed], plan)
        message = str(caught[0].message)
        assert "'model.candidates.contest_form=[\"ratio\"]'" in message, message


def test_each_tables_outcomes_are_given_under_each_model_form():
    """Where the runs spread over several model forms, each table's summary gives its outcomes under each form, over
    that form's own runs; the ensemble's share is their runs-weighted mean, and the terminal's lines and the report's
    (and dashboard's) table blocks say it. One form, or one point, gives none."""
    from totalpeace.report.negotiation import table_blocks
    from totalpeace.talks import explain

    results = simulate_uncertain(load_scenario("colombia-2022"), runs=40, seed=2, months=18)
    forms, _ = results.plan.run_labels(results.run_ids)
    summary = results.summary()
    seen_breakdown = False
    for gid, entry in ((g, e["negotiation"]) for g, e in summary["groups"].items() if "negotiation" in e):
        by_form = entry["by_form"]
        assert sum(v["runs"] for v in by_form.values()) == 40
        assert [v["runs"] for v in by_form.values()] == [int(np.sum(forms == i)) for i in np.unique(forms)]
        for key in ("signed_share", "ratified_share", "broken_down_share"):
            mean = sum(v[key] * v["runs"] for v in by_form.values()) / 40
            assert mean == pytest.approx(entry[key]), (gid, key)
        seen_breakdown |= any(v["broken_down_share"] > 0 for v in by_form.values())
        assert any(line.startswith("Signed under each model form") for line in explain(gid, entry))
    assert seen_breakdown  # the shares are not all zero: the check above compares real outcomes
    blocks = table_blocks(results)
    assert blocks and all(any(t["id"] == f"forms-{b['group']}" for t in b["tables"]) for b in blocks)
    point = simulate(load_scenario("colombia-2022"), runs=4, seed=2, months=3).summary()
    assert all("by_form" not in e.get("negotiation", {}) for e in point["groups"].values())
