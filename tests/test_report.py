"""The HTML report: headline sentences, every chart, the maps, comparisons, sensitivity, provenance and PDF."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import shape
from support import assert_offline, has_figure

from totalpeace import load_scenario, simulate
from totalpeace.engine.results import REQUIRED
from totalpeace.errors import InputError
from totalpeace.report import differences, pdf
from totalpeace.report.catalogue import all_metrics
from totalpeace.report.colours import STATE, actor_colours, lighter
from totalpeace.report.figures import group_names
from totalpeace.report.headlines import comparison_headlines, headlines
from totalpeace.report.html import render_comparison, render_report, write_report
from totalpeace.report.maps import _tick, control_map, frame_months, geography, leader_map, territory_shapes
from totalpeace.report.names import short_name
from totalpeace.report.periods import headline_periods, periods

DATA = Path(__file__).resolve().parents[1] / "src" / "totalpeace" / "data" / "colombia"
MONTHS = 12


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("colombia-2022")


@pytest.fixture(scope="module")
def results(scenario):
    return simulate(scenario, runs=10, seed=3, months=MONTHS)


INDICES = {"policy.decriminalization": {"S1": 0.4, "ST": 0.5, "S1_conf": 0.05, "ST_conf": 0.06},
           "security.buy_in": {"S1": 0.1, "ST": 0.2}}


@pytest.fixture(scope="module")
def page(results, scenario, tmp_path_factory):
    out = write_report(results, tmp_path_factory.mktemp("report") / "report.html",
                       sources=["territories.population: DANE"], shapes=territory_shapes(scenario), sensitivity=INDICES)
    return out.read_text(encoding="utf-8")


def _section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    end = page.find("<h2", start)
    return page[start:end if end > 0 else None]


def test_report_has_headline_every_chart_maps_and_provenance(page, results):
    headline = _section(page, "headline")
    assert "Homicide rate (per 100,000 a year)" in headline and "80% interval" in headline
    assert "in Aug–Dec 2022 (5 months)" in headline and "at the end of Jul 2023" in headline  # partial years named
    assert "they add to 100%" in headline
    signed = any(g["talks"]["signed_share"] > 0 for g in results.summary()["groups"].values())
    assert ("Ever signed" in headline) == signed and ("No table signs" in headline) == (not signed)
    talks = _section(page, "talks")
    for gid, entry in results.summary()["groups"].items():  # a section per table that opened: agenda and why
        if entry.get("negotiation", {}).get("opened_share", 0) > 0:
            assert f'id="table-{gid}"' in talks and f'id="agenda-{gid}"' in talks, gid
    for metric in all_metrics():
        assert has_figure(page, f"chart-{metric}"), metric
    for ident in ("chart-members", "chart-talks", "chart-talks-outcomes", "map-control", "map-leader", "map-vacuum"):
        assert has_figure(page, ident), ident
    assert "tile grid" not in _section(page, "maps") and 'id="territory-series"' in page
    assert page.count('id="tp-geo"') == 1 and 'id="tp-territories"' in page
    provenance = _section(page, "provenance")
    assert 'id="table-provenance"' in provenance and results.scenario_sha256 in provenance
    assert "<td>seed</td><td>3</td>" in provenance and "DANE" in provenance
    assert 'id="table-parameters"' in provenance


def test_report_is_self_contained(page):
    assert_offline(page)
    assert page.count("<script>") == 3  # plotly.js once, the drawing script, the call that draws


def test_report_says_which_policy_it_assumes(page, results):
    policy = _section(page, "policy")
    assert 'id="table-policy"' in policy
    for text in ("Talks: how tables open", "simultaneous", "Clan del Golfo: from Aug 2022 for 12 months, unilateral",
                 "ELN: arrest orders suspended from Sep 2022", "Security-force buy-in K (0–1)</td><td>0.70",
                 "Venezuela: tolerance of armed groups on its soil (0–1)</td><td>0.90"):
        assert text in policy, text
    levers = results.summary()["policy"]["levers"]
    assert levers["policy.talks.mode"] == "simultaneous" and levers["security.buy_in"] == 0.7


def test_headline_numbers_come_from_the_summary(results):
    summary = results.summary()
    rate = summary["metrics"]["homicide_rate"]["2023"]
    first = headlines(summary)[0]
    assert f"{rate['p50']:,.1f} (80% interval {rate['p10']:,.1f}–{rate['p90']:,.1f}) in Jan–Jul 2023 (7 months)" \
        in first


def _stat(value: float) -> dict[str, float]:
    return {"mean": value, "p10": value * 0.9, "p50": value, "p90": value * 1.1}


def test_headlines_count_tables_and_growing_groups():
    metrics = {m: {"2022": _stat(1.0), "2025": _stat(2.0)} for m in
               ("homicide_rate", "armed_group_members", "state_control_share")}

    def group(members_2022, members_2025, signed, broken, phases):
        return {"members": {"2022": _stat(members_2022), "2025": _stat(members_2025)},
                "talks": {"signed_share": signed, "broken_down_share": broken, "final_phase_share": phases}}

    summary = {"start": "2022-01", "months": 48, "metrics": metrics, "groups": {  # no names: ids are shown
        "a": group(100, 150, 0.7, 0.0, {"implementation": 0.7, "formal_talks": 0.3}),
        "b": group(100, 50, 0.2, 0.4, {"broken_down": 0.4, "exploration": 0.6}),
        "c": group(100, 102, 0.0, 0.0, {"none": 1.0})}}
    lines = headlines(summary)
    assert "2 of 3 groups sit at a table in some run; 1 of these tables sign a final agreement" in lines[3]
    assert "Ever signed (at any month, even if talks later broke down): a 70%, b 20%" in lines[3]
    assert "a: still talking 30%, agreement in force 70%; b: still talking 60%, broken down 40%" in lines[4]
    assert "growing: a (+50%); shrinking: b (-50%)" in lines[5] and "c (" not in lines[5]


def test_tile_grid_when_no_boundaries(results, scenario):
    tiles = geography(results, None)
    assert tiles["tiles"] and len(tiles["features"]) == len(results.territory_ids)
    assert [f["properties"]["id"] for f in tiles["features"]] == results.territory_ids
    outlines = geography(results, territory_shapes(scenario))
    assert not outlines["tiles"] and outlines["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    page = render_report(results, shapes=None)
    assert "drawn as a tile grid" in _section(page, "maps")


def test_maps_have_a_frame_per_month_and_take_any_territories(results, scenario):
    geo = geography(results, territory_shapes(scenario))
    fig = control_map(results, geo)
    assert [f["name"] for f in fig["frames"]] == results.month_labels()
    assert fig["layout"]["sliders"][0]["active"] == MONTHS - 1  # the last month first
    assert fig["data"][0]["z"] == fig["frames"][-1]["data"][0]["z"] and fig["data"][0]["geojson"] == "__geo__"
    assert fig["layout"]["geo"]["visible"] is False  # no base map to fetch: the page works offline


def test_sensitivity_chart(page):
    section = _section(page, "sensitivity")
    assert has_figure(section, "chart-sensitivity") and "policy.decriminalization" in section


def test_comparison_of_identical_scenarios_is_exactly_zero(results):
    diff = differences.difference(results, results)
    assert diff["paired"]
    assert all(stat["p10"] == stat["p90"] == 0.0 for years in diff["metrics"].values() for stat in years.values())


def test_comparison_report(results, scenario):
    variant = simulate(load_scenario("colombia-2022", ["security.buy_in=0.2", "policy.talks.mode=none"]), runs=10,
                       seed=3, months=MONTHS)
    diff = differences.difference(results, variant)
    assert diff["paired"] and diff["metrics"]["groups_in_talks"]["2023"]["p50"] < 0
    page = render_comparison(results, variant, ("baseline", "no talks"), shapes=territory_shapes(scenario))
    headline = _section(page, "headline")
    assert 'id="table-differences"' in page and "no talks minus baseline" in headline
    assert "Agreements signed" in headline and "paired run by run" in headline
    for metric in REQUIRED:
        assert has_figure(page, f"chart-{metric}-diff") and has_figure(page, f"chart-{metric}-overlay")
    assert 'id="table-provenance"' in page and has_figure(page, "map-control")
    changes = page[page.index('id="table-policy-differences"'):]
    changes = changes[:changes.index("</table>")]
    assert "Talks: how tables open" in changes and "Security-force buy-in" in changes
    assert "Drug decriminalisation" not in changes  # only what differs


def test_comparison_needs_the_same_period(results):
    shorter = simulate(load_scenario("colombia-2022"), runs=2, seed=3, months=6)
    with pytest.raises(InputError, match="different periods"):
        differences.difference(results, shorter)


def test_shipped_boundaries_match_the_departments():
    collection = json.loads((DATA / "departments.geojson").read_text(encoding="utf-8"))
    departments = pd.read_csv(DATA / "departments.csv", dtype={"id": str})
    shapes = {f["properties"]["id"]: shape(f["geometry"]) for f in collection["features"]}
    assert sorted(shapes) == sorted(departments["id"]) and "Natural Earth" in collection["source"]
    assert all(g.is_valid and g.bounds[0] > -82 and g.bounds[2] < -66 for g in shapes.values())
    adjacency = pd.read_csv(DATA / "adjacency.csv", dtype=str)
    near = [shapes[a].distance(shapes[b]) < 0.05 for a, b in zip(adjacency["a"], adjacency["b"], strict=True)]
    assert sum(near) == len(near)


def test_pdf_needs_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(InputError, match="--pdf: no Chromium found"):
        pdf.html_to_pdf(tmp_path / "r.html", tmp_path / "r.pdf")


def test_run_command_writes_maps_and_pdf(cli, tmp_path):
    out = tmp_path / "run"
    code, _, err = cli("run", "colombia-2022", "--runs", "4", "--months", "6", "--out", str(out), "--pdf")
    if pdf.find_chromium() is None:
        assert code == 2 and "--pdf: no Chromium found" in err
        return
    assert code == 0, err
    page = (out / "report.html").read_text(encoding="utf-8")
    assert has_figure(page, "map-control") and has_figure(page, "map-vacuum")
    assert "tile grid" not in page and (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    for name in ("summary.csv", "talks.csv", "results.csv", "territories.csv"):
        assert (out / name).stat().st_size > 0, name
    summary = pd.read_csv(out / "summary.csv")
    rate = summary[(summary["series"] == "homicide_rate") & (summary["year"] == 2022)].iloc[0]
    assert rate["period"] == "Aug–Dec 2022 (5 months)" and rate["label"] == "Homicide rate"


def test_talks_csv_has_each_tables_outcome_and_main_reason(results):
    from totalpeace.report.exports import talks_frame

    summary = results.summary()
    frame = talks_frame(summary).set_index("id")
    for gid, entry in summary["groups"].items():
        table = entry.get("negotiation")
        if not table:
            continue
        row = frame.loc[gid]
        assert row["ratified"] == table["ratified_share"]
        why = table["why_broken_down"]
        assert row["main_reason_broken_down"] == (max(why, key=why.get) if why else "")
        assert row["main_reason_share"] == (max(why.values()) if why else 0.0)
        drivers = table["hazard_drivers"]
        assert row["main_hazard_driver"] == (max(drivers, key=drivers.get) if drivers else "")
        assert row["main_hazard_driver_share"] == (max(drivers.values()) if drivers else 0.0)
    assert np.isclose(frame.filter(like="final_").sum(axis=1), 1.0).all()


def test_leader_map_names_the_leading_actors_in_their_own_colours(results, scenario):
    fig = leader_map(results, geography(results, territory_shapes(scenario)))
    names = {a: _tick(n) for a, n in (group_names(results) | {"state": "State"}).items()}
    actors = [*results.group_ids, "state"]
    leaders = {actors[a] for a in results.dominant_share.argmax(axis=2).ravel()}
    ticks = fig["data"][0]["colorbar"]["ticktext"]
    assert sorted(ticks) == sorted(names[a] for a in leaders)  # human names, never ids
    colours = actor_colours(actors)
    scale = fig["data"][0]["colorscale"]
    for k, name in enumerate(ticks):
        actor = next(a for a in leaders if names[a] == name)
        assert scale[2 * k][1] == colours[actor]
    if "State" in ticks:
        assert scale[2 * ticks.index("State")][1] == STATE


def test_actor_colours_are_stable_and_the_state_keeps_its_blue():
    ids = ["eln", "emc", "clan_del_golfo", "segunda_marquetalia", "eln_dissidents", "state"]
    first = actor_colours(ids)
    assert first == actor_colours(list(reversed(ids)))  # whatever order a page lists them in
    assert first["state"] == STATE and STATE not in [c for a, c in first.items() if a != "state"]
    assert len({first[a] for a in ids if a != "state"}) == len(ids) - 1
    assert first["eln_dissidents"] == lighter(first["eln"])


def test_short_names():
    assert short_name("Ejército de Liberación Nacional (ELN)") == "ELN"
    assert short_name("Clan del Golfo / Autodefensas Gaitanistas de Colombia (AGC)") == "Clan del Golfo"
    assert short_name("FARC dissidents - Estado Mayor Central (Gentil Duarte line)") == \
        "FARC dissidents - Estado Mayor Central"
    assert short_name("Clan del Golfo / Autodefensas Gaitanistas de Colombia (AGC) (dissidents)") == \
        "Clan del Golfo dissidents"


def test_periods_name_partial_years():
    spans = periods("2022-08", 48)
    assert [p.name for p in spans] == ["Aug–Dec 2022 (5 months)", "2023", "2024", "2025", "Jan–Jul 2026 (7 months)"]
    assert spans[-1].end == "the end of Jul 2026" and spans[1].end == "the end of 2023"
    assert [p.year for p in headline_periods("2022-08", 48)] == ["2022", "2023", "2026"]


def _diff(values: dict[str, tuple[float, float, float]]) -> dict:
    return {"start": "2022-08", "months": 48, "paired": True, "runs": 10, "metrics": {"homicide_rate": {
        y: {"mean": m, "p10": lo, "p50": m, "p90": hi} for y, (lo, m, hi) in values.items()}}}


def test_comparison_timing_in_words():
    diff = _diff({"2022": (-1.0, 0.1, 1.0), "2023": (-2.0, -1.2, -0.4), "2024": (-1.5, -0.8, -0.1),
                  "2025": (-0.5, 0.0, 0.5), "2026": (-0.6, 0.1, 0.7)})
    line = comparison_headlines(diff, ("baseline", "ceasefire"))[0]
    assert line == ("Homicide rate (per 100,000 a year), ceasefire minus baseline: lower in 2023 by 1.2 (80% interval "
                    "0.4–2.0) and in 2024 by 0.8 (80% interval 0.1–1.5); no clear difference in Aug–Dec 2022 "
                    "(5 months); no clear difference from 2025 on.")
    never = _diff({y: (-1.0, 0.0, 1.0) for y in ("2022", "2023", "2024", "2025", "2026")})
    assert "no clear difference in any year" in comparison_headlines(never, ("a", "b"))[0]


def test_one_statistic_everywhere(results):
    """The terminal, the reports and the dashboard display the same cells: the median of the paired differences
    with its 80% interval, which always contains it."""
    variant = simulate(load_scenario("colombia-2022", ["policy.decriminalization=0.9"]), runs=10, seed=3,
                       months=MONTHS)
    diff = differences.difference(results, variant)
    columns, rows = differences.difference_table(diff)
    assert columns == ["metric", "Aug–Dec 2022 (5 months)", "Jan–Jul 2023 (7 months)"]
    stat = diff["metrics"]["armed_group_members"]["2023"]
    row = next(r for r in rows if r[0].startswith("Members of armed groups"))
    assert row[2] == differences.cell("armed_group_members", stat)
    for by_year in diff["metrics"].values():
        for s in by_year.values():
            assert s["p50"] is None or s["p10"] <= s["p50"] <= s["p90"]


def test_map_frames_shrink_with_many_territories():
    assert frame_months(48) == list(range(48))  # departments: every month
    municipal = frame_months(48, 1122)
    assert municipal[-1] == 47 and len(municipal) == 12  # municipalities: every 4 months, the last one always


def test_report_links_the_validation_page_of_its_calibration(results, tmp_path):
    # the flagship's calibration ships its validation page; the run report carries a copy and links to it
    out = write_report(results, tmp_path / "report.html")
    page = out.read_text(encoding="utf-8")
    assert 'id="validation-link" href="validation.html"' in page
    copied = (tmp_path / "validation.html").read_text(encoding="utf-8")
    assert "Patterns of Colombia&#x27;s history" in copied or "Patterns of Colombia's history" in copied
    assert "rolling-origin backtest" in copied


def test_a_calibration_without_a_page_links_the_flagships(tmp_path):
    from totalpeace.validation.page import copy_validation_page

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "parameters.toml").write_text("[parameters]\nrecruitment_rate = 0.02\n", encoding="utf-8")
    (tmp_path / "run").mkdir()
    assert copy_validation_page(str(folder), tmp_path / "run") == "validation.html"
    (folder / "validation.html").write_text("<p>mine</p>", encoding="utf-8")
    assert copy_validation_page(str(folder), tmp_path / "run") == "validation.html"
    assert (tmp_path / "run" / "validation.html").read_text(encoding="utf-8") == "<p>mine</p>"
