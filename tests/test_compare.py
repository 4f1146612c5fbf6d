"""`totalpeace compare`: common random numbers, paired differences with 80% intervals, one offline HTML report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from support import assert_offline, has_figure

from totalpeace import load_scenario, simulate
from totalpeace.engine.results import FLOWS, REQUIRED
from totalpeace.errors import InputError
from totalpeace.experiments import LocalExecutor
from totalpeace.experiments.compare import run_compare
from totalpeace.report import pdf
from totalpeace.report.html import render_comparisons

VARIANT = """extends = "colombia-2022"
name = "decrim"
[policy]
decriminalization = 0.8
"""


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    variant = tmp_path_factory.mktemp("v") / "decrim.toml"
    variant.write_text(VARIANT)
    return run_compare(["colombia-2022", str(variant)], runs=4, seed=2, months=14, executor=LocalExecutor(1),
                       chunk=3)


def test_differences_are_paired_per_run(comparison):
    diffs = comparison.differences()
    base = simulate(load_scenario("colombia-2022"), runs=4, seed=2, months=14)
    variant = simulate(load_scenario("colombia-2022", ["policy.decriminalization=0.8"]), runs=4, seed=2, months=14)
    for metric in ("homicide_rate", "armed_group_members", "state_control_share"):
        flow = metric in FLOWS
        for year, b in base.yearly(base.national[metric], flow).items():
            d = variant.yearly(variant.national[metric], flow)[year] - b
            row = diffs[(diffs.metric == metric) & (diffs.year == year)].iloc[0]
            assert row["variant"] == "decrim"
            assert row["diff_mean"] == pytest.approx(d.mean(), rel=1e-12, abs=1e-12)
            assert row["diff_p10"] == pytest.approx(np.percentile(d, 10), rel=1e-12, abs=1e-12)
            assert row["diff_p90"] == pytest.approx(np.percentile(d, 90), rel=1e-12, abs=1e-12)
            assert row["baseline_mean"] == pytest.approx(b.mean())
            assert row["share_lower"] == pytest.approx(np.mean(d < 0))
    assert diffs["diff_p10"].le(diffs["diff_p90"]).all()


def test_same_scenario_twice_differs_by_nothing():
    same = run_compare(["colombia-2022", "colombia-2022"], runs=2, seed=5, months=12, executor=LocalExecutor(1))
    diffs = same.differences()
    assert same.names == ["colombia-2022", "colombia-2022 (colombia-2022)"]
    assert (diffs[["diff_mean", "diff_p10", "diff_p90"]] == 0).all().all()


def test_compare_command_writes_table_json_and_report(cli, write, tmp_path):
    variant = write("decrim.toml", VARIANT)
    out = tmp_path / "cmp"
    code, stdout, err = cli("compare", "colombia-2022", str(variant), "--runs", "3", "--months", "12",
                            "--workers", "1", "--set", "security.buy_in=0.6", "--out", str(out))
    assert code == 0, err
    assert "decrim − colombia-2022: median of paired differences" in stdout and "runs/s" in err
    assert ("What decrim changes from colombia-2022:\n- Drug decriminalisation (0 none – 1 full)\n"
            "    colombia-2022: 0.00\n    decrim: 0.80") in stdout
    assert "Homicide rate" in stdout and "Homicide rate (per 100,000 a year), decrim minus colombia-2022" in stdout
    table = pd.read_csv(out / "differences.csv")
    assert set(table["year"]) == {2022, 2023} and set(table["variant"]) == {"decrim"}
    meta = json.loads((out / "comparison.json").read_text())
    assert meta["baseline"] == "colombia-2022" and meta["sets"] == ["security.buy_in=0.6"]
    assert len(meta["differences"]) == len(table)
    page = (out / "report.html").read_text()
    headline = page[page.index('id="headline"'):page.index('id="comparison"')]
    assert "Homicide rate (per 100,000 a year), decrim minus colombia-2022" in headline
    assert 'id="table-differences"' in page and "median of paired differences" in page
    for metric in REQUIRED:
        assert has_figure(page, f"chart-{metric}-overlay") and has_figure(page, f"chart-{metric}-diff"), metric
    for ident in ("map-control-baseline", "map-control-variant", "map-control-difference", "map-vacuum-difference",
                  "map-control", "chart-members", "chart-talks"):
        assert has_figure(page, ident), ident
    # what each scenario assumed: both policies and the levers that differ
    assert 'id="table-policy-baseline"' in page and 'id="table-policy-variant"' in page
    changes = page[page.index('id="table-policy-differences"'):]
    assert "Drug decriminalisation" in changes[:changes.index("</table>")]
    provenance = page[page.index('id="provenance"'):]
    for table in ("table-provenance-baseline", "table-parameters-baseline", "table-provenance", "table-parameters"):
        assert f'id="{table}"' in provenance, table
    assert all(sha in provenance for sha in meta["scenario_sha256"].values()) and "DANE" in provenance
    assert_offline(page)


def test_compare_without_report_leaves_no_stale_report(cli, write, tmp_path):
    """An earlier comparison's report.html and report.pdf would describe other variants beside the new results."""
    variant = write("decrim.toml", VARIANT)
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "report.html").write_text("an earlier comparison")
    (out / "report.pdf").write_text("an earlier --pdf")
    code, _, err = cli("compare", "colombia-2022", str(variant), "--runs", "2", "--months", "2", "--workers", "1",
                       "--uncertainty", "stochastic", "--out", str(out), "--no-report")
    assert code == 0, err
    assert not (out / "report.html").exists() and not (out / "report.pdf").exists()
    assert json.loads((out / "comparison.json").read_text())["months"] == 2


