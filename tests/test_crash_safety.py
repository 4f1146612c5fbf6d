"""Crash safety of the results store: a sweep killed with SIGKILL at random moments, again and again, resumes to the
same store as an uninterrupted sweep (no run lost or duplicated), and the store stays readable after every kill.
A full disk or an unwritable store path gives one clear error, leaves the store as it was, and a later resume works.

`TOTALPEACE_KILLS` sets how many kills the loop survives (3 by default; `make soak` runs 25), and
`TOTALPEACE_REPLACE_KILLS` how many kills of `--replace` (1 by default). `--replace` is also interrupted in-process at
each of its file-system steps in turn.
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
from support import assert_same_tables, stored_tables

from totalpeace.engine.results import FLOWS, STOCKS
from totalpeace.experiments import LocalExecutor, ResultsStore, load_spec, run_sweep

KILLS = int(os.environ.get("TOTALPEACE_KILLS", "3"))
REPLACE_KILLS = int(os.environ.get("TOTALPEACE_REPLACE_KILLS", "1"))
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


def kill_at(proc: subprocess.Popen, deadline: float, store: Path | None = None, max_parts: int = 0) -> int:
    """SIGKILL `proc` at `deadline`, or as soon as `store` holds `max_parts` parts, unless it ended before; its exit
    status (0, or -SIGKILL), any other fails. The part limit keeps work left for the resume on a fast machine."""
    while proc.poll() is None and time.monotonic() < deadline:
        if store is not None and part_count(store) >= max_parts:
            break
        time.sleep(0.002)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.returncode in (0, -signal.SIGKILL), err
    return proc.returncode


def test_sigkill_at_random_moments_then_resume(tmp_path):
    replications = 3 * KILLS + 4  # enough work that every kill lands before the sweep could finish
    total = POINTS * replications
    per_launch = total // (KILLS + 1)  # a launch is killed by its part limit at the latest: work is left to resume
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
        if kill_at(proc, deadline, store, before + per_launch) == 0:
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
    expected, after = stored_tables(reference), stored_tables(store)
    assert_same_tables(after, expected)
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
    expected, after = stored_tables(reference), stored_tables(store)
    assert_same_tables(after, expected)


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


# ---------------------------------------------------------------------------------------------------------------------
# --replace interrupted: the old experiment stays whole or goes whole, never mixed into the new one
# ---------------------------------------------------------------------------------------------------------------------
REPLACE_TOML = SPEC_TOML.replace("months = 12", "months = 3").replace("[0.0, 0.5, 1.0]", "[0.0, 1.0]").replace(
    "[uncertainties.\"security.buy_in\"]\nvalues = [0.5, 0.9]\n", "")
REPLACE_POINTS = 2


def replace_specs(folder: Path, old_runs: int = 2, new_runs: int = 1) -> tuple[Path, Path]:
    """The experiment as first run (seed 31, `old_runs` runs per point) and as run again with --replace (seed 32,
    `new_runs`)."""
    old, new = folder / "old" / "crash-test.toml", folder / "new" / "crash-test.toml"
    for file, text in ((old, REPLACE_TOML.format(replications=old_runs)),
                       (new, REPLACE_TOML.format(replications=new_runs).replace("seed = 31", "seed = 32"))):
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text)
    return old, new


def values_by_run(path: Path) -> pd.DataFrame:
    return ResultsStore(path).query("SELECT point, run, year, metric, value FROM yearly ORDER BY ALL")


def replace_references(folder: Path, old_spec: Path, new_spec: Path) -> dict[str, pd.DataFrame]:
    """The yearly values of the old and the new experiment, each swept alone."""
    references = {}
    for which, file in (("old", old_spec), ("new", new_spec)):
        run_sweep(load_spec(file), folder / f"reference-{which}", LocalExecutor(1))
        references[which] = values_by_run(folder / f"reference-{which}")
    return references


def check_whole_experiment(store: Path, references: dict[str, pd.DataFrame], old_whole: bool = True) -> str:
    """The store holds the old experiment whole, or the new one (whole or in progress), or none: every stored run
    belongs to the experiment its experiment.json describes, with that experiment's values. Returns which."""
    reader = ResultsStore(store)
    if "crash-test" not in reader.experiment_names():
        assert reader.query("SELECT count(*) AS n FROM runs")["n"][0] == 0
        return "none"
    which = "old" if reader.experiment("crash-test")["spec"]["seed"] == 31 else "new"
    stored = values_by_run(store)
    expected = references[which].merge(stored[["point", "run"]].drop_duplicates(), on=["point", "run"])
    pd.testing.assert_frame_equal(stored, expected, check_exact=True, check_dtype=False,
                                  obj=f"runs of the {which} experiment")
    if which == "old" and old_whole:
        assert len(reader.runs("crash-test")) == 2 * REPLACE_POINTS  # nothing of it was deleted
    return which


class Killed(BaseException):
    """Stands for SIGKILL in-process: raised at one step, and by every step after it."""


