"""The municipal flagship: shipped data and its regeneration, the presence rule, routes, zones by name, the scale
comparison with the department flagship, maps and the rolling-origin backtest (small versions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from support import load_tool

from totalpeace import load_scenario, simulate
from totalpeace.data import department_extents, load_dataset, presence_shares, report_weight
from totalpeace.data.municipal import MUNICIPAL, read_table
from totalpeace.data.municipal_presence import FALLBACK_MAX
from totalpeace.errors import InputError
from totalpeace.routes import least_cost_routes

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
HAS_SHARED = (SHARED / "data" / "colombia-municipal" / "muni_homicides.csv").is_file()


@pytest.mark.skipif(not HAS_SHARED, reason="the curated inputs are read from ../shared")
def test_curation_script_regenerates_the_shipped_files(tmp_path):
    subprocess.run([sys.executable, str(REPO / "tools" / "curate_municipal.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    shipped = sorted(p.name for p in MUNICIPAL.iterdir() if p.name != "README.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (MUNICIPAL / name).read_bytes(), name


def test_every_row_names_a_known_source_and_nothing_is_after_2021():
    known = set(read_table("sources.csv")["key"])
    for name in ("municipalities.csv", "adjacency.csv", "panel.parquet", "ged.parquet", "cnmh_presence.parquet"):
        table = read_table(name)
        keys = {k for cell in table["source"] for k in str(cell).split(";")}
        assert keys and keys <= known, name
        if "year" in table.columns:
            assert table["year"].max() <= 2021, name
    units = read_table("municipalities.csv")
    assert len(units) == 1122 and units["id"].is_unique
    assert len(read_table("adjacency.csv")) == 3196  # shared boundaries of positive length (dane-mgn2018 README)
    panel = read_table("panel.parquet")
    homicides = panel[panel["indicator"] == "homicides"].groupby("year")["value"].sum()
    assert homicides[2021] == 13874 and homicides[2020] == 12127 and homicides[2003] == 22496  # Police totals


@pytest.mark.skipif(not HAS_SHARED, reason="compares with the event list in ../shared")
def test_events_on_a_department_centroid_are_given_to_no_municipality():
    events = pd.read_csv(SHARED / "data/colombia-municipal/ged_colombia.csv", dtype={"dane_muni_code": str})
    ged = read_table("ged.parquet")
    located = events[events["where_prec"] <= 3]
    municipal = ged[ged["level"] == "municipality"]
    assert set(zip(municipal["id"], municipal["year"], strict=True)) <= set(
        zip(located["dane_muni_code"], located["year"], strict=True))
    # every located event counts once per armed actor; events on a centroid only at department or country level
    per_year = located.groupby("year").size()
    assert (municipal.groupby("year")["events"].sum() <= 2 * per_year.reindex(range(1989, 2019)).fillna(0)).all()
    centroid = events[events["where_prec"] == 4]
    assert ged[ged["level"] == "department"]["events"].sum() >= len(centroid)
    assert municipal["events"].sum() >= len(located)  # no located event is lost


def test_presence_rule_keeps_the_department_flagship_totals():
    municipal = load_dataset("colombia-municipalities")
    departments = load_dataset("colombia-departments")
    presence = municipal.presence
    for group in sorted(set(presence["group"])):
        shares = pd.Series(presence_shares(municipal, group))
        by_department = shares.groupby(shares.index.str[:2]).sum()
        expected = pd.Series(presence_shares(departments, group))
        assert by_department.reindex(expected.index).to_numpy() == pytest.approx(expected.to_numpy()), group
    evidence = presence[presence["basis"] == "evidence"]
    assert (evidence["evidence"] > 0).all()
    modelled = presence[presence["basis"] != "evidence"]
    for (group, department), part in modelled.groupby(["group", "department"]):
        assert len(part) <= FALLBACK_MAX
        assert not ((presence["group"] == group) & (presence["department"] == department)
                    & (presence["basis"] == "evidence")).any()  # the fallback only where no evidence is found


def test_presence_follows_evidence_within_a_department():
    presence = load_dataset("colombia-municipalities").presence
    eln = presence[(presence["group"] == "eln") & (presence["department"] == "54")]  # Norte de Santander, strong
    assert (eln["basis"] == "evidence").all() and len(eln) > 3
    # the department's weight (3 for a strong report, times its extent: data.report_weight), split in proportion to
    # the evidence
    weight = report_weight("strong", "54", department_extents())
    assert eln["weight"].sum() == pytest.approx(weight)
    assert (eln["weight"] / eln["evidence"]).to_numpy() == pytest.approx(np.full(len(eln),
                                                                                weight / eln["evidence"].sum()))


def test_least_cost_routes_follow_costs_and_record_corridors():
    # a square 0-1-2-3-0 with exits 2 and 3; 0 -> 1 -> 2 is cheap, 0 -> 3 is dear
    pairs = [(0, 1), (1, 2), (2, 3), (3, 0)]
    rows, cols = zip(*pairs, strict=True)
    adjacency = sp.coo_matrix((np.ones(4), (rows, cols)), shape=(4, 4)).tocsr()
    adjacency = adjacency + adjacency.T
    exits = np.array([False, False, True, True])
    costs = sp.coo_matrix(([1.0, 1.0, 1.0, 10.0], (rows, cols)), shape=(4, 4)).tocsr()
    routes = least_cost_routes(adjacency, exits, costs + costs.T)
    assert routes.exit_of.tolist() == [2, 2, 2, 3]
    assert routes.corridor[0].indices.tolist() == [1, 2]  # 0 crosses 1 on its way to 2
    assert routes.throughput(np.array([5.0, 1.0, 0.0, 0.0])).tolist() == [0.0, 5.0, 6.0, 0.0]
    unit = least_cost_routes(adjacency, exits)  # no costs: fewest territories crossed
    assert unit.exit_of[0] == 3 and unit.cost[0] == 1  # 3 is a direct neighbour


def test_zones_by_municipality_name_code_or_department(write):
    path = write("zone.toml", """
