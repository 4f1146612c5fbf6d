"""The HTML report: headline sentences, every chart, the maps, comparisons, sensitivity, provenance and PDF."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import shape

from totalpeace import load_scenario, simulate
from totalpeace.engine.results import REQUIRED
from totalpeace.errors import InputError
from totalpeace.report import differences, pdf
from totalpeace.report.headlines import headlines
from totalpeace.report.html import render_comparison, write_report
from totalpeace.report.maps import control_map, leader_map, territory_shapes

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
    assert "Homicide rate in 2023" in headline and "80% interval" in headline and "tables reach" in headline
    for metric in REQUIRED:
        assert re.search(f'id="chart-{metric}"><svg', page), metric
    for ident in ("chart-members", "chart-talks", "map-control", "map-leader", "map-vacuum"):
        assert re.search(f'id="{ident}"><svg', page), ident
    assert "tile grid" not in _section(page, "maps")
    provenance = _section(page, "provenance")
    assert 'id="table-provenance"' in provenance and results.scenario_sha256 in provenance
    assert "<td>seed</td><td>3</td>" in provenance and "DANE" in provenance
    assert 'id="table-parameters"' in provenance


def test_report_is_self_contained(page):
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert not re.search(r'(src|href)="https?:', page) and "url(http" not in page


def test_headline_numbers_come_from_the_summary(results):
    summary = results.summary()
    rate = summary["metrics"]["homicide_rate"]["2023"]
    first = headlines(summary)[0]
    assert f"{rate['p50']:,.1f}, 80% interval {rate['p10']:,.1f}–{rate['p90']:,.1f}" in first


def _stat(value: float) -> dict[str, float]:
    return {"mean": value, "p10": value * 0.9, "p50": value, "p90": value * 1.1}


def test_headlines_count_tables_and_growing_groups():
    metrics = {m: {"2022": _stat(1.0), "2025": _stat(2.0)} for m in
               ("homicide_rate", "armed_group_members", "state_control_share")}

    def group(members_2022, members_2025, signed, broken, phases):
        return {"members": {"2022": _stat(members_2022), "2025": _stat(members_2025)},
                "talks": {"signed_share": signed, "broken_down_share": broken, "final_phase_share": phases}}

    summary = {"metrics": metrics, "groups": {
        "a": group(100, 150, 0.7, 0.0, {"implementation": 0.7, "formal_talks": 0.3}),
        "b": group(100, 50, 0.2, 0.4, {"broken_down": 0.4, "exploration": 0.6}),
        "c": group(100, 102, 0.0, 0.0, {"none": 1.0})}}
    lines = headlines(summary)
    assert "1 of 2 tables reach a final agreement in at least half of the runs (3 groups in all)" in lines[3]
    assert "a 70%, b 20%" in lines[3]
    assert "b in 40% of runs" in lines[4]
    assert "growing: a (+50%); shrinking: b (-50%)" in lines[5] and "c (" not in lines[5]


def test_tile_grid_when_no_boundaries(results, scenario):
    grid = control_map(results, None)
    assert "tile grid" in grid and grid.count("<text") > len(results.territory_ids)  # one id label per tile
    assert "tile grid" not in control_map(results, territory_shapes(scenario))


def test_sensitivity_chart(page):
    section = _section(page, "sensitivity")
    assert re.search('id="chart-sensitivity"><svg', section) and "policy.decriminalization" in section


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
    assert 'id="table-differences"' in page and "no talks minus baseline" in _section(page, "headline")
    for metric in REQUIRED:
        assert f'id="chart-{metric}-diff"><svg' in page and f'id="chart-{metric}-overlay"><svg' in page
    assert 'id="table-provenance"' in page and 'id="map-control"' in page


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
    assert re.search('id="map-control"><svg', page) and re.search('id="map-vacuum"><svg', page)
    assert "tile grid" not in page and (out / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_leader_map_names_the_leading_actors(results, scenario):
    leaders = {([*results.group_ids, "state"])[a] for a in results.dominant_share[-1].argmax(axis=1)}
    drawn = leader_map(results, territory_shapes(scenario))
    assert all(f">{actor}<" in drawn for actor in leaders)  # legend entries are SVG text
    absent = set(results.group_ids) - leaders
    assert not any(f">{actor}<" in drawn for actor in absent)