def test_replace_interrupted_at_every_step_never_mixes_experiments(tmp_path, monkeypatch):
    """Interrupt `--replace` at each file-system step in turn (every rename, folder creation, fsync, table write and
    deletion until its first part is written; a deletion interrupted half way), then check the store and replace
    again: the end is always the new experiment exactly."""
    import shutil

    import totalpeace.experiments.store as store_module

    real_copytree = shutil.copytree
    old_spec, new_spec = replace_specs(tmp_path)
    references = replace_references(tmp_path, old_spec, new_spec)
    pristine = tmp_path / "pristine"
    run_sweep(load_spec(old_spec), pristine, LocalExecutor(1), chunk=1, flush_every=0)
    real = {"replace": os.replace, "fsync": lambda fd: None, "rmtree": shutil.rmtree, "mkdir": Path.mkdir,
            "write_table": pq.write_table, "copytree": real_copytree}  # not durability: fsync does nothing
    state = {"step": 0, "kill_at": 0, "first_part": False}

    def step() -> None:
        if state["kill_at"] and (state["step"] >= state["kill_at"] - 1):
            state["step"] += 1
            raise Killed
        state["step"] += 1

    def wrap(name):
        def call(*args, **kwargs):
            if not state["first_part"]:
                step()
            return real[name](*args, **kwargs)
        return call

    def rmtree(path, *args, **kwargs):
        if not state["first_part"] and state["kill_at"] and state["step"] + 1 == state["kill_at"]:
            files = sorted(p for p in Path(path).rglob("*") if p.is_file())
            for file in files[: len(files) // 2]:  # killed half way through the deletion
                file.unlink()
        wrap("rmtree")(path, *args, **kwargs)

    real_write_part = store_module.ResultsStore.write_part

    def write_part(self, *args, **kwargs):
        written = real_write_part(self, *args, **kwargs)
        state["first_part"] = True  # later steps are the SIGKILL loop's
        return written

    monkeypatch.setattr(os, "replace", wrap("replace"))
    monkeypatch.setattr(os, "fsync", wrap("fsync"))
    monkeypatch.setattr(store_module.shutil, "rmtree", rmtree)
    monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: (step() if not state["first_part"] else None,
                                                               real["mkdir"](self, *a, **k))[1])
    monkeypatch.setattr(pq, "write_table", wrap("write_table"))
    monkeypatch.setattr(store_module.ResultsStore, "write_part", write_part)

    seen, kill_at = set(), 1
    while True:
        store = tmp_path / f"store-{kill_at}"
        real["copytree"](pristine, store)
        state.update(step=0, kill_at=kill_at, first_part=False)
        try:
            run_sweep(load_spec(new_spec), store, LocalExecutor(1), replace=True, chunk=1, flush_every=0)
        except Killed:
            state.update(kill_at=0)
            seen.add(check_whole_experiment(store, references))
            run_sweep(load_spec(new_spec), store, LocalExecutor(1), replace=True)
            assert check_whole_experiment(store, references) == "new"
            assert len(ResultsStore(store).runs("crash-test")) == REPLACE_POINTS
            assert not (store / "trash").is_dir() or not any((store / "trash").iterdir())
            shutil.rmtree(store)
            kill_at += 1
            continue
        break  # no step left before the first part: every one was interrupted
    print(f"\nreplace interrupted at each of {kill_at - 1} steps: the store held {sorted(seen)}")
    assert kill_at > 10 and seen == {"old", "none", "new"}, (kill_at, seen)


def record(store: Path) -> bytes | None:
    """The experiment's experiment.json as it is now (None when there is none)."""
    try:
        return (store / "experiments" / "crash-test" / "experiment.json").read_bytes()
    except FileNotFoundError:
        return None


def test_sigkill_during_replace_at_random_moments(tmp_path):
    """`sweep --replace` killed at random moments, each time replacing what the last killed one left (the old
    experiment, the new one in part, or nothing), alternately with the old and the new spec: after every kill each
    stored run belongs to the experiment described by experiment.json; a last --replace gives the new experiment
    exactly. `TOTALPEACE_REPLACE_KILLS` kills (1 by default; `make soak` runs more)."""
    old_spec, new_spec = replace_specs(tmp_path, old_runs=6, new_runs=5)  # runs enough for kills among them
    references = replace_references(tmp_path, old_spec, new_spec)
    store = tmp_path / "store"
    run_sweep(load_spec(old_spec), store, LocalExecutor(1), chunk=1, flush_every=0)
    rng = random.Random(20222)
    kills, seen = 0, []
    while kills < REPLACE_KILLS:
        spec = new_spec if kills % 2 == 0 else old_spec
        before = record(store)
        proc = subprocess.Popen(sweep_command(spec, store, "--replace", "--no-report"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        moment = rng.random()
        if moment < 0.3:  # anywhere: start-up, the deletion, the new experiment's creation, its runs
            deadline = time.monotonic() + rng.uniform(0.3, 3.0)
        else:  # soon after the replace began (its record moved away or written anew), or after its first part
            deadline = time.monotonic() + 20
            while proc.poll() is None and time.monotonic() < deadline and (
                    record(store) == before or (moment > 0.65 and part_count(store) == 0)):
                time.sleep(0.001)
            deadline = time.monotonic() + rng.uniform(0.0, 0.3)
        kills += kill_at(proc, deadline) != 0
        which = check_whole_experiment(store, references, old_whole=False)
        seen.append(f"{which} ({len(ResultsStore(store).runs('crash-test')) if which != 'none' else 0} runs)")
    done = subprocess.run(sweep_command(new_spec, store, "--replace", "--no-report"), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert check_whole_experiment(store, references) == "new"
    assert len(ResultsStore(store).runs("crash-test")) == 5 * REPLACE_POINTS
    print(f"\nreplace: {kills} SIGKILLs survived; the store held after each: {seen}")
