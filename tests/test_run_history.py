"""A run of a historical scenario is checked against its history (validation/history.py): the catalogue's patterns
that read the scenario, scored on the run's own ensemble, in the terminal, history.csv and the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from totalpeace import load_scenario, simulate
from totalpeace.validation.history import history_checks, patterns_for
from totalpeace.validation.outputs import Outputs
from totalpeace.validation.pattern_runs import pattern_values
from totalpeace.validation.patterns import load_observations


@pytest.fixture(scope="module")
def checked():
    scenario = load_scenario("colombia-2017")
    results = simulate(scenario, runs=4, seed=3)
    return scenario, results, history_checks(results, scenario)


def test_every_pattern_of_the_scenario_is_scored_or_left_out_with_a_reason(checked) -> None:
    _, _, checks = checked
    wanted = {p.id for p in patterns_for("colombia-2017")}
    scored = set(checks.table["pattern"])
    left = {ident for ident, _ in checks.left_out}
    assert scored | left == wanted and not scored & left
    assert "eln-venezuela-response" in left  # a paired variant: validate runs it, not run
    assert all(reason for _, reason in checks.left_out)
    assert len(scored) >= 8


def test_the_shares_are_those_of_the_runs(checked) -> None:
    scenario, results, checks = checked
    outputs = Outputs.from_results(results, {gid: g.members for gid, g in scenario.groups.items()})
    observations = load_observations()
    for pattern in patterns_for("colombia-2017"):
        row = checks.table[checks.table["pattern"] == pattern.id]
        if row.empty:
            continue
        values = pattern_values(pattern, {"colombia-2017": outputs})
        expected = pattern.criterion_for(observations[pattern.observation]).holds(values).mean()
        assert row["share"].iloc[0] == pytest.approx(expected)
        assert row["status"].iloc[0] == ("reproduced" if expected >= 0.5 else "not reproduced")
        low, high = row["share_low"].iloc[0], row["share_high"].iloc[0]
        assert 0 <= low <= expected <= high <= 1 and high - low > 0.2  # four runs settle little
        assert row["settled"].iloc[0] == (low >= 0.5 or high < 0.5)


def test_a_scenario_no_pattern_reads_has_no_history_checks() -> None:
    scenario = load_scenario("colombia-2012", overrides=["name=another-process"])  # the catalogue reads names
    assert history_checks(simulate(scenario, runs=2, seed=1, months=3), scenario) is None


def test_the_flagship_is_checked_where_it_starts() -> None:
    """The flagship's start checks need its first twelve months: a shorter run leaves them out and says why."""
    scenario = load_scenario("colombia-2022")
    short = history_checks(simulate(scenario, runs=2, seed=1, months=3), scenario)
    assert short.table.empty and all("outside the run" in reason for _, reason in short.left_out)
    full = history_checks(simulate(scenario, runs=2, seed=1, months=12), scenario)
    assert set(full.table["pattern"]) == {"start-leaders", "start-massacres", "start-displacement",
                                          "start-confinement"}
    municipal = load_scenario("colombia-2022-municipal")  # the same start at another resolution: the same checks
    checks = history_checks(simulate(municipal, runs=2, seed=1, months=12), municipal)
    assert set(checks.table["pattern"]) == set(full.table["pattern"])
    assert set(checks.table["scenario"]) == {"colombia-2022-municipal"}


def test_a_run_shorter_than_its_patterns_leaves_them_out_and_says_why() -> None:
    scenario = load_scenario("colombia-2017")
    checks = history_checks(simulate(scenario, runs=2, seed=1, months=6), scenario)  # Sep 2017 - Feb 2018
    reasons = dict(checks.left_out)
    for ident in ("dissidents-armed-2020", "clan-del-golfo-2021", "eln-2020", "leaders-killed-level"):
        assert "outside the run" in reasons[ident] and ident not in set(checks.table["pattern"])


def test_the_checks_say_which_parameter_values_the_runs_used(checked) -> None:
    """A historical scenario names no calibration, so its runs use the registry defaults while `validate` scores the
    same patterns on a posterior: the table says which, and where it was run with a calibration, which one."""
    scenario, results, checks = checked
    assert scenario.parameters.calibration is None
    assert "it names no calibration" in checks.parameters
    assert "--set parameters.calibration=colombia-patterns" in checks.parameters
    calibrated = load_scenario("colombia-2017", overrides=["parameters.calibration=colombia-patterns"])
    assert history_checks(results, calibrated).parameters == "with the colombia-patterns calibration's parameters"


def test_run_prints_writes_and_reports_the_history_checks(cli, tmp_path) -> None:
    code, out, err = cli("run", "colombia-2017", "--runs", "3", "--seed", "2", "--out", str(tmp_path))
    assert code == 0, err
    assert "Against history: colombia-2017" in out and "dissidents-armed-2020" in out
    assert "it names no calibration" in " ".join(out.split())  # the terminal wraps the title
    frame = pd.read_csv(tmp_path / "history.csv")
    assert set(frame["pattern"]) <= {p.id for p in patterns_for("colombia-2017")}
    assert np.all((frame["share"] >= 0) & (frame["share"] <= 1))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="history"' in page and 'id="table-history"' in page and 'href="#history"' in page
    assert "at the scenario&#x27;s own parameter values" in page
