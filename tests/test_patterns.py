"""The pattern catalogue: statistics on synthetic runs, the shipped observations and their regeneration, the
historical scenarios' inputs, a small evaluation on real runs, the calibration vectors and `validate`'s table."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from totalpeace import load_scenario, simulate
from totalpeace.data import COLOMBIA
from totalpeace.model.tables.issues import Phase
from totalpeace.validation import statistics as st
from totalpeace.validation.outputs import NotProduced, Outputs
from totalpeace.validation.pattern_runs import (
    NOT_PRODUCED,
    REPRODUCED,
    evaluate,
    observed_vector,
    result_table,
    simulate_ensemble,
    statistics_frame,
    summary_vector,
)
from totalpeace.validation.patterns import (
    CATALOGUE,
    Criterion,
    Runs,
    catalogue,
    check_catalogue,
    load_observations,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
HAS_SHARED = (SHARED / "data" / "colombia-violence" / "leaders_killed.csv").is_file()
BUILTIN = REPO / "src" / "totalpeace" / "scenario" / "builtin"
GENERATED = ("patterns.csv", "history_events.csv", "colombia_2017.csv", "history_presence.csv")


def frame(rows: list[tuple]) -> pd.DataFrame:
    """A tidy outputs frame from (run, month, metric, group, territory, value) rows."""
    return pd.DataFrame(rows, columns=["run", "month", "metric", "group", "territory", "value"])


def months(start: str, n: int) -> list[str]:
    from totalpeace.scenario.dates import add_months

    return [add_months(start, m) for m in range(n)]


# --- statistics on synthetic runs -----------------------------------------------------------------------------------
def test_group_statistics_read_the_right_month_and_share():
    rows = []
    for run, growth in ((0, 10.0), (1, 20.0)):
        for m, label in enumerate(months("2017-09", 40)):
            rows.append((run, label, "members", "eln", "", 1000 + growth * m))
            rows.append((run, label, "sanctuary", "eln", "", 0.4 * (1000 + growth * m)))
    out = Outputs.from_frame(frame(rows))
    assert st.group_at(out, "eln", "members", "2020-12").tolist() == [1000 + 10 * 39, 1000 + 20 * 39]
    assert st.group_peak(out, "eln", "members", "2018-01", "2018-12").tolist() == [1150.0, 1300.0]
    assert st.group_share(out, "eln", "sanctuary", "members", (2018, 2019)) == pytest.approx([0.4, 0.4])
    with pytest.raises(NotProduced, match="support"):
        st.group_at(out, "eln", "support", "2018-01")
    with pytest.raises(NotProduced, match="clan"):
        st.group_at(out, "clan_del_golfo", "members", "2018-01")


def test_guerrillas_removed_adds_the_farc_and_the_eln_over_the_calendar_year():
    rows = []
    for run, per_month in ((0, 100.0), (1, 300.0)):
        for label in months("2013-10", 20):
            removed_farc = per_month if label.startswith("2014") else 1e6  # other years must not count
            rows.append((run, label, "removed", "farc", "", removed_farc))
            rows.append((run, label, "removed", "eln", "", 25.0))
            rows.append((run, label, "removed", "clan_del_golfo", "", 1e6))  # not a guerrilla
    out = Outputs.from_frame(frame(rows))
    pattern = next(p for p in CATALOGUE if p.id == "guerrillas-removed-2014")
    observation = load_observations()[pattern.observation]
    values = pattern.statistic(Runs(out, observation))
    assert values.tolist() == [12 * 125.0, 12 * 325.0]
    # 1,500 and 3,900 a year against the band 3,005-6,761
    assert pattern.criterion_for(observation).holds(values).tolist() == [False, True]


def test_the_removals_diagnosis_names_the_support_networks_beside_the_armed_members():
    """The Defence Ministry's captures are mostly support networks: the explanation of a removal pattern gives the
    group's networks that year, so that a group without them is seen to be short of what the count holds."""
    pattern = next(p for p in CATALOGUE if p.id == "eln-removed-2014")
    rows = []
    for run, support in ((0, 100.0), (1, 300.0), (2, 500.0)):
        for label in months("2014-01", 12):
            rows += [(run, label, "removed", "eln", "", 20.0 + run), (run, label, "armed", "eln", "", 1200.0),
                     (run, label, "support", "eln", "", support)]
    runs = Runs(Outputs.from_frame(frame(rows)), load_observations()[pattern.observation])
    text = pattern.diagnose(runs, np.zeros(3))
    assert text == "median removed in 2014: eln 252 of 1,200 armed members and 300 in support networks"
    without = Runs(Outputs.from_frame(frame([r for r in rows if r[2] != "support"])), runs.observation)
    with pytest.raises(NotProduced, match="support"):
        pattern.diagnose(without, np.zeros(3))


