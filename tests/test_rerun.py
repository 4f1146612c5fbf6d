"""The recorded code version and `totalpeace rerun RUN_ID`: a stored run reproduces bit for bit, a changed value or
a changed code version is detected."""

from __future__ import annotations

import shutil
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import totalpeace
from totalpeace.codeversion import PACKAGE_ROOT, code_version, source_digest, source_files
from totalpeace.engine.results import FLOWS, STOCKS
from totalpeace.errors import InputError
from totalpeace.experiments import LocalExecutor, ResultsStore, parse_spec, run_sweep
from totalpeace.experiments.parts import MANIFEST, manifest_bytes
from totalpeace.experiments.rerun import format_run_id, parse_run_id, rerun

SPEC = {"name": "rerun-test", "scenario": "colombia-2022", "design": "full_factorial", "replications": 2,
        "seed": 13, "months": 9, "outcomes": ["homicide_rate", "state_control_share"],
        "levers": {"policy.decriminalization": {"values": [0.2, 0.9]}}}


# ---------------------------------------------------------------------------------------------------------------------
# Code version
# ---------------------------------------------------------------------------------------------------------------------
def test_code_version_is_the_package_version_and_a_source_digest():
    version = code_version()
    assert version == f"{totalpeace.__version__.split('+')[0]}+src.{source_digest()}"
    assert version is code_version()  # computed once per process
    files = source_files(PACKAGE_ROOT)
    assert {f.suffix for f in files} == {".py", ".toml", ".csv"}
    assert PACKAGE_ROOT / "engine" / "simulate.py" in files


