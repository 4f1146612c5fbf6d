"""`sensitivity`, `discover` and `search` on colombia-2022 (tiny versions of the example files) and on tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support import assert_offline, has_figure

from totalpeace import load_scenario
from totalpeace.analysis.policy import apply_order_slots
from totalpeace.analysis.search import pareto_mask
from totalpeace.report.pdf import find_chromium
from totalpeace.report.sweep import spoken

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def shrink(name: str, folder, **values) -> str:
    """Copy an example file with smaller budgets (top-level keys replaced in place)."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
        assert count == 1, key
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_sensitivity_sobol_example(cli, tmp_path):
    # 4 factors, N = 2: 2 x (2 x 4 + 2) = 20 points, one 12-month run each
    spec = shrink("sensitivity-sobol.toml", tmp_path, samples=2, replications=1, months=12)
    store, out = tmp_path / "store", tmp_path / "sobol"
    code, stdout, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(out))
    assert code == 0, err
    assert "20 runs now, 0 reused" in stdout and "Sobol' indices" in stdout
    table = pd.read_csv(out / "sobol.csv")
    assert list(table.columns) == ["outcome", "factor", "kind", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(table) == 8 and set(table["outcome"]) == {"homicide_rate", "armed_group_members"}
    assert np.isfinite(table[["S1", "ST", "S1_conf", "ST_conf"]].to_numpy()).all()
    assert (table["S1_conf"] >= 0).all()
    assert set(table.loc[table["kind"] == "lever", "factor"]) == {"policy.decriminalization", "security.buy_in"}
    assert (out / "sobol.png").stat().st_size > 0 and (out / "sobol.svg").stat().st_size > 0
    page = (out / "report.html").read_text()
    assert "security.buy_in" in page
    assert_offline(page)
    for name in ("homicide_rate", "armed_group_members"):
        start = page.index(f'id="sensitivity-{name}"')
        chart = page[start:page.index("</script>", start)]
        assert has_figure(chart, f"chart-sensitivity-{name}") and "policy.decriminalization" in chart
    top = table[table["outcome"] == "homicide_rate"].sort_values("ST", ascending=False, kind="stable").iloc[0]
    headline = page[page.index('id="headline"'):page.index('id="sensitivity-')]
    assert f"Homicide rate in 2023: {spoken(top['factor'])} matters most, explaining about {top['S1']:.0%}" in headline
    assert f"and {top['ST']:.0%} with its interactions" in headline
    provenance = page[page.index('id="provenance"'):]
    meta = json.loads((store / "experiments" / "sensitivity-sobol" / "experiment.json").read_text())
    assert 'id="table-provenance"' in provenance and meta["base_scenario_sha256"] in provenance
    assert meta["fingerprint"] in provenance and 'id="table-sobol-indices"' in page
    # the stored runs are reused: the same indices without running again
    code, again, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(out))
    assert code == 0, err
    assert "0 runs now, 20 reused" in again
    assert pd.read_csv(out / "sobol.csv").equals(table)
    code, _, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(tmp_path / "one"),
                       "--outcome", "homicide_rate", "--outcome", "homicide_rate")  # given twice: analysed once
    assert code == 0, err
    assert pd.read_csv(tmp_path / "one" / "sobol.csv").equals(table[table["outcome"] == "homicide_rate"]
                                                               .reset_index(drop=True))
    if find_chromium() is not None:  # the PDF is printed from the same page
        code, _, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(out), "--pdf")
        assert code == 0, err
        assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_compiling_note_waits_for_the_checks_and_is_left_out_when_every_run_is_reused(cli, tmp_path, monkeypatch):
    """The note that the first simulation compiles the model is printed once the experiment's checks have passed and
    runs are to be done (the sweep's `starting`): not before a check refuses the experiment, nor when every run is
    reused from the store."""
    from totalpeace.engine import compiled_cache

    monkeypatch.setattr(compiled_cache, "needs_compiling", lambda: True)
    spec = shrink("sensitivity-sobol.toml", tmp_path, samples=2, replications=1, months=12)
    store, out = str(tmp_path / "store"), str(tmp_path / "sobol")
    code, stdout, err = cli("sensitivity", spec, "--store", store, "--workers", "1", "--out", out)
    assert code == 0 and "20 runs now, 0 reused" in stdout, err
    assert compiled_cache.COMPILING_NOTE in " ".join(err.split()) and "20/20 runs" in err  # the bar, once running
    code, stdout, err = cli("sensitivity", spec, "--store", store, "--workers", "1", "--out", out)
    assert code == 0 and "0 runs now, 20 reused" in stdout, err
    assert "compiles the model" not in err
    (tmp_path / "other").mkdir()
    changed = shrink("sensitivity-sobol.toml", tmp_path / "other", samples=2, replications=1, months=12, seed=8)
    code, _, err = cli("sensitivity", changed, "--store", store, "--workers", "1", "--out", out)
    assert code == 2 and "was started from a different spec" in err
    assert "compiles the model" not in err


