"""Executors can be stopped from another thread: local workers are killed, Dask futures cancelled; the dashboard
runs through either and a cancel frees what the run held."""

from __future__ import annotations

import json
import threading
import time

import pytest
from fastapi.testclient import TestClient
from support import process_alive

from totalpeace import load_scenario, simulate_uncertain
from totalpeace.experiments import DaskExecutor, LocalExecutor
from totalpeace.experiments.executors import RECANCEL_AFTER, ExecutorTerminated
from totalpeace.server.app import create_app


def _consume(executor, tasks, outcome: dict) -> None:
    try:
        outcome["results"] = list(executor.map_unordered(time.sleep, tasks))
    except ExecutorTerminated as exc:
        outcome["terminated"] = str(exc)


def test_local_terminate_kills_the_workers():
    executor = LocalExecutor(2, isolate=True, start_method="spawn")
    outcome: dict = {}
    consumer = threading.Thread(target=_consume, args=(executor, [30.0] * 6, outcome))
    consumer.start()
    deadline = time.monotonic() + 60
    while len(executor.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    pids = executor.worker_pids()
    assert len(pids) == 2 and all(process_alive(p) for p in pids)
    started = time.monotonic()
    executor.terminate()
    consumer.join(timeout=20)
    assert not consumer.is_alive() and time.monotonic() - started < 20  # not the 30 s the tasks would take
    assert "terminated" in outcome and "results" not in outcome
    assert not any(process_alive(p) for p in pids)
    with pytest.raises(ExecutorTerminated):
        list(executor.map_unordered(time.sleep, [0.0]))


def test_local_executor_without_terminate_is_unchanged():
    with LocalExecutor(2, isolate=True, start_method="spawn") as executor:
        assert sorted(executor.map_unordered(abs, [-3, -1, -2])) == [1, 2, 3]
    assert list(LocalExecutor(1).map_unordered(abs, [-4])) == [4]  # one worker: in this process


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                      dashboard_address=None) as local:
        yield local


def test_dask_terminate_cancels_the_futures(cluster):
    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        executor = DaskExecutor(client)
        outcome: dict = {}
        consumer = threading.Thread(target=_consume, args=(executor, [0.2] * 200, outcome))
        consumer.start()
        deadline = time.monotonic() + 30
        while not executor._futures and time.monotonic() < deadline:
            time.sleep(0.01)
        executor.terminate()
        consumer.join(timeout=30)
        assert not consumer.is_alive() and "terminated" in outcome
        time.sleep(sum(RECANCEL_AFTER))  # the executor's later cancels, for a submission registered after the first
        deadline = time.monotonic() + 10
        while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0


def test_dask_map_left_early_leaves_nothing_on_the_cluster(cluster):
    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        executor = DaskExecutor(client)
        results = executor.map_unordered(time.sleep, [0.05] * 100)
        next(results)
        started = time.monotonic()
        results.close()  # a consumer that stops reading: queued tasks are cancelled, finished results dropped
        while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and \
                time.monotonic() - started < 10:
            time.sleep(0.05)
        assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0
        assert not executor._futures
        assert time.monotonic() - started < 2  # not the 2.5 s the other 99 tasks would take on two threads


def test_dashboard_on_dask(cluster, tmp_path):
    address = cluster.scheduler_address.replace("tcp://", "dask://")
    app = create_app(store=tmp_path, executor=address)
    with TestClient(app, base_url="http://localhost") as client:
        run = client.post("/api/runs", json={"scenario": "colombia-2022", "runs": 4, "months": 6, "seed": 2})
        assert run.status_code == 202, run.text
        run_id = run.json()["id"]
        app.state.manager.wait(run_id, timeout=120)
        status = client.get(f"/api/runs/{run_id}").json()
        assert status["status"] == "done", status
        expected = simulate_uncertain(load_scenario("colombia-2022"), runs=4, seed=2, months=6).summary()  # the plan
        assert client.get(f"/api/runs/{run_id}/summary.json").json() == json.loads(json.dumps(expected))
        assert len(app.state.manager.store.runs(f"dashboard-{run_id}")) == 4

        long = client.post("/api/runs", json={"scenario": "colombia-2022", "runs": 3000, "months": 48}).json()
        deadline = time.monotonic() + 60
        while client.get(f"/api/runs/{long['id']}").json()["status"] != "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.delete(f"/api/runs/{long['id']}").status_code == 200
        app.state.manager.wait(long["id"], timeout=120)
        assert client.get(f"/api/runs/{long['id']}").json()["status"] == "cancelled"
        assert f"dashboard-{long['id']}" not in app.state.manager.store.experiment_names()