def test_talks_timing_counts_from_a_date_before_the_run_and_ignores_tables_that_signed_first():
    labels = months("2017-09", 30)
    phases = {  # run -> phase per month
        0: [Phase.FORMAL_TALKS] * 16 + [Phase.BROKEN_DOWN] * 14,  # breaks down in 2019-01
        1: [Phase.FORMAL_TALKS] * 10 + [Phase.FINAL_AGREEMENT] * 10 + [Phase.BROKEN_DOWN] * 10,  # signed first
        2: [Phase.FORMAL_TALKS] * 30,  # never ends
    }
    rows = [(r, labels[m], "phase", "eln", "", float(p)) for r, seq in phases.items() for m, p in enumerate(seq)]
    out = Outputs.from_frame(frame(rows))
    broken = st.months_to_breakdown(out, "eln", "2017-02")
    assert broken[0] == 23  # Feb 2017 -> Jan 2019, as observed
    assert np.isnan(broken[1]) and np.isnan(broken[2])
    signed = st.months_to_signing(out, "eln", "2017-09")
    assert np.isnan(signed[0]) and signed[1] == 10 and np.isnan(signed[2])


def test_ratification_and_breakdown_reason_series():
    labels = months("2016-01", 12)
    votes = {0: {9: -1, 10: 1}, 1: {10: 1}, 2: {9: -1}}  # rejected then ratified / ratified at once / only rejected
    rows = [(r, labels[m], "ratification", "farc", "", float(v.get(m, 0))) for r, v in votes.items()
            for m in range(12)]
    reasons = {0: {5: 1}, 1: {5: 3}, 2: {}}
    rows += [(r, labels[m], "breakdown_reason", "eln", "", float(v.get(m, 0))) for r, v in reasons.items()
             for m in range(12)]
    out = Outputs.from_frame(frame(rows))
    assert st.rejected_then_ratified(out, "farc").tolist() == [1.0, 0.0, 0.0]
    from totalpeace.validation.patterns import _end_reasons

    assert _end_reasons(out, "eln") == ("; tables ended, by first reason: attack by the group 50%, the state's "
                                        "decision 50%")
    assert _end_reasons(out, "farc") == ""  # no audit series for this table
    reason = st.breakdown_reason_is(out, "eln", 1)
    assert reason[:2].tolist() == [1.0, 0.0] and np.isnan(reason[2])


def test_a_suspended_table_counts_as_resumed_only_if_it_bargains_again_within_the_window():
    labels = months("2017-12", 10)  # Dec 2017 .. Sep 2018
    F, S, B = int(Phase.FORMAL_TALKS), int(Phase.SUSPENDED), int(Phase.BROKEN_DOWN)
    paths = [
        [F, S, S, F, F, F, F, F, F, F],  # suspended in Jan, bargains again in Mar: resumed
        [F, F, S, S, S, S, S, S, B, B],  # suspended in Feb, ended after July: not resumed by then
        [F, S, B, B, B, B, B, B, B, B],  # ended in Feb
        [F, F, F, F, F, F, F, F, F, F],  # never suspended
        [F, F, S, S, S, S, S, S, S, F],  # resumed in September, after the window
        [S, F, F, F, F, F, F, F, F, F],  # suspended only before the window (Dec 2017)
    ]
    rows = [(r, labels[m], "phase", "eln", "", float(ph)) for r, path in enumerate(paths) for m, ph in enumerate(path)]
    out = Outputs.from_frame(frame(rows))
    resumed = st.suspended_then_resumed(out, "eln", ("2018-01", "2018-02"), "2018-07")
    assert resumed.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def test_national_statistics_ratios_levels_and_errors():
    labels = months("2012-10", 111)  # to Dec 2021
    rows = []
    for label in labels:
        during = "2015-08" <= label <= "2016-07"
        rows.append((0, label, "combat_deaths", "", "", 20.0 if during else 100.0))
        rows.append((0, label, "homicides", "", "", 1000.0))
        rows.append((0, label, "massacres", "", "", 1.0 if label.startswith("2018") else 2.0))
    out = Outputs.from_frame(frame(rows))
    assert st.ratio_of_monthly_means(out, "combat_deaths", ("2015-08", "2016-07"), ("2012-10", "2014-11")) == \
        pytest.approx([0.2])
    assert st.yearly_mean(out, "massacres", (2018, 2019)) == pytest.approx([18.0])  # 12 and 24
    assert st.yearly_mean(out, "homicides", (2012,)) == pytest.approx([12000.0])  # 3 months scaled to a year
    assert st.ratio_to_year(out, "massacres", (2019,), 2018) == pytest.approx([2.0])
    observed = {2013: 12000.0, 2014: 10000.0}
    assert st.mean_absolute_percentage_error(out, "homicides", observed) == pytest.approx([(0 + 0.2) / 2])
    with pytest.raises(NotProduced, match="displaced"):
        st.yearly_mean(out, "displaced", (2018,))