def test_sensitivity_checks_outcome_and_year_before_any_run(cli, write, tmp_path):
    """A mistyped --outcome or a --year the runs do not reach is refused before any run, with one message naming the
    flag; the years are the stored experiment's when its runs are reused (its base scenario may have changed since),
    those the sweep will record otherwise (--replace: the stored experiment stays while the flag is wrong)."""
    from totalpeace.experiments import ResultsStore

    scenario = write("short.toml", 'extends = "colombia-2022"\nname = "short"\nmonths = 12\n')  # 2022-08..2023-07
    text = (EXAMPLES / "sensitivity-sobol.toml").read_text(encoding="utf-8")
    for key, value in {"scenario": '"short.toml"', "samples": 2, "replications": 1}.items():
        text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
    spec = str(write("sobol.toml", re.sub(r"^months = .*\n", "", text, flags=re.M)))  # the scenario's months
    store, out = tmp_path / "store", tmp_path / "sobol"
    for flag, needle in ((("--outcome", "homicide_rat"), "--outcome 'homicide_rat': not a metric of the experiment "
                                                         '(did you mean "homicide_rate"?) (metrics: homicides, '),
                         (("--year", "2024"), "--year 2024: the runs cover 2022..2023")):
        code, _, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(out), *flag)
        assert code == 2 and needle in " ".join(err.split()), err
        assert not ResultsStore(store).experiment_names() and not out.exists()  # nothing run, nothing written
    code, stdout, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(out),
                            "--year", "2022")
    assert code == 0 and "20 runs now" in stdout and "outcomes in 2022" in " ".join(stdout.split()), err
    scenario.write_text(scenario.read_text().replace("months = 12", "months = 24"))  # runs now reach 2024
    code, _, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(out),
                       "--year", "2024")  # the stored runs, reused, do not
    assert code == 2 and "--year 2024: the runs cover 2022..2023" in err, err
    code, _, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(out),
                       "--year", "2025", "--replace")  # the runs --replace would make do not either
    assert code == 2 and "--year 2025: the runs cover 2022..2024" in err, err
    assert len(ResultsStore(store).runs("sensitivity-sobol")) == 20  # still stored


def test_a_check_that_fails_in_the_sweep_leaves_no_empty_progress_bar(cli, write, tmp_path):
    """The bar starts with the first runs, as sweep's: a factor value the scenario refuses stops the command with its
    message alone."""
    text = (EXAMPLES / "sensitivity-sobol.toml").read_text(encoding="utf-8")
    spec = write("sobol.toml", text.replace("low = 0.4\nhigh = 0.9", "low = 0.4\nhigh = 1.5"))  # security.buy_in
    code, _, err = cli("sensitivity", str(spec), "--store", str(tmp_path / "store"), "--workers", "1", "--out",
                       str(tmp_path / "sobol"))
    assert code == 2 and "factor check (security.buy_in=" in err, err
    assert "sensitivity-sobol (sobol" not in err and "runs/s" not in err


