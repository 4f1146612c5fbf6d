"""The results store: DuckDB over Parquet part files, one folder per experiment, safe against kill -9.

Layout (all paths relative to the store folder)::

    experiments/<name>/experiment.json           the spec, its fingerprint, factors, base scenario, code version
    experiments/<name>/points.parquet            one row per design point: point, factor values, unit coordinates
    experiments/<name>/parts/part-<time>-<id>/   one finished batch of runs:
        runs.parquet                             one row per run: point, run, seed, scenario hash, version, status
        yearly.parquet                           (point, run, year, metric, value) for every national metric
        monthly.parquet                          (point, run, month, metric, value) for the experiment's outcomes
        part.json                                each table's SHA-256, size and rows (experiments/parts.py)
    experiments/<name>/damaged/                  parts found damaged, set aside by `sweep --resume` (never read)
    trash/                                       experiments being deleted (--replace, a cancelled dashboard run)
    calibrations/<name>/                         one calibration (`totalpeace calibrate`): parameters.toml (the
                                                 calibrated set), posterior.parquet, generations.parquet,
                                                 checks.parquet, identifiability.parquet, forms.parquet,
                                                 screening.parquet, spec.toml, calibration.json
    views.sql                                    CREATE VIEW statements: `cd STORE && duckdb -init views.sql`
    locks/<name>.lock                            held by the one process writing an experiment

A part is written under experiments/<name>/tmp/ and then renamed into place with os.replace: a folder appears whole
or not at all, so a killed process never leaves a half-written part, and every reader sees only finished runs. The
parts are the only truth; the DuckDB views are rebuilt from them each time a store is opened, from the parts whose
files match their manifest (a damaged part is named, with the way to repair it, instead of being read). An
experiment is deleted by renaming its folder into trash/ first (atomic), so no reader or resumed sweep ever sees part
of a deleted experiment, whenever the deleting process dies.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
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
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from totalpeace.errors import InputError
from totalpeace.experiments.design import UNIT_PREFIX
from totalpeace.experiments.parts import MANIFEST, DamagedPart, check_part, manifest_bytes
from totalpeace.experiments.views import RUNS_VIEW, SUMMARY_VIEW, StoreFiles, open_views

DEFAULT_STORE = "out/store"
STORE_ENV = "TOTALPEACE_STORE"

RUNS_SCHEMA = pa.schema([("experiment", pa.string()), ("point", pa.int64()), ("run", pa.int64()),
                         ("seed", pa.int64()), ("scenario_sha256", pa.string()), ("version", pa.string()),
                         ("status", pa.string()), ("error", pa.string()), ("parameters", pa.string()),
                         ("part", pa.string()), ("finished", pa.timestamp("us", tz="UTC"))])
YEARLY_SCHEMA = pa.schema([("experiment", pa.string()), ("point", pa.int64()), ("run", pa.int64()),
                           ("year", pa.int32()), ("metric", pa.string()), ("value", pa.float64())])
MONTHLY_SCHEMA = pa.schema([("experiment", pa.string()), ("point", pa.int64()), ("run", pa.int64()),
                            ("month", pa.string()), ("metric", pa.string()), ("value", pa.float64())])
TABLES = {"runs": RUNS_SCHEMA, "yearly": YEARLY_SCHEMA, "monthly": MONTHLY_SCHEMA}
STORE_FORMAT = 2  # 2: every part has a manifest (part.json); experiments without it were written before manifests


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
    "matched_assumptions": ("assumptions.parquet", "NULL::VARCHAR AS calibration, NULL::BIGINT AS candidate, "
                                                   "NULL::DOUBLE AS distance, NULL::BOOLEAN AS accepted"),
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


def atomic_write_bytes(path: Path, data: bytes, tmp_dir: Path) -> None:
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


def _points_parquet(name: str, points: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(points.assign(experiment=name), preserve_index=False), sink)
    return sink.getvalue().to_pybytes()


class DamagedPointsError(InputError):
    """An experiment's points.parquet does not match its record: named, with the repair."""


