"""A damaged results store is never read silently: flipped bytes, a truncated file, a missing table or manifest in a
part is found by the part's manifest, named with the command that repairs it (exit 2), and `sweep NAME --resume`
sets the part aside and computes its runs again, giving the store an undamaged sweep would have.

`TOTALPEACE_DAMAGE_EXAMPLES` sets how many random damages the fuzz loop applies (4 by default; `make soak` runs more).
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest
from support import assert_same_tables, stored_tables

from totalpeace.experiments import LocalExecutor, ResultsStore, parse_spec, run_sweep
from totalpeace.experiments.parts import MANIFEST, TABLE_FILES
from totalpeace.experiments.store import DamagedStoreError

EXAMPLES = int(os.environ.get("TOTALPEACE_DAMAGE_EXAMPLES", "4"))
SPEC = {"name": "damage", "scenario": "colombia-2022", "design": "full_factorial", "replications": 4, "seed": 9,
        "months": 14, "outcomes": ["homicide_rate", "armed_group_members"],
        "levers": {"policy.decriminalization": {"values": [0.0, 1.0]}}}
OTHER = {**SPEC, "name": "intact", "replications": 1, "months": 2}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A store of two experiments; `damage` in four parts of two runs each."""
    path = tmp_path_factory.mktemp("pristine")
    run_sweep(parse_spec(SPEC), path, LocalExecutor(1), chunk=2, flush_every=0)
    run_sweep(parse_spec(OTHER), path, LocalExecutor(1))
    assert len(ResultsStore(path).parts("damage")) == 4
    return path


@pytest.fixture
def store(pristine, tmp_path) -> Path:
    shutil.copytree(pristine, tmp_path / "store")
    return tmp_path / "store"



def second_part(store: Path) -> Path:
    return ResultsStore(store).parts("damage")[1]


def flip(file: Path, count: int, rng: random.Random) -> None:
    data = bytearray(file.read_bytes())
    start = rng.randrange(len(data))
    for i in range(count):
        data[(start + i) % len(data)] ^= rng.randrange(1, 256)
    file.write_bytes(bytes(data))


def assert_named_and_repaired(cli, store: Path, part: Path, problem: str, pristine: Path) -> None:
    """Every reader names the part and the repair (exit 2); the repair restores the undamaged store's tables."""
    where = str(part.relative_to(store))
    repair = f"totalpeace sweep damage --store {store} --resume"
    for args in (("query", "SELECT count(*) FROM yearly", "--store", str(store)),
                 ("rerun", "damage:0:0", "--store", str(store)),
                 ("discover", str(store), "--experiment", "damage", "--outcome", "homicide_rate", "--threshold", "1",
                  "--out", str(store.parent / "discover"))):
        code, _, err = cli(*args)
        message = " ".join(err.split())
        assert code == 2 and where in message and problem in message and repair in message, (args, err)
        assert "Traceback" not in err and "internal error" not in err
    assert len(ResultsStore(store).runs("intact")) == 2  # the other experiment still answers
    code, out, err = cli("sweep", "damage", "--store", str(store), "--resume", "--no-report")
    assert code == 0, err
    assert "set aside a damaged part" in out and "2 new, 6 already stored" in " ".join(out.split())
    assert (store / "experiments" / "damage" / "damaged" / part.name).is_dir()  # kept for inspection
    assert_same_tables(stored_tables(store), stored_tables(pristine))


def test_flipped_bytes_are_found_named_and_repaired(store, pristine, cli):
    from totalpeace.report.sweep import render_sweep_report

    part = second_part(store)
    flip(part / "yearly.parquet", 40, random.Random(1))
    assert cli("rerun", "intact:1:0", "--store", str(store))[0] == 0  # the other experiment is untouched
    assert "intact" in render_sweep_report(ResultsStore(store), "intact")
    assert_named_and_repaired(cli, store, part, "yearly.parquet: checksum mismatch", pristine)


def test_a_truncated_table_is_found_named_and_repaired(store, pristine, cli):
    part = second_part(store)
    file = part / "monthly.parquet"
    file.write_bytes(file.read_bytes()[:500])
    assert_named_and_repaired(cli, store, part, "monthly.parquet has 500 bytes", pristine)


def test_a_part_without_runs_never_duplicates_rows(store, pristine, cli):
    part = second_part(store)
    (part / "runs.parquet").unlink()
    assert_named_and_repaired(cli, store, part, "runs.parquet is missing", pristine)


def test_a_part_without_its_manifest_is_damaged(store, pristine, cli):
    part = second_part(store)
    (part / MANIFEST).unlink()
    assert_named_and_repaired(cli, store, part, "part.json is missing", pristine)