def test_a_check_that_fails_leaves_no_new_output_folder(cli, write, tmp_path, monkeypatch):
    """sensitivity and sweep check their output folder for writing before any run but create it with the first file
    they write: a check that refuses the experiment after it (a factor value the scenario refuses, in run_sweep) leaves
    no new folder, --out or the default, nor the parents it lacked; neither do sensitivity's checks after the runs,
    nor a sweep whose every run failed (it writes no report). A folder that was there before stays, with what it
    holds; a location that cannot be written is still refused before any run."""
    import totalpeace.experiments.worker as worker
    from totalpeace.experiments import ResultsStore

    monkeypatch.chdir(tmp_path)  # the default folders: out/sensitivity-sobol, and sensitivity-sobol-sweep by the store
    text = (EXAMPLES / "sensitivity-sobol.toml").read_text(encoding="utf-8")
    refused = str(write("refused/sobol.toml", text.replace("low = 0.4\nhigh = 0.9", "low = 0.4\nhigh = 1.5")))
    kept, full = tmp_path / "kept", tmp_path / "full"
    kept.mkdir()
    full.mkdir()
    (full / "notes.txt").write_text("the user's")
    for command in ("sensitivity", "sweep"):
        for out in ([], ["--out", "new/nested/folder"], ["--out", str(kept)], ["--out", str(full)]):
            code, _, err = cli(command, refused, "--store", str(tmp_path / "store"), "--workers", "1", *out)
            assert code == 2 and "factor check (security.buy_in=" in err, (command, out, err)
        assert not (tmp_path / "out").exists() and not (tmp_path / "sensitivity-sobol-sweep").exists(), command
        assert not (tmp_path / "new").exists(), command
        assert kept.is_dir() and not any(kept.iterdir()), command
        assert [p.name for p in full.iterdir()] == ["notes.txt"] and (full / "notes.txt").read_text() == "the user's"
    spec = shrink("sensitivity-sobol.toml", tmp_path, samples=2, replications=1, months=12)
    for command in ("sensitivity", "sweep"):
        code, _, err = cli(command, spec, "--store", str(tmp_path / "store"), "--workers", "1", "--out",
                           "/proc/totalpeace-out")
        assert code == 2 and "--out /proc/totalpeace-out: cannot write there" in err, err
    assert not ResultsStore(tmp_path / "store").experiment_names()  # refused before any run

    def fails(*args, **kwargs):
        raise ValueError("every run fails")

    monkeypatch.setattr(worker, "simulate", fails)  # sensitivity's own check after the runs, sweep's failed runs
    code, _, err = cli("sensitivity", spec, "--store", str(tmp_path / "store"), "--workers", "1", "--out", "after")
    assert code == 2 and "have no successful run" in err and not (tmp_path / "after").exists(), err
    code, _, err = cli("sweep", spec, "--store", str(tmp_path / "store"), "--workers", "1", "--resume")
    assert code == 1 and "No report written" in err and not (tmp_path / "sensitivity-sobol-sweep").exists(), err


