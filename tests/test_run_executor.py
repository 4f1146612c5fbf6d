"""`run --executor`: the same chunks merged the same way, so local processes and a Dask cluster agree bit for bit."""

from __future__ import annotations

import json

import pandas as pd

from totalpeace import load_scenario, simulate
from totalpeace.experiments import LocalExecutor
from totalpeace.experiments.ensemble import simulate_on

ARGS = ("run", "colombia-2022", "--runs", "5", "--months", "4", "--seed", "8", "--no-report")


def outputs(folder) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    return (json.loads((folder / "summary.json").read_text()), pd.read_parquet(folder / "results.parquet"),
            pd.read_parquet(folder / "territories.parquet"))


def assert_same(a, b) -> None:
    assert a[0] == b[0]
    pd.testing.assert_frame_equal(a[1], b[1], check_exact=True)
    pd.testing.assert_frame_equal(a[2], b[2], check_exact=True)


def test_dask_run_matches_local_run(cli, tmp_path):
    from distributed import LocalCluster

    code, _, err = cli(*ARGS, "--workers", "2", "--out", str(tmp_path / "local"))
    assert code == 0, err
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        code, _, err = cli(*ARGS, "--executor", address, "--out", str(tmp_path / "dask"))
    assert code == 0, err
    assert "dask tcp://" in err
    assert_same(outputs(tmp_path / "local"), outputs(tmp_path / "dask"))


def test_chunked_ensemble_equals_one_simulate_call():
    scenario = load_scenario("colombia-2022")
    whole = simulate(scenario, runs=5, seed=8, months=4)
    with LocalExecutor(1) as pool:
        chunked = simulate_on(scenario, 5, 8, 4, pool, chunk=2)
        single = simulate_on(scenario, 5, 8, 4, pool, chunk=5)
    assert chunked.summary() == whole.summary() == single.summary()
    assert all((chunked.national[k] == whole.national[k]).all() for k in whole.national)
    assert list(chunked.run_ids) == list(range(5))


def test_bad_executor(cli, tmp_path):
    code, _, err = cli(*ARGS, "--executor", "spark://x", "--out", str(tmp_path / "x"))
    assert code == 2 and "--executor 'spark://x'" in err
