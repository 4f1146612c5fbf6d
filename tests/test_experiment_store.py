"""The results store: one record per run, per-run yearly/monthly values equal to the engine's, SQL, resume rules."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest

from totalpeace import load_scenario, simulate
from totalpeace.engine.results import FLOWS, STOCKS
from totalpeace.errors import InputError
from totalpeace.experiments import LocalExecutor, ResultsStore, parse_spec, run_sweep

SPEC = {"name": "store-test", "scenario": "colombia-2022", "design": "full_factorial", "replications": 2,
        "seed": 3, "months": 14, "outcomes": ["homicide_rate", "armed_group_members"],
        "levers": {"policy.talks.mode": {"values": ["simultaneous", "phased"]}},
        "uncertainties": {"security.buy_in": {"values": [0.5, 0.8]}}}


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    path = tmp_path_factory.mktemp("store")
    spec = parse_spec(SPEC)
    report = run_sweep(spec, path, LocalExecutor(1), chunk=3)
    return ResultsStore(path), spec, report


def test_one_record_per_run(swept):
    store, _, report = swept
    assert (report.points, report.runs_total, report.runs_new, report.failed) == (4, 8, 8, 0)
    runs = store.runs("store-test")
    assert len(runs) == 8 and not runs.duplicated(["point", "run"]).any()
    assert set(map(tuple, runs[["point", "run"]].to_numpy())) == {(p, r) for p in range(4) for r in range(2)}
    assert (runs["seed"] == 3).all() and (runs["status"] == "ok").all() and runs["error"].isna().all()
    from totalpeace.codeversion import code_version
    assert (runs["version"] == code_version()).all()
    points = store.points("store-test")
    for row in runs.itertuples():
        params = json.loads(row.parameters)
        point = points.set_index("point").loc[row.point]
        assert params == {"policy.talks.mode": point["policy.talks.mode"], "security.buy_in": point["security.buy_in"]}
    # the scenario hash is the resolved point's, so points differ and runs of a point agree
    assert runs.groupby("point")["scenario_sha256"].nunique().eq(1).all()
    assert runs["scenario_sha256"].nunique() == 4


def test_stored_values_are_the_engines(swept):
    store, _, _ = swept
    point = store.points("store-test").iloc[3]
    scenario = load_scenario("colombia-2022", {"policy.talks.mode": point["policy.talks.mode"],
                                               "security.buy_in": float(point["security.buy_in"])})
    direct = simulate(scenario, runs=2, seed=3, months=14)
    yearly = store.query("SELECT run, year, metric, value FROM yearly WHERE point = 3")
    national = {m for m in yearly["metric"] if ":" not in m}
    assert national == set(FLOWS) | set(STOCKS) and set(yearly["year"]) == {2022, 2023}
    # and, for every negotiation table, whether it has signed, been ratified or broken down by each year's end
    tables = direct.tables
    kinds = ("table_signed", "table_ratified", "table_broken_down", "table_reason")
    assert set(yearly["metric"]) - national == {f"{k}:{gid}" for k in kinds for gid in tables.groups}
    eln = tables.index("eln")
    ever_signed = (tables.phase[:, :, eln] == 5).cumsum(axis=1) > 0  # final agreement reached by the month
    last_2023 = direct.months - 1  # the run ends in 2023-09
    got = yearly[(yearly.metric == "table_signed:eln") & (yearly.year == 2023)].sort_values("run")["value"]
    np.testing.assert_array_equal(got.to_numpy(), ever_signed[:, last_2023].astype(float))
    for name in ("homicide_rate", "armed_group_members", "state_control_share", "combat_deaths"):
        for year, per_run in direct.yearly(direct.national[name], flow=name in FLOWS).items():
            got = yearly[(yearly.metric == name) & (yearly.year == year)].sort_values("run")["value"].to_numpy()
            np.testing.assert_array_equal(got, per_run)
    monthly = store.query("SELECT run, month, value FROM monthly WHERE point = 3 AND metric = 'homicide_rate' "
                          "ORDER BY run, month")
    np.testing.assert_array_equal(monthly["value"].to_numpy(), direct.national["homicide_rate"].reshape(-1))
    assert set(store.query("SELECT DISTINCT metric FROM monthly")["metric"]) == {"homicide_rate",
                                                                                   "armed_group_members"}
    assert store.points("store-test", unit=True).filter(like="unit:").shape[1] == 2


def test_experiments_frame_and_summary(swept):
    store, _, _ = swept
    frame = store.experiments_frame("store-test", ["homicide_rate"], year=2023)
    assert list(frame.columns) == ["point", "run", "policy.talks.mode", "security.buy_in", "homicide_rate"]
    assert len(frame) == 8 and frame["homicide_rate"].notna().all()
    default = store.experiments_frame()  # the only experiment, its outcomes, the last year
    assert list(default.columns[-2:]) == ["homicide_rate", "armed_group_members"]
    np.testing.assert_array_equal(default["homicide_rate"], frame["homicide_rate"])
    summary = store.query("SELECT * FROM summary WHERE metric = 'homicide_rate' AND year = 2023 ORDER BY point")
    means = frame.groupby("point")["homicide_rate"].mean().to_numpy()
    np.testing.assert_allclose(summary["mean"], means)
    assert (summary["runs"] == 2).all()
    with pytest.raises(InputError, match=r"covers 2022\.\.2023"):
        store.experiments_frame("store-test", year=2030)
    with pytest.raises(InputError, match="no experiment named 'nope'"):
        store.points("nope")
    with pytest.raises(InputError, match="query:"):
        store.query("SELECT nothing FROM nowhere")
    experiments = store.experiments()
    assert experiments.loc[0, "points"] == 4 and experiments.loc[0, "design"] == "full_factorial"


def test_views_sql_works_in_duckdb_itself(swept, monkeypatch):
    store, _, _ = swept
    monkeypatch.chdir(store.path)  # the views use paths relative to the store, as `cd STORE && duckdb -init`
    con = duckdb.connect()
    con.execute((store.path / "views.sql").read_text())
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 8
    assert con.execute("SELECT count(DISTINCT point) FROM summary").fetchone()[0] == 4


def test_rerun_needs_resume_or_replace_and_resume_needs_the_same_spec(swept):
    store, spec, _ = swept
    with pytest.raises(InputError, match="--resume"):
        run_sweep(spec, store, LocalExecutor(1))
    report = run_sweep(spec, store, LocalExecutor(1), resume=True)
    assert (report.runs_before, report.runs_new) == (8, 0)
    changed = parse_spec({**SPEC, "replications": 3})
    with pytest.raises(InputError, match="different spec"):
        run_sweep(changed, store, LocalExecutor(1), resume=True)
    assert len(store.runs("store-test")) == 8


def test_query_command(cli, swept):
    store, _, _ = swept
    code, out, err = cli("query", "SELECT point, count(*) AS n FROM runs GROUP BY point ORDER BY point",
                         "--store", str(store.path))
    assert code == 0, err
    assert "4 rows" in out and "point" in out
    code, _, err = cli("query", "SELECT * FROM missing_table", "--store", str(store.path))
    assert code == 2 and "query:" in err and "Traceback" not in err


def test_point_scenarios_equal_load_scenario_with_the_same_overrides():
    from totalpeace.experiments.sweep import PointResolver, resolve_point

    spec = parse_spec({**SPEC, "set": ["policy.substitution=0.3"],
                       "levers": {**SPEC["levers"], "policy.ceasefires.0.months": {"values": [6, 18]}}})
    resolve = PointResolver(spec)
    overrides = {"policy.talks.mode": "phased", "security.buy_in": 0.8, "policy.ceasefires.0.months": 18}
    expected = load_scenario("colombia-2022", ["policy.substitution=0.3", "policy.talks.mode=phased",
                                               "security.buy_in=0.8", "policy.ceasefires.0.months=18"])
    assert resolve(overrides, 1).model_dump() == expected.model_dump()
    assert resolve_point(spec, overrides, 1).model_dump() == expected.model_dump()
    with pytest.raises(InputError, match=r"design point 4 \(security.buy_in=1.2\): security.buy_in: .*less than"):
        resolve({"security.buy_in": 1.2}, 4)


def test_a_failing_unit_is_recorded_not_raised():
    from totalpeace.experiments.worker import Task, Unit, run_task

    task = Task("t", seed=1, months=12, outcomes=["homicide_rate"], monthly=True,
                units=[Unit(point=0, first_run=0, runs=2, scenario={"name": "broken"}, parameters={"x": 1})])
    result = run_task(task)
    runs = result.tables["runs"].to_pandas()
    assert (result.runs, result.failed) == (2, 2)
    assert list(runs["status"]) == ["failed", "failed"] and runs["error"].str.contains("ValidationError").all()
    assert result.tables["yearly"].num_rows == 0 and result.tables["monthly"].num_rows == 0


def test_query_csv(cli, swept, tmp_path):
    store, _, _ = swept
    out = tmp_path / "q.csv"
    code, _, err = cli("query", "SELECT point, run FROM runs ORDER BY point, run", "--store", str(store.path),
                       "--csv", str(out), "--limit", "2")
    assert code == 0, err
    assert out.read_text().splitlines() == ["point,run", *[f"{p},{r}" for p in range(4) for r in range(2)]]
    code, _, err = cli("query", "SELECT 1", "--store", str(tmp_path / "nothing"))
    assert code == 2 and "no results store there" in err


def test_one_writer_per_experiment(swept):
    store, spec, _ = swept
    with store.lock("store-test"), pytest.raises(InputError, match="being written by another process"):
        run_sweep(spec, store, LocalExecutor(1), replace=True)
    assert len(store.runs("store-test")) == 8  # --replace did not delete what another writer holds


def test_glob_characters_in_the_store_path_name_that_folder_only(swept, cli, tmp_path):
    """`br[ab]` is a folder name, not a pattern: it must not read its neighbour `bra`; a backslash is a character."""
    store, _, _ = swept
    import shutil

    shutil.copytree(store.path, tmp_path / "bra")  # the neighbour, 8 runs
    small = parse_spec({**SPEC, "name": "other", "replications": 1, "months": 2,
                        "uncertainties": {"security.buy_in": {"values": [0.5]}}})
    for name in ("br[ab]", "b\\x", "st*re?", "a'b"):
        path = tmp_path / name
        run_sweep(small, path, LocalExecutor(1))
        code, out, err = cli("query", "SELECT experiment, count(*) AS n FROM runs GROUP BY ALL", "--store", str(path))
        assert code == 0, err
        assert "other" in out and "store-test" not in out and "1 row" in out, name
        assert ResultsStore(path).experiments()["experiment"].tolist() == ["other"]
        assert len(ResultsStore(path).experiments_frame("other")) == 2


def test_query_reads_the_store_views_and_no_file(swept, cli, tmp_path):
    store, _, _ = swept
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    target = tmp_path / "written.csv"
    for sql in (f"SELECT * FROM read_csv('{secret}')", f"SELECT * FROM '{secret}'",
                f"COPY (SELECT * FROM runs) TO '{target}'", f"ATTACH '{tmp_path / 'db.duckdb'}' AS x",
                "SET enable_external_access = true", "INSTALL httpfs",
                f"SELECT * FROM read_parquet('{store.path}/experiments/*/parts/*/runs.parquet')"):
        code, _, err = cli("query", sql, "--store", str(store.path))
        assert code == 2 and "Traceback" not in err, (sql, err)
    assert not target.exists() and not (tmp_path / "db.duckdb").exists()
    code, _, err = cli("query", f"COPY (SELECT 1) TO '{target}'", "--store", str(store.path))
    assert "cannot read or write files (save a result with --csv)" in " ".join(err.split())
    for empty in ("", "   ", "\n"):
        code, _, err = cli("query", empty, "--store", str(store.path))
        assert code == 2 and "the SQL is empty" in err
