"""Maps of territorial outcomes: state control at the last month and where vacated control is filled.

Boundaries come from the scenario's own GeoJSON (bring-your-own territories) or, for the shipped Colombian
departments, from the Natural Earth outlines in data/colombia/departments.geojson. A scenario without boundaries
is drawn as a tile grid: one square per territory in id order, so the colours still read, without geography.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.colors import Colormap, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from totalpeace.engine.results import Results
from totalpeace.geography import shapes_for
from totalpeace.report.charts import svg
from totalpeace.scenario.schema import Scenario
from totalpeace.territories import load_territories


def territory_shapes(scenario: Scenario) -> list[object] | None:
    """Shapely geometries in the scenario's territory order, or None when the scenario has no boundaries."""
    table = load_territories(scenario.territories)
    if table.geometry is not None:
        return list(table.geometry)
    return shapes_for(scenario.territories.source, table.ids)


def _polygons(geom: object) -> list[object]:
    kind = getattr(geom, "geom_type", "")
    if kind == "Polygon":
        return [geom]
    if kind in ("MultiPolygon", "GeometryCollection"):
        return [p for part in geom.geoms for p in _polygons(part)]  # type: ignore[attr-defined]
    return []


def _patch(geom: object) -> PathPatch:
    """One patch per territory; holes kept as inner rings of a compound path."""
    rings = []
    for poly in _polygons(geom):
        for ring in (poly.exterior, *poly.interiors):  # type: ignore[attr-defined]
            coords = np.asarray(ring.coords)
            codes = np.full(len(coords), MplPath.LINETO)
            codes[0], codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            rings.append(MplPath(coords, codes))
    return PathPatch(MplPath.make_compound_path(*rings) if rings else MplPath(np.zeros((1, 2))))