def test_ceasefire_diagnosis_splits_runs_by_whether_the_table_was_alive():
    from totalpeace.validation.patterns import Runs, ceasefire_by_table, load_observations

    labels = months("2012-10", 48)
    rows = []
    for run, (phase, during) in enumerate(((Phase.PARTIAL_AGREEMENTS, 20.0), (Phase.BROKEN_DOWN, 90.0),
                                           (Phase.SUSPENDED, 30.0))):
        for label in labels:
            ceasefire = "2015-08" <= label <= "2016-07"
            rows.append((run, label, "combat_deaths", "", "", during if ceasefire else 100.0))
            rows.append((run, label, "phase", "farc", "", float(phase)))
            # the group's conduct: its fronts' exploitation (only in the ceasefire) and its margin at the table
            rows.append((run, label, "choice_exploit", "farc", "", (0.1 * (run + 1)) if ceasefire else np.nan))
            rows.append((run, label, "surplus", "farc", "", -0.2 + 0.1 * run))
    runs = Runs(Outputs.from_frame(frame(rows)), load_observations()["ceasefire_conflict_deaths_ratio"])
    text = ceasefire_by_table("farc", "combat_deaths", ("2015-08", "2016-07"), ("2012-10", "2014-11"))(
        runs, np.zeros(3))
    assert "alive in 2015-08 in 67% of runs" in text
    assert "where alive 0.25" in text and "where not alive 0.9" in text
    # runs 0 and 2 are alive: exploitation 0.1 and 0.3 (mean 20%), margins -0.2 and 0.0 (median -0.1)
    assert "exploited the ceasefire in 20% of its months" in text
    assert "median margin at the table -0.1" in text


def test_territory_statistics_weight_departments_by_observed_homicides():
    labels = months("2013-01", 12)
    model = {"05": 100.0, "76": 50.0, "11": 10.0}  # a month, so 1,200 / 600 / 120 a year
    rows = [(0, label, "homicides", "", t, v) for label in labels for t, v in model.items()]
    rows += [(0, label, "social_leader_killings", "", t, 1.0 if t == "05" else 3.0) for label in labels
             for t in model]
    out = Outputs.from_frame(frame(rows))
    observed = {"05": 1000.0, "76": 1000.0, "11": 120.0}  # 05 is 20% off, 76 40% off, 11 exact
    share = st.weighted_share_within(out, "homicides", (2013,), observed, tolerance=0.25)
    assert share == pytest.approx([(1000 + 120) / 2120])
    assert st.share_in_territories(out, "social_leader_killings", (2013,), ["05"]) == pytest.approx([1 / 7])


def test_largest_shares_diagnosis_pools_the_runs_and_marks_the_chosen_departments():
    from totalpeace.validation.patterns import FORMER_FARC, Runs, _departments, largest_shares

    labels = months("2018-01", 12)
    inside = _departments(FORMER_FARC)[0]  # a former FARC department, marked
    rows = [(run, label, "social_leader_killings", "", t, v) for run, values in enumerate(({inside: 1.0, "15": 3.0},
                                                                                         {inside: 5.0, "15": 1.0}))
            for label in labels for t, v in values.items()]
    runs = Runs(Outputs.from_frame(frame(rows)), load_observations()["leaders_share_former_farc"])
    text = largest_shares("social_leader_killings", range(2018, 2019), FORMER_FARC)(runs, np.zeros(2))
    # pooled over both runs: 6 of 10 in the marked department, 4 in Boyacá (15), whatever each run's own split
    assert "pooled over the runs: " in text
    assert text.index("* 60.0%") < text.index("Boyacá 40.0%")
    assert text.endswith(f"(* in {FORMER_FARC})")
    # without an observation to mark, the same shares and no marks (where confinement lies)
    plain = largest_shares("social_leader_killings", range(2018, 2019))(runs, np.zeros(2))
    assert "Boyacá 40.0%" in plain and "*" not in plain and plain.endswith("40.0%")


