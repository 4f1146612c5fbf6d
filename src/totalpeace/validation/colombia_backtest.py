"""Colombia's rolling-origin backtest of homicides, at municipal and department level (docs/validation.md).

The scenario of origin year Y starts in January Y+1 from what was known at the end of Y:

- territories: the municipal panel of year Y (`colombia-municipalities@Y`) or its department sums
  (`colombia-departments@Y`): population and homicides of Y, coca of Y (2020 at most);
- groups: those with evidence in the last EVIDENCE_WINDOW years up to Y (CNMH cases and UCDP GED events located to
  a municipality; GED ends in 2018): the FARC until 2016, the ELN, FARC dissidents from 2017, the Clan del Golfo; each
  placed in proportion to its evidence (summed by department at department level), with its latest size published
  up to Y (data/colombia/group_sizes.csv);
- security forces, international actors and parameters as in the flagship colombia-2022 (with its calibration),
  the municipal level with those of colombia-2022-municipal (the municipalities' own drift of ordinary crime and the
  outcome rates carried to their resolution), but for the drifts' start (`crime_drift_start_months`: January Y+1 is
  the month after the year the counts cover); no negotiation table, ceasefire or policy change: the forecast is the
  model's status quo.

Weak spots, stated in docs/validation.md: the flagship's calibration used targets up to 2018, so origins before
2018 are not strictly out of sample for the parameters; the 2012-2016 FARC talks and ceasefires are not represented;
force sizes are those of 2022.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from totalpeace.data import COLOMBIA
from totalpeace.data.municipal import municipal_table, read_table
from totalpeace.data.municipal_presence import evidence_counts
from totalpeace.model.violence import drift_start_months
from totalpeace.scenario.schema import Scenario
from totalpeace.validation.backtest import ForecastProblem

LEVELS = ("municipality", "department")
ORIGINS = tuple(range(2012, 2020))
SIZE_KEYS = {"farc": "farc", "eln": "eln", "farc_dissidents": "farc_dissidents_total",
             "clan_del_golfo": "clan_del_golfo"}
GROUPS = {
    "farc": {"name": "FARC-EP", "type": "insurgent", "political": True, "cohesion": 0.7, "spoiler": "limited",
             "rivals": ["clan_del_golfo"]},
    "eln": {"name": "ELN", "type": "insurgent", "political": True, "cohesion": 0.5, "spoiler": "limited",
            "rivals": ["clan_del_golfo"]},
    "farc_dissidents": {"name": "FARC dissidents", "type": "dissident", "cohesion": 0.4, "spoiler": "greedy",
                        "rivals": ["eln"]},
    "clan_del_golfo": {"name": "Clan del Golfo", "type": "criminal", "cohesion": 0.6, "spoiler": "greedy",
                       "rivals": ["eln"]},
}
EVIDENCE_KEY = {"farc": "farc", "eln": "eln", "farc_dissidents": "emc", "clan_del_golfo": "clan_del_golfo"}


@lru_cache(maxsize=32)
def group_size(group: str, year: int) -> tuple[float, str]:
    """Latest published size up to `year` (median of the rows of that year, total before armed) and its source."""
    sizes = pd.read_csv(COLOMBIA / "group_sizes.csv")
    rows = sizes[(sizes["group"] == SIZE_KEYS[group]) & (sizes["year"] <= year)
                 & sizes["measure"].isin(["total", "armed"])]
    if rows.empty:
        return 0.0, ""
    latest = rows[rows["year"] == rows["year"].max()]
    chosen = latest[latest["measure"] == "total"] if (latest["measure"] == "total").any() else latest
    return float(chosen["value"].median()), f"group_sizes.csv {int(latest['year'].iloc[0])}: {chosen['source'].iloc[0]}"


def presence(group: str, origin: int, level: str) -> dict[str, float]:
    """Evidence shares of a group in the window up to `origin`, by municipality or summed by department."""
    evidence = evidence_counts(origin)
    found = evidence[evidence["group"] == EVIDENCE_KEY[group]].set_index("id")["evidence"]
    found = found[found.index.isin(municipal_table(origin).frame.index) & (found > 0)]
    if level == "department":
        found = found.groupby(found.index.str[:2]).sum()
    total = found.sum()
    return {str(k): float(v / total) for k, v in found.items()} if total > 0 else {}


def build(origin: int, level: str) -> Scenario:
    """The status-quo scenario of an origin year at one level (see the module's docstring)."""
    from totalpeace.scenario import load_scenario

    flagship = load_scenario("colombia-2022")
    # The parameters of the flagship at the level's own resolution: the municipal one sets the municipalities' drift
    # and the rates that read the competition among groups (tools/municipal_scales.py).
    parameters = load_scenario("colombia-2022-municipal").parameters if level == "municipality" else flagship.parameters
    groups = {}
    for gid, spec in GROUPS.items():
        if (gid == "farc" and origin > 2016) or (gid == "farc_dissidents" and origin < 2017):
            continue
        members, source = group_size(gid, origin)
        shares = presence(gid, origin, level)
        if members <= 0 or not shares:
            continue
        groups[gid] = {**spec, "members": members, "members_source": source, "presence": shares}
    for spec in groups.values():
        spec["rivals"] = [r for r in spec["rivals"] if r in groups]
    dataset = "colombia-municipalities" if level == "municipality" else "colombia-departments"
    data = {
        "name": f"backtest-{level}-{origin}", "start": f"{origin + 1}-01", "months": 24,
        "description": f"Status quo from data up to {origin} ({level} level), for the rolling-origin backtest",
        "territories": {"source": f"{dataset}@{origin}"}, "groups": groups,
        "security": flagship.security.model_dump(exclude={"purge"}),
        "international": {k: v.model_dump() for k, v in flagship.international.items()
                          if not set(v.guarantor_for) - set(groups)},
        "policy": {"talks": {"mode": "none"}},
        # the drifts' start: January Y+1 from the counts of Y, month 13 of the counted year
        "parameters": {**parameters.model_dump(), "crime_drift_start_months": round(drift_start_months(13), 2)},
    }
    return Scenario.model_validate(data)


def observed(year: int, level: str) -> pd.Series:
    """Police homicides of `year` per municipality, or summed by department."""
    panel = read_table("panel.parquet")
    rows = panel[(panel["indicator"] == "homicides") & (panel["year"] == year)].set_index("id")["value"]
    return rows.groupby(rows.index.str[:2]).sum() if level == "department" else rows


PROBLEM = ForecastProblem(build=build, observed=observed, horizons=(1, 2))
