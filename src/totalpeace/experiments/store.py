"""The results store: DuckDB over Parquet part files, one folder per experiment, safe against kill -9.

Layout (all paths relative to the store folder)::

    experiments/<name>/experiment.json           the spec, its fingerprint, factors, base scenario, code version
    experiments/<name>/points.parquet            one row per design point: point, factor values, unit coordinates
    experiments/<name>/parts/part-<time>-<id>/   one finished batch of runs:
        runs.parquet                             one row per run: point, run, seed, scenario hash, version, status
        yearly.parquet                           (point, run, year, metric, value) for every national metric
        monthly.parquet                          (point, run, month, metric, value) for the experiment's outcomes
    calibrations/<name>/                         one calibration (`totalpeace calibrate`): parameters.toml (the
                                                 calibrated set), posterior.parquet, generations.parquet,
                                                 checks.parquet, identifiability.parquet, forms.parquet,
                                                 screening.parquet, spec.toml, calibration.json
    views.sql                                    CREATE VIEW statements: `cd STORE && duckdb -init views.sql`
    locks/<name>.lock                            held by the one process writing an experiment

A part is written under experiments/<name>/tmp/ and then renamed into place with os.replace: a folder appears whole
or not at all, so a killed process never leaves a half-written part, and every reader sees only finished runs. The
parts are the only truth; the DuckDB views are rebuilt from them each time a store is opened.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from totalpeace.errors import InputError
from totalpeace.experiments.design import UNIT_PREFIX

DEFAULT_STORE = "out/store"
STORE_ENV = "TOTALPEACE_STORE"
FORMAT = 1

RUNS_SCHEMA = pa.schema([("experiment", pa.string()), ("point", pa.int64()), ("run", pa.int64()),
                         ("seed", pa.int64()), ("scenario_sha256", pa.string()), ("version", pa.string()),
                         ("status", pa.string()), ("error", pa.string()), ("parameters", pa.string()),
                         ("part", pa.string()), ("finished", pa.timestamp("us", tz="UTC"))])
YEARLY_SCHEMA = pa.schema([("experiment", pa.string()), ("point", pa.int64()), ("run", pa.int64()),
                           ("year", pa.int32()), ("metric", pa.string()), ("value", pa.float64())])
MONTHLY_SCHEMA = pa.schema([("experiment", pa.string()), ("point", pa.int64()), ("run", pa.int64()),
                            ("month", pa.string()), ("metric", pa.string()), ("value", pa.float64())])
TABLES = {"runs": RUNS_SCHEMA, "yearly": YEARLY_SCHEMA, "monthly": MONTHLY_SCHEMA}
# Columns the views derive: a run's id `EXPERIMENT:POINT:RUN` is what `totalpeace rerun` takes.
RUN_ID_SQL = "experiment || ':' || point || ':' || run"
EXTRA_COLUMNS = {"runs": f", {RUN_ID_SQL} AS run_id", "yearly": "", "monthly": ""}


# Views over every calibration's tables (a `calibration` column names it); empty views when there is none.
CALIBRATION_VIEWS = {
    "posterior": ("posterior.parquet", "NULL::VARCHAR AS calibration, NULL::BIGINT AS particle, "
                                       "NULL::DOUBLE AS weight"),
    "calibration_generations": ("generations.parquet", "NULL::VARCHAR AS calibration, NULL::BIGINT AS t, "
                                                       "NULL::DOUBLE AS epsilon, NULL::DOUBLE AS ess"),
    "screening": ("screening.parquet", "NULL::VARCHAR AS calibration, NULL::VARCHAR AS parameter, "
                                       "NULL::VARCHAR AS target, NULL::DOUBLE AS mu_star"),
    "calibration_checks": ("checks.parquet", "NULL::VARCHAR AS calibration, NULL::VARCHAR AS ensemble, "
                                             "NULL::VARCHAR AS pattern, NULL::DOUBLE AS share"),
    "identifiability": ("identifiability.parquet", "NULL::VARCHAR AS calibration, NULL::VARCHAR AS parameter, "
                                                   "NULL::DOUBLE AS sd_ratio, NULL::VARCHAR AS verdict"),
    "form_weights": ("forms.parquet", "NULL::VARCHAR AS calibration, NULL::VARCHAR AS form, "
                                      "NULL::DOUBLE AS weight, NULL::DOUBLE AS score"),
}


def default_store_path() -> Path:
    """`$TOTALPEACE_STORE` if set, else out/store under the working directory."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