def test_year_end_diagnosis_reads_a_stock_at_the_last_month_of_each_year():
    from totalpeace.validation.patterns import yearly_path

    rows = [(run, label, "state_control_share", "", "", base - 0.01 * m)
            for run, base in ((0, 0.8), (1, 0.9)) for m, label in enumerate(months("2017-09", 52))]
    runs = Runs(Outputs.from_frame(frame(rows)), load_observations()["homicides_police_2018_2021"])
    # Dec 2017 is month 3 and Dec 2021 month 51: medians of (0.77, 0.87) and (0.29, 0.39), not yearly sums
    assert yearly_path("state_control_share", (2017, 2021), flow=False)(runs, np.zeros(2)) == \
        "median state_control_share at the year's end: 2017 0.82, 2021 0.34"


def test_the_coca_patterns_read_the_area_at_the_census_date_the_end_of_the_year():
    """UNODC-SIMCI counts coca on 31 December: the statistic is the area of December, not a yearly mean or sum."""
    by_id = {p.id: p for p in CATALOGUE}
    for pid, start, n, december in (("coca-boom-2017", "2012-10", 66, 62), ("coca-fall-2020", "2017-09", 52, 39)):
        pattern = by_id[pid]
        rows = [(run, label, "coca_ha", "", "", 1000.0 * (run + 1) + m)
                for run in (0, 1) for m, label in enumerate(months(start, n))]
        observation = load_observations()[pattern.observation]
        values = pattern.statistic(Runs(Outputs.from_frame(frame(rows)), observation))
        assert values.tolist() == [1000.0 + december, 2000.0 + december], pid
        criterion = pattern.criterion_for(observation)
        assert criterion.low < observation.single.value < criterion.high


def test_a_source_year_that_is_not_a_calendar_year_sums_the_group_flows_of_its_months():
    """The FARC's removals in Uribe's first year, as the Army counted them (August 2002 to August 2003): the named
    groups' flows of those twelve months and of no other, and a span the run does not cover is refused."""
    rows = [(0, label, "removed", group, "", (100.0 if "2002-08" <= label <= "2003-07" else 1e6) * scale)
            for label in months("2002-06", 16) for group, scale in (("farc", 1.0), ("eln", 0.5))]
    out = Outputs.from_frame(frame(rows))
    assert st.group_span_total(out, ("farc",), "removed", "2002-08", "2003-07") == pytest.approx([1200.0])
    assert st.group_span_total(out, ("farc", "eln"), "removed", "2002-08", "2003-07") == pytest.approx([1800.0])
    with pytest.raises(ValueError, match="outside the run"):
        st.group_span_total(out, ("farc",), "removed", "2002-08", "2003-12")
    for group, counted in (("farc", 1229 + 2408 + 525), ("eln", 383 + 575 + 153)):  # killed, captured, surrendered
        pattern = next(p for p in CATALOGUE if p.id == f"{group}-removed-2002-2003")
        assert (pattern.scenario, pattern.observation) == ("colombia-1998", f"{group}_removed_2002_2003")
        assert not pattern.dependence  # an independent test: nothing of the scenario is set from it
        observed = load_observations()[f"{group}_removed_2002_2003"].single
        assert observed.value == counted
        assert (observed.low, observed.high) == pytest.approx((counted / 1.5, counted * 1.5), rel=1e-4)


def test_the_homicides_after_demobilisation_are_scored_on_2018_to_2021_from_the_2017_start():
    """The Police years after the FARC's demobilisation, read from colombia-2017's runs: the start's months of 2017
    do not count, and a run 20% above the series every year misses the 10% criterion."""
    pattern = catalogue(["homicides-after-demobilisation"])[0]
    observation = load_observations()[pattern.observation]
    police = load_observations()["homicides_police"].by_year()
    assert observation.by_year() == {year: police[year] for year in range(2018, 2022)}
    assert pattern.scenario == "colombia-2017" and not pattern.dependence
    rows = []
    for label in months("2017-09", 52):  # to Dec 2021
        year = int(label[:4])
        for run, factor in ((0, 1.0), (1, 1.2)):
            rows.append((run, label, "homicides", "", "", 9e9 if year == 2017 else factor * police[year] / 12))
    values = pattern.statistic(Runs(Outputs.from_frame(frame(rows)), observation))
    assert values == pytest.approx([0.0, 0.2])
    assert pattern.criterion_for(observation).holds(values).tolist() == [True, False]


