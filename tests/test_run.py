"""`totalpeace run` and the summary.json contract (DESIGN.md section 4)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from totalpeace import load_scenario, simulate
from totalpeace.engine.results import REQUIRED

MONTHS = 14  # Aug 2022 - Sep 2023: one partial and one more partial calendar year


@pytest.fixture(scope="module")
def small_results():
    return simulate(load_scenario("colombia-2022"), runs=12, seed=5, months=MONTHS)


def test_run_writes_everything(cli, tmp_path):
    out = tmp_path / "run"
    code, stdout, err = cli("run", "colombia-2022", "--runs", "8", "--seed", "1", "--months", str(MONTHS),
                            "--out", str(out))
    assert code == 0, err
    assert "Homicide rate (per 100,000 a year)" in stdout and "Groups: members" in stdout
    summary = json.loads((out / "summary.json").read_text())
    for key in ("scenario", "scenario_sha256", "version", "seed", "runs", "start", "months", "metrics", "groups",
                "policy"):
        assert key in summary
    assert (summary["scenario"], summary["runs"], summary["seed"], summary["start"]) == ("colombia-2022", 8, 1,
                                                                                        "2022-08")
    for metric in REQUIRED:
        assert set(summary["metrics"][metric]) == {"2022", "2023"}
        for stat in summary["metrics"][metric]["2023"].values():
            assert np.isfinite(stat)
    assert summary["groups"]["eln"]["members"]["2022"]["p10"] <= summary["groups"]["eln"]["members"]["2022"]["p90"]
    frame = pd.read_parquet(out / "results.parquet")
    assert set(frame["run"]) == set(range(8)) and frame["month"].nunique() == MONTHS
    report = (out / "report.html").read_text()
    assert 'id="headline"' in report and 'id="provenance"' in report and "http" not in report.split("<h2")[0]
    for metric in REQUIRED:
        assert f'id="chart-{metric}"' in report
    assert 'id="chart-members"' in report and 'id="chart-talks"' in report


def test_flows_are_summed_and_scaled_stocks_take_year_end(small_results):
    summary = small_results.summary()
    homicides = small_results.national["homicides"]
    aug_dec = homicides[:, :5].sum(axis=1) * 12 / 5  # 2022 has five simulated months
    assert summary["metrics"]["homicides"]["2022"]["mean"] == pytest.approx(aug_dec.mean())
    members = small_results.national["armed_group_members"]
    assert summary["metrics"]["armed_group_members"]["2022"]["p50"] == pytest.approx(np.median(members[:, 4]))


def test_results_are_reproducible_and_independent_of_batching():
    scenario = load_scenario("colombia-2022")
    a = simulate(scenario, runs=9, seed=11, months=8)
    b = simulate(scenario, runs=9, seed=11, months=8, batch_size=2)
    c = simulate(scenario, runs=9, seed=12, months=8)
    for key in a.national:
        assert np.array_equal(a.national[key], b.national[key])
    assert not np.array_equal(a.national["homicides"], c.national["homicides"])
    assert a.summary() == b.summary()


def test_run_ids_are_addressable():
    """Run 5 of an ensemble equals run 5 computed alone (first_run), whatever else is in the batch."""
    scenario = load_scenario("colombia-2022")
    full = simulate(scenario, runs=8, seed=3, months=6)
    alone = simulate(scenario, runs=1, seed=3, months=6, first_run=5)
    assert np.array_equal(full.national["homicides"][5], alone.national["homicides"][0])


def test_two_workers_give_the_same_results(cli, tmp_path):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        code, _, err = cli("run", "colombia-2022", "--runs", "6", "--months", "4", "--workers", workers,
                           "--out", str(out), "--no-report")
        assert code == 0, err
        outs.append(json.loads((out / "summary.json").read_text()))
    assert outs[0] == outs[1]


@pytest.mark.parametrize(("args", "expected"), [
    (["--runs", "0"], "Invalid value for '--runs'"),
    (["--months", "0"], "Invalid value for '--months'"),
    (["--seed", "-1"], "Invalid value for '--seed'"),
    (["--out", "/proc/forbidden"], "cannot write there"),
])
def test_bad_run_flags(cli, args, expected):
    code, _, err = cli("run", "colombia-2022", *args)
    assert code == 2, err
    assert expected in " ".join(err.split())


def test_run_without_report_leaves_no_stale_report(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("run", "colombia-2022", "--runs", "2", "--months", "2", "--out", str(out))[0] == 0
    (out / "report.pdf").write_text("an earlier --pdf")
    code, _, err = cli("run", "colombia-2022", "--runs", "2", "--months", "3", "--out", str(out), "--no-report")
    assert code == 0, err
    assert not (out / "report.html").exists() and not (out / "report.pdf").exists()
    assert json.loads((out / "summary.json").read_text())["months"] == 3


def test_run_removes_every_report_of_the_shared_list(cli, tmp_path, monkeypatch):
    """`run` removes the same earlier reports as the other commands (commands.reports.REPORTS): a report file added
    there is not left behind by `run` alone, describing other results."""
    from totalpeace.commands import reports

    monkeypatch.setattr(reports, "REPORTS", (*reports.REPORTS, "report.extra"))
    out = tmp_path / "run"
    out.mkdir()
    for name in reports.REPORTS:
        (out / name).write_text("an earlier run's")
    code, _, err = cli("run", "colombia-2022", "--runs", "2", "--months", "2", "--out", str(out), "--no-report")
    assert code == 0, err
    assert [name for name in reports.REPORTS if (out / name).exists()] == []
    assert (out / "summary.json").is_file()


class Interrupted(BaseException):
    """Stands for a kill: nothing after it runs."""


def test_save_is_whole_or_leaves_no_summary(small_results, tmp_path, monkeypatch):
    import os

    import totalpeace.engine.results as results_module

    out = tmp_path / "saved"
    small_results.save(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"summary.json", "results.parquet", "territories.parquet", "audit.parquet"}
    other = simulate(load_scenario("colombia-2022"), runs=3, seed=6, months=4)

    def fails_writing_territories(self, *args, **kwargs):
        raise Interrupted
    with monkeypatch.context() as patch:  # killed while writing the files: the earlier files stay as they were
        patch.setattr(type(other), "territory_frame", fails_writing_territories)
        with pytest.raises(Interrupted):
            other.save(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    real_replace, calls = os.replace, []

    def killed_at_the_second_rename(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise Interrupted
        real_replace(src, dst)
    with monkeypatch.context() as patch:  # killed between renames: no summary.json pairs files of two ensembles
        patch.setattr(results_module.os, "replace", killed_at_the_second_rename)
        with pytest.raises(Interrupted):
            other.save(out)
    assert sorted(p.name for p in out.iterdir()) == ["audit.parquet", "results.parquet", "territories.parquet"]
    other.save(out)
    assert json.loads((out / "summary.json").read_text())["runs"] == 3
    assert sorted(p.name for p in out.iterdir()) == ["audit.parquet", "results.parquet", "summary.json",
                                                   "territories.parquet"]