def test_morris_then_discover_on_the_store(cli, tmp_path):
    # 6 factors, 2 trajectories: 2 x 7 = 14 points, one 12-month run each
    spec = shrink("sensitivity-morris.toml", tmp_path, samples=2, replications=1, months=12)
    store, out = tmp_path / "store", tmp_path / "morris"
    code, stdout, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(out))
    assert code == 0, err
    assert "Morris elementary effects" in stdout
    table = pd.read_csv(out / "morris.csv")
    assert len(table) == 18 and (table["mu_star"] >= 0).all() and (table["mu_star_conf"] >= 0).all()
    assert set(table["direction"]) <= {"raises", "lowers", "both ways", "no effect"}
    top = table[table["outcome"] == "homicide_rate"].sort_values("mu_star", ascending=False, kind="stable").iloc[0]
    way = {"raises": "raises it", "lowers": "lowers it", "both ways": "moves it"}[top["direction"]]
    said = " ".join(stdout.split())  # a factor with listed values is switched, one with a range moved
    assert any(f"Homicide rate in 2023: {spoken(top['factor'])} matters most: {move} it" in said
               for move in ("moving", "switching"))
    assert way in " ".join(stdout.split()) and "e+0" not in stdout  # readable numbers, never 1.46e+04
    assert (out / "morris.png").exists()

    frame = pd.read_parquet(store / "experiments" / "sensitivity-morris" / "points.parquet")
    assert len(frame) == 14
    runs = pd.concat(pd.read_parquet(p / "yearly.parquet") for p in
                     (store / "experiments" / "sensitivity-morris" / "parts").iterdir())
    rates = runs[(runs["metric"] == "homicide_rate") & (runs["year"] == 2023)]["value"]
    threshold = float(np.median(rates))
    code, stdout, err = cli("discover", str(store), "--outcome", "homicide_rate", "--threshold", str(threshold),
                            "--mass-min", "0.2", "--out", str(tmp_path / "discover"))
    assert code == 0, err
    trajectory = pd.read_csv(tmp_path / "discover" / "trajectory.csv")
    assert trajectory.loc[0, "coverage"] == 1.0
    assert trajectory.loc[0, "density"] == pytest.approx((rates > threshold).mean())
    assert trajectory["mass"].iloc[-1] >= 0.2
    assert f"{(rates > threshold).sum()} (" in stdout and "Box " in stdout
    assert (tmp_path / "discover" / "prim.svg").exists()
    assert "Peeling trajectory" in (tmp_path / "discover" / "report.html").read_text()
    # a density target no box reaches is said so, on the terminal and in the report
    code, stdout, err = cli("discover", str(store), "--outcome", "homicide_rate", "--threshold", str(threshold),
                            "--mass-min", "0.2", "--min-density", "1.0", "--out", str(tmp_path / "discover-strict"))
    chosen = pd.read_csv(tmp_path / "discover-strict" / "trajectory.csv")["density"].max()
    if chosen < 1.0:
        assert "warning: No box on the peeling trajectory reaches the density target 1" in " ".join(stdout.split())
        assert "Warning: No box" in (tmp_path / "discover-strict" / "report.html").read_text()


def test_discover_checks_outcome_and_year_before_reading_the_store_as_sensitivity_does(cli, tmp_path, monkeypatch):
    """From a results store, a mistyped --outcome or a --year the runs do not reach is refused before any run is read
    and before the output folder is created, with one message naming the flag, word for word the one sensitivity
    gives for the same experiment (the checks search makes too); a year the runs cover is the one read."""
    from totalpeace.experiments import ResultsStore

    monkeypatch.chdir(tmp_path)  # sensitivity's default output folder, were it created
    # 6 factors, 2 trajectories: 14 points, one 6-month run each (2022-08..2023-01)
    spec = shrink("sensitivity-morris.toml", tmp_path, samples=2, replications=1, months=6)
    store, out = tmp_path / "store", tmp_path / "discover"
    code, _, err = cli("sensitivity", spec, "--store", str(store), "--workers", "1", "--out", str(tmp_path / "m"))
    assert code == 0, err
    rates = ResultsStore(store).experiments_frame("sensitivity-morris", ["homicide_rate"], year=2022)["homicide_rate"]
    threshold = float(np.median(rates))
    code, _, err = cli("discover", str(store), "--outcome", "homicide_rate", "--threshold", str(threshold), "--year",
                       "2022", "--mass-min", "0.2", "--out", str(out))
    assert code == 0, err
    assert pd.read_csv(out / "trajectory.csv").loc[0, "density"] == pytest.approx((rates > threshold).mean())

    def unread(*args, **kwargs):
        raise AssertionError("the runs were read before the flags were checked")

    monkeypatch.setattr(ResultsStore, "experiments_frame", unread)
    for flags, said in (
            (["--outcome", "homicide_rat"], "error: --outcome 'homicide_rat': not a metric of the experiment (did you "
                                            'mean "homicide_rate"?) (metrics: homicides, '),
            (["--outcome", "homicide_rate", "--year", "2024"], "error: --year 2024: the runs cover 2022..2023")):
        for experiment in ([], ["--experiment", "sensitivity-morris"]):
            code, _, err = cli("discover", str(store), *flags, "--threshold", "20", *experiment, "--out",
                               str(tmp_path / "new" / "d"))
            assert code == 2 and " ".join(err.split()).startswith(said), err
            assert not (tmp_path / "new").exists()
        code, _, same = cli("sensitivity", spec, "--store", str(store), "--workers", "1", *flags[-2:])
        assert code == 2 and " ".join(same.split()) == " ".join(err.split()), (same, err)