def test_criterion_bounds_and_undefined_runs():
    c = Criterion(low=1.0, high=2.0)
    assert c.holds(np.array([0.5, 1.0, 2.0, 3.0, np.nan])).tolist() == [False, True, True, False, False]
    assert Criterion(high=0.1).holds(np.array([0.05, 0.2])).tolist() == [True, False]
    assert Criterion(high=0.1).text() == "<= 0.1" and Criterion(1.0, 1.0).text() == "= 1"


# --- the catalogue and its observations -----------------------------------------------------------------------------
def test_the_flagship_start_checks_sum_its_first_twelve_months_and_are_not_independent():
    """Where the flagship starts (its first twelve months, August to July, not a calendar year) against the last
    years observed: the same observations the colombia-2017 level patterns score, so never counted as independent."""
    labels = months("2022-08", 14)
    rows = [(0, label, "confined", "", "", 1000.0 if label <= "2023-07" else 9e9) for label in labels]
    out = Outputs.from_frame(frame(rows))
    assert st.span_total(out, "confined", "2022-08", "2023-07") == pytest.approx([12000.0])
    with pytest.raises(ValueError, match="outside the run"):
        st.span_total(out, "confined", "2022-08", "2024-07")
    starts = [p for p in CATALOGUE if p.id.startswith("start-")]
    assert {p.id for p in starts} == {"start-leaders", "start-massacres", "start-displacement",
                                      "start-confinement"}
    by_observation = {p.observation: p for p in CATALOGUE if p.scenario == "colombia-2017"}
    for p in starts:
        assert p.scenario == "colombia-2022" and p.dependence and p.observation in by_observation
        assert by_observation[p.observation].id in p.dependence  # names the pattern that scores the same level


def test_catalogue_covers_the_issues_and_every_observation_is_sourced_and_before_2022():
    assert check_catalogue() == []
    issues = {p.issue for p in CATALOGUE}
    assert {"#15 (a)", "#15 (b)", "#15 (c)", "#15 (d)", "#15 (e)", "#16", "#17 (a)", "#17 (b)", "#17 (c)",
            "#17 (d)", "#17"} <= issues
    assert {p.scenario for p in CATALOGUE} == {"colombia-1998", "colombia-2012", "colombia-2017", "colombia-2022"}
    assert len({p.id for p in CATALOGUE}) == len(CATALOGUE)
    observations = pd.read_csv(COLOMBIA / "patterns.csv", dtype=str, keep_default_na=False)
    assert observations["source"].str.len().min() > 20 and observations["notes"].str.len().min() > 20
    years = observations["period"].str.findall(r"(?:19|20)\d\d").explode().astype(int)
    assert years.max() <= 2021
    for obs in load_observations().values():  # a band is never inverted
        for r in obs.rows:
            assert not (np.isfinite(r.low) and np.isfinite(r.high) and r.low > r.high), obs.id
            if np.isfinite(r.value) and np.isfinite(r.low) and np.isfinite(r.high):
                assert r.low <= r.value <= r.high, obs.id
    with pytest.raises(Exception, match="unknown pattern"):
        catalogue(["no-such-pattern"])


def test_history_files_are_sourced_and_dated_before_the_cutoff():
    events = pd.read_csv(COLOMBIA / "history_events.csv", dtype=str)
    assert events["source"].str.contains("http").all() and events["quote"].str.len().min() > 20
    assert events["date"].max() < "2022-08"
    for name in ("colombia_2017.csv", "history_presence.csv"):
        rows = pd.read_csv(COLOMBIA / name, dtype=str, keep_default_na=False)
        assert rows["source"].str.len().min() > 10, name
    presence = pd.read_csv(COLOMBIA / "history_presence.csv", dtype={"territory": str})
    sums = presence.groupby(["scenario", "group"])["share"].sum()
    assert np.allclose(sums, 1.0, atol=2e-3)


