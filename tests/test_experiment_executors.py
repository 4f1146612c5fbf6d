"""Local and Dask executors give bit-identical stores for the same spec; the chunking never changes a number."""

from __future__ import annotations

import pandas as pd
import pytest

from totalpeace.errors import InputError
from totalpeace.experiments import LocalExecutor, ResultsStore, make_executor, parse_spec, run_sweep

SPEC = {"name": "exec-test", "scenario": "colombia-2022", "design": "latin_hypercube", "samples": 3,
        "replications": 3, "seed": 9, "months": 12,
        "levers": {"policy.decriminalization": {"low": 0.0, "high": 1.0}},
        "uncertainties": {"international.venezuela.host_tolerance": {"low": 0.5, "high": 1.0}}}
SPEC_TOML = """name = "exec-test"
scenario = "colombia-2022"
design = "latin_hypercube"
samples = 3
replications = 3
seed = 9
months = 12
[levers."policy.decriminalization"]
low = 0.0
high = 1.0
[uncertainties."international.venezuela.host_tolerance"]
low = 0.5
high = 1.0
"""


def contents(path) -> dict[str, pd.DataFrame]:
    """Everything a store holds about its runs except where and when they were written."""
    store = ResultsStore(path)
    return {"runs": store.query("SELECT * EXCLUDE (part, finished) FROM runs ORDER BY point, run"),
            "yearly": store.query("SELECT * FROM yearly ORDER BY point, run, year, metric"),
            "monthly": store.query("SELECT * FROM monthly ORDER BY point, run, month, metric"),
            "points": store.points(unit=True)}


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], check_exact=True, obj=table)


@pytest.fixture(scope="module")
def local_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("local")
    with LocalExecutor(2) as pool:
        run_sweep(parse_spec(SPEC), path, pool, chunk=2)
    return path


def test_dask_matches_local_bit_for_bit(local_store, tmp_path, cli, write):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        code, out, err = cli("sweep", str(write("exec-test.toml", SPEC_TOML)), "--store", str(tmp_path),
                             "--executor", address, "--chunk", "4")
    assert code == 0, err
    assert "dask" in err and "9 runs" in out
    local = contents(local_store)
    assert len(local["runs"]) == 9 and len(local["yearly"]) > 0
    assert_same(local, contents(tmp_path))


def test_one_process_and_other_chunks_match(local_store, tmp_path):
    run_sweep(parse_spec(SPEC), tmp_path, LocalExecutor(1), chunk=1)
    assert_same(contents(local_store), contents(tmp_path))


def test_executor_addresses():
    assert make_executor(None, 3).workers == 3
    assert make_executor("local", 1).description == "local, 1 worker"
    with pytest.raises(InputError, match="expected local or dask://HOST:PORT"):
        make_executor("slurm", None)
    with pytest.raises(InputError, match="cannot reach a Dask scheduler"):
        from totalpeace.experiments import DaskExecutor

        DaskExecutor("dask://127.0.0.1:9", timeout=1)


@pytest.mark.parametrize("address", ["dask://::::", "dask://", "dask://host:notaport", "dask://[::1",
                                     "tcp://a b:1", "dask://host:99999", "dask://host:0"])
def test_malformed_scheduler_addresses_are_named(address, cli, tmp_path):
    with pytest.raises(InputError, match="expected dask://HOST:PORT"):
        make_executor(address, None)
    code, _, err = cli("run", "colombia-2022", "--runs", "1", "--months", "1", "--no-report", "--out",
                       str(tmp_path / "out"), "--executor", address)
    assert code == 2 and "--executor" in err and "internal error" not in err