def _tiles(n: int) -> tuple[list[Rectangle], int]:
    cols = max(1, math.ceil(math.sqrt(n)))
    return [Rectangle((k % cols, -(k // cols)), 0.95, 0.95) for k in range(n)], cols


def _outliers(shapes: list[object]) -> list[int]:
    """Small territories far outside the others' frame (islands such as San Andrés): drawn in an inset instead."""
    bounds = np.array([g.bounds for g in shapes])  # type: ignore[attr-defined]
    areas = np.array([g.area for g in shapes])  # type: ignore[attr-defined]
    out = []
    for k in np.flatnonzero(areas < 0.005 * areas.sum()):
        rest = np.delete(bounds, k, axis=0)
        span = max(rest[:, 2].max() - rest[:, 0].min(), rest[:, 3].max() - rest[:, 1].min())
        gap = max(rest[:, 0].min() - bounds[k, 2], bounds[k, 0] - rest[:, 2].max(),
                  rest[:, 1].min() - bounds[k, 3], bounds[k, 1] - rest[:, 3].max())
        if gap > 0.05 * span:
            out.append(int(k))
    return out


def _frame(ax, shapes: list[object], pad: float = 0.3) -> None:
    bounds = np.array([g.bounds for g in shapes])  # type: ignore[attr-defined]
    ax.set_xlim(bounds[:, 0].min() - pad, bounds[:, 2].max() + pad)
    ax.set_ylim(bounds[:, 1].min() - pad, bounds[:, 3].max() + pad)
    ax.set_aspect(1.0 / math.cos(math.radians(float(np.mean(bounds[:, [1, 3]])))))


def _collection(patches: list, values: np.ndarray, cmap: str | Colormap, vmin: float, vmax: float) -> PatchCollection:
    colours = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    width = 0.4 if len(patches) < 200 else 0.05  # municipal maps: hairlines, or the borders hide the colours
    collection = PatchCollection(patches, cmap=colours, edgecolor="#555", linewidths=width)
    collection.set_array(np.asarray(values, dtype=float))
    collection.set_clim(vmin, vmax)
    return collection


def choropleth(values: np.ndarray, shapes: list[object] | None, labels: list[str], title: str, cmap: str | Colormap,
               vmin: float, vmax: float, legend: str | dict[str, int], names: list[str] | None = None) -> str:
    """A map (or tile grid) coloured by `values`, one per territory, with a colour bar (or, when `legend` maps
    category names to values, a legend of categories); far islands in insets."""
    fig = Figure(figsize=(5.2, 5.6))
    ax = fig.subplots()
    values = np.asarray(values, dtype=float)
    if shapes is not None:
        far = _outliers(shapes) if len(shapes) > 2 else []
        main = [k for k in range(len(shapes)) if k not in far]
        patches = [_patch(shapes[k]) for k in main]
        _frame(ax, [shapes[k] for k in main])
        for n, k in enumerate(far):
            inset = ax.inset_axes((0.0, 0.85 - 0.17 * n, 0.14, 0.14))
            inset.add_collection(_collection([_patch(shapes[k])], values[[k]], cmap, vmin, vmax))
            _frame(inset, [shapes[k]], pad=0.05)
            inset.set_xticks([])
            inset.set_yticks([])
            inset.set_title((names or labels)[k], fontsize=6)
        values = values[main]
    else:
        patches, cols = _tiles(len(values))
        ax.set_xlim(-0.2, cols + 0.2)
        ax.set_ylim(-(len(values) - 1) // cols - 0.2, 1.2)
        ax.set_aspect(1.0)
        if len(values) <= 150:
            for k, label in enumerate(labels):
                ax.text(k % cols + 0.475, -(k // cols) + 0.475, label, ha="center", va="center", fontsize=5)
    collection = _collection(patches, values, cmap, vmin, vmax)
    ax.add_collection(collection)
    ax.set_axis_off()
    ax.set_title(title + ("" if shapes is not None else " (tile grid: no boundaries)"), fontsize=10)
    if isinstance(legend, dict):
        handles = [Rectangle((0, 0), 1, 1, color=collection.cmap(collection.norm(v))) for v in legend.values()]
        ax.legend(handles, list(legend), fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        bar = fig.colorbar(collection, ax=ax, shrink=0.6, pad=0.02)
        bar.set_label(legend, fontsize=8)
        bar.ax.tick_params(labelsize=7)
    return svg(fig)


def control_map(results: Results, shapes: list[object] | None, label: str | None = None) -> str:
    """State control share per territory at the last month (mean over runs); `label` names the scenario."""
    values = results.territories["territory_state_control"][-1]
    title = f"State control{f' ({label})' if label else ''}, {results.month_labels()[-1]}"
    return choropleth(values, shapes, results.territory_ids, title,
                      "RdYlGn", 0.0, 1.0, "state share of control (mean over runs)", results.territory_names)


def leader_map(results: Results, shapes: list[object] | None) -> str:
    """Who controls what: the actor most often holding the largest control share at the last month."""
    share = results.dominant_share[-1]  # (T, actors): share of runs in which each actor leads
    actors = [*results.group_ids, "state"]
    leader = share.argmax(axis=1)
    present = sorted(set(leader.tolist()), key=lambda a: (actors[a] != "state", actors[a]))
    code = {a: k for k, a in enumerate(present)}
    palette = ["#2171b5", *matplotlib.colormaps["tab10"].colors[1:], *matplotlib.colormaps["Set3"].colors]
    colours = ListedColormap([palette[k % len(palette)] for k in range(len(present))])
    values = np.array([code[a] for a in leader], dtype=float)
    legend = {actors[a]: code[a] for a in present}
    return choropleth(values, shapes, results.territory_ids, f"Leading actor, {results.month_labels()[-1]}",
                      colours, -0.5, len(present) - 0.5, legend, results.territory_names)


def vacuum_map(results: Results, shapes: list[object] | None) -> str:
    """Where control is vacated (and filled): control released per territory, summed over the months."""
    values = results.territories["territory_vacated"].sum(axis=0)
    top = float(values.max()) if values.size and values.max() > 0 else 1.0
    return choropleth(values, shapes, results.territory_ids, "Vacuum filling: control vacated and refilled",
                      "Purples", 0.0, top, "control share vacated, summed over months (mean over runs)",
                      results.territory_names)


def department_maps(results: Results, population: np.ndarray) -> dict[str, str]:
    """Department summaries beside municipal maps: state control (population-weighted) at the last month and
    homicides per 100,000 over the run (means over runs); empty when the territories are not municipalities."""
    from totalpeace.geography import department_view, is_municipal

    if not is_municipal(results.territory_ids):
        return {}
    ids = results.territory_ids
    departments, control, shapes = department_view(results.territories["territory_state_control"][-1], ids,
                                                   population)
    _, homicides, _ = department_view(results.territories["territory_homicides"].sum(axis=0), ids)
    _, people, _ = department_view(population, ids)
    years = results.months / 12.0
    rate = homicides / np.maximum(people, 1.0) * 1e5 / years
    month = results.month_labels()[-1]
    return {"control": choropleth(control, shapes, departments, f"State control by department, {month}", "RdYlGn",
                                  0.0, 1.0, "population-weighted state share of control"),
            "homicides": choropleth(rate, shapes, departments, "Homicides per 100,000 a year, by department",
                                    "Reds", 0.0, float(max(rate.max(), 1e-9)), "simulated yearly rate (mean)")}


def vacuum_rows(results: Results, top: int = 8) -> list[list[str]]:
    """The territories with the most vacated control: id, name, vacated, state control at the end."""
    vacated = results.territories["territory_vacated"].sum(axis=0)
    control = results.territories["territory_state_control"][-1]
    order = np.argsort(-vacated, kind="stable")[:top]
    return [[results.territory_ids[i], results.territory_names[i], f"{vacated[i]:.3f}", f"{control[i]:.0%}"]
            for i in order if vacated[i] > 0]


def difference_map(baseline: Results, variant: Results, shapes: list[object] | None, series: str,
                   title: str, legend: str, last_month: bool = True) -> str:
    """Variant minus baseline per territory (means over runs) on a diverging scale centred on zero."""
    a, b = baseline.territories[series], variant.territories[series]
    values = (b[-1] - a[-1]) if last_month else (b.sum(axis=0) - a.sum(axis=0))
    top = float(np.abs(values).max()) if values.size and np.abs(values).max() > 0 else 1.0
    return choropleth(values, shapes, variant.territory_ids, title, "RdBu", -top, top, legend,
                      variant.territory_names)


def comparison_maps(baseline: Results, variant: Results, shapes: list[object] | None,
                    labels: tuple[str, str]) -> dict[str, str]:
    """State control in the baseline and the variant, their difference, and the difference in vacated control."""
    month = variant.month_labels()[-1]
    return {
        "control-baseline": control_map(baseline, shapes, labels[0]),
        "control-variant": control_map(variant, shapes, labels[1]),
        "control-difference": difference_map(
            baseline, variant, shapes, "territory_state_control", f"State control, {labels[1]} − {labels[0]}, {month}",
            "difference in state share of control (means over runs)"),
        "vacuum-difference": difference_map(
            baseline, variant, shapes, "territory_vacated", f"Control vacated, {labels[1]} − {labels[0]}",
            "difference in control vacated, summed over months", last_month=False),
    }