class DamagedStoreError(InputError):
    """Parts whose files do not match their manifest: named, with the command that repairs them."""

    def __init__(self, store: Path, damaged: dict[str, list[DamagedPart]]) -> None:
        self.damaged = damaged
        lines = []
        for experiment, parts in damaged.items():
            runs = "; ".join(f"{p.folder.relative_to(store)}: {p.problem}" for p in parts)
            lines.append(f"experiment {experiment!r}: {len(parts)} damaged part{'s' if len(parts) > 1 else ''} "
                         f"({runs}). Repair: totalpeace sweep {experiment} --store {store} --resume (sets them aside "
                         f"in experiments/{experiment}/damaged/ and computes their runs again)")
        super().__init__(lines if len(lines) > 1 else lines[0], source=f"store {store}")


EXPERIMENT_COLUMNS = {"experiment": "str", "scenario": "str", "design": "str", "points": "int64",
                      "replications": "int64", "seed": "int64", "months": "int64", "levers": "str",
                      "uncertainties": "str", "outcomes": "str", "version": "str", "created": "str",
                      "writing": "bool"}


def _one_statement(sql: str) -> None:
    """Refuse several statements: DuckDB would run them all and return only the last one's rows, so the others'
    results would be lost without a word."""
    try:
        count = len(duckdb.extract_statements(sql))
    except duckdb.Error as exc:
        raise InputError(f"query: {str(exc).splitlines()[0]}") from None
    if count > 1:
        raise InputError(f"query: {count} SQL statements; give one per query (only one result can be printed)")


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
        try:
            meta = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or not isinstance(meta.get("spec"), dict):
                raise ValueError("not an experiment record")
            missing = [k for k in ("name", "fingerprint", "points", "months", "years", "version") if k not in meta]
            if missing:
                raise ValueError(f"{missing[0]!r} is missing")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"store {self.path}: experiments/{name}/experiment.json is damaged ({exc}); its runs "
                             f"cannot be read. Repair: run the experiment again, totalpeace sweep SPEC.toml --store "
                             f"{self.path} --replace (SPEC.toml: the file it was started from)") from None
        return meta

    def _experiments_meta(self, names: list[str]) -> pd.DataFrame:
        rows = []
        for name in names:
            meta = self.experiment(name)
            spec = meta["spec"]
            rows.append({"experiment": name, "scenario": spec["scenario"], "design": spec["design"],
                         "points": meta["points"], "replications": spec["replications"], "seed": spec["seed"],
                         "months": meta["months"], "levers": ", ".join(spec["levers"]),
                         "uncertainties": ", ".join(spec["uncertainties"]), "outcomes": ", ".join(spec["outcomes"]),
                         "version": meta["version"], "created": meta["created"], "writing": self.writing(name)})
        return pd.DataFrame(rows, columns=list(EXPERIMENT_COLUMNS)).astype(EXPERIMENT_COLUMNS)

    def experiments(self) -> pd.DataFrame:
        """One row per experiment: name, scenario, design, points, replications, seed, months, factors, version,
        created, and its state: runs_planned, runs_ok, runs_failed and status (complete; failed: every run tried,
        some failed; running: a process is writing it; incomplete: interrupted, e.g. a sweep or a dashboard run whose
        process died; `totalpeace sweep NAME --resume` finishes the last two)."""
        return self.query("SELECT * FROM experiments")

    def writing(self, experiment: str) -> bool:
        """Whether a process holds the experiment's write lock now (a sweep or a dashboard run is writing it)."""
        try:
            fh = (self.path / "locks" / f"{experiment}.lock").open("rb")
        except OSError:
            return False
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            except OSError:
                return False
            fcntl.flock(fh, fcntl.LOCK_UN)
            return False

    def resolve_experiment(self, experiment: str | None) -> str:
        """The experiment a call names (an input error when the store holds none of that name), or the store's only
        one when it names none (an input error when the store holds several)."""
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
        name = self.resolve_experiment(experiment)
        frame = pq.read_table(pa.BufferReader(self._points_bytes(name))).to_pandas().drop(columns="experiment")
        if not unit:
            frame = frame[[c for c in frame.columns if not c.startswith(UNIT_PREFIX)]]
        return frame

    def _points_bytes(self, name: str) -> bytes:
        """points.parquet of an experiment, checked against the SHA-256 experiment.json records for it."""
        expected = self.experiment(name).get("points_sha256")
        try:
            data = (self.path / "experiments" / name / "points.parquet").read_bytes()
            problem = None if expected in (None, hashlib.sha256(data).hexdigest()) else \
                "checksum mismatch (its bytes changed after it was written)"
            if problem is None:
                pq.read_metadata(pa.BufferReader(data))
        except OSError as exc:
            problem = "missing" if isinstance(exc, FileNotFoundError) else f"cannot be read ({exc.strerror or exc})"
        except Exception as exc:  # pyarrow's errors for a broken footer are of several kinds
            problem = f"is not a readable Parquet file ({str(exc).splitlines()[0][:120]})"
        if problem is not None:
            raise DamagedPointsError(f"store {self.path}: experiments/{name}/points.parquet: {problem}. Repair: "
                                     f"totalpeace sweep {name} --store {self.path} --resume (writes the design "
                                     "again from the experiment's spec)")
        return data

    def parts(self, experiment: str) -> list[Path]:
        """The part folders of one experiment, in the order they were written."""
        root = self.path / "experiments" / experiment / "parts"
        return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []

    def damaged_parts(self, experiment: str) -> list[DamagedPart]:
        """Parts of `experiment` whose files do not match their manifest (or, for parts written before manifests,
        that miss a table or have an unreadable one)."""
        required = self.experiment(experiment).get("store_format", 1) >= STORE_FORMAT
        problems = ((folder, check_part(folder, required)) for folder in self.parts(experiment))
        return [DamagedPart(folder, problem) for folder, problem in problems if problem is not None]

    def _whole_parts(self, names: list[str]) -> list[Path]:
        """The parts of these experiments, all checked whole; DamagedStoreError names any that is not."""
        damaged = {name: found for name in names if (found := self.damaged_parts(name))}
        if damaged:
            raise DamagedStoreError(self.path, damaged)
        return [folder for name in names for folder in self.parts(name)]

    def connect(self, experiment: str | None = None) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with views `experiments`, `points`, `runs`, `run_attempts`, `yearly`,
        `monthly`, `summary` and the calibration views over the store (or over one experiment), confined to them:
        SQL on it can read no other file and write none (experiments/views.py)."""
        names = [self.resolve_experiment(experiment)] if experiment is not None else self.experiment_names()
        parts = self._whole_parts(names)
        calibrations = {view: sorted((self.path / "calibrations").glob(f"*/{file}"))
                        for view, (file, _) in CALIBRATION_VIEWS.items()}
        files = StoreFiles(tables={table: [p / f"{table}.parquet" for p in parts] for table in TABLES},
                           schemas=TABLES, points=[self._points_bytes(n) for n in names],
                           experiments=self._experiments_meta(names), calibrations=calibrations)
        return open_views(files, {view: empty for view, (_, empty) in CALIBRATION_VIEWS.items()})

    def _has_calibration_file(self, file: str) -> bool:
        return any((self.path / "calibrations").glob(f"*/{file}"))  # a missing folder globs to nothing

    def calibration_names(self) -> list[str]:
        """Calibrations in the store (folders holding a calibrated parameter set)."""
        root = self.path / "calibrations"
        return sorted(p.parent.name for p in root.glob("*/parameters.toml")) if root.is_dir() else []

    def calibration_folder(self, name: str) -> Path:
        return self.path / "calibrations" / name

    def query(self, sql: str, params: list[Any] | None = None, experiment: str | None = None) -> pd.DataFrame:
        """Run SQL over the store's views (of one experiment, if named) and return a pandas frame; a bad or empty
        query is an InputError."""
        if not sql.strip():
            raise InputError("query: the SQL is empty (e.g. \"SELECT * FROM experiments\")")
        _one_statement(sql)
        with contextlib.closing(self.connect(experiment)) as con:
            try:
                return con.execute(sql, params or []).df()
            except duckdb.PermissionException:
                raise InputError("query: SQL reads only the store's views (experiments, points, runs, run_attempts, "
                                 "yearly, monthly, summary, posterior, calibration_generations, screening): it cannot "
                                 "read or write files (save a result with --csv)") from None
            except duckdb.Error as exc:
                raise InputError(f"query: {str(exc).splitlines()[0]}") from None

    def runs(self, experiment: str | None = None) -> pd.DataFrame:
        """The run records of one experiment (or all), ordered by point and run: one row per run, its latest state
        (every attempt of a run retried by --resume is in the view run_attempts)."""
        if experiment is None:
            return self.query("SELECT * FROM runs ORDER BY experiment, point, run")
        return self.query("SELECT * FROM runs WHERE experiment = ? ORDER BY point, run", [experiment],
                          experiment=experiment)

    def done_runs(self, experiment: str) -> set[tuple[int, int]]:
        """(point, run) pairs stored with status ok: what a resumed sweep skips (failed runs are tried again)."""
        files = [str(p / "runs.parquet") for p in self._whole_parts([experiment])]
        if not files:
            return set()
        table = ds.dataset(files, schema=RUNS_SCHEMA, format="parquet").to_table(
            columns=["point", "run"], filter=pc.field("status") == "ok")
        return set(zip(table["point"].to_pylist(), table["run"].to_pylist(), strict=True))

    def experiments_frame(self, experiment: str | None = None, outcomes: str | list[str] | None = None,
                          year: int | None = None) -> pd.DataFrame:
        """One row per finished run: `point`, `run`, one column per factor, one column per outcome in `year`.

        Outcomes default to the experiment's; `year` defaults to the last simulated calendar year. Flows are annual
        totals (partial years scaled to twelve months), stocks the value in the year's last month.
        """
        name = self.resolve_experiment(experiment)
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
        points = self.points(name)
        with contextlib.closing(self.connect(name)) as con:
            values = con.execute(
                "SELECT y.point, y.run, y.metric, y.value FROM yearly y JOIN runs r USING (experiment, point, run) "
                "WHERE y.experiment = ? AND y.year = ? AND r.status = 'ok' AND list_contains(?, y.metric)",
                [name, year, wanted]).df()
        if values.empty:
            return pd.DataFrame(columns=["point", "run", *points.columns[1:], *wanted])
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
        self.empty_trash()
        existing = (folder / "experiment.json").is_file()
        if existing and replace:
            self.delete(name)
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
        if folder.exists():  # no experiment.json: a creation or deletion was interrupted; it holds no valid run
            self.delete(name)
        meta = {**meta, "store_format": STORE_FORMAT}
        try:
            (folder / "parts").mkdir(parents=True, exist_ok=True)
            self._tmp(name).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--store {self.path}: cannot write there ({exc.strerror})") from None
        data = _points_parquet(name, points)
        meta["points_sha256"] = hashlib.sha256(data).hexdigest()
        try:
            atomic_write_bytes(folder / "points.parquet", data, self._tmp(name))
            # experiment.json last: an experiment exists once its points do
            atomic_write_bytes(folder / "experiment.json",
                                json.dumps(meta, indent=2, ensure_ascii=False).encode("utf-8"), self._tmp(name))
        except OSError as exc:
            raise _write_error(self.path, f"the experiment {name!r}", exc) from None
        self.write_views()

    def repair_points(self, name: str, points: pd.DataFrame) -> None:
        """Write a damaged points.parquet again from its design (hold the lock): only if it gives back exactly the
        bytes experiment.json recorded, so the repaired design is the one the stored runs used."""
        data = _points_parquet(name, points)
        expected = self.experiment(name).get("points_sha256")
        if expected is not None and hashlib.sha256(data).hexdigest() != expected:
            raise InputError(f"store {self.path}: experiments/{name}/points.parquet is damaged and this version "
                             "cannot draw the same design again: start the experiment again with --replace")
        try:
            atomic_write_bytes(self.path / "experiments" / name / "points.parquet", data, self._tmp(name))
        except OSError as exc:
            raise _write_error(self.path, f"the design of {name!r}", exc) from None

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
        """Remove an experiment and all its runs (hold its lock): --replace, or a cancelled dashboard run.

        The folder is first renamed into trash/ (one atomic step), then deleted: a process killed at any moment
        leaves either the whole experiment or none of it, never parts without their experiment.json that a later
        sweep would count as its own runs. Whatever a killed delete left in trash/ goes at the next `begin`."""
        folder = self.path / "experiments" / experiment
        if not folder.exists():
            return
        trash = self.path / "trash"
        aside = trash / f"{experiment}-{uuid.uuid4().hex[:12]}"
        try:
            trash.mkdir(exist_ok=True)
            os.replace(folder, aside)
        except OSError as exc:
            raise _write_error(self.path, f"(delete) the experiment {experiment!r}", exc) from None
        shutil.rmtree(aside, ignore_errors=True)

    def empty_trash(self) -> None:
        """Finish deletions a killed process left half done (trash/ is never read)."""
        trash = self.path / "trash"
        if trash.is_dir():
            for entry in trash.iterdir():
                shutil.rmtree(entry, ignore_errors=True)

    def set_aside_damaged(self, experiment: str) -> list[DamagedPart]:
        """Move the experiment's damaged parts to experiments/<name>/damaged/ (kept for inspection, never read), so
        that their runs count as missing and a resumed sweep computes them again. Hold the experiment's lock."""
        damaged = self.damaged_parts(experiment)
        if damaged:
            aside = self.path / "experiments" / experiment / "damaged"
            try:
                aside.mkdir(exist_ok=True)
                for part in damaged:
                    os.replace(part.folder, aside / part.folder.name)
            except OSError as exc:
                raise _write_error(self.path, f"(set aside) a damaged part of {experiment!r}", exc) from None
        return damaged

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
            rows = {f"{table}.parquet": data.num_rows for table, data in tables.items()}
            (staging / MANIFEST).write_bytes(manifest_bytes(staging, rows))  # last: it covers the finished files
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
        lines = ["-- Views over this store's Parquet parts. Use: cd <store> && duckdb -init views.sql",
                 "-- They read the files as they are: `totalpeace query` also checks each part against its manifest."]
        for table in TABLES:
            lines.append(f"CREATE OR REPLACE VIEW parts_{table} AS SELECT * FROM "
                         f"read_parquet('experiments/*/parts/*/{table}.parquet', union_by_name = true);")
        lines += [view.replace("CREATE VIEW", "CREATE OR REPLACE VIEW") + ";" for view in RUNS_VIEW.split(";\n")]
        lines += [f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM parts_{table};" for table in ("yearly", "monthly")]
        lines.append("CREATE OR REPLACE VIEW points AS SELECT * FROM "
                     "read_parquet('experiments/*/points.parquet', union_by_name = true);")
        lines.append(SUMMARY_VIEW.replace("CREATE VIEW", "CREATE OR REPLACE VIEW") + ";")
        for view, (name, _) in CALIBRATION_VIEWS.items():
            if self._has_calibration_file(name):
                lines.append(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM "
                             f"read_parquet('calibrations/*/{name}', union_by_name = true);")
        file = self.path / "views.sql"
        try:
            atomic_write_bytes(file, ("\n".join(lines) + "\n").encode(), self.path)
        except OSError as exc:
            raise _write_error(self.path, "views.sql", exc) from None
        return file

