"""`totalpeace scenarios` and `totalpeace show`: the flagship resolves and prints with its sources."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from totalpeace.calibration.paramset import shipped_sets


def test_scenarios_lists_the_flagship(cli):
    code, out, _ = cli("scenarios")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("colombia-2022\t2022-08, 48 months") for line in lines)
    assert any(line.startswith("colombia-2012\t2012-10, 118 months") for line in lines)  # historical scenarios


def test_show_prints_every_part(cli):
    code, out, err = cli("show", "colombia-2022")
    assert code == 0, err
    for heading in ("Territories (33", "Groups", "State and security forces", "Levers at the start",
                    "International actors", "Policy timeline", "Parameters"):
        assert heading in out
    assert "Antioquia" in out and "clan_del_golfo" in out and "arrest_orders_suspended" in out
    # text in square brackets is the scenario's and the registry's own, printed as written, not read as markup
    flat = " ".join(out.replace("│", " ").split())
    assert "in [security], [policy] and [international]" in flat


def test_show_json_is_complete_and_sourced(cli):
    code, out, err = cli("show", "colombia-2022", "--json")
    assert code == 0, err
    info = json.loads(out)
    items = info["territories"]["items"]
    assert len(items) == 33
    population = sum(t["population"] for t in items)
    homicides = sum(t["homicides"] for t in items)
    # The 2021 national rate from the shipped department data: 26.6 (Police) vs 26.8 in the article.
    assert 25.5 < 1e5 * homicides / population < 27.5
    assert info["groups"]["eln"]["members"] == 2500
    assert abs(sum(info["groups"]["eln"]["presence"].values()) - 1.0) < 1e-9
    assert info["security"]["purge"]["generals_retired"] == 52
    assert {p["name"] for p in info["parameters"]} >= {"appropriable_share", "ddr_rate", "control_turnover"}
    assert all(p["source"] for p in info["parameters"])
    assert all(src for src in info["territories"]["sources"].values())
    assert len(info["scenario_sha256"]) == 64


def test_show_dates_each_tables_deadline(cli):
    code, out, err = cli("show", "colombia-1998", "--json")
    assert code == 0, err
    dated = [t for t in json.loads(out)["timeline"] if t["date"] == "2002-04"]
    assert [t["what"] for t in dated] == ["the state's deadline for a final agreement with farc: it ends the table if "
                                          "none is signed"]
    code, out, err = cli("show", "colombia-1998", "--json", "--set", "policy.tables.auc.deadline_months=30")
    assert code == 0, err
    opening = [t["what"] for t in json.loads(out)["timeline"] if t["what"].startswith("table opens with auc")]
    assert opening == ["table opens with auc (simultaneous talks); the state's deadline 30 months after opening"]
    told = [t["what"] for t in json.loads(out)["timeline"] if t["date"] == "2002-01" and "announced" in t["what"]]
    assert told == ["the deadline for a final agreement with farc (2002-04) announced: the drafting may hurry "
                    "toward it from now"]
    # Havana's target date: announced in September 2015, it ends nothing
    code, out, err = cli("show", "colombia-2012", "--json")
    assert code == 0, err
    dated = {t["date"]: t["what"] for t in json.loads(out)["timeline"] if "final agreement with farc" in t["what"]}
    assert dated == {"2015-09": "the target date for a final agreement with farc (2016-03) announced: the drafting "
                                "may hurry toward it from now",
                     "2016-03": "the target date for a final agreement with farc: missing it ends nothing"}


def test_show_applies_overrides(cli):
    code, out, err = cli("show", "colombia-2022", "--json", "--set", "policy.decriminalization=0.5",
                         "--set", "security.buy_in=0.4", "--set", "international.venezuela.host_tolerance=0.2",
                         "--set", "policy.talks.mode=phased", "--set", "groups.eln.members=3000")
    assert code == 0, err
    info = json.loads(out)
    assert info["policy"]["decriminalization"] == 0.5
    assert info["security"]["buy_in"] == 0.4
    assert info["international"]["venezuela"]["host_tolerance"] == 0.2
    assert info["policy"]["talks"]["mode"] == "phased"
    assert info["groups"]["eln"]["members"] == 3000


def test_show_says_what_runs_do_with_each_parameter(cli, tmp_path):
    code, out, err = cli("show", "colombia-2022", "--json", "--set", "parameters.trust_base=0.3")
    assert code == 0, err
    in_runs = {p["name"]: p["in_runs"] for p in json.loads(out)["parameters"]}
    assert in_runs["recruitment_rate"] == "posterior"  # calibrated
    assert in_runs["type_prior_mode"] == "matched" and in_runs["guarantor_effect"] == "matched"  # unidentified
    assert in_runs["deadline_pressure"] == "matched"
    assert in_runs["trust_base"] == "held"  # set on the command line
    assert in_runs["reintegration_months"] == "held"  # a published figure
    code, out, err = cli("show", "colombia-2022", "--json", "--set", "parameters.calibration=colombia-history")
    assert code == 0, err
    in_runs = {p["name"]: p["in_runs"] for p in json.loads(out)["parameters"]}
    assert in_runs["type_prior_mode"] == "held"  # no sample matched to history beside that calibration
    assert "posterior" in in_runs.values()
    code, out, err = cli("show", "colombia-2022", columns=250)
    assert code == 0 and "in runs" in out and "matched" in out
    # an assumption a matched sample does not hold (one matched before it existed) is drawn uniformly, as run draws it
    folder = tmp_path / "colombia-patterns"
    shutil.copytree(shipped_sets()["colombia-patterns"].parent, folder)
    sample = pd.read_parquet(folder / "assumptions.parquet").drop(columns="deadline_pressure")
    sample.to_parquet(folder / "assumptions.parquet", index=False)
    code, out, err = cli("show", "colombia-2022", "--json", "--set", f'parameters.calibration="{folder}"')
    assert code == 0, err
    in_runs = {p["name"]: p["in_runs"] for p in json.loads(out)["parameters"]}
    assert in_runs["deadline_pressure"] == "uniform" and in_runs["type_prior_mode"] == "matched"
