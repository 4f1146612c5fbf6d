"""The SQL views of a results store on one DuckDB connection, confined to the store's files.

Every file is handed to DuckDB as an Arrow dataset built from an explicit list of paths: DuckDB never parses a path,
so a store folder named `br[ab]` or `a\\b` is read as exactly that folder (DuckDB would expand glob characters even in
a list of files, and has no way to escape them). Once the views exist the connection is confined: external access
is switched off and the configuration locked, so SQL run on it (`totalpeace query`) reads the store's views and
nothing else: no other file, no COPY ... TO, no ATTACH, no extension, no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

RUN_ID_SQL = "experiment || ':' || point || ':' || run"
# A run retried by --resume keeps its failed attempts in run_attempts; `runs` holds its latest state: the successful
# attempt if there is one, else the last failure.
RUNS_VIEW = f"""CREATE VIEW run_attempts AS SELECT *, {RUN_ID_SQL} AS run_id FROM parts_runs;
CREATE VIEW runs AS SELECT * FROM run_attempts
QUALIFY row_number() OVER (PARTITION BY experiment, point, run ORDER BY (status = 'ok') DESC, finished DESC,
                                                                        part DESC) = 1"""
SUMMARY_VIEW = """CREATE VIEW summary AS
SELECT y.experiment, y.point, y.year, y.metric, count(*) AS runs, avg(y.value) AS mean,
       quantile_cont(y.value, 0.1) AS p10, quantile_cont(y.value, 0.5) AS p50, quantile_cont(y.value, 0.9) AS p90
FROM yearly y JOIN runs r USING (experiment, point, run)
WHERE r.status = 'ok'
GROUP BY ALL"""
# complete: every planned run succeeded; failed: every run was attempted and some failed (--resume retries them);
# running: a process is writing it now; incomplete: runs are missing (interrupted: --resume finishes it).
EXPERIMENTS_VIEW = """CREATE VIEW experiments AS
SELECT m.* EXCLUDE (writing), m.points * m.replications AS runs_planned, coalesce(c.ok, 0) AS runs_ok,
       coalesce(c.failed, 0) AS runs_failed,
       CASE WHEN coalesce(c.ok, 0) >= m.points * m.replications THEN 'complete'
            WHEN m.writing THEN 'running'
            WHEN coalesce(c.ok, 0) + coalesce(c.failed, 0) >= m.points * m.replications THEN 'failed'
            ELSE 'incomplete' END AS status
FROM experiments_meta m
LEFT JOIN (SELECT experiment, count(*) FILTER (WHERE status = 'ok') AS ok,
                  count(*) FILTER (WHERE status <> 'ok') AS failed
           FROM runs GROUP BY experiment) c USING (experiment)
ORDER BY m.experiment"""


@dataclass
class StoreFiles:
    """What the views read: whole parts' table files, points files, calibration files, experiment metadata."""

    tables: dict[str, list[Path]]  # runs / yearly / monthly -> files
    schemas: dict[str, pa.Schema]
    points: list[bytes]  # each experiment's points.parquet, already checked
    experiments: pd.DataFrame
    calibrations: dict[str, list[Path]] = field(default_factory=dict)  # view -> files


def union(files: list[Path] | list[bytes]) -> pa.Table | None:
    """Small tables of differing columns as one (columns matched by name, missing ones null; a column whose type
    differs between files becomes text). None for no file. A file is a path or its bytes."""
    tables = [pq.read_table(pa.BufferReader(f) if isinstance(f, bytes) else f) for f in files]
    if not tables:
        return None
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        types: dict[str, set[pa.DataType]] = {}
        for table in tables:
            for f in table.schema:
                types.setdefault(f.name, set()).add(f.type)
        mixed = {name for name, kinds in types.items() if len(kinds) > 1}
        tables = [t.cast(pa.schema([pa.field(f.name, pa.string()) if f.name in mixed else f for f in t.schema]))
                  for t in tables]
        return pa.concat_tables(tables, promote_options="permissive")


def open_views(files: StoreFiles, calibration_empty: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the views experiments, points, runs, run_attempts, yearly, monthly, summary and
    the calibration views, confined to them."""
    con = duckdb.connect()
    try:
        for table, schema in files.schemas.items():
            con.register(f"parts_{table}", ds.dataset([str(f) for f in files.tables[table]], schema=schema,
                                                      format="parquet"))
        for view in RUNS_VIEW.split(";\n"):
            con.execute(view)
        for table in files.schemas:
            if table != "runs":
                con.execute(f"CREATE VIEW {table} AS SELECT * FROM parts_{table}")
        points = union(files.points)
        if points is None:
            con.execute("CREATE VIEW points AS SELECT NULL::VARCHAR AS experiment, NULL::BIGINT AS point WHERE false")
        else:
            con.register("points_table", points)
            con.execute("CREATE VIEW points AS SELECT * FROM points_table")
        con.register("experiments_meta", files.experiments)
        con.execute(EXPERIMENTS_VIEW)
        con.execute(SUMMARY_VIEW)
        for view, empty in calibration_empty.items():
            table = union(files.calibrations.get(view, []))
            if table is None:
                con.execute(f"CREATE VIEW {view} AS SELECT {empty} WHERE false")
            else:
                con.register(f"{view}_table", table)
                con.execute(f"CREATE VIEW {view} AS SELECT * FROM {view}_table")
        confine(con)
    except BaseException:
        con.close()
        raise
    return con


def confine(con: duckdb.DuckDBPyConnection) -> None:
    """No file, network or extension access from now on, and no way to switch it back on."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
