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
    "homicides": Metric("Homicides", "a year", "Homicides of every kind, as the Police count them: ordinary crime, "
                        "armed groups' homicides, killings of social leaders, civilians killed in operations, deaths "
                        "in clashes between groups (group members the security forces kill are not homicides).",
                        "count", False, True),
    "armed_group_members": Metric("Members of armed groups", "members",
                                  "Members of all non-state groups (fighters and support networks, in the country, "
                                  "in sanctuary and relocated abroad), foreign cartels excluded.", "count", True,
                                  True),
    "state_group_clashes": Metric("State–group clashes", "a year", "Lethal clashes between the security forces "
                                  "and armed groups: engagements with at least one death (UCDP GED counts the state's "
                                  "with insurgents: 53 events in 2018).", "count", False, True),
    "inter_group_clashes": Metric("Clashes between groups", "a year", "Clashes between rival armed groups in which "
                                  "members are killed.", "count", False, True),
    "combat_deaths": Metric("Combat deaths", "a year", "Everyone killed in armed fighting: group members killed by "
                            "the security forces and by rival groups, security-force members, civilians killed in "
                            "operations (CERAC's conflict deaths).", "count", False, True),
    "battle_deaths": Metric("Battle deaths (UCDP)", "a year", "Deaths in fighting between the state and insurgent or "
                            "dissident groups, both sides and civilians caught in it: UCDP's state-based battle "
                            "deaths (142 in 2018).", "count", True, True),
    "non_state_deaths": Metric("Deaths between groups (UCDP non-state)", "a year", "Members of armed groups killed "
                               "in fighting between the groups, without the state: UCDP's non-state deaths (385 a "
                               "year in 1999-2002, none coded 2007-2018).", "count", False, True),
    "security_forces_killed": Metric("Security-force members killed", "a year",
                                     "Soldiers and police killed by armed groups.", "count", False, True),
    "killed_in_operations": Metric("Group members killed in operations", "a year", "Members of armed groups the "
                                   "security forces killed (the Defence Ministry's 'muertes en desarrollo de "
                                   "operaciones').", "count", False, None),
    "captures": Metric("Captures", "a year", "Members of armed groups captured by the security forces.", "count",
                       False, None),
    "surrenders": Metric("Surrenders", "a year", "Members of armed groups who surrendered to the state (individual "
                         "demobilisation), outside a collective agreement.", "count", False, None),
    "social_leader_killings": Metric("Social leaders killed", "a year", "Killings of social leaders and human-rights "
                                     "defenders (Indepaz's count): where armed groups compete for territory and fill "
                                     "ground others vacated, outside the state's reach (Prem et al.).", "count", True,
                                     True),
    "armed_group_homicides": Metric("Homicides by armed groups", "a year", "The part of the homicides armed groups "
                                    "commit (the rest is ordinary crime): it follows their armed members, violence "
                                    "posture, contested control and splits.", "count", False, True),
    "massacres": Metric("Massacres", "a year", "Killings of four or more people in one event (the CNMH's "
                        "definition; Indepaz counts from three).", "count", True, True),
    "displaced": Metric("Persons displaced", "a year", "Persons forcibly displaced by the violence (the Victims' "
                        "Registry, RUV, by year of occurrence).", "count", True, True),
    "confined": Metric("Persons confined", "a year", "Persons confined by armed groups (armed strikes, curfews, mined "
                       "paths; OCHA's count).", "count", False, True),
    "dissent_events": Metric("Dissent in the security forces", "a year", "Open dissent by serving commanders: "
                             "resignations in protest, leaks against the negotiators, refusals (rare: about one "
                             "episode in a decade at the usual cohesion).", "count", False, True),
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
    "security_cohesion": Metric("Security-force cohesion", "index 0–1", "Cohesion K of the security forces, which "
                                "moves toward their buy-in K*.", "index", False, False),
    "coca_ha": Metric("Coca area", "hectares", "Area planted with coca.", "count", False, True),
    "vacuum_filled_by_state": Metric("Vacated control taken by the state", "share", "Share of the control "
                                     "vacated by groups standing down that the state takes rather than other "
                                     "groups.", "share", False, False),
    "forces_in_vacated": Metric("Forces on vacated ground", "share of deployed forces", "Share of the deployed "
                                "security forces in territories that groups standing down have vacated (the "
                                "deployment rule sends more there the more cohesive the forces are).", "share",
                                False, False),
    "legitimacy": Metric("International legitimacy", "index 0–1", "Legitimacy democratic backers and guarantors lend "
                         "the process; it falls while groups at a table kill members of the security forces.",
                         "index", False, False),
    "certification": Metric("Donor certification", "index 0–1", "The United States' assessment of the state's drug "
                            "cooperation (coca, decriminalisation, suspended extraditions); its security aid follows "
                            "it.", "index", False, False),
}


REQUIRED_SHOWN = ("homicide_rate", "homicides", "armed_group_members", "state_group_clashes", "inter_group_clashes",
                  "groups_in_talks", "agreements_signed", "state_control_share", "contested_territories",
                  "neighbour_violence")  # the terminal's table: the outcomes every scenario reports
LEVELS_SHOWN = ("combat_deaths", "battle_deaths", "non_state_deaths", "killed_in_operations", "captures", "surrenders",
                "security_forces_killed", "social_leader_killings", "massacres", "displaced",
                "confined")  # the terminal's second table: the outcomes as the public series count them


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
