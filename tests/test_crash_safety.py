"""Crash safety of the results store: a sweep killed with SIGKILL at random moments, again and again, resumes to the
same store as an uninterrupted sweep (no run lost or duplicated), and the store stays readable after every kill.
A full disk or an unwritable store path gives one clear error, leaves the store as it was, and a later resume works.

`TOTALPEACE_KILLS` sets how many kills the loop survives (3 by default; `make soak` runs 25).
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from totalpeace.engine.results import FLOWS, STOCKS
from totalpeace.experiments import LocalExecutor, ResultsStore, load_spec, run_sweep

KILLS = int(os.environ.get("TOTALPEACE_KILLS", "3"))
SPEC_TOML = """name = "crash-test"
scenario = "colombia-2022"
design = "full_factorial"
replications = {replications}
seed = 31
months = 12
outcomes = ["homicide_rate", "state_control_share"]
[levers."policy.decriminalization"]
values = [0.0, 0.5, 1.0]
[uncertainties."security.buy_in"]
values = [0.5, 0.9]
"""
POINTS = 6
YEARLY_ROWS_PER_RUN = len(FLOWS) + len(STOCKS)  # one calendar year: 2022-08 + 12 months spans two


def write_spec(folder: Path, replications: int) -> Path:
    file = folder / "crash-test.toml"
    file.write_text(SPEC_TOML.format(replications=replications))
    return file


def stored(path: Path) -> dict[str, pd.DataFrame]:
    store = ResultsStore(path)
    return {"runs": store.query("SELECT * EXCLUDE (part, finished) FROM runs ORDER BY point, run"),
            "yearly": store.query("SELECT * FROM yearly ORDER BY point, run, year, metric"),
            "monthly": store.query("SELECT * FROM monthly ORDER BY point, run, month, metric")}


def check_readable(path: Path) -> int:
    """The store opens, every view answers, and it holds whole runs only, each once. Returns the stored runs."""
    store = ResultsStore(path)
    if "crash-test" not in store.experiment_names():
        assert store.query("SELECT count(*) AS n FROM runs")["n"][0] == 0
        return 0
    runs = store.runs("crash-test")
    assert not runs.duplicated(["point", "run"]).any()
    per_run = store.query("SELECT point, run, count(*) AS n FROM yearly GROUP BY ALL")
    assert len(per_run) == len(runs)
    assert per_run["n"].nunique() <= 1  # every stored run has all its yearly rows
    per_run_monthly = store.query("SELECT point, run, count(*) AS n FROM monthly GROUP BY ALL")
    assert (per_run_monthly["n"] == 2 * 12).all() and len(per_run_monthly) == len(runs)
    store.query("SELECT * FROM summary")
    assert len(store.points("crash-test")) == POINTS
    return len(runs)


def sweep_command(spec: Path, store: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", "from totalpeace.cli import main; main()", "sweep", str(spec), "--store",
            str(store), "--workers", "1", "--chunk", "1", "--flush-every", "0", *extra]


def part_count(store: Path) -> int:
    return len(list((store / "experiments" / "crash-test" / "parts").glob("part-*")))


def test_sigkill_at_random_moments_then_resume(tmp_path):
    replications = 4 * KILLS + 6  # enough work that every kill lands before the sweep could finish (busy machines too)
    total = POINTS * replications
    spec = write_spec(tmp_path, replications)
    store = tmp_path / "store"
    rng = random.Random(20221)
    kills, counts, early, started = 0, [], 0, time.monotonic()
    while kills < KILLS:
        before = part_count(store)
        proc = subprocess.Popen(sweep_command(spec, store, "--resume"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        if rng.random() < 0.25:  # during start-up: imports, the lock, the experiment's creation, the first runs
            deadline = time.monotonic() + rng.uniform(0.2, 5.0)
            while proc.poll() is None and part_count(store) == before and time.monotonic() < deadline:
                time.sleep(0.005)
            deadline = time.monotonic()  # at the latest when the first new part appears
            early += 1
        else:  # mid-sweep: a random moment after the first new part, between parts or in the middle of one
            while proc.poll() is None and part_count(store) == before:
                time.sleep(0.005)
            deadline = time.monotonic() + rng.uniform(0.0, 0.6)
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        err = proc.stderr.read().decode()
        proc.stderr.close()
        assert proc.returncode in (0, -signal.SIGKILL), err
        if proc.returncode == 0:
            break  # finished before the kill: the checks below still apply
        kills += 1
        counts.append(check_readable(store))
        assert counts == sorted(counts)  # a kill never loses runs already stored
    assert kills == KILLS, f"the sweep finished after {kills} kills: raise the replications"
    assert counts[-1] < total

    done = subprocess.run(sweep_command(spec, store, "--resume"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{total - counts[-1]} new, {counts[-1]} already stored, 0 failed" in " ".join(done.stdout.split())
    assert check_readable(store) == total
    assert not list((store / "experiments" / "crash-test" / "tmp").iterdir())

    reference = tmp_path / "reference"
    run_sweep(load_spec(spec), reference, LocalExecutor(1))
    expected, after = stored(reference), stored(store)
    for table in expected:
        pd.testing.assert_frame_equal(after[table], expected[table], check_exact=True, obj=table)
    print(f"\ncrash safety: {kills} SIGKILLs survived ({early} in start-up, {kills - early} mid-sweep), runs stored "
          f"after each: {counts}, {total} runs in {time.monotonic() - started:.0f} s")


# ---------------------------------------------------------------------------------------------------------------------
# Full disk, unwritable store paths
# ---------------------------------------------------------------------------------------------------------------------
def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_mid_sweep_is_one_clear_error_and_resume_works(tmp_path, cli, monkeypatch):
    spec = write_spec(tmp_path, 2)
    store = tmp_path / "store"
    real_write = pq.write_table
    parts = {"written": 0}

    def fills_up(table, where, *args, **kwargs):
        if isinstance(where, (str, Path)) and Path(where).name == "runs.parquet":
            if parts["written"] == 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            parts["written"] += 1
        return real_write(table, where, *args, **kwargs)

    monkeypatch.setattr(pq, "write_table", fills_up)
    code, _, err = cli("sweep", str(spec), "--store", str(store), "--workers", "1", "--chunk", "1",
                       "--flush-every", "0")
    monkeypatch.undo()
    message = " ".join(err.split())
    assert code == 2
    assert "cannot write 1 finished runs (No space left on device)" in message
    assert "free some space, then continue with --resume" in message and "Traceback" not in err
    assert check_readable(store) == 3  # the parts written before the disk filled up
    assert not list((store / "experiments" / "crash-test" / "tmp").iterdir())  # the failed part was tidied

    code, out, err = cli("sweep", str(spec), "--store", str(store), "--resume", "--workers", "1")
    assert code == 0, err
    assert "9 new, 3 already stored" in " ".join(out.split())
    reference = tmp_path / "reference"
    run_sweep(load_spec(spec), reference, LocalExecutor(1))
    expected, after = stored(reference), stored(store)
    for table in expected:
        pd.testing.assert_frame_equal(after[table], expected[table], check_exact=True, obj=table)


def test_a_full_disk_before_the_first_run_leaves_no_experiment(tmp_path, cli, monkeypatch):
    import totalpeace.experiments.store as store_module

    spec = write_spec(tmp_path, 1)
    store = tmp_path / "store"
    monkeypatch.setattr(store_module.os, "fsync", no_space)
    code, _, err = cli("sweep", str(spec), "--store", str(store), "--workers", "1")
    monkeypatch.undo()
    assert code == 2 and "cannot write the experiment 'crash-test' (No space left on device)" in " ".join(err.split())
    assert ResultsStore(store).experiment_names() == []
    assert not [p for p in (store / "experiments" / "crash-test").rglob("*") if p.is_file()]  # no temporary files
    code, _, err = cli("sweep", str(spec), "--store", str(store), "--workers", "1")
    assert code == 0, err
    assert check_readable(store) == POINTS


def test_store_paths_that_cannot_be_written(tmp_path, cli):
    spec = write_spec(tmp_path, 1)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for target, reason in ((blocker, "not a folder"), (blocker / "store", "cannot write there (Not a directory)"),
                           (Path("/proc/totalpeace-store"), "cannot write there")):
        code, _, err = cli("sweep", str(spec), "--store", str(target), "--workers", "1")
        assert code == 2, err
        assert f"--store {target}: {reason}" in " ".join(err.split()) and "Traceback" not in err
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root from writing; the unwritable paths "
                    "above cover root")
def test_a_read_only_store_can_be_read_not_written(tmp_path, cli):
    spec = write_spec(tmp_path, 1)
    store = tmp_path / "store"
    assert cli("sweep", str(spec), "--store", str(store), "--workers", "1")[0] == 0
    spec.write_text(SPEC_TOML.format(replications=2).replace("crash-test", "crash-test-2"))
    modes = {p: p.stat().st_mode for p in [store, *store.rglob("*")]}
    try:
        for path in modes:
            path.chmod(0o555 if path.is_dir() else 0o444)
        code, _, err = cli("sweep", str(spec), "--store", str(store), "--workers", "1")
        assert code == 2 and "cannot write" in err and "Traceback" not in err
        assert check_readable(store) == POINTS
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
