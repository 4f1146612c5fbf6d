"""Interactive maps of territorial outcomes: state control, the leading actor and vacuum filling, month by month.

Each map is a Plotly choropleth on the scenario's own GeoJSON (report/geo.py) with a time slider (one frame per
month, the last one shown first), hover values with the territory's name, and a click that opens the territory's
own series (report/assets/figures.js). Boundaries come from the scenario (bring-your-own territories) or, for the
shipped Colombian departments, from the Natural Earth outlines in data/colombia/departments.geojson; a scenario
without boundaries is drawn as a tile grid and the page says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from totalpeace.engine.results import Results
from totalpeace.geography import shapes_for
from totalpeace.report.colours import CONTROL, DIVERGING, SEQUENTIAL, STATE, VACUUM, actor_colours
from totalpeace.report.figures import Figure, group_names, layout, rounded
from totalpeace.report.geo import territory_geojson
from totalpeace.report.periods import month_name
from totalpeace.scenario.schema import Scenario
from totalpeace.territories import load_territories

FRAME_BUDGET = 2000  # territory-frames per map: 60 months of departments, 12 of municipalities


def territory_shapes(scenario: Scenario) -> list[object] | None:
    """Shapely geometries in the scenario's territory order, or None when the scenario has no boundaries."""
    table = load_territories(scenario.territories)
    if table.geometry is not None:
        return list(table.geometry)
    return shapes_for(scenario.territories.source, table.ids)


def geography(results: Results, shapes: list[object] | None) -> dict[str, Any]:
    """The GeoJSON every map of these results uses (built once, shared by the page's maps)."""
    return territory_geojson(results.territory_ids, results.territory_names, shapes)


