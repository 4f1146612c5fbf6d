"""Where each armed group is, municipality by municipality: the department reports refined by event evidence.

The rule (docs/scenarios.md section 5.4):

1. A group is placed only in the departments where the presence reports (data/colombia/group_presence.csv) name it,
   with the department weights of the department flagship (3 for `strong`, 1 for `present`), so that the municipal
   presence summed to departments equals the department flagship's presence exactly.
2. Within such a department, the weight goes to the municipalities with evidence of the group in the evidence years
   (EVIDENCE_YEARS): CNMH cases attributed to it (a lower bound) plus UCDP GED events involving it that GED locates
   to the municipality (`where_prec` <= 3; events placed on a department centroid count for no municipality), in
   proportion to the count.
3. Where a department has no such evidence for the group (and for groups the sources never code), the weight goes to
   the department's most valuable municipalities for the group (coca area and the coca that crosses the municipality
   on its route to an exit; population for urban gangs, and for any group where the department has neither): the
   smallest set holding FALLBACK_COVERAGE of the department's value, at most FALLBACK_MAX municipalities, in
   proportion to value. These placements are modelled, not observed: `basis` says which rule placed each row.

Evidence outside the reported departments is not used (it would change the department totals); `show` counts it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from totalpeace.territories import TerritoryTable

# Evidence: scenario group key -> (CNMH group keys, GED actor keys). FARC dissident factions are not told apart by
# either source, so the three dissident groups share the same evidence.
EVIDENCE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "eln": (("eln",), ("eln",)),
    "emc": (("farc_dissidents",), ("farc_dissidents",)),
    "segunda_marquetalia": (("farc_dissidents",), ("farc_dissidents",)),
    "farc_dissidents_other": (("farc_dissidents",), ("farc_dissidents",)),
    "clan_del_golfo": (("clan_del_golfo",), ()),
    "los_rastrojos": (("los_rastrojos",), ()),
    # historical groups (backtests before 2017)
    "farc": (("farc",), ("farc",)),
}
EVIDENCE_WINDOW = 6  # years of evidence up to the dataset year: 2016-2021 for the 2021 data (after the FARC deal)
FALLBACK_COVERAGE = 0.8
FALLBACK_MAX = 5
POPULATION_VALUE = ("urban_gangs",)  # groups whose value is people (extortion, local markets), not coca and routes

RULE_NOTE = (f"group presence: department reports refined by CNMH cases and UCDP GED events (located to the "
             f"municipality) of the last {EVIDENCE_WINDOW} years; without evidence, the department's most valuable "
             f"municipalities (coca and route throughput; population for urban gangs), up to {FALLBACK_MAX} holding "
             f"{FALLBACK_COVERAGE:.0%} of the value (docs/scenarios.md 5.4)")


def evidence_counts(year: int, window: int = EVIDENCE_WINDOW) -> pd.DataFrame:
    """Evidence per (municipality, evidence key) in years year - window + 1 .. year: CNMH cases + GED events."""
    from totalpeace.data.municipal import read_table

    first = year - window + 1
    cnmh = read_table("cnmh_presence.parquet")
    cnmh = cnmh[(cnmh["year"] >= first) & (cnmh["year"] <= year)]
    ged = read_table("ged.parquet")
    ged = ged[(ged["level"] == "municipality") & (ged["year"] >= first) & (ged["year"] <= year)]
    rows = []
    for key, (cnmh_keys, ged_keys) in EVIDENCE.items():
        a = cnmh[cnmh["group"].isin(cnmh_keys)].groupby("id")["cases"].sum()
        b = ged[ged["actor"].isin(ged_keys)].groupby("id")["events"].sum()
        total = a.add(b, fill_value=0.0)
        rows.append(pd.DataFrame({"id": total.index, "group": key, "evidence": total.to_numpy(float)}))
    return pd.concat(rows, ignore_index=True)


def group_value(table: TerritoryTable, group: str) -> pd.Series:
    """What a group would hold a municipality for, where no evidence places it (see the module's rule 3)."""
    frame = table.frame
    if group in POPULATION_VALUE:
        return frame["population"].astype(float)
    return frame["coca_ha"].astype(float) + route_throughput(table)


def route_throughput(table: TerritoryTable) -> pd.Series:
    """Coca hectares that cross each municipality (exit included) on their least-cost route to an exit."""
    from totalpeace.world import static_routes

    routes = static_routes(table)
    return pd.Series(routes.throughput(table.frame["coca_ha"].to_numpy(float)), index=table.frame.index)


def _fallback(values: pd.Series) -> pd.Series:
    """The smallest set of the most valuable units holding FALLBACK_COVERAGE of the value (at most FALLBACK_MAX)."""
    ranked = values[values > 0].sort_values(ascending=False, kind="stable")
    if ranked.empty:
        return ranked
    cumulative = ranked.cumsum() / ranked.sum()
    keep = int(np.searchsorted(cumulative.to_numpy(), FALLBACK_COVERAGE) + 1)
    return ranked.iloc[:min(keep, FALLBACK_MAX)]


def presence_table(table: TerritoryTable, year: int) -> tuple[pd.DataFrame, list[str]]:
    """Rows (id, group, weight, basis, department, evidence) for every group of the department reports, and one
    summary line per group for `show`."""
    from totalpeace.data import COLOMBIA, PRESENCE_WEIGHT, _read

    reports = _read(COLOMBIA / "group_presence.csv")
    evidence = evidence_counts(year)
    frame = table.frame
    department = frame["department_id"]
    rows, summary = [], []
    for group, reported in reports.groupby("group", sort=True):
        found = evidence[evidence["group"] == group].set_index("id")["evidence"]
        found = found[found.index.isin(frame.index)]
        value = group_value(table, group)
        counts = {"evidence": 0, "value": 0, "population": 0}
        for report in reported.itertuples():
            weight = PRESENCE_WEIGHT.get(str(report.strength), 1.0)
            members = frame.index[department == str(report.id)]
            local = found[found.index.isin(members)]
            basis = "evidence"
            if local.sum() <= 0:
                local, basis = _fallback(value.reindex(members)), "value"
                if local.empty:
                    local, basis = _fallback(frame.loc[members, "population"]), "population"
            share = local / local.sum()
            counts[basis] += len(share)
            for tid, s in share.items():
                rows.append({"id": tid, "group": group, "weight": weight * float(s), "basis": basis,
                             "department": str(report.id), "evidence": float(found.get(tid, 0.0))})
        outside = found[~department.reindex(found.index).isin(set(reported["id"].astype(str)))]
        summary.append(f"presence of {group}: {len(reported)} departments; {counts['evidence']} municipalities by "
                       f"evidence, {counts['value']} by value, {counts['population']} by population"
                       + (f"; evidence in {len(outside)} municipalities of unreported departments not used"
                          if len(outside) else ""))
    presence = pd.DataFrame(rows, columns=["id", "group", "weight", "basis", "department", "evidence"])
    return presence, summary