extends = "colombia-2022-municipal"
name = "zone"
[[policy.ceasefires]]
group = "eln"
start = "2023-01"
months = 12
zone = true
territories = ["Tibú", "el tarra, Norte de Santander", "81", "54001"]
""")
    zone = load_scenario(path).policy.ceasefires[0].territories
    arauca = [t for t in load_dataset("colombia-municipalities").ids if t.startswith("81")]
    assert zone == ["54810", "54250", *arauca, "54001"]


def test_ambiguous_or_misplaced_zone_names_are_errors(cli, write):
    base = 'extends = "colombia-2022-municipal"\nname = "z"\n[[policy.ceasefires]]\ngroup = "eln"\nstart = "2023-01"\n'
    code, _, err = cli("show", str(write("amb.toml", base + 'months = 6\nzone = true\nterritories = ["San Pablo"]\n')))
    assert code == 2 and "names 2 territories: 13670 (Bolívar), 52693 (Nariño)" in err
    code, _, err = cli("show", str(write("nozone.toml", base + 'months = 6\nterritories = ["Tibú"]\n')))
    assert code == 2 and "set zone = true" in err


def test_the_municipal_flagship_inherits_the_whole_department_flagship():
    department, municipal = load_scenario("colombia-2022"), load_scenario("colombia-2022-municipal")
    assert municipal.policy == department.policy  # tables, concessions, ceasefires, events: nothing dropped
    assert municipal.security == department.security and municipal.international == department.international
    # the parameters set at the municipalities' scale (next tests)
    own = {"regional_crime_drift_sd", "crime_reversion", "leader_competition_rate", "massacre_rate",
           "confinement_rate"}
    assert municipal.parameters.model_dump(exclude=own) == department.parameters.model_dump(exclude=own)
    for gid, group in department.groups.items():
        assert municipal.groups[gid].model_dump(exclude={"presence"}) == group.model_dump(exclude={"presence"})


def test_municipalities_drift_at_the_rate_their_own_counts_give():
    """A municipality's homicides drift from the nation's more than a department's (which sums several): the
    municipal scenario's regional drift is the tool's estimate over the municipalities, larger than the registry's
    department value, and the backtest's municipal level runs with it."""
    from totalpeace.scenario.params import BY_NAME
    from totalpeace.validation.colombia_backtest import build

    tool = subprocess.run([sys.executable, str(REPO / "tools" / "crime_drift.py")], check=True, capture_output=True,
                          text=True).stdout
    estimate = next(float(line.rsplit(":", 1)[1].split()[0]) for line in tool.splitlines()
                    if line.startswith("municipal scenarios'") and line.endswith("(default)"))
    municipal = load_scenario("colombia-2022-municipal").parameters.regional_crime_drift_sd
    assert municipal == pytest.approx(estimate, abs=0.0005)
    assert municipal > 1.4 * BY_NAME["regional_crime_drift_sd"].default
    assert build(2019, "municipality").parameters.regional_crime_drift_sd == municipal
    assert build(2019, "department").parameters.regional_crime_drift_sd == load_scenario(
        "colombia-2022").parameters.regional_crime_drift_sd


