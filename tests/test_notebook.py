"""The notebook API: results and comparisons display themselves, plots are Plotly figures, the example runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from totalpeace import compare, load_scenario, simulate

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "first-steps.ipynb"


@pytest.fixture(scope="module")
def pair():
    base = simulate(load_scenario("colombia-2022"), runs=6, seed=2, months=12)
    variant = simulate(load_scenario("colombia-2022", ["policy.talks.mode=none"]), runs=6, seed=2, months=12)
    return base, variant


def test_results_display_and_plot(pair):
    base, _ = pair
    page = base._repr_html_()
    assert "Homicide rate (per 100,000 a year)" in page and "Policy assumed" in page and "Aug–Dec 2022" in page
    fig = base.plot("armed_group_members")
    assert type(fig).__name__ == "Figure" and fig.layout.title.text == "Members of armed groups"
    assert {t.name for t in fig.data if t.name} == {"median of runs"}
    tiles = base.plot("map_leader")  # without a scenario: a tile grid
    assert tiles.data[0].type == "choropleth" and len(tiles.frames) == 12
    with pytest.raises(ValueError, match="nothing to plot named 'nonsense'"):
        base.plot("nonsense")


def test_comparison_display(pair):
    base, variant = pair
    cmp = compare(base, variant, ("plan", "no talks"))
    page = cmp._repr_html_()
    assert "no talks against plan" in page and "Talks: how tables open" in page
    assert "median of paired differences" in page
    table = cmp.table()
    assert list(table.columns) == ["Aug–Dec 2022 (5 months)", "Jan–Jul 2023 (7 months)"]
    assert table.loc["Groups at a table"].iloc[1].startswith("-")  # no table open without talks
    assert cmp.plot("homicide_rate", kind="difference").layout.title.text == "Δ Homicide rate"


def test_example_notebook_runs():
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(EXAMPLE, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLE.parent)}}
                   ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("totalpeace results: colombia-2022" in h for h in html)
    assert any("decriminalise against announced plan" in h for h in html)
    assert sum("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs) == 3
