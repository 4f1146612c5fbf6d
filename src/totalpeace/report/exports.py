"""Outputs people can open without Python: CSV files beside the Parquet ones, and summary.json as a flat table.

A spreadsheet user opens summary.csv (one row per metric or group series, calendar year and statistic column) or
results.csv (the tidy per-run table); the same frames are the dashboard's CSV downloads.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv

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
    audit's reason code, docs/model.md section 7.4) with its share of the breakdowns, and what mostly raised the
    commitment hazard where it broke the table (`hazard_drivers`, docs/outputs.md) with its share."""
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
            drivers = table.get("hazard_drivers") or {}  # absent from the summaries of older versions
            driver = max(drivers, key=drivers.get) if drivers else ""
            row.update({"ratified": table["ratified_share"],
                        "months_to_signing_p50": table["months_to_signing"].get("p50"),
                        "main_reason_broken_down": main, "main_reason_share": why.get(main, 0.0),
                        "main_hazard_driver": driver, "main_hazard_driver_share": drivers.get(driver, 0.0)})
        rows.append(row)
    frame = pd.DataFrame(rows)
    numeric = frame.select_dtypes("number").columns.drop("months_to_signing_p50", errors="ignore")
    frame[numeric] = frame[numeric].fillna(0.0)
    for column in ("main_reason_broken_down", "main_hazard_driver"):
        if column in frame:
            frame[column] = frame[column].fillna("")
    return frame


_STRUCTURAL = re.compile(r'[,"\r\n]')


def write_csv(data: pd.DataFrame | pa.Table, target: str | Path | BinaryIO) -> None:
    """A table of numbers and plain labels as CSV, written by Arrow's writer.

    pandas formats each value in Python, which for the millions of rows of results.csv (200 runs of the flagship:
    2.9 million) takes seconds; Arrow writes them in C++. Every value reads back the same (floats in their shortest
    round-trip text, NaN as an empty field), but Arrow spells some of them differently: 1242 for 1242.0, 1e+10 for
    10000000000.0, 1.5e-7 for 1.5e-07. A table with other columns (booleans, dates) or text that needs quoting is
    written by pandas."""
    table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)  # NaN: null
    with contextlib.ExitStack() as stack:
        sink = target if hasattr(target, "write") else stack.enter_context(open(target, "wb"))
        if not all(_plain(t) for t in table.schema.types) or _needs_quotes(table):
            frame = data if isinstance(data, pd.DataFrame) else data.to_pandas()
            sink.write(frame.to_csv(index=False).encode("utf-8"))
            return
        for i, column in enumerate(table.columns):
            if pa.types.is_floating(column.type):  # NaN as an empty field, as pandas writes it
                table = table.set_column(i, table.field(i),
                                         pa_compute.if_else(pa_compute.is_nan(column), None, column))
        sink.write((",".join(table.column_names) + "\n").encode("utf-8"))
        pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False, quoting_style="none"))


def csv_bytes(data: pd.DataFrame | pa.Table) -> bytes:
    """`write_csv` into memory (the dashboard's downloads)."""
    buffer = io.BytesIO()
    write_csv(data, buffer)
    return buffer.getvalue()


def _plain(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return _plain(kind.value_type)
    return (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_string(kind)
            or pa.types.is_large_string(kind))


def _needs_quotes(table: pa.Table) -> bool:
    """Whether a column name or a label holds a comma, a quote or a line break (which Arrow would refuse unquoted);
    a dictionary-encoded column is read through its labels."""
    if any(_STRUCTURAL.search(name) for name in table.column_names):
        return True
    for column in table.columns:
        for chunk in column.chunks:
            labels = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            if (pa.types.is_string(labels.type) or pa.types.is_large_string(labels.type)) and pa_compute.any(
                    pa_compute.match_substring_regex(labels, _STRUCTURAL.pattern)).as_py():
                return True
    return False


def write_csvs(results: Results, folder: str | Path) -> list[Path]:
    """summary.csv, talks.csv, results.csv and territories.csv next to the Parquet files."""
    out = Path(folder)
    summary = results.summary()
    written = []
    for name, frame in (("summary.csv", summary_frame(summary)), ("talks.csv", talks_frame(summary))):
        frame.to_csv(out / name, index=False)
        written.append(out / name)
    for name, table in (("results.csv", results.frame_table()), ("territories.csv", results.territory_frame())):
        write_csv(table, out / name)
        written.append(out / name)
    return written