def test_the_rates_read_with_the_competition_index_are_carried_to_municipalities():
    """The competition index depends on the map (a department is contested where its municipalities are held by one
    group each), so the rates measured on departments are carried over by the ratio of the two flagships' counts in
    their first month, from the same start: the municipal file holds what tools/municipal_scales.py measures, and with
    them the municipal flagship's first month kills the social leaders and confines the persons the department
    flagship does."""
    tool = load_tool("municipal_scales")
    municipal = load_scenario("colombia-2022-municipal").parameters
    department = load_scenario("colombia-2022").parameters
    rates = tool.municipal_rates()
    assert set(rates) == {"leader_competition_rate", "massacre_rate", "confinement_rate"}
    for rate, (at_departments, _ratio, carried) in rates.items():
        assert at_departments == getattr(department, rate)
        assert getattr(municipal, rate) == pytest.approx(carried, rel=0.005), rate
    assert rates["leader_competition_rate"][1] > 1.5 and rates["confinement_rate"][1] < 0.8  # the measured direction
    counts = {}
    for name in ("colombia-2022", "colombia-2022-municipal"):
        results = simulate(load_scenario(name, ["parameters.vacuum_violence_rate=0"]), runs=50, seed=1, months=1)
        counts[name] = [results.national[m][:, 0].mean() for m in ("social_leader_killings", "confined")]
    np.testing.assert_allclose(counts["colombia-2022-municipal"], counts["colombia-2022"], rtol=0.02)


def test_show_lists_the_municipal_data_sources_and_the_presence_rule(cli):
    code, out, err = cli("show", "colombia-2022-municipal", "--json")
    assert code == 0, err
    info = json.loads(out)["territories"]
    assert len(info["items"]) == 1122 and info["adjacent_pairs"] == 3196
    for column in ("population", "homicides", "coca_ha", "border_countries", "port", "state_presence",
                   "rural_population"):
        assert info["sources"][column]
    assert "24 people per km2" in info["sources"]["rural_population"]
    tumaco = next(t for t in info["items"] if t["id"] == "52835")
    assert 0 < tumaco["rural_population"] < tumaco["population"]  # the town's people are not rural
    assert "Policía Nacional" in info["sources"]["homicides"] and "SIMCI" in info["sources"]["coca_ha"]
    assert any(note.startswith("group presence:") for note in info["notes"])
    assert set(info["presence_basis"]["eln"].values()) <= {"evidence", "value", "population"}


