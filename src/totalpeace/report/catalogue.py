"""The catalogue of outputs: one entry per metric with its human label, unit, description and how to print it.

Every page, table and chart takes its names from here, so adding an output to the model is one entry: the report,
the comparison, the dashboard and the terminal tables pick it up. A metric without an entry is still shown, under
its id, so nothing the engine produces is ever silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from totalpeace.engine.results import FLOWS, STOCKS


@dataclass(frozen=True)
class Metric:
    """How to name and print one output."""

    label: str  # a short noun phrase: "Homicide rate"
    unit: str  # "per 100,000 a year", "members", "share" ...
    description: str  # one sentence a newcomer understands
    kind: str = "count"  # count | rate | share | index: how values are formatted
    headline: bool = False  # among the few a headline sentence or a comparison judges
    lower_is_better: bool | None = None  # for wording a difference ("lowers"/"raises" is neutral either way)


CATALOGUE: dict[str, Metric] = {
    "homicide_rate": Metric("Homicide rate", "per 100,000 a year",
                            "Homicides per 100,000 inhabitants, as an annual rate (a partial year is scaled to "
                            "twelve months).", "rate", True, True),
    "homicides": Metric("Homicides", "a year", "Homicides of every kind: ordinary crime, selective killings, "
                        "killings in vacated territory, civilians killed in operations, deaths in clashes between "
                        "groups.", "count", False, True),
    "armed_group_members": Metric("Members of armed groups", "members",
                                  "Members of all non-state groups (fighters and support networks, in the country "
                                  "and in sanctuary abroad), foreign cartels excluded.", "count", True, True),
    "state_group_clashes": Metric("State–group clashes", "a year", "Clashes between the security forces and "
                                  "armed groups.", "count", False, True),
    "inter_group_clashes": Metric("Clashes between groups", "a year", "Clashes between rival armed groups.",
                                  "count", False, True),
    "combat_deaths": Metric("Combat deaths", "a year", "Deaths in clashes, all sides.", "count", False, True),
    "security_forces_killed": Metric("Security-force members killed", "a year",
                                     "Soldiers and police killed in clashes.", "count", False, True),
    "social_leader_killings": Metric("Social leaders killed", "a year", "Killings of social leaders in "
                                     "territory vacated by groups standing down (Prem et al.).", "count", False, True),
    "selective_killings": Metric("Selective killings", "a year", "Targeted killings of civilians by armed groups.",
                                 "count", False, True),
    "dissent_events": Metric("Dissent events", "a year", "Splits and mutinies inside groups at a table.",
                             "count"),
    "demobilized": Metric("Demobilised members", "a year", "Members who lay down arms under an agreement.",
                          "count", False, False),
    "vacated_control": Metric("Control vacated", "territory-shares a year", "Territorial control released by "
                              "groups standing down (summed over territories).", "index"),
    "groups_in_talks": Metric("Groups at a table", "groups", "Groups at an open negotiation table (from "
                              "exploration to final agreement) at the end of the period.", "count", False, False),
    "agreements_signed": Metric("Agreements signed", "groups", "Groups that have signed a final agreement "
                                "(cumulative).", "count", True, False),
    "state_control_share": Metric("State control", "share of population", "Population-weighted share of "
                                  "territorial control held by the state.", "share", True, False),
    "contested_territories": Metric("Contested territories", "territories", "Territories where no actor holds "
                                    "60% of control.", "count", False, True),
    "neighbour_violence": Metric("Neighbours' violence", "index, 1 at the start", "Mean violence index of the "
                                 "neighbouring countries, 1 at the start.", "index", False, True),
    "security_cohesion": Metric("Security-force cohesion", "index 0–1", "Cohesion / buy-in K of the security "
                                "forces.", "index", False, False),
    "coca_ha": Metric("Coca area", "hectares", "Area planted with coca.", "count", False, True),
    "vacuum_filled_by_state": Metric("Vacated control taken by the state", "share", "Share of the control "
                                     "vacated by groups standing down that the state takes rather than other "
                                     "groups.", "share", False, False),
}


REQUIRED_SHOWN = ("homicide_rate", "homicides", "armed_group_members", "state_group_clashes", "inter_group_clashes",
                  "groups_in_talks", "agreements_signed", "state_control_share", "contested_territories",
                  "neighbour_violence")  # the terminal's table: the outcomes every scenario reports


def metric(name: str) -> Metric:
    """The entry of `name`, or a plain one under its id for an output the catalogue does not know yet."""
    return CATALOGUE.get(name) or Metric(name.replace("_", " ").capitalize(), "", name, "count")


def label(name: str) -> str:
    return metric(name).label


def is_flow(name: str) -> bool:
    return name in FLOWS


def titled(name: str) -> str:
    """'Homicide rate (per 100,000 a year)': a chart title or table heading with its unit."""
    m = metric(name)
    return f"{m.label} ({m.unit})" if m.unit and m.unit not in m.label.lower() else m.label


def all_metrics() -> list[str]:
    """Every output the engine reports, in the catalogue's order (unknown ones last)."""
    known = [m for m in CATALOGUE if m in (*FLOWS, *STOCKS)]
    return known + [m for m in (*FLOWS, *STOCKS) if m not in CATALOGUE]


def headline_metrics() -> list[str]:
    return [m for m, entry in CATALOGUE.items() if entry.headline]


def fmt_change(name: str, value: float) -> str:
    """The size of a change, without sign: shares in percentage points ('1.2 points'), the rest as `fmt`."""
    if metric(name).kind == "share":
        points = abs(value) * 100
        return f"{points:.1f} points" if points >= 0.1 or points == 0 else f"{points:.2f} points"
    return fmt(name, abs(value))


def fmt(name: str, value: float | None, signed: bool = False) -> str:
    """A value in the metric's own style: shares as percentages (points for differences), counts with separators,
    rates with one decimal, indices with two."""
    if value is None:
        return "–"
    kind = metric(name).kind
    sign = "+" if signed else ""
    if kind == "share":
        if not signed:
            return f"{value:.0%}"
        digits = 1 if abs(value) >= 0.001 or value == 0 else 2
        return f"{value * 100:{sign}.{digits}f} pts"
    if kind == "rate":
        return f"{value:{sign},.1f}"
    if kind == "index":
        return f"{value:{sign}.2f}" if abs(value) >= 0.1 or value == 0 else f"{value:{sign}.3f}"
    if abs(value) >= 100:
        return f"{value:{sign},.0f}"
    return f"{value:{sign},.1f}"