def frame_months(months: int, territories: int = 33) -> list[int]:
    """The months a map's slider offers: every month while the map is small, fewer (always the last) for a long run
    or many territories, so a municipal map stays a few hundred kilobytes."""
    frames = min(60, max(12, FRAME_BUDGET // max(territories, 1)))
    step = max(1, -(-months // frames))
    chosen = list(range(months - 1, -1, -step))[::-1]
    return chosen


def choropleth(geo: dict[str, Any], ids: list[str], names: list[str], months: list[str], values: np.ndarray,
               title: str, colourscale: Any, zmin: float, zmax: float, hover: str, colourbar: str,
               custom: list[Any] | None = None, ticks: tuple[list[float], list[str]] | None = None) -> Figure:
    """A map with one frame per chosen month (values: (M, T)) and a slider; the last month is shown first."""
    chosen = frame_months(len(months), len(ids))
    last = chosen[-1]
    trace: dict[str, Any] = {
        "type": "choropleth", "geojson": "__geo__", "featureidkey": "properties.id", "locations": ids,
        "z": rounded(values[last]), "text": names, "zmin": zmin, "zmax": zmax, "colorscale": colourscale,
        "marker": {"line": {"color": "#444", "width": 0.5}}, "hovertemplate": hover,
        "colorbar": {"title": {"text": colourbar, "side": "right", "font": {"size": 11}}, "thickness": 12,
                     "len": 0.8, "tickfont": {"size": 11}},
    }
    if custom is not None:
        trace["customdata"] = custom[last]
    if ticks is not None:
        trace["colorbar"].update({"tickvals": ticks[0], "ticktext": ticks[1]})
    frames = []
    for m in chosen:
        frame: dict[str, Any] = {"type": "choropleth", "z": rounded(values[m])}
        if custom is not None:
            frame["customdata"] = custom[m]
        frames.append({"name": months[m], "data": [frame], "traces": [0]})
    steps = [{"label": month_name(months[m]), "method": "animate",
              "args": [[months[m]], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                     "transition": {"duration": 0}}]} for m in chosen]
    fig_layout = layout(title, height=520, hovermode="closest")
    fig_layout.update({
        "geo": {"visible": False, "fitbounds": "locations", "projection": {"type": "mercator"},
                "bgcolor": "#fff"},
        "margin": {"l": 4, "r": 4, "t": 44, "b": 4},
        "sliders": [{"active": len(chosen) - 1, "steps": steps, "x": 0.02, "len": 0.96, "y": 0.02,
                     "pad": {"t": 0, "b": 0}, "currentvalue": {"prefix": "Month: ", "font": {"size": 12}},
                     "font": {"size": 10}, "ticklen": 3}],
    })
    del fig_layout["xaxis"], fig_layout["yaxis"]
    return {"data": [trace], "layout": fig_layout, "frames": frames, "geo": True}


def _months(results: Results) -> list[str]:
    return results.month_labels()


def control_map(results: Results, geo: dict[str, Any], label: str | None = None) -> Figure:
    """State control share per territory, month by month (mean over runs)."""
    values = results.territories["territory_state_control"]
    title = "State control" + (f" ({label})" if label else "") + " — mean over runs; drag the slider for a month"
    return choropleth(geo, results.territory_ids, results.territory_names, _months(results), values, title,
                      CONTROL, 0.0, 1.0, "<b>%{text}</b><br>state control %{z:.0%}<extra></extra>",
                      "state share")


def leader_map(results: Results, geo: dict[str, Any]) -> Figure:
    """Who controls what: the actor most often holding the largest control share, month by month, in the actor's
    own colour (the state always blue), with the share of runs in which it leads."""
    share = results.dominant_share  # (M, T, G + 1)
    actors = [*results.group_ids, "state"]
    leader = share.argmax(axis=2)  # (M, T)
    present = sorted(set(leader.ravel().tolist()), key=lambda a: (actors[a] != "state", actors[a]))
    code = {a: k for k, a in enumerate(present)}
    colours = actor_colours(actors)
    names = {**group_names(results), "state": "State"}
    n = len(present)
    scale = []
    for k, a in enumerate(present):
        scale += [[k / n, colours[actors[a]]], [(k + 1) / n, colours[actors[a]]]]
    values = np.vectorize(code.get)(leader).astype(float)
    lead_share = np.take_along_axis(share, leader[:, :, None], axis=2)[:, :, 0]
    custom = [[[names[actors[a]], round(float(s), 3)] for a, s in zip(row, shares, strict=True)]
              for row, shares in zip(leader.tolist(), lead_share, strict=True)]
    return choropleth(geo, results.territory_ids, results.territory_names, _months(results), values,
                      "Leading actor (largest control share in most runs)", scale, -0.5, n - 0.5,
                      "<b>%{text}</b><br>%{customdata[0]} leads in %{customdata[1]:.0%} of runs<extra></extra>",
                      "", custom, ([float(k) for k in range(n)], [_tick(names[actors[a]]) for a in present]))


def _tick(name: str, longest: int = 24) -> str:
    """A colour bar label short enough to leave the map its room (the hover gives the full name)."""
    return name if len(name) <= longest else name[: longest - 1].rstrip() + "…"


def vacuum_map(results: Results, geo: dict[str, Any]) -> Figure:
    """Where control is vacated (and refilled): control released per territory, summed up to each month."""
    values = np.cumsum(results.territories["territory_vacated"], axis=0)
    top = float(values[-1].max()) if values.size and values[-1].max() > 0 else 1.0
    return choropleth(geo, results.territory_ids, results.territory_names, _months(results), values,
                      "Vacuum filling: control vacated by groups standing down, summed so far", VACUUM, 0.0, top,
                      "<b>%{text}</b><br>control vacated so far %{z:.3f}<extra></extra>", "share-months")


def difference_map(baseline: Results, variant: Results, geo: dict[str, Any], series: str, title: str,
                   cumulative: bool = False) -> Figure:
    """Variant minus baseline per territory (means over runs), month by month, on a blue–purple/orange scale
    centred on zero."""
    a, b = baseline.territories[series], variant.territories[series]
    values = np.cumsum(b - a, axis=0) if cumulative else b - a
    top = float(np.abs(values).max()) if values.size and np.abs(values).max() > 0 else 1.0
    fmt = "+.3f" if cumulative else "+.1%"
    return choropleth(geo, variant.territory_ids, variant.territory_names, _months(variant), values, title,
                      DIVERGING, -top, top, f"<b>%{{text}}</b><br>difference %{{z:{fmt}}}<extra></extra>",
                      "difference")


def refill_share(results: Results) -> np.ndarray:
    """The state's share of the vacated control refilled so far, per month and territory (M, T); NaN where nothing
    was refilled yet."""
    state = np.cumsum(results.territories["territory_filled_state"], axis=0)
    total = state + np.cumsum(results.territories["territory_filled_groups"], axis=0)
    return np.where(total > 1e-4, state / np.maximum(total, 1e-4), np.nan)


def refill_difference_map(baseline: Results, variant: Results, geo: dict[str, Any], labels: tuple[str, str]) -> Figure:
    """Who fills vacated ground: the state's share of the refilled control so far, variant minus baseline (positive:
    the state fills more of it in the variant; blank: nothing vacated in either)."""
    values = refill_share(variant) - refill_share(baseline)
    return choropleth(geo, variant.territory_ids, variant.territory_names, _months(variant), values,
                      f"State's share of refilled vacated control, {labels[1]} − {labels[0]}", DIVERGING, -1.0, 1.0,
                      "<b>%{text}</b><br>state's share %{z:+.0%}<extra></extra>", "difference")


def comparison_maps(baseline: Results, variant: Results, geo: dict[str, Any],
                    labels: tuple[str, str]) -> dict[str, Figure]:
    """State control in the baseline and the variant, their difference, the difference in vacated control and, where
    groups vacated ground in either, in who refills it."""
    maps = {
        "control-baseline": control_map(baseline, geo, labels[0]),
        "control-variant": control_map(variant, geo, labels[1]),
        "control-difference": difference_map(baseline, variant, geo, "territory_state_control",
                                             f"State control, {labels[1]} − {labels[0]}"),
        "vacuum-difference": difference_map(baseline, variant, geo, "territory_vacated",
                                            f"Control vacated so far, {labels[1]} − {labels[0]}", cumulative=True),
    }
    if np.isfinite(refill_share(baseline)).any() or np.isfinite(refill_share(variant)).any():
        maps["refill-difference"] = refill_difference_map(baseline, variant, geo, labels)
    return maps


def territory_series(results: Results) -> dict[str, Any]:
    """Each territory's monthly means (state control, homicides, control vacated) and its leading actor's share:
    what a click on a map shows."""
    t = results.territories
    return {"ids": results.territory_ids, "names": results.territory_names, "months": _months(results),
            "series": {"state_control": rounded(t["territory_state_control"].T),
                       "homicides": rounded(t["territory_homicides"].T),
                       "vacated": rounded(t["territory_vacated"].T)},
            "state_colour": STATE}


def department_maps(results: Results, population: np.ndarray | None) -> dict[str, Figure]:
    """Department summaries beside municipal maps, month by month: state control (population-weighted) and
    homicides per 100,000 a year (means over runs); empty when the territories are not municipalities."""
    from totalpeace.geography import department_view, is_municipal

    if population is None or not is_municipal(results.territory_ids):
        return {}
    ids, months = results.territory_ids, _months(results)
    departments, control, shapes = department_view(results.territories["territory_state_control"], ids, population)
    _, homicides, _ = department_view(results.territories["territory_homicides"], ids)
    _, people, _ = department_view(population, ids)
    rate = homicides * 12.0 / np.maximum(people, 1.0) * 1e5  # a month's homicides as a yearly rate
    names = [str(d) for d in departments]
    geo = territory_geojson(names, names, shapes)
    top = float(max(np.nanmax(rate), 1e-9))
    figures = {"control": choropleth(geo, names, names, months, control, "State control by department "
                                     "(population-weighted)", CONTROL, 0.0, 1.0,
                                     "<b>department %{text}</b><br>state control %{z:.0%}<extra></extra>",
                                     "state share"),
               "homicides": choropleth(geo, names, names, months, rate, "Homicides per 100,000 a year, by "
                                       "department", SEQUENTIAL, 0.0, top,
                                       "<b>department %{text}</b><br>%{z:.1f} per 100,000 a year<extra></extra>",
                                       "per 100,000")}
    for fig in figures.values():  # their own outlines, not the page's municipal GeoJSON
        fig["data"][0]["geojson"] = geo
    return figures


def vacuum_rows(results: Results, top: int = 8) -> list[list[str]]:
    """The territories with the most vacated control: name, vacated, state control at the end."""
    vacated = results.territories["territory_vacated"].sum(axis=0)
    control = results.territories["territory_state_control"][-1]
    order = np.argsort(-vacated, kind="stable")[:top]
    return [[results.territory_names[i], f"{vacated[i]:.3f}", f"{control[i]:.0%}"] for i in order if vacated[i] > 0]