def test_municipal_results_summed_to_departments_track_the_department_flagship():
    """Tolerances (docs/scenarios.md 5.5): both resolutions start from the same 2021 homicides and the same members;
    over the first year national homicides agree within 15% (both start at the observed national count; measured:
    the municipal year 5% below the department one, as the groups' growth and the state's control differ) and armed
    members within 30% (measured -26.2% over 3 runs and -25.6% over 10, -19.1% without the urban gangs, who fall from
    about 2,500 to 610 in a year at municipal scale against 2,900 to 2,040 at department scale; -21.1% and -13.5%
    before a front's reach followed the group's own fronts, docs/validation.md 10.75: the municipalities' presence
    lists only where events were recorded, and a front no longer spreads into every neighbouring municipality;
    -19.8% on the calibration before, -15.8% on an earlier one). The state removes the urban gangs faster there
    (2,240 in the year against 830, support networks arrested included; its rate is its effort per 1,000 km2,
    docs/model.md 7.9, and the cities where they live are small municipalities that hold much of its deployment) and
    every group recruits less (the Clan del Golfo 630 against 1,140): the state controls more people at municipal
    scale, 0.86 against 0.68. Department homicides correlate above 0.95. State control is higher at municipal scale
    (population in places without groups)."""
    from totalpeace.aggregate import territory_summary
    from totalpeace.world import build_world

    out = {}
    for name in ("colombia-2022", "colombia-2022-municipal"):
        scenario = load_scenario(name)
        results = simulate(scenario, runs=3, seed=1, months=12)
        out[name] = (results, territory_summary(results, build_world(scenario).population))
    (dep, dep_units), (mun, mun_units) = out["colombia-2022"], out["colombia-2022-municipal"]
    hom_dep, hom_mun = dep.national["homicides"].sum(axis=1).mean(), mun.national["homicides"].sum(axis=1).mean()
    assert abs(hom_mun / hom_dep - 1.0) < 0.15
    members = [r.national["armed_group_members"][:, -1].mean() for r in (dep, mun)]
    assert abs(members[1] / members[0] - 1.0) < 0.30
    a = dep_units.groupby("unit")["homicides"].sum()
    b = mun_units.groupby("unit")["homicides"].sum().reindex(a.index)
    assert np.corrcoef(a, b)[0, 1] > 0.95
    first = dep.month_labels()[0]
    control_dep = dep_units[dep_units["month"] == first].set_index("unit")["state_control"]
    control_mun = mun_units[mun_units["month"] == first].set_index("unit")["state_control"].reindex(control_dep.index)
    assert np.corrcoef(control_dep, control_mun)[0, 1] > 0.5
    assert mun.national["state_control_share"][:, 0].mean() > dep.national["state_control_share"][:, 0].mean()


def test_report_draws_municipal_maps_with_department_summaries(tmp_path):
    from totalpeace.report.html import write_report
    from totalpeace.report.maps import territory_shapes

    scenario = load_scenario("colombia-2022-municipal")
    results = simulate(scenario, runs=2, seed=1, months=2)
    population = load_dataset("colombia-municipalities").frame["population"].to_numpy(float)
    html = write_report(results, tmp_path / "report.html", shapes=territory_shapes(scenario),
                        population=population).read_text()
    assert 'id="map-control"' in html and 'id="map-department-control"' in html
    assert "tile grid" not in html
    results.save(tmp_path)
    territories = pd.read_parquet(tmp_path / "territories.parquet")
    assert territories["territory"].nunique() == 1122


def test_backtest_scores_against_persistence_and_the_recent_mean():
    from totalpeace.validation.backtest import backtest, skill_table
    from totalpeace.validation.colombia_backtest import PROBLEM, build

    scenario = build(2019, "department")
    assert scenario.start == "2020-01" and scenario.territories.source == "colombia-departments@2019"
    assert "farc" not in scenario.groups and "farc_dissidents" in scenario.groups
    scores = backtest(PROBLEM, [2019], ["department"], runs=3)
    national = scores[(scores["scope"] == "national") & (scores["horizon"] == 1)].iloc[0]
    assert national["observed"] == 12127
    assert national["mae_persistence"] == pytest.approx(abs(12656 - 12127))  # 2019 carried forward to 2020
    assert national["mae_mean3"] == pytest.approx(abs((12079 + 12667 + 12656) / 3 - 12127))  # 2017-2019
    assert np.isfinite(scores[["crps", "mae"]].to_numpy()).all()
    # persistence with Poisson noise: the exact CRPS of Poisson(12,656) at 12,127 (a point forecast 529 away, with
    # a spread of about 112 that shaves a little off)
    from totalpeace.validation.scoring import crps_poisson

    assert national["crps_poisson"] == pytest.approx(crps_poisson(12656, 12127))
    assert 529 - 112 < national["crps_poisson"] < 529
    assert 0.0 <= national["coverage80"] <= 1.0 and national["coverage80_poisson"] == 0.0  # 529 is ~5 sd away
    skill = skill_table(scores)
    assert set(skill["horizon"]) == {1, 2} and "skill_poisson" in skill