class StoreWriteError(InputError):
    """The store folder cannot be written (read-only, full disk, not a folder): nothing already stored is touched."""


def _write_error(store: Path, what: str, exc: OSError) -> StoreWriteError:
    reason = exc.strerror or str(exc)
    hint = ("free some space" if exc.errno == errno.ENOSPC else "make it writable or choose another --store")
    return StoreWriteError(f"--store {store}: cannot write {what} ({reason}); the runs stored before are intact: "
                           f"{hint}, then continue with --resume")


def _atomic_write_bytes(path: Path, data: bytes, tmp_dir: Path) -> None:
    """Write `path` whole or not at all: a temporary file, fsync, then os.replace (atomic on POSIX)."""
    tmp = tmp_dir / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        tmp.write_bytes(data)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _empty_select(schema: pa.Schema, extra: str = "") -> str:
    types = {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.float64(): "DOUBLE",
             pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ"}
    cols = ", ".join(f"CAST(NULL AS {types[f.type]}) AS {f.name}" for f in schema)
    return f"SELECT *{extra} FROM (SELECT {cols} WHERE false)"


class ResultsStore:
    """Read and write a results store. Reading is cheap: open one wherever you need it.

    >>> store = ResultsStore("out/store")
    >>> store.experiments()                                   # one row per experiment
    >>> store.points("talks-levers")                          # one row per design point
    >>> store.experiments_frame("talks-levers", ["homicide_rate"], year=2025)   # one row per run
    >>> store.query("SELECT metric, avg(value) FROM yearly GROUP BY metric")   # any SQL over the views
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        if self.path.exists() and not self.path.is_dir():
            raise InputError(f"--store {self.path}: not a folder")

    # ---------------------------------------------------------------- reading
    def experiment_names(self) -> list[str]:
        root = self.path / "experiments"
        return sorted(p.parent.name for p in root.glob("*/experiment.json")) if root.is_dir() else []

    def experiment(self, name: str) -> dict[str, Any]:
        """The stored metadata of one experiment (spec, fingerprint, factors, base scenario, version, created)."""
        file = self.path / "experiments" / name / "experiment.json"
        if not file.is_file():
            known = ", ".join(self.experiment_names()) or "none"
            raise InputError(f"store {self.path}: no experiment named {name!r} (experiments: {known})")
        return json.loads(file.read_text(encoding="utf-8"))

    def experiments(self) -> pd.DataFrame:
        """One row per experiment: name, scenario, design, points, replications, seed, months, factors, created."""
        rows = []
        for name in self.experiment_names():
            meta = self.experiment(name)
            spec = meta["spec"]
            rows.append({"experiment": name, "scenario": spec["scenario"], "design": spec["design"],
                         "points": meta["points"], "replications": spec["replications"], "seed": spec["seed"],
                         "months": meta["months"], "levers": ", ".join(spec["levers"]),
                         "uncertainties": ", ".join(spec["uncertainties"]), "outcomes": ", ".join(spec["outcomes"]),
                         "version": meta["version"], "created": meta["created"]})
        columns = ["experiment", "scenario", "design", "points", "replications", "seed", "months", "levers",
                   "uncertainties", "outcomes", "version", "created"]
        return pd.DataFrame(rows, columns=columns)

    def _resolve(self, experiment: str | None) -> str:
        names = self.experiment_names()
        if experiment is not None:
            self.experiment(experiment)
            return experiment
        if len(names) == 1:
            return names[0]
        raise InputError(f"store {self.path}: name the experiment (experiments: {', '.join(names) or 'none'})")

    def points(self, experiment: str | None = None, unit: bool = False) -> pd.DataFrame:
        """Design points: `point` and one column per factor (dotted path); `unit=True` adds `unit:<path>` columns
        with the unit-hypercube coordinates the sampler drew (what SALib's analyses expect)."""
        name = self._resolve(experiment)
        frame = pd.read_parquet(self.path / "experiments" / name / "points.parquet").drop(columns="experiment")
        if not unit:
            frame = frame[[c for c in frame.columns if not c.startswith(UNIT_PREFIX)]]
        return frame

    def _files(self, table: str, experiment: str | None = None) -> list[str]:
        pattern = f"{experiment or '*'}/parts/*/{table}.parquet"
        root = self.path / "experiments"
        return sorted(str(p) for p in root.glob(pattern)) if root.is_dir() else []

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with views `experiments`, `points`, `runs`, `yearly`, `monthly`, `summary`."""
        con = duckdb.connect()
        for table, schema in TABLES.items():
            # a glob, not a file list: the SQL stays short however many parts a long sweep wrote
            pattern = str(self.path.resolve() / "experiments" / "*" / "parts" / "*" / f"{table}.parquet")
            source = f"SELECT *{EXTRA_COLUMNS[table]} FROM read_parquet({_sql_text(pattern)}, union_by_name = true)" \
                if self._files(table) else _empty_select(schema, EXTRA_COLUMNS[table])
            con.execute(f"CREATE VIEW {table} AS {source}")
        con.register("experiments", self.experiments())
        points = sorted(str(p) for p in (self.path / "experiments").glob("*/points.parquet")) \
            if (self.path / "experiments").is_dir() else []
        con.execute("CREATE VIEW points AS " + (f"SELECT * FROM read_parquet({points!r}, union_by_name = true)"
                                                 if points else "SELECT NULL::VARCHAR AS experiment, "
                                                                "NULL::BIGINT AS point WHERE false"))
        con.execute(SUMMARY_VIEW)
        for view, (file, empty) in CALIBRATION_VIEWS.items():
            pattern = str(self.path.resolve() / "calibrations" / "*" / file)
            source = f"SELECT * FROM read_parquet({_sql_text(pattern)}, union_by_name = true)" \
                if self._has_calibration_file(file) else f"SELECT {empty} WHERE false"
            con.execute(f"CREATE VIEW {view} AS {source}")
        return con

    def _has_calibration_file(self, file: str) -> bool:
        return any((self.path / "calibrations").glob(f"*/{file}"))  # a missing folder globs to nothing

    def calibration_names(self) -> list[str]:
        """Calibrations in the store (folders holding a calibrated parameter set)."""
        root = self.path / "calibrations"
        return sorted(p.parent.name for p in root.glob("*/parameters.toml")) if root.is_dir() else []

    def calibration_folder(self, name: str) -> Path:
        return self.path / "calibrations" / name

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run SQL over the store's views and return a pandas frame; a bad query is an InputError."""
        with contextlib.closing(self.connect()) as con:
            try:
                return con.execute(sql, params or []).df()
            except duckdb.Error as exc:
                raise InputError(f"query: {str(exc).splitlines()[0]}") from None

    def runs(self, experiment: str | None = None) -> pd.DataFrame:
        """The run records of one experiment (or all), ordered by point and run."""
        if experiment is None:
            return self.query("SELECT * FROM runs ORDER BY experiment, point, run")
        self.experiment(experiment)
        return self.query("SELECT * FROM runs WHERE experiment = ? ORDER BY point, run", [experiment])

    def done_runs(self, experiment: str) -> set[tuple[int, int]]:
        """(point, run) pairs already in the store: what a resumed sweep skips."""
        files = self._files("runs", experiment)
        if not files:
            return set()
        table = pq.ParquetDataset(files).read(columns=["point", "run"])
        return set(zip(table["point"].to_pylist(), table["run"].to_pylist(), strict=True))

    def experiments_frame(self, experiment: str | None = None, outcomes: str | list[str] | None = None,
                          year: int | None = None) -> pd.DataFrame:
        """One row per finished run: `point`, `run`, one column per factor, one column per outcome in `year`.

        Outcomes default to the experiment's; `year` defaults to the last simulated calendar year. Flows are annual
        totals (partial years scaled to twelve months), stocks the value in the year's last month.
        """
        name = self._resolve(experiment)
        meta = self.experiment(name)
        wanted = [outcomes] if isinstance(outcomes, str) else list(outcomes or meta["spec"]["outcomes"])
        years = meta["years"]
        year = years[-1] if year is None else int(year)
        if year not in years:
            raise InputError(f"year {year}: the experiment {name!r} covers {years[0]}..{years[-1]}")
        unknown = [o for o in wanted if o not in meta["metrics"]]
        if unknown:
            raise InputError(f"outcome {unknown[0]!r}: not a metric of the experiment (metrics: "
                             f"{', '.join(meta['metrics'])})")
        files = self._files("yearly", name)
        points = self.points(name)
        if not files:
            return pd.DataFrame(columns=["point", "run", *points.columns[1:], *wanted])
        with contextlib.closing(self.connect()) as con:
            values = con.execute(
                "SELECT y.point, y.run, y.metric, y.value FROM yearly y JOIN runs r USING (experiment, point, run) "
                "WHERE y.experiment = ? AND y.year = ? AND r.status = 'ok' AND list_contains(?, y.metric)",
                [name, year, wanted]).df()
        wide = values.pivot_table(index=["point", "run"], columns="metric", values="value", aggfunc="first")
        wide = wide.reindex(columns=wanted).reset_index()
        wide.columns.name = None
        return points.merge(wide, on="point", how="inner")[["point", "run", *points.columns[1:], *wanted]] \
            .sort_values(["point", "run"], ignore_index=True)

    # ---------------------------------------------------------------- writing
    def begin(self, meta: dict[str, Any], points: pd.DataFrame, resume: bool, replace: bool) -> None:
        """Create (or check, when resuming) an experiment's folder, metadata and design points."""
        name = meta["name"]
        folder = self.path / "experiments" / name
        existing = (folder / "experiment.json").is_file()
        if existing and replace:
            shutil.rmtree(folder)
            existing = False
        if existing:
            old = self.experiment(name)
            if not resume:
                raise InputError(f"experiment {name!r} is already in the store {self.path}: add --resume to "
                                 "finish it, --replace to start it again, or give it another name")
            if old["fingerprint"] != meta["fingerprint"]:
                raise InputError(f"experiment {name!r} in {self.path} was started from a different spec: "
                                 "--resume needs the same file (use --replace to start again)")
            return
        try:
            (folder / "parts").mkdir(parents=True, exist_ok=True)
            self._tmp(name).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--store {self.path}: cannot write there ({exc.strerror})") from None
        table = pa.Table.from_pandas(points.assign(experiment=name), preserve_index=False)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        try:
            _atomic_write_bytes(folder / "points.parquet", sink.getvalue().to_pybytes(), self._tmp(name))
            # experiment.json last: an experiment exists once its points do
            _atomic_write_bytes(folder / "experiment.json",
                                json.dumps(meta, indent=2, ensure_ascii=False).encode("utf-8"), self._tmp(name))
        except OSError as exc:
            raise _write_error(self.path, f"the experiment {name!r}", exc) from None
        self.write_views()

    def check_writable(self) -> None:
        """Fail early, with the store's name in the message, if the store folder cannot be created or written."""
        try:
            (self.path / "locks").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--store {self.path}: cannot write there ({exc.strerror})") from None

    def _tmp(self, experiment: str) -> Path:
        """Staging folder of one experiment's writer (outside every glob the readers use)."""
        return self.path / "experiments" / experiment / "tmp"

    @contextlib.contextmanager
    def lock(self, experiment: str) -> Iterator[None]:
        """One writer per experiment (the OS drops the lock when a process dies, even by kill -9). The lock file
        lives outside the experiment's folder so that --replace can delete the folder while holding it."""
        folder = self.path / "locks"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fh = (folder / f"{experiment}.lock").open("w")
        except OSError as exc:
            raise InputError(f"--store {self.path}: cannot write there ({exc.strerror})") from None
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError(f"experiment {experiment!r} in {self.path} is being written by another "
                                 "process") from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def delete(self, experiment: str) -> None:
        """Remove an experiment and all its runs (hold its lock): what a cancelled dashboard run leaves behind."""
        shutil.rmtree(self.path / "experiments" / experiment, ignore_errors=True)

    def clean_tmp(self, experiment: str) -> None:
        """Remove what a killed writer left in the staging folder (never visible to readers)."""
        tmp = self._tmp(experiment)
        if tmp.is_dir():
            for entry in tmp.iterdir():
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)

    def write_part(self, experiment: str, tables: dict[str, pa.Table]) -> Path:
        """Write one batch of finished runs as a new part folder, atomically."""
        token = uuid.uuid4().hex[:12]
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        staging = self._tmp(experiment) / token
        final = self.path / "experiments" / experiment / "parts" / f"part-{stamp}-{token}"
        runs = tables["runs"]
        tables = {**tables, "runs": runs.set_column(runs.schema.get_field_index("part"), "part",
                                                     pa.array([final.name] * runs.num_rows, type=pa.string()))}
        try:
            staging.mkdir(parents=True)
            for table, data in tables.items():
                pq.write_table(data.cast(TABLES[table]), staging / f"{table}.parquet", compression="zstd")
            for file in staging.iterdir():
                with file.open("rb") as fh:
                    os.fsync(fh.fileno())
            os.replace(staging, final)
        except OSError as exc:  # pyarrow's IO errors are OSErrors too
            shutil.rmtree(staging, ignore_errors=True)  # staging is outside every reader's glob; tidy it anyway
            raise _write_error(self.path, f"{runs.num_rows} finished runs", exc) from None
        return final

    def write_calibration(self, name: str, files: dict[str, bytes]) -> Path:
        """Write (or replace) a calibration's folder by renaming a finished one into place: never seen half-written."""
        staging_root = self.path / "tmp-calibrations"
        staging = staging_root / uuid.uuid4().hex[:12]
        final = self.calibration_folder(name)
        old = staging_root / f"old-{uuid.uuid4().hex[:12]}"
        try:
            staging.mkdir(parents=True)
            for file, data in files.items():
                with (staging / file).open("wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                os.replace(final, old)
            os.replace(staging, final)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise _write_error(self.path, f"the calibration {name!r}", exc) from None
        shutil.rmtree(old, ignore_errors=True)
        self.write_views()
        return final

    def write_views(self) -> Path:
        """views.sql: the same views for the DuckDB command line, with paths relative to the store folder."""
        lines = ["-- Views over this store's Parquet parts. Use: cd <store> && duckdb -init views.sql"]
        for table in TABLES:
            lines.append(f"CREATE OR REPLACE VIEW {table} AS SELECT *{EXTRA_COLUMNS[table]} FROM "
                         f"read_parquet('experiments/*/parts/*/{table}.parquet', union_by_name = true);")
        lines.append("CREATE OR REPLACE VIEW points AS SELECT * FROM "
                     "read_parquet('experiments/*/points.parquet', union_by_name = true);")
        lines.append(SUMMARY_VIEW.replace("CREATE VIEW", "CREATE OR REPLACE VIEW") + ";")
        for view, (name, _) in CALIBRATION_VIEWS.items():
            if self._has_calibration_file(name):
                lines.append(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM "
                             f"read_parquet('calibrations/*/{name}', union_by_name = true);")
        file = self.path / "views.sql"
        try:
            _atomic_write_bytes(file, ("\n".join(lines) + "\n").encode(), self.path)
        except OSError as exc:
            raise _write_error(self.path, "views.sql", exc) from None
        return file


SUMMARY_VIEW = """CREATE VIEW summary AS
SELECT y.experiment, y.point, y.year, y.metric, count(*) AS runs, avg(y.value) AS mean,
       quantile_cont(y.value, 0.1) AS p10, quantile_cont(y.value, 0.5) AS p50, quantile_cont(y.value, 0.9) AS p90
FROM yearly y JOIN runs r USING (experiment, point, run)
WHERE r.status = 'ok'
GROUP BY ALL"""
