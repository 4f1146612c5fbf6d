"""The observed targets: sourced, before the cut-off, reproducible from the curation script; held-out scoring."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from totalpeace.data import COLOMBIA
from totalpeace.validation.holdout import Ensemble, score_table, summary_table
from totalpeace.validation.targets import Target, load_targets

REPO = COLOMBIA.parents[3]


def test_every_target_has_a_source_and_predates_the_cutoff():
    frame = pd.read_csv(COLOMBIA / "targets.csv")
    assert len(frame) > 20
    assert frame["source"].str.len().min() > 10
    assert frame["year"].max() <= 2021
    assert set(frame["use"]) == {"calibrate", "validate"}
    for _, part in frame.groupby("scenario"):  # held-back years come after every calibration year
        assert part[part["use"] == "calibrate"]["year"].max() < part[part["use"] == "validate"]["year"].min()


def test_curation_script_regenerates_the_shipped_files(tmp_path):
    subprocess.run([sys.executable, str(REPO / "tools" / "curate_history.py"), "--out", str(tmp_path)], check=True)
    for name in ("targets.csv", "history_scaling.csv"):
        assert (tmp_path / name).read_bytes() == (COLOMBIA / name).read_bytes()


def test_historical_dataset_scales_homicides_to_its_year():
    from totalpeace.data import load_dataset

    base = load_dataset("colombia-departments").frame
    past = load_dataset("colombia-departments-2012").frame
    scaling = pd.read_csv(COLOMBIA / "history_scaling.csv")
    row = scaling[(scaling["dataset"] == "colombia-departments-2012") & (scaling["indicator"] == "homicides")]
    assert past["homicides"].sum() == pytest.approx(float(row["value"].iloc[0]))  # 16,033 in 2012
    assert (past["population"] == base["population"]).all()


def test_score_table_and_baselines_on_a_constructed_case():
    def target(year: int, value: float, use: str) -> Target:
        return Target("x", "s", year, value, "homicides", "", "year", use, "test")

    targets = [target(2000, 10.0, "calibrate"), target(2001, 20.0, "calibrate"), target(2002, 30.0, "validate")]
    members = {t.key: np.full(4, 30.0) for t in targets}  # the model says 30 every year
    scores = score_table(targets, {"s": Ensemble(members)})
    held = scores[scores["use"] == "validate"].iloc[0]
    assert held["crps"] == pytest.approx(0.0)
    assert held["crps_persistence"] == pytest.approx(10.0)  # last calibration value 20
    assert held["crps_climatology"] == pytest.approx(15.0)  # mean 15
    assert bool(held["in50"]) and bool(held["in95"])
    summary = summary_table(scores)
    assert summary["skill_persistence"].iloc[0] == pytest.approx(1.0)
    assert summary["coverage80"].iloc[0] == pytest.approx(1.0)


def test_load_targets_filters_by_use():
    assert all(t.use == "validate" for t in load_targets(use="validate"))
    assert {t.name for t in load_targets(["coca_ha"])} == {"coca_ha"}