def test_each_backtest_origin_draws_its_own_runs(monkeypatch):
    """Origins run their own run ids: the runs of one seed are not the same numbers at every origin (their errors
    would then be one draw shared by all origins), and an origin's scores do not depend on the others scored."""
    from totalpeace.validation import backtest as harness
    from totalpeace.validation.colombia_backtest import PROBLEM

    seen = []
    real = harness.territory_runs

    def recording(scenario, runs, seed, months, first_run=0):
        seen.append((scenario.start, first_run, runs))
        return real(scenario, runs, seed, months, first_run)

    monkeypatch.setattr(harness, "territory_runs", recording)
    both = harness.backtest(PROBLEM, [2018, 2019], ["department"], runs=2)
    alone = harness.backtest(PROBLEM, [2019], ["department"], runs=2)
    assert seen[:2] == [("2019-01", 2018 * harness.ORIGIN_RUNS, 2), ("2020-01", 2019 * harness.ORIGIN_RUNS, 2)]
    pd.testing.assert_frame_equal(both[both["origin"] == 2019].reset_index(drop=True), alone)
    # with settings, each setting's runs follow the origin's first run (settings share an origin's run ids)
    seen.clear()
    harness.ensemble_runs(PROBLEM.build(2019, "department"), 2, 1, 1, [{}, {}], first_run=50)
    assert [s[1] for s in seen] == [50, 52]


def test_backtest_of_candidate_calibrations_and_the_selection_rule():
    from totalpeace.scenario.params import PARAMETERS
    from totalpeace.validation.backtest import compare_calibrations, select_calibration
    from totalpeace.validation.colombia_backtest import PROBLEM

    defaults = [{p.name: float(p.default) for p in PARAMETERS}]
    slower = [{**defaults[0], "recruitment_rate": 0.01}, {**defaults[0], "recruitment_rate": 0.012}]
    scores = compare_calibrations(PROBLEM, {"defaults": defaults, "slower": slower, "flagship": None}, [2018],
                                  ["department"], runs=2)
    assert set(scores["candidate"]) == {"defaults", "slower", "flagship"}
    best, ranking = select_calibration(scores)
    means = scores[(scores["level"] == "department") & (scores["scope"] == "territories")].groupby("candidate")[
        "crps"].mean()
    # the registry defaults are ranked beside the calibrations but carry no posterior: never chosen over one
    assert best == means.drop("defaults").idxmin() and list(ranking["candidate"]) == list(means.sort_values().index)
    assert ranking["beats_baseline"].tolist() == (ranking["skill_poisson"] > 0).tolist()
    only_defaults = scores[scores["candidate"] == "defaults"]
    assert select_calibration(only_defaults)[0] == "defaults"  # ... unless nothing else is compared


def test_the_selection_rule_over_seeds_says_how_often_its_choice_wins():
    """Over several seeds the rule ranks the mean CRPS and counts, per calibration, the seeds in which it has the
    lowest: a choice a new seed reverses is reported as within the noise (hand-made scores)."""
    import pandas as pd

    from totalpeace.validation.backtest import select_calibration

    rows = []
    national = {"a": 500.0, "b": 950.0, "defaults": 900.0}
    for seed, crps in ((1, {"a": 10.0, "b": 11.0, "defaults": 9.0}), (2, {"a": 13.0, "b": 11.0, "defaults": 9.0})):
        for candidate, value in crps.items():
            for scope, score in (("territories", value), ("national", national[candidate])):
                rows.append({"level": "department", "scope": scope, "candidate": candidate, "seed": seed,
                             "crps": score, "crps_poisson": 12.0, "coverage80": 0.5})
    best, ranking = select_calibration(pd.DataFrame(rows))
    table = ranking.set_index("candidate")
    assert best == "b"  # the lowest mean among the calibrations (11 against 11.5), the defaults a baseline
    assert table.loc["a", "crps"] == pytest.approx(11.5) and table.loc["a", "crps_sd"] == pytest.approx(2.1213, 1e-4)
    assert table.loc["b", "crps_sd"] == 0.0 and table.loc["a", "national_crps"] == pytest.approx(500.0)
    assert (table.loc["a", "wins"], table.loc["b", "wins"], table.loc["defaults", "wins"]) == (1, 1, 0)
    assert set(table["seeds"]) == {2} and list(ranking["candidate"]) == ["defaults", "b", "a"]
    # neither calibration beats the baseline at department level in any seed (9 against 10, 11 and 13); nationally
    # a does in both seeds (500 against 900) and b in none (950)
    assert table["below_defaults"].tolist() == [0, 0, 0]
    assert (table.loc["a", "below_defaults_national"], table.loc["b", "below_defaults_national"]) == (2, 0)


def test_dataset_years_outside_the_panel_are_errors():
    with pytest.raises(InputError, match="2003-2021"):
        load_dataset("colombia-municipalities@2030")
