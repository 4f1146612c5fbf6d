"""Outputs people can open without Python: CSV files beside the Parquet ones, and summary.json as a flat table.

A spreadsheet user opens summary.csv (one row per metric or group series, calendar year and statistic column) or
results.csv (the tidy per-run table); the same frames are the dashboard's CSV downloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from totalpeace.engine.results import Results
from totalpeace.report import catalogue
from totalpeace.report.names import actor_names
from totalpeace.report.periods import periods

STAT_COLUMNS = ["mean", "p10", "p50", "p90"]


def summary_frame(summary: Mapping[str, Any]) -> pd.DataFrame:
    """summary.json flattened: scope (national/group/neighbour/international), id, name, series, label, unit, year,
    period, months in the period, mean, p10, p50, p90."""
    spans = {p.year: p for p in periods(summary["start"], summary["months"])}
    names = actor_names(summary)
    rows: list[dict[str, Any]] = []

    def add(scope: str, ident: str, name: str, series: str, label: str, unit: str, by_year: Mapping[str, Any]):
        for year, stat in by_year.items():
            span = spans.get(year)
            rows.append({"scope": scope, "id": ident, "name": name, "series": series, "label": label, "unit": unit,
                         "year": int(year), "period": span.name if span else year,
                         "months": span.months if span else None, **{k: stat.get(k) for k in STAT_COLUMNS}})

    for metric, by_year in summary["metrics"].items():
        entry = catalogue.metric(metric)
        add("national", "", "", metric, entry.label, entry.unit, by_year)
    for gid, group in summary["groups"].items():
        for series in ("members", "armed", "sanctuary", "relocated", "territories_controlled"):
            add("group", gid, names.get(gid, gid), series, series.replace("_", " "), "", group.get(series, {}))
    for nid, neighbour in summary.get("neighbours", {}).items():
        for series, by_year in neighbour.items():
            add("neighbour", nid, names.get(nid, nid), series, series.replace("_", " "), "", by_year)
    for aid, actor in summary.get("international", {}).items():
        for series, by_year in actor.items():
            add("international", aid, names.get(aid, aid), series, series.replace("_", " "), "", by_year)
    return pd.DataFrame(rows)


def talks_frame(summary: Mapping[str, Any]) -> pd.DataFrame:
    """One row per group: its final-phase shares (they add to 1), ever signed, broken down at the end; for a group
    with a table, ratified, the median months from opening to signing and the main reason it broke down (the
    audit's reason code, docs/model.md section 7.4) with its share of the breakdowns."""
    names = actor_names(summary)
    rows = []
    for gid, group in summary["groups"].items():
        talks = group["talks"]
        row = {"id": gid, "name": names.get(gid, gid), "ever_signed": talks["signed_share"],
               "broken_down_at_end": talks["broken_down_share"],
               **{f"final_{k}": v for k, v in talks["final_phase_share"].items()}}
        table = group.get("negotiation")
        if table:
            why = table["why_broken_down"]
            main = max(why, key=why.get) if why else ""
            row.update({"ratified": table["ratified_share"],
                        "months_to_signing_p50": table["months_to_signing"].get("p50"),
                        "main_reason_broken_down": main, "main_reason_share": why.get(main, 0.0)})
        rows.append(row)
    frame = pd.DataFrame(rows)
    numeric = frame.select_dtypes("number").columns.drop("months_to_signing_p50", errors="ignore")
    frame[numeric] = frame[numeric].fillna(0.0)
    if "main_reason_broken_down" in frame:
        frame["main_reason_broken_down"] = frame["main_reason_broken_down"].fillna("")
    return frame


def write_csvs(results: Results, folder: str | Path) -> list[Path]:
    """summary.csv, talks.csv, results.csv and territories.csv next to the Parquet files."""
    out = Path(folder)
    summary = results.summary()
    written = []
    for name, frame in (("summary.csv", summary_frame(summary)), ("talks.csv", talks_frame(summary)),
                        ("results.csv", results.frame()), ("territories.csv", results.territory_frame())):
        frame.to_csv(out / name, index=False)
        written.append(out / name)
    return written