def test_search_example_is_reproducible_and_reports_the_pareto_set(cli, tmp_path):
    spec = shrink("search-policy.toml", tmp_path, samples=1, replications=1, months=12)
    outputs = []
    for attempt in ("a", "b"):
        out = tmp_path / attempt
        code, stdout, err = cli("search", spec, "--trials", "4", "--workers", "1", "--out", str(out))
        assert code == 0, err
        assert "Pareto set" in stdout
        assert "4 trials and the current policy x 1 runs" in err and "5/5 runs" in err  # the bar counts every run
        outputs.append(pd.read_csv(out / "trials.csv"))
    trials = outputs[0]
    assert trials.equals(outputs[1])
    assert len(trials) == 4
    assert trials["policy.ceasefires.0.months"].between(3, 24).all()
    assert set(trials["policy.talks.mode"]) <= {"simultaneous", "phased"}
    pareto = pd.read_csv(tmp_path / "a" / "pareto.csv")
    objectives = trials[["homicide_rate", "armed_group_members"]].to_numpy()
    assert set(pareto["trial"]) <= set(trials.loc[pareto_mask(objectives), "trial"])
    assert len(pareto) >= 1
    assert (tmp_path / "a" / "pareto.png").exists()
    page = (tmp_path / "a" / "report.html").read_text()
    assert "Pareto set" in page and "The current policy (" in page and 'id="table-current-policy"' in page
    assert "The current policy (" in " ".join(stdout.split())


def test_discover_on_a_csv_table(cli, tmp_path):
    rng = np.random.default_rng(1)
    n = 800
    table = pd.DataFrame({"run": np.arange(n), "policy.decriminalization": rng.uniform(size=n),
                          "security.buy_in": rng.uniform(0.4, 0.9, size=n),
                          "policy.talks.mode": rng.choice(["simultaneous", "phased"], size=n)})
    bad = (table["security.buy_in"] < 0.55) & (table["policy.talks.mode"] == "simultaneous")
    table["homicide_rate"] = np.where(bad, 40.0, 25.0) + rng.normal(0, 1, size=n)
    table["armed_group_members"] = 17000.0  # another outcome: not an input
    path = tmp_path / "experiments.csv"
    table.to_csv(path, index=False)
    code, stdout, err = cli("discover", str(path), "--outcome", "homicide_rate", "--threshold", "32",
                            "--min-density", "0.95", "--out", str(tmp_path / "d"))
    assert code == 0, err
    assert "inputs: policy.decriminalization, security.buy_in, policy.talks.mode" in " ".join(stdout.split())
    box = pd.read_csv(tmp_path / "d" / "box.csv").set_index("input")
    assert set(box.index) == {"security.buy_in", "policy.talks.mode"}
    assert box.loc["security.buy_in", "high"] == pytest.approx(0.55, abs=0.02)
    assert box.loc["policy.talks.mode", "values"] == "simultaneous"
    table.to_parquet(tmp_path / "experiments.parquet")
    code, _, err = cli("discover", str(tmp_path / "experiments.parquet"), "--outcome", "homicide_rate",
                           "--threshold", "32", "--min-density", "0.95", "--out", str(tmp_path / "p"))
    assert code == 0, err
    assert pd.read_csv(tmp_path / "p" / "box.csv").equals(pd.read_csv(tmp_path / "d" / "box.csv"))