def test_source_digest_changes_with_any_source_byte_and_only_then(tmp_path):
    copy = tmp_path / "totalpeace"
    shutil.copytree(PACKAGE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    original = source_digest(copy)
    assert original == source_digest(PACKAGE_ROOT) and original == source_digest(copy)
    (copy / "notes.md").write_text("not source")  # other files do not count
    assert source_digest(copy) == original
    target = copy / "model" / next(p.name for p in (copy / "model").glob("*.py"))
    data = target.read_bytes()
    target.write_bytes(data + b"\n")
    assert source_digest(copy) != original
    target.write_bytes(data)
    assert source_digest(copy) == original
    data_file = next(copy.rglob("*.csv"))
    data_file.rename(data_file.with_name("renamed-" + data_file.name))  # a rename changes what loads
    assert source_digest(copy) != original


def test_results_and_store_record_the_code_version(stored):
    scenario = totalpeace.load_scenario("colombia-2022")
    assert totalpeace.simulate(scenario, runs=1, seed=1, months=1).version == code_version()
    store = ResultsStore(stored)
    assert set(store.runs("rerun-test")["version"]) == {code_version()}
    assert store.experiment("rerun-test")["version"] == code_version()


# ---------------------------------------------------------------------------------------------------------------------
# rerun
# ---------------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    path = tmp_path_factory.mktemp("rerun-store")
    run_sweep(parse_spec(SPEC), path, LocalExecutor(1), chunk=4)
    return path


@pytest.fixture
def store_copy(stored, tmp_path):
    shutil.copytree(stored, tmp_path / "store")
    return tmp_path / "store"


def test_run_ids(stored):
    assert parse_run_id("talks-levers:3:12") == ("talks-levers", 3, 12)
    assert format_run_id("talks-levers", 3, 12) == "talks-levers:3:12"
    for bad in ("talks-levers", "a:b:c", "x:1", "x:-1:0", ":1:2"):
        with pytest.raises(InputError, match="expected EXPERIMENT:POINT:RUN"):
            parse_run_id(bad)
    ids = ResultsStore(stored).query("SELECT run_id FROM runs ORDER BY point, run")["run_id"].tolist()
    assert ids == ["rerun-test:0:0", "rerun-test:0:1", "rerun-test:1:0", "rerun-test:1:1"]


def test_rerun_reproduces_a_stored_run(stored, cli):
    report = rerun(ResultsStore(stored), "rerun-test:1:1")
    assert report.identical and report.seed == 13
    assert set(report.comparison["table"]) == {"yearly", "monthly"}
    assert report.comparison["values"].sum() > 40 and (report.comparison["differing"] == 0).all()
    code, out, err = cli("rerun", "rerun-test:0:1", "--store", str(stored))
    assert code == 0, err
    assert "identical: all" in out and "warning" not in err


def tamper(store, table: str, metric: str, delta: float) -> None:
    """Change one stored value of run (1, 0) in place and update the part's manifest, the way an edit of the file
    with the store's own tools would (a change the manifest does not cover is a damaged part: tests/
    test_store_damage.py)."""
    for file in (store / "experiments" / "rerun-test" / "parts").glob(f"*/{table}.parquet"):
        data = pq.read_table(file)
        hit = pc.and_(pc.and_(pc.equal(data["point"], 1), pc.equal(data["run"], 0)), pc.equal(data["metric"], metric))
        if pc.any(hit).as_py():
            first = pc.index(hit, True).as_py()
            values = data["value"].to_pylist()
            values[first] += delta
            pq.write_table(data.set_column(data.schema.get_field_index("value"), "value",
                                           pa.array(values)), file)
            rows = {f.name: pq.read_metadata(f).num_rows for f in file.parent.glob("*.parquet")}
            (file.parent / MANIFEST).write_bytes(manifest_bytes(file.parent, rows))
            return
    raise AssertionError("nothing to tamper with")


def test_rerun_detects_a_changed_value(store_copy, cli):
    tamper(store_copy, "yearly", "homicides", 1e-9)
    report = rerun(ResultsStore(store_copy), "rerun-test:1:0")
    assert not report.identical and report.differing_metrics == ["yearly.homicides"]
    code, out, _ = cli("rerun", "rerun-test:1:0", "--store", str(store_copy))
    assert code == 1
    assert "not reproduced: 1 metric differs: yearly.homicides" in " ".join(out.split())
    assert cli("rerun", "rerun-test:1:1", "--store", str(store_copy))[0] == 0  # other runs are untouched


def test_rerun_detects_a_changed_monthly_value(store_copy):
    tamper(store_copy, "monthly", "state_control_share", -1e-15)
    assert rerun(ResultsStore(store_copy), "rerun-test:1:0").differing_metrics == ["monthly.state_control_share"]


def test_rerun_warns_about_another_code_version(store_copy, cli, monkeypatch):
    import totalpeace.experiments.rerun as rerun_module

    monkeypatch.setattr(rerun_module, "code_version", lambda: "0.1.0+src.000000000000")
    code, out, err = cli("rerun", "rerun-test:0:0", "--store", str(store_copy))
    assert code == 0  # the numbers still match: only the label differs
    assert "stored by code version" in " ".join(err.split()) and "0.1.0+src.000000000000" in out


def test_rerun_bad_input(stored, cli, tmp_path):
    code, _, err = cli("rerun", "rerun-test:7:0", "--store", str(stored))
    assert code == 2 and "no such run" in err
    code, _, err = cli("rerun", "nope:0:0", "--store", str(stored))
    assert code == 2 and "no experiment named 'nope'" in err
    code, _, err = cli("rerun", "rerun-test/0/0", "--store", str(stored))
    assert code == 2 and "expected EXPERIMENT:POINT:RUN" in err
    code, _, err = cli("rerun", "rerun-test:0:0", "--store", str(tmp_path / "missing"))
    assert code == 2 and "no results store there" in err


# ---------------------------------------------------------------------------------------------------------------------
# Full calendar years: the yearly sums must not depend on how runs were grouped into tasks
# ---------------------------------------------------------------------------------------------------------------------
FULL_YEARS = {**SPEC, "name": "rerun-years", "months": 30, "replications": 6,
              "levers": {"policy.decriminalization": {"values": [0.5]}}}


def test_yearly_values_are_identical_for_every_chunk_size_over_full_years(tmp_path):
    """2022-08 + 30 months spans 2023 and 2024 whole: flows are summed over 12 months, where the order of the
    additions shows in the last bits; tasks of 1, 5 and 6 runs (and two worker processes) must store the same bytes,
    and every stored run must rerun identically."""
    spec = parse_spec(FULL_YEARS)
    stored_tables = {}
    for chunk, workers in ((1, 1), (5, 1), (6, 1), (4, 2)):
        path = tmp_path / f"chunk{chunk}-workers{workers}"
        with LocalExecutor(workers) as executor:
            run_sweep(spec, path, executor, chunk=chunk)
        stored_tables[chunk, workers] = ResultsStore(path).query(
            "SELECT point, run, year, metric, value FROM yearly ORDER BY point, run, year, metric")
    reference = stored_tables[1, 1]
    national = reference[~reference["metric"].str.contains(":")]
    assert {2023, 2024} <= set(reference["year"]) and len(national) == 6 * 4 * len(FLOWS + STOCKS)
    for key, table in stored_tables.items():
        assert table[["point", "run", "year", "metric"]].equals(reference[["point", "run", "year", "metric"]])
        differing = (table["value"].to_numpy().view("int64") != reference["value"].to_numpy().view("int64"))
        assert not differing.any(), f"chunk {key[0]}, {key[1]} workers: {table[differing].head()}"
    store = ResultsStore(tmp_path / "chunk6-workers1")
    for run in range(6):
        assert rerun(store, f"rerun-years:0:{run}").identical, run


# ---------------------------------------------------------------------------------------------------------------------
# Dashboard runs: levers that are lists or tables, and a run whose server died
# ---------------------------------------------------------------------------------------------------------------------
DASHBOARD_LEVERS = {"talks_mode": "phased", "talks_order": ["clan_del_golfo", "eln"],
                    "ceasefires": [{"group": "eln", "months": 6, "zone": True}],
                    "concessions": [{"group": "eln", "kind": "zone"}], "guarantors": {"norway": ["eln"]}}


def test_rerun_reproduces_a_dashboard_run_with_list_levers(tmp_path, cli):
    """The dashboard records list and table levers as JSON text; rerun must read them back as the run used them."""
    from fastapi.testclient import TestClient

    from totalpeace.server.app import create_app

    store = tmp_path / "store"
    with TestClient(create_app(store=store, workers=1), base_url="http://localhost") as client:
        run = client.post("/api/runs", json={"scenario": "colombia-2022", "runs": 3, "months": 14, "seed": 5,
                                             "levers": DASHBOARD_LEVERS})
        assert run.status_code == 202, run.text
        deadline = time.monotonic() + 120
        while (status := client.get(f"/api/runs/{run.json()['id']}").json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert status["status"] == "done", status
    experiment = status["experiment"]
    code, out, err = cli("rerun", f"{experiment}:0:2", "--store", str(store))
    assert code == 0, err
    assert "identical: all" in out and "warning" not in err


def test_an_ensemble_whose_process_died_is_listed_incomplete_and_can_be_finished(tmp_path, cli):
    """A dashboard run killed before its first part leaves an experiment with 0 of N runs: the experiments view
    says so, and `sweep NAME --resume` finishes it from its stored spec (list levers included)."""
    from totalpeace.experiments.recorded import begin_ensemble, ensemble_spec

    levers = {"policy.talks.mode": "phased", "policy.talks.order": ["clan_del_golfo", "eln"],
              "policy.ceasefires": [{"group": "eln", "start": "2022-08", "months": 6, "bilateral": True,
                                     "zone": False}]}
    base = totalpeace.load_scenario("colombia-2022")
    spec = ensemble_spec("dashboard-orphan", "colombia-2022", levers, runs=4, seed=2, months=3)
    store = ResultsStore(tmp_path / "store")
    with store.lock(spec.name):
        begin_ensemble(store, spec, base, {"dashboard": {"run": "orphan"}})
        state = store.experiments().set_index("experiment").loc["dashboard-orphan"]
        assert state["status"] == "running"  # a process holds its lock
    state = store.experiments().set_index("experiment").loc["dashboard-orphan"]
    assert (state["status"], state["runs_planned"], state["runs_ok"]) == ("incomplete", 4, 0)
    code, out, err = cli("sweep", "dashboard-orphan", "--store", str(store.path), "--resume", "--no-report")
    assert code == 0, err
    assert "4 new, 0 already stored, 0 failed" in " ".join(out.split())
    state = store.experiments().set_index("experiment").loc["dashboard-orphan"]
    assert (state["status"], state["runs_ok"]) == ("complete", 4)
    expected = totalpeace.simulate(totalpeace.load_scenario("colombia-2022", {**levers}), runs=4, seed=2, months=3)
    stored = store.query("SELECT run, month, value FROM monthly WHERE metric = 'homicide_rate' ORDER BY run, month")
    assert stored["value"].tolist() == expected.national["homicide_rate"].reshape(-1).tolist()
    assert cli("rerun", "dashboard-orphan:0:3", "--store", str(store.path))[0] == 0


# ---------------------------------------------------------------------------------------------------------------------
# The scenario hash identifies what the engine sees
# ---------------------------------------------------------------------------------------------------------------------
FLAGSHIP = PACKAGE_ROOT / "scenario" / "builtin" / "colombia-2022.toml"


def moved_eln_block(text: str) -> str:
    """The flagship file with its [groups.eln] block moved after the last group (groups are indexed in file order)."""
    start = text.index("[groups.eln]")
    end = text.index("[groups.emc]")
    block, rest = text[start:end], text[:start] + text[end:]
    at = rest.index("[security]")
    return rest[:at] + block + rest[at:]


def grid_scenario(folder, population: str) -> str:
    (folder / "grid.csv").write_text(f"id,name,population,area_km2\na,A,{population},100\nb,B,5000,100\n")
    (folder / "pairs.csv").write_text("a,b\na,b\n")
    (folder / "grid.toml").write_text('name = "grid"\nstart = "2024-01"\nmonths = 6\n[territories]\ncsv = "grid.csv"\n'
                                      'adjacency = "pairs.csv"\n[groups.band]\nname = "A band"\ntype = "criminal"\n'
                                      'members = 100\npresence = { a = 1.0 }\n[security]\nmilitary = 1000\n'
                                      'police = 500\nbuy_in = 0.8\n')
    return str(folder / "grid.toml")


def test_the_scenario_hash_changes_whenever_the_results_can(tmp_path):
    from totalpeace.scenario.fingerprint import scenario_sha256

    original = FLAGSHIP.read_text(encoding="utf-8")
    (tmp_path / "same.toml").write_text(original, encoding="utf-8")
    (tmp_path / "moved.toml").write_text(moved_eln_block(original), encoding="utf-8")
    builtin, same, moved = (totalpeace.load_scenario(s) for s in ("colombia-2022", str(tmp_path / "same.toml"),
                                                                  str(tmp_path / "moved.toml")))
    assert scenario_sha256(builtin) == scenario_sha256(same)  # the same content from another file: one hash
    a, b = (totalpeace.simulate(s, runs=2, seed=1, months=12).national["homicides"] for s in (builtin, moved))
    assert not np.array_equal(a, b)  # the order of the groups changes the results ...
    assert scenario_sha256(builtin) != scenario_sha256(moved)  # ... so it changes the hash
    hashes, rates = [], []
    for i, population in enumerate(("1000", "1000.0000000001")):
        folder = tmp_path / f"grid{i}"
        folder.mkdir()
        scenario = totalpeace.load_scenario(grid_scenario(folder, population))
        hashes.append(scenario_sha256(scenario))
        rates.append(totalpeace.simulate(scenario, runs=2, seed=1, months=6).national["state_control_share"])
    assert not np.array_equal(rates[0], rates[1])  # a difference in the 13th digit shows in the results ...
    assert hashes[0] != hashes[1]  # ... so the territory data are hashed at full precision
    noted = builtin.model_copy(deep=True)
    noted.policy.events[0].source = ""  # a source note cannot change a result: one hash
    noted.groups["eln"].members_source = "another note"
    assert scenario_sha256(noted) == scenario_sha256(builtin)


def test_rerun_blames_a_changed_scenario_not_the_code(tmp_path, cli):
    scenario = tmp_path / "flagship.toml"
    scenario.write_text(FLAGSHIP.read_text(encoding="utf-8"), encoding="utf-8")
    spec = {**SPEC, "name": "moved", "scenario": str(scenario), "replications": 1, "months": 12}
    run_sweep(parse_spec(spec), tmp_path / "store", LocalExecutor(1))
    assert cli("rerun", "moved:1:0", "--store", str(tmp_path / "store"))[0] == 0
    scenario.write_text(moved_eln_block(scenario.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = cli("rerun", "moved:1:0", "--store", str(tmp_path / "store"))
    message = " ".join(out.split())
    assert code == 1 and "the scenario resolves differently now" in " ".join(err.split())
    assert "not reproduced: the scenario is not the one the run used" in message and "no test of the code" in message
