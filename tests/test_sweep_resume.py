"""A sweep killed with SIGKILL mid-way resumes with --resume: no run lost or duplicated, results as uninterrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from support import assert_same_tables, stored_tables

from totalpeace.experiments import LocalExecutor, ResultsStore, load_spec, run_sweep

SPEC_TOML = """name = "resume-test"
scenario = "colombia-2022"
design = "full_factorial"
replications = 3
seed = 21
months = 12
outcomes = ["homicide_rate", "state_control_share"]
[levers."policy.decriminalization"]
values = [0.0, 0.25, 0.5, 0.75, 1.0]
[uncertainties."security.buy_in"]
values = [0.5, 0.7, 0.9]
"""
TOTAL = 5 * 3 * 3



def parts(path) -> list:
    return list((path / "experiments" / "resume-test" / "parts").glob("part-*"))


def test_resume_after_sigkill(tmp_path, cli):
    spec_file = tmp_path / "resume-test.toml"
    spec_file.write_text(SPEC_TOML)
    store = tmp_path / "store"
    command = [sys.executable, "-c", "from totalpeace.cli import main; main()", "sweep", str(spec_file),
               "--store", str(store), "--workers", "1", "--chunk", "1", "--flush-every", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while len(parts(store)) < 3:
        assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.stderr.read().decode()}"
        assert time.monotonic() < deadline, "no part was written in time"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    # the killed store is readable, holds whole runs only, and fewer than all of them
    before = ResultsStore(store).runs("resume-test")
    assert 0 < len(before) < TOTAL
    assert not before.duplicated(["point", "run"]).any()
    assert set(before["part"]) == {p.name for p in parts(store)}

    code, out, err = cli("sweep", str(spec_file), "--store", str(store), "--resume", "--workers", "1")
    assert code == 0, err
    assert f"{TOTAL - len(before)} new, {len(before)} already stored, 0 failed" in " ".join(out.split())
    after = stored_tables(store)
    assert len(after["runs"]) == TOTAL and not after["runs"].duplicated(["point", "run"]).any()
    assert not list((store / "experiments" / "resume-test" / "tmp").iterdir())

    reference = tmp_path / "reference"
    run_sweep(load_spec(spec_file), reference, LocalExecutor(1))
    expected = stored_tables(reference)
    assert_same_tables(after, expected)


def test_failed_runs_exit_1_and_resume_tries_them_again(tmp_path, cli, monkeypatch):
    """A sweep whose runs fail says so and exits 1 (every run failing too); the failures are recorded with their
    error; --resume runs them again, and once they succeed the store equals an uninterrupted sweep's."""
    import totalpeace.experiments.worker as worker

    spec = tmp_path / "resume-test.toml"
    spec.write_text(SPEC_TOML.replace("replications = 3", "replications = 1").replace("months = 12", "months = 2"))
    store = tmp_path / "store"
    real = worker.simulate

    def fails_for_high_buy_in(scenario, **kwargs):
        if scenario.security.buy_in > 0.8:
            raise ZeroDivisionError("division by zero")
        return real(scenario, **kwargs)

    monkeypatch.setattr(worker, "simulate", fails_for_high_buy_in)
    code, out, err = cli("sweep", str(spec), "--store", str(store), "--workers", "1", "--no-report")
    assert code == 1
    assert "5 of 15 runs failed (ZeroDivisionError: division by zero)" in " ".join(err.split())
    assert "totalpeace sweep resume-test --store" in err and "--resume tries them again" in " ".join(err.split())
    runs = ResultsStore(store).runs("resume-test")
    assert (runs["status"] == "failed").sum() == 5 and runs["error"].dropna().str.contains("ZeroDivision").all()

    monkeypatch.setattr(worker, "simulate", lambda *a, **k: (_ for _ in ()).throw(ValueError("every run fails")))
    code, out, err = cli("sweep", str(spec), "--store", str(store), "--workers", "1", "--resume")
    assert code == 1 and "5 of 15 runs failed (ValueError: every run fails)" in " ".join(err.split())
    assert "5 new, 10 already stored, 5 failed" in " ".join(out.split())  # only the failed runs were tried

    monkeypatch.setattr(worker, "simulate", real)
    code, out, err = cli("sweep", str(spec), "--store", str(store), "--workers", "1", "--resume", "--no-report")
    assert code == 0, err
    assert "5 new, 10 already stored, 0 failed" in " ".join(out.split())
    reader = ResultsStore(store)
    assert len(reader.runs("resume-test")) == 15 and (reader.runs("resume-test")["status"] == "ok").all()
    assert reader.query("SELECT count(*) AS n FROM run_attempts")["n"][0] == 25  # 15 + the 2 x 5 failed attempts
    reference = tmp_path / "reference"
    run_sweep(load_spec(spec), reference, LocalExecutor(1))
    expected, after = stored_tables(reference), stored_tables(store)
    assert_same_tables(after, expected)

    monkeypatch.setattr(worker, "simulate", lambda *a, **k: (_ for _ in ()).throw(ValueError("every run fails")))
    code, out, err = cli("sweep", str(spec), "--store", str(tmp_path / "other"), "--workers", "1")
    assert code == 1 and "15 of 15 runs failed" in err and "Traceback" not in err