@pytest.mark.parametrize(("args", "needle"), [
    (("discover", "missing.csv", "--outcome", "homicide_rate", "--threshold", "1"), "no such file"),
    (("discover", "{table}", "--outcome", "homicides", "--threshold", "1"), "--outcome 'homicides': no such column"),
    (("discover", "{table}", "--outcome", "homicide_rate", "--threshold", "99"), "no run is a case of interest"),
    (("discover", "{table}", "--outcome", "homicide_rate", "--threshold", "nan"), "--threshold nan: not a finite"),
    (("discover", "{twice}", "--outcome", "homicide_rate", "--threshold", "25"), "column 'x' appears more than once"),
    (("discover", "{table}", "--outcome", "homicide_rate", "--threshold", "25", "--input", "homicide_rate"),
     "--input 'homicide_rate': the outcome itself"),
    (("discover", "{table}", "--outcome", "homicide_rate", "--threshold", "-inf", "--below"),
     "--threshold -inf: not a finite"),
    (("discover", "{table}", "--outcome", "homicide_rate", "--threshold", "1", "--input", "nope"),
     "--input 'nope'"),
    (("discover", "{table}", "--outcome", "homicide_rate", "--threshold", "1", "--year", "2023"),
     "apply to a results store"),
    (("discover", "{table}", "--outcome", "homicide_rate", "--threshold", "25", "--box", "99"),
     "--box 99: the trajectory has steps 0.."),
    (("sensitivity", str(EXAMPLES / "sweep-talks-lhs.toml")), 'sensitivity needs design = "sobol" or "morris"'),
    (("search", str(EXAMPLES / "search-policy.toml"), "--maximize", "coca_ha"), "--maximize 'coca_ha'"),
    (("search", str(EXAMPLES / "search-policy.toml"), "--year", "1990"), "--year 1990: the runs cover 2022..2024"),
])
def test_bad_input_exits_2_with_one_message(cli, tmp_path, args, needle):
    """One message, and no output folder: the commands check --out for writing before their work but create it with
    their first file, so a check on the way (after the peeling, at --year) leaves none."""
    table = tmp_path / "t.csv"
    pd.DataFrame({"x": [0.1, 0.5, 0.9], "homicide_rate": [20.0, 30.0, 40.0]}).to_csv(table, index=False)
    (tmp_path / "twice.csv").write_text("x,homicide_rate,x\n0.1,20,1\n0.5,30,2\n0.9,40,3\n")
    code, _, err = cli(*[a.replace("{table}", str(table)).replace("{twice}", str(tmp_path / "twice.csv"))
                         for a in args], "--out", str(tmp_path / "o"))
    assert code == 2
    assert needle in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_an_input_given_twice_is_one_input(cli, tmp_path):
    table = tmp_path / "t.csv"
    pd.DataFrame({"x": [0.1, 0.5, 0.9, 0.2, 0.7], "y": [1, 2, 3, 1, 2],
                  "homicide_rate": [20.0, 30.0, 40.0, 25.0, 35.0]}).to_csv(table, index=False)
    code, _, err = cli("discover", str(table), "--outcome", "homicide_rate", "--threshold", "28", "--input", "x",
                       "--input", "x", "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert pd.read_csv(tmp_path / "o" / "box.csv").iloc[:, 0].tolist() == ["x"]


def test_order_slots_make_a_permutation_of_the_base_order():
    base = load_scenario("colombia-2022")
    order = list(base.policy.talks.order)
    moved = apply_order_slots({"policy.talks.order.0": "emc", "policy.decriminalization": 0.5}, base)
    assert moved["policy.decriminalization"] == 0.5
    assert moved["policy.talks.order"] == ["emc", *[g for g in order if g != "emc"]]
    same = apply_order_slots({"policy.talks.order.0": "eln", "policy.talks.order.1": "eln"}, base)
    assert same["policy.talks.order"] == order
