"""Working in Jupyter: results and comparisons that display themselves, and plotting helpers.

`results.plot("homicide_rate")` and `compare(a, b).plot(...)` return Plotly figures (the report's own figures), so a
notebook shows exactly what the report and the dashboard show; displaying a `Results` or a `Comparison` gives its
headlines, its policy and a table, as a page would.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from totalpeace.engine.results import Results
from totalpeace.report import catalogue, differences, figures, maps
from totalpeace.report.headlines import comparison_headlines, headlines
from totalpeace.report.names import actor_names
from totalpeace.report.periods import periods
from totalpeace.report.policy_view import change_rows, policy_rows
from totalpeace.scenario.schema import Scenario

MAPS = ("map_control", "map_leader", "map_vacuum")


def to_plotly(fig: dict[str, Any], geo: dict[str, Any] | None = None) -> Any:
    """A figure dictionary as a plotly.graph_objects.Figure (a map's GeoJSON put in place)."""
    import plotly.graph_objects as go

    data = [({**trace, "geojson": geo} if trace.get("geojson") == "__geo__" else trace) for trace in fig["data"]]
    return go.Figure(data=data, layout=fig["layout"], frames=fig.get("frames") or None)


def plot(results: Results, what: str = "homicide_rate", scenario: Scenario | None = None) -> Any:
    """A Plotly figure of one output: a metric's fan (any name of the catalogue), "members", "talks",
    "talks_outcomes", or a map ("map_control", "map_leader", "map_vacuum": with `scenario` for its boundaries,
    a tile grid without)."""
    if what in MAPS:
        geo = maps.geography(results, maps.territory_shapes(scenario) if scenario is not None else None)
        fig = {"map_control": maps.control_map, "map_leader": maps.leader_map,
               "map_vacuum": maps.vacuum_map}[what](results, geo)
        return to_plotly(fig, geo)
    if what == "members":
        return to_plotly(figures.members_figure(results))
    if what in ("talks", "talks_outcomes"):
        summary = results.summary()
        fig = (figures.talks_figure(results) if what == "talks"
               else figures.talks_outcomes_figure(summary, actor_names(summary)))
        if fig is None:
            raise ValueError("no negotiation table opens in these results")
        return to_plotly(fig)
    if what not in results.national:
        known = ", ".join([*results.national, "members", "talks", "talks_outcomes", *MAPS])
        raise ValueError(f"nothing to plot named {what!r} (known: {known})")
    return to_plotly(figures.fan_figure(results, what))


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    head = "".join(f"<th style='text-align:left'>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>" for c in row)
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def outcome_table(results: Results) -> pd.DataFrame:
    """The main outcomes by calendar period: median and 80% interval over runs (what `totalpeace run` prints)."""
    summary = results.summary()
    spans = periods(summary["start"], summary["months"])
    rows = {}
    for name in catalogue.REQUIRED_SHOWN:
        stats = summary["metrics"][name]
        rows[catalogue.titled(name)] = [
            f"{catalogue.fmt(name, stats[p.year]['p50'])} ({catalogue.fmt(name, stats[p.year]['p10'])}–"
            f"{catalogue.fmt(name, stats[p.year]['p90'])})" if stats.get(p.year, {}).get("p50") is not None else "–"
            for p in spans]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[p.name for p in spans])


def results_html(results: Results) -> str:
    """What a notebook shows for a Results: headlines, the main outcomes by period, the policy (folded)."""
    summary = results.summary()
    lines = "".join(f"<li>{html.escape(h)}</li>" for h in headlines(summary))
    table = outcome_table(results)
    policy = _table(policy_rows(summary.get("policy") or {}), ["lever", "value"])
    return (f"<div><b>totalpeace results: {html.escape(results.scenario)}</b>, {results.runs} runs, seed "
            f"{results.seed}, {results.start} + {results.months} months<ul>{lines}</ul>"
            f"<p>Median over runs (80% interval):</p>{table.to_html(escape=True)}"
            f"<details><summary>Policy assumed</summary>{policy}</details></div>")


@dataclass
class Comparison:
    """A variant against a baseline: paired differences in every year (report.differences), displayable."""

    baseline: Results
    variant: Results
    labels: tuple[str, str] = ("baseline", "variant")
    diff: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.diff = differences.difference(self.baseline, self.variant)

    def headlines(self) -> list[str]:
        return comparison_headlines(self.diff, self.labels)

    def table(self) -> pd.DataFrame:
        """Every metric by period: the median of the paired differences [80% interval], as the report prints."""
        columns, rows = differences.difference_table(self.diff)
        return pd.DataFrame(rows, columns=columns).set_index("metric")

    def plot(self, metric: str = "homicide_rate", kind: str = "overlay") -> Any:
        """Both ensembles on one chart (`kind="overlay"`) or the paired differences over time (`"difference"`)."""
        base, var = differences.paired_monthly(self.baseline, self.variant, metric)
        months = self.variant.month_labels()
        if kind == "difference":
            return to_plotly(figures.difference_figure(months, var - base, metric))
        return to_plotly(figures.overlay_figure(months, base, var, metric, self.labels))

    def _repr_html_(self) -> str:
        lines = "".join(f"<li>{html.escape(h)}</li>" for h in self.headlines())
        changes = change_rows(self.baseline.summary(), self.variant.summary())
        policy = (_table(changes, ["lever or parameter", *self.labels]) if changes
                  else "<p>No policy lever or model parameter differs.</p>")
        return (f"<div><b>{html.escape(self.labels[1])} against {html.escape(self.labels[0])}</b>"
                f"<p>Levers and parameters that differ:</p>{policy}<ul>{lines}</ul>"
                f"<p>{html.escape(differences.STATISTIC)}:</p>{self.table().to_html(escape=True)}</div>")


def compare(baseline: Results, variant: Results, labels: tuple[str, str] = ("baseline", "variant")) -> Comparison:
    """Paired differences variant minus baseline (run the two with the same seed for common random numbers)."""
    return Comparison(baseline, variant, labels)
