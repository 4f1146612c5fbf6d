"""Build the historical calibration data in ``src/totalpeace/data/colombia`` from the shipped, sourced series.

Why this script exists
----------------------
Calibration compares the model with what happened in Colombia between the Caguán talks (1998) and August 2022. The
observations it uses, and the national figures that scale the 2021 department data back to 1998 and 2012, must each
carry their source. Every number below is read from the shipped ``national_series.csv`` / ``group_sizes.csv`` (which
keep their sources) or, for the three figures those files lack, given in a small table here with its URL and quote.
Two files are written, deterministically:

* ``targets.csv``          observed targets: one row per (target, year) with the model metric it is compared to, its
                           role (``calibrate`` up to the cut-off year, ``validate`` after it) and its source;
* ``history_scaling.csv``  national levels of the start years and of the reference year of the department data, from
                           which the historical territory datasets are scaled.

Usage::

    python tools/curate_history.py [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA = REPO_ROOT / "src" / "totalpeace" / "data" / "colombia"

CUTOFF = {"colombia-1998": 2002, "colombia-2012": 2018}  # last calibration year; later years are held back
TARGET_COLUMNS = ["target", "scenario", "year", "value", "unit", "metric", "group", "statistic", "use", "source",
                  "notes"]
SCALING_COLUMNS = ["dataset", "indicator", "year", "value", "reference_year", "reference_value", "factor", "source",
                   "notes"]

# Figures the shipped series do not hold, quoted from MECHANISMS.md section 12 (rows 2 and 7), with their sources.
CERAC_CEASEFIRE = {
    "value": round(30 / 169, 4), "unit": "ratio of monthly conflict deaths",
    "source": "CERAC via Colombia Reports, https://colombiareports.com/?p=158203",
    "notes": "after the July 2015 unilateral FARC ceasefire monthly conflict deaths averaged 30, against a monthly "
             "average of 169 in an earlier reference period (dates cut off in the page read): 30/169",
}


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def series(rows: list[dict[str, str]], name: str) -> dict[int, dict[str, str]]:
    """One row per year of a national series (the first row when a year repeats)."""
    out: dict[int, dict[str, str]] = {}
    for r in rows:
        if r["series"] == name and int(r["year"]) not in out:
            out[int(r["year"])] = r
    return out


def use_for(scenario: str, year: int) -> str:
    return "calibrate" if year <= CUTOFF[scenario] else "validate"


def target(name: str, scenario: str, year: int, value: float, unit: str, metric: str, statistic: str,
           source: str, notes: str, group: str = "") -> dict[str, str]:
    return {"target": name, "scenario": scenario, "year": str(year), "value": f"{value:g}", "unit": unit,
            "metric": metric, "group": group, "statistic": statistic, "use": use_for(scenario, year),
            "source": source, "notes": notes}


def farc_armed(sizes: list[dict[str, str]], year: int) -> tuple[float, str, str]:
    """Armed FARC members in `year`: the single figure, or the midpoint of a stated range."""
    rows = [r for r in sizes if r["group"] == "farc" and r["measure"] == "armed" and int(r["year"]) == year]
    values = sorted(float(r["value"]) for r in rows)
    if len(values) == 1:
        return values[0], rows[0]["source"], "armed FARC members (group_sizes.csv)"
    return (values[0] + values[-1]) / 2, rows[0]["source"], (
        f"midpoint of the stated range {values[0]:g}-{values[-1]:g} (group_sizes.csv)")


def build_targets() -> list[dict[str, str]]:
    national = read("national_series.csv")
    sizes = read("group_sizes.csv")
    rows: list[dict[str, str]] = []
    s98, s12 = "colombia-1998", "colombia-2012"
    # Caguán period: FARC growth under the zone and decline after it; homicide rate path.
    for year in (2000, 2002, 2006):
        value, source, notes = farc_armed(sizes, year)
        rows.append(target("farc_armed", s98, year, value, "persons", "group_armed", "year_end", source, notes,
                           group="farc"))
    ml = series(national, "homicide_rate_medicina_legal")
    other = series(national, "homicide_rate")
    for year, r in ((1999, ml[1999]), (2002, other[2002]), (2003, ml[2003])):
        rows.append(target("homicide_rate", s98, year, float(r["value"]), "per 100,000", "homicide_rate", "year",
                           r["source"], f"series {r['series']}"))
    # Havana process and after: homicide counts, FARC size, ceasefire, social leaders, coca.
    police = series(national, "homicides_count_police_siedco")
    for year in range(2013, 2022):
        r = police[year]
        rows.append(target("homicides", s12, year, float(r["value"]), "homicides a year", "homicides", "year",
                           r["source"], "Police SIEDCO national total (curator sum of department rows)"))
    for year in (2013, 2015):
        value, source, notes = farc_armed(sizes, year)
        rows.append(target("farc_armed", s12, year, value, "persons", "group_armed", "year_end", source, notes,
                           group="farc"))
    rows.append(target("ceasefire_conflict_deaths_ratio", s12, 2016, CERAC_CEASEFIRE["value"], CERAC_CEASEFIRE["unit"],
                       "combat_deaths", "ceasefire_ratio", CERAC_CEASEFIRE["source"],
                       CERAC_CEASEFIRE["notes"] + "; model: mean monthly combat deaths Aug 2015-Jul 2016 over "
                       "Oct 2012-Nov 2014"))
    leaders = series(national, "social_leaders_killed_indepaz")
    revised = {r["year"]: r for r in national if r["series"] == "social_leaders_killed_indepaz"
               and "colombiapeace.org" in r["source"]}
    base = float(revised["2016"]["value"])
    for year in range(2017, 2022):
        r = revised.get(str(year), leaders[year])
        rows.append(target("social_leaders_killed_vs_2016", s12, year, round(float(r["value"]) / base, 4),
                           "ratio to 2016", "social_leader_killings", "ratio_to_2016", r["source"],
                           f"Indepaz: {r['value']} killed in {year} over {base:g} in 2016 (revised Indepaz series, "
                           f"{revised['2016']['source']})"))
    coca = series(national, "coca_hectares")
    for year in range(2013, 2021):
        r = coca[year]
        rows.append(target("coca_ha", s12, year, float(r["value"]), "hectares", "coca_ha", "year_end", r["source"],
                           "UNODC-SIMCI census, 31 December"))
    return rows


def build_scaling() -> list[dict[str, str]]:
    national = read("national_series.csv")
    police = series(national, "homicides_count_police_siedco")
    rate_2021 = series(national, "homicide_rate_police")[2021]
    ml_1999 = series(national, "homicide_rate_medicina_legal")[1999]
    coca = series(national, "coca_hectares")
    rows = []

    def add(dataset: str, indicator: str, year: int, value: float, ref_year: int, ref: float, source: str,
            notes: str) -> None:
        rows.append({"dataset": dataset, "indicator": indicator, "year": str(year), "value": f"{value:g}",
                     "reference_year": str(ref_year), "reference_value": f"{ref:g}", "factor": f"{value / ref:.6f}",
                     "source": source, "notes": notes})

    add("colombia-departments-2012", "homicides", 2012, float(police[2012]["value"]), 2021,
        float(police[2021]["value"]), police[2012]["source"],
        "Police SIEDCO national totals 2012 over 2021 (the 2021 department counts sum to the 2021 total)")
    add("colombia-departments-2012", "coca_ha", 2012, float(coca[2012]["value"]), 2020, float(coca[2020]["value"]),
        coca[2012]["source"], "UNODC national census 2012 over 2020 (the department data are 2020)")
    add("colombia-departments-1998", "homicides", 1999, float(ml_1999["value"]), 2021, float(rate_2021["value"]),
        ml_1999["source"], "homicide rate 1999 (Medicina Legal; no 1998 figure is shipped) over the Police rate "
        f"2021 ({rate_2021['source']}); two sources, so the level is approximate")
    add("colombia-departments-1998", "coca_ha", 2007, float(coca[2007]["value"]), 2020, float(coca[2020]["value"]),
        coca[2007]["source"], "earliest UNODC census in the shipped data (2007); no 1998 figure is shipped")
    return rows


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=DATA, help="output folder (default: the shipped data folder)")
    args = parser.parse_args(argv)
    write(args.out / "targets.csv", TARGET_COLUMNS, build_targets())
    write(args.out / "history_scaling.csv", SCALING_COLUMNS, build_scaling())
    return 0


if __name__ == "__main__":
    sys.exit(main())