@pytest.mark.skipif(not HAS_SHARED, reason="the observations are read from ../shared")
def test_curation_script_regenerates_the_pattern_files(tmp_path):
    subprocess.run([sys.executable, str(REPO / "tools" / "curate_patterns.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (COLOMBIA / name).read_bytes(), name


def test_historical_scenarios_use_the_shipped_presence_and_sizes():
    presence = pd.read_csv(COLOMBIA / "history_presence.csv", dtype={"territory": str})
    for scenario, part in presence.groupby("scenario"):
        if not (BUILTIN / f"{scenario}.toml").is_file():
            continue  # the FARC's former areas: data for the rebuild, not a scenario
        groups = tomllib.loads((BUILTIN / f"{scenario}.toml").read_text())["groups"]
        for group, rows in part.groupby("group"):
            assert groups[group]["presence"] == pytest.approx(dict(zip(rows["territory"], rows["share"],
                                                                       strict=True))), (scenario, group)
    s17 = load_scenario("colombia-2017")
    assert (s17.start, s17.groups["eln"].members, s17.groups["clan_del_golfo"].members) == ("2017-09", 1400, 1800)
    assert s17.groups["farc_dissidents"].members == pytest.approx((350 + 400) / 2)
    assert s17.territories.source == "colombia-departments@2017"
    assert load_scenario("colombia-2012").territories.source == "colombia-departments@2012"


# --- evaluation on real runs -----------------------------------------------------------------------------------------
def test_run_by_run_ensemble_equals_the_batch_and_evaluates_patterns():
    scenario = load_scenario("colombia-2017")
    ensemble = simulate_ensemble(scenario, runs=2, seed=3, months=30)
    batch = simulate(scenario, runs=2, seed=3, months=30)
    g = batch.group_ids.index("eln")
    assert np.array_equal(ensemble.outputs.group("members", "eln"), batch.groups["group_members"][:, :, g])
    assert np.allclose(ensemble.outputs.territory("homicides").mean(axis=0),
                       batch.territories["territory_homicides"])  # per-run territory series average to the batch's

    chosen_ids = ["eln-2020", "massacres-level", "eln-talks-end-reason"]
    chosen = catalogue(chosen_ids)
    full = simulate_ensemble(scenario, runs=2, seed=3)
    results = {r.pattern.id: r for r in evaluate(chosen, {"colombia-2017": full.outputs})}
    eln = results["eln-2020"]
    assert eln.values.tolist() == st.group_at(full.outputs, "eln", "members", "2020-12").tolist()
    for pid in chosen_ids:  # the massacres and the talks' audit are outputs of the model now
        assert results[pid].status in ("reproduced", "not reproduced") and 0.0 <= results[pid].share <= 1.0, pid
    table = result_table(list(results.values()))
    assert list(table["pattern"]) == ["eln-2020", "massacres-level", "eln-talks-end-reason"]
    assert table["source"].str.len().min() > 20


def test_a_pattern_whose_series_is_missing_is_not_yet_produced():
    """Outputs without the series a pattern reads (here the massacres): the pattern is skipped and says why."""
    labels = months("2017-09", 59)
    out = Outputs.from_frame(frame([(r, label, "members", "eln", "", 2000.0) for r in (0, 1) for label in labels]))
    result = evaluate(catalogue(["massacres-level"]), {"colombia-2017": out})[0]
    assert result.status == NOT_PRODUCED and "massacres" in result.missing
    assert result_table([result])["status"].iloc[0] == "not yet produced"


def test_a_series_the_model_will_produce_is_evaluated_once_it_exists():
    """Synthetic outputs that hold the future series: the pattern is then measured, not skipped."""
    labels = months("2017-09", 59)
    rows = [(r, label, "massacres", "", "", 13.5 / 12 if r == 0 else 5.0 / 12) for r in (0, 1, 2) for label in labels]
    out = Outputs.from_frame(frame(rows))
    result = evaluate(catalogue(["massacres-level"]), {"colombia-2017": out})[0]
    assert result.values == pytest.approx([13.5, 5.0, 5.0])
    assert result.share == pytest.approx(1 / 3) and result.status != REPRODUCED


def test_calibration_vectors_use_the_catalogue_definitions():
    labels = months("2017-09", 59)
    rows = [(r, label, "massacres", "", "", v / 12) for r, v in ((0, 10.0), (1, 20.0)) for label in labels]
    rows += [(r, label, "members", "eln", "", 2000.0 + r) for r in (0, 1) for label in labels]
    out = Outputs.from_frame(frame(rows))
    chosen = catalogue(["massacres-level", "eln-2020", "dissidents-armed-2020"])
    ensembles = {"colombia-2017": out}
    per_run = statistics_frame(chosen, ensembles)
    assert list(per_run.columns) == ["massacres-level", "eln-2020"]  # dissidents not in these outputs
    assert per_run["massacres-level"].tolist() == pytest.approx([10.0, 20.0])
    vector = summary_vector(chosen, ensembles)
    assert vector[:2] == pytest.approx([15.0, 2000.5]) and np.isnan(vector[2])
    observed = observed_vector(chosen)
    obs = load_observations()
    assert observed.tolist() == [obs["massacres_cnmh_2018_2021"].single.value, obs["eln_2020"].single.value,
                                 obs["dissidents_armed_2020"].single.value]
    assert observed_vector(catalogue(["homicides-national", "homicides-by-department"])).tolist() == [0.0, 1.0]


def test_validate_prints_the_pattern_table_and_writes_the_page(cli, tmp_path):
    code, stdout, err = cli("validate", "--uncalibrated", "--draws", "1", "--runs", "1", "--patterns",
                            "eln-2020,eln-talks-end-reason", "--out", str(tmp_path), "--origins", "2019", "--levels",
                            "department")
    assert code == 0, err
    assert "eln-2020" in stdout and "eln-talks-end-reason" in stdout
    # and the backtest table with its baselines (one origin here)
    assert "Rolling-origin backtest" in stdout and "Poisson" in stdout
    backtest = pd.read_csv(tmp_path / "backtest.csv")
    assert set(backtest["level"]) == {"department"} and backtest["crps_poisson"].gt(0).all()
    assert "rolling-origin backtest" in (tmp_path / "validation.html").read_text()
    table = pd.read_csv(tmp_path / "patterns.csv")
    assert list(table["pattern"]) == ["eln-2020", "eln-talks-end-reason"]
    assert table["status"].iloc[1] in ("reproduced", "not reproduced")
    page = (tmp_path / "validation.html").read_text()
    assert "Patterns of Colombia" in page and "eln-talks-end-reason" in page and "Held-back years" in page
    code, _, err = cli("validate", "--uncalibrated", "--patterns", "nope", "--out", str(tmp_path))
    assert code == 2 and "unknown pattern" in err


def test_validate_gives_the_same_table_on_two_workers(cli, tmp_path):
    """The parameter sets run in worker processes and are put back in their order: the same numbers."""
    tables = []
    for workers in ("1", "2"):
        out = tmp_path / workers
        code, _, err = cli("validate", "--draws", "3", "--runs", "1", "--no-backtest", "--patterns",
                           "eln-2020,eln-talks-end-2019", "--workers", workers, "--out", str(out))
        assert code == 0, err
        tables.append(pd.read_csv(out / "patterns.csv"))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    assert tables[0]["share_low"].le(tables[0]["share"]).all()


def test_an_ensemble_in_worker_processes_keeps_its_runs_in_order():
    """Run by run, not only in distribution: each parameter set's runs come back where one process puts them."""
    from totalpeace.experiments.executors import make_executor
    from totalpeace.validation.pattern_runs import simulate_ensemble

    scenario = load_scenario("colombia-2017")
    sets = [{"recruitment_rate": v} for v in (0.0004, 0.002, 0.001)]
    class LastFirst:
        """A pool whose tasks finish in the reverse order (as a slow first set would)."""

        def map_unordered(self, fn, tasks):
            return reversed([fn(t) for t in tasks])

    alone = simulate_ensemble(scenario, 2, 5, sets, months=12).outputs
    with make_executor("local", 2) as pool:
        pooled = [simulate_ensemble(scenario, 2, 5, sets, months=12, pool=pool).outputs,
                  simulate_ensemble(scenario, 2, 5, sets, months=12, pool=LastFirst()).outputs]
    for other in pooled:
        assert alone.runs == other.runs == 6
        for name in ("homicides", "armed_group_members", "recruits"):
            np.testing.assert_array_equal(alone.national[name], other.national[name], err_msg=name)
            assert not np.array_equal(alone.national[name][0], alone.national[name][2])  # the sets differ
        for key, series in alone.territories.items():
            np.testing.assert_array_equal(series, other.territories[key], err_msg=key)