def test_parts_written_before_manifests_are_read_and_checked_for_what_they_can(store):
    """An experiment written before manifests (no store_format in experiment.json) is read as before, and a part
    of it missing a table or with a broken Parquet footer is still named."""
    meta_file = store / "experiments" / "damage" / "experiment.json"
    meta = json.loads(meta_file.read_text())
    del meta["store_format"]
    meta_file.write_text(json.dumps(meta))
    for part in ResultsStore(store).parts("damage"):
        (part / MANIFEST).unlink()
    assert len(ResultsStore(store).runs("damage")) == 8
    part = second_part(store)
    (part / "yearly.parquet").write_bytes((part / "yearly.parquet").read_bytes()[:-20])
    with pytest.raises(DamagedStoreError, match=r"yearly\.parquet is not a readable Parquet file"):
        ResultsStore(store).runs("damage")


def damage(store: Path, rng: random.Random) -> tuple[Path | None, str]:
    """One random damage to one random part or to the experiment's design: flipped bytes, truncation or a removed
    file in any of the part's files or in points.parquet, or the whole part removed (then nothing is damaged: its runs
    are missing). Returns what a reader must name (None for the removed part)."""
    part = rng.choice(ResultsStore(store).parts("damage"))
    file = part / rng.choice([*TABLE_FILES, MANIFEST])
    kind = rng.choice(["flip", "truncate", "remove", "remove part"])
    if rng.random() < 0.2:
        part = file = store / "experiments" / "damage" / "points.parquet"
        kind = rng.choice(["flip", "truncate", "remove"])
    if kind == "flip":
        flip(file, rng.choice([1, 2, 40, 500]), rng)
    elif kind == "truncate":
        file.write_bytes(file.read_bytes()[:rng.randrange(file.stat().st_size)])
    elif kind == "remove":
        file.unlink()
    else:
        shutil.rmtree(part)
        return None, kind
    return part, f"{kind} {file.name}"


def test_random_damage_is_never_read_silently(pristine, tmp_path, cli):
    """Fuzz: after any damage, every query either answers exactly as the undamaged store would on what is still
    whole, or exits 2 naming the damaged part; `--resume` then always restores the undamaged store."""
    rng = random.Random(14)
    expected = stored_tables(pristine)
    kinds: dict[str, int] = {}
    for example in range(EXAMPLES):
        store = tmp_path / f"store-{example}"
        shutil.copytree(pristine, store)
        part, what = damage(store, rng)
        where = "points.parquet" if part is not None and part.name == "points.parquet" else "a part"
        kind = what if part is None else f"{what.split()[0]} in {where}"
        kinds[kind] = kinds.get(kind, 0) + 1
        code, out, err = cli("query", "SELECT experiment, status, runs_ok FROM experiments", "--store", str(store))
        if part is None:  # a removed part: fewer runs, and the experiment says it is incomplete
            assert code == 0 and "incomplete" in out, (what, err)
        else:
            assert code == 2 and str(part.relative_to(store)) in " ".join(err.split()), (what, err)
        code, out, err = cli("sweep", "damage", "--store", str(store), "--resume", "--no-report")
        assert code == 0, (what, err)
        assert ("set aside a damaged part" in out) == (part is not None and part.name != "points.parquet"), what
        assert_same_tables(stored_tables(store), expected, f"{what}: ")
    print(f"\nstore damage: {EXAMPLES} random damages ({', '.join(f'{k}: {n}' for k, n in sorted(kinds.items()))}), "
          "each named or harmless, each repaired by --resume")


def test_a_damaged_design_or_experiment_record_is_named(store, pristine, cli):
    """points.parquet is checked against the SHA-256 in experiment.json and drawn again by --resume; a damaged
    experiment.json is named with the way to start again."""
    points = store / "experiments" / "damage" / "points.parquet"
    flip(points, 3, random.Random(3))
    code, _, err = cli("query", "SELECT count(*) FROM points", "--store", str(store))
    assert code == 2 and "experiments/damage/points.parquet: checksum mismatch" in " ".join(err.split())
    assert cli("sweep", "damage", "--store", str(store), "--resume", "--no-report")[0] == 0
    assert points.read_bytes() == (pristine / "experiments" / "damage" / "points.parquet").read_bytes()
    assert_same_tables(stored_tables(store), stored_tables(pristine))
    record = store / "experiments" / "damage" / "experiment.json"
    record.write_text(record.read_text()[:100])
    code, _, err = cli("query", "SELECT count(*) FROM runs", "--store", str(store))
    message = " ".join(err.split())
    assert code == 2 and "experiments/damage/experiment.json is damaged" in message and "--replace" in message