def test_ensembles_are_those_of_simulate(comparison):
    """The stochastic design (run_compare's default) is one point: simulate's numbers, with the design echoed."""
    base = simulate(load_scenario("colombia-2022"), runs=4, seed=2, months=14)
    found = comparison.results[0].summary()
    assert found.pop("uncertainty")["design"]["design"] == "stochastic"
    assert found.pop("provenance").pop("uncertainty") == "stochastic"
    assert found == {k: v for k, v in base.summary().items() if k != "provenance"}
    assert all(np.array_equal(comparison.results[0].national[k], base.national[k]) for k in base.national)


def test_variants_keep_the_order_they_were_given_in(write):
    """differences.csv and comparison.json list the variants as the command line and the terminal do, not sorted
    by name."""
    refs = ["colombia-2022"] + [str(write(f"{name}.toml", VARIANT.replace('name = "decrim"', f'name = "{name}"')))
                                for name in ("zeta", "alpha")]
    diffs = run_compare(refs, runs=2, seed=2, months=14, executor=LocalExecutor(1)).differences()
    assert list(dict.fromkeys(diffs["variant"])) == ["zeta", "alpha"]
    first = diffs[diffs["variant"] == "zeta"]
    assert list(dict.fromkeys(first["metric"]))[:2] == list(FLOWS)[:2] and list(first["year"][:2]) == [2022, 2023]


def test_report_of_several_variants(comparison):
    baseline, variant = comparison.results
    page = render_comparisons(baseline, [("decrim", variant), ("decrim again", variant)], "colombia-2022")
    for suffix in ("", "-2"):
        assert f'id="comparison{suffix}"' in page and f'id="table-differences{suffix}"' in page
        assert has_figure(page, f"chart-homicide_rate-overlay{suffix}")
        assert has_figure(page, f"map-control-difference{suffix}")
        assert f'id="table-provenance{suffix}"' in page
    assert "decrim again minus colombia-2022" in page and 'id="chart-members"' not in page
    assert page.count('id="tp-geo"') == 1 and page.count("<script>TP.renderPage") == 1


def test_compare_pdf(cli, write, tmp_path):
    out = tmp_path / "cmp"
    code, _, err = cli("compare", "colombia-2022", "colombia-2022", "--runs", "2", "--months", "3", "--workers", "1",
                       "--out", str(out), "--pdf")
    if pdf.find_chromium() is None:
        assert code == 2 and "--pdf: no Chromium found" in err
        return
    assert code == 0, err
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-" and (out / "report.html").is_file()


def test_compare_bad_input(cli, tmp_path):
    code, _, err = cli("compare", "colombia-2022", "--out", str(tmp_path / "x"))
    assert code == 2 and "at least one variant" in err
    code, _, err = cli("compare", "colombia-2022", "nowhere.toml", "--out", str(tmp_path / "x"))
    assert code == 2 and "nowhere.toml" in err
    code, _, err = cli("compare", "colombia-2022", "colombia-2022", "--set", "security.buy_in=3",
                       "--out", str(tmp_path / "x"))
    assert code == 2 and "security.buy_in" in err
    with pytest.raises(InputError, match="baseline and at least one variant"):
        run_compare(["colombia-2022"])


def test_scenarios_on_other_territories_are_refused_before_anything_is_written(cli, write, tmp_path):
    """`compare` used to run both, write part of its output, then end in an IndexError drawing the maps."""
    write("t.csv", "id,name,population,area_km2\na,A,1000,10\nb,B,1000,10\n")
    write("adj.csv", "a,b\na,b\n")
    own = write("own.toml", 'name = "own"\nstart = "2022-08"\nmonths = 6\n[territories]\ncsv = "t.csv"\n'
                            'adjacency = "adj.csv"\n[security]\nmilitary = 10\npolice = 10\nbuy_in = 0.5\n')
    out = tmp_path / "cmp"
    code, _, err = cli("compare", "colombia-2022", str(own), "--runs", "2", "--months", "2", "--out", str(out))
    msg = " ".join(err.split())
    assert code == 2 and "Traceback" not in err, err
    assert f"{own}: its territories differ from the baseline colombia-2022's (2 vs 33; not in the baseline: a, b; " \
           "missing: 05, 08, 11, 13, 15): scenarios are compared territory by territory" in msg
    assert not out.exists(), "nothing may be written for scenarios that cannot be compared"
    code, _, err = cli("compare", "colombia-2022", "colombia-2012", "colombia-2022", "colombia-1998", "--runs", "2",
                       "--months", "2", "--out", str(out))
    assert code == 2 and not out.exists()
    assert "scenarios start in different months (colombia-2012 starts in 2012-10; colombia-1998 starts in 1998-11, " \
           "the baseline colombia-2022 in 2022-08)" in " ".join(err.split())
