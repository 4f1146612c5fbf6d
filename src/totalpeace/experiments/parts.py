"""Part files of the results store: their manifest (checksums, sizes, row counts) and the check that a part is whole.

A part folder holds `runs.parquet`, `yearly.parquet`, `monthly.parquet` and `part.json`, the manifest written last in
the staging folder before the part is renamed into place: each table's SHA-256, size in bytes and row count. A part is
trusted only when every file the manifest names is there with its size and checksum, so flipped bytes, a truncated
file or a missing table are found before any value is read, and named. Checks are cached per process by the files'
(size, mtime, inode), so a store is hashed once however often it is opened.

Parts written before manifests existed (experiments without `store_format` 2 in experiment.json) are checked for
what they can be: all three tables present, each with a readable Parquet footer.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

MANIFEST = "part.json"
TABLE_FILES = ("runs.parquet", "yearly.parquet", "monthly.parquet")
MANIFEST_FORMAT = 1
_CHUNK = 1 << 20
RACY_SECONDS = 2

_verified: dict[tuple, bool] = {}  # stat signature of a part's files -> checked whole
_verified_lock = threading.Lock()


@dataclass(frozen=True)
class DamagedPart:
    """A part that cannot be trusted, and why (one line naming the file and the problem)."""

    folder: Path
    problem: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_bytes(folder: Path, rows: dict[str, int]) -> bytes:
    """The manifest of the finished table files in `folder` (`rows`: file name -> rows written)."""
    files = {name: {"bytes": (folder / name).stat().st_size, "sha256": file_sha256(folder / name),
                    "rows": int(rows[name])} for name in TABLE_FILES}
    return json.dumps({"format": MANIFEST_FORMAT, "files": files}, indent=1, sort_keys=True).encode()


def _signature(folder: Path) -> tuple | None:
    """What identifies the current contents of a part's files (None when the folder cannot be listed)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
        return (str(folder), *((e.name, e.stat().st_size, e.stat().st_mtime_ns, e.inode()) for e in entries))
    except OSError:
        return None


def _settled(signature: tuple) -> bool:
    """Files changed in the last seconds are hashed again next time: a change within the file system's timestamp
    granularity would not show in their signature (git's "racy clean" problem)."""
    newest = max((entry[2] for entry in signature[1:]), default=0)
    return time.time_ns() - newest > RACY_SECONDS * 1_000_000_000


def check_part(folder: Path, manifest_required: bool) -> str | None:
    """None when the part is whole; else the problem, naming the file (`yearly.parquet: checksum mismatch`)."""
    signature = _signature(folder)
    if signature is not None:
        with _verified_lock:
            if _verified.get(signature):
                return None
    problem = _check(folder, manifest_required)
    if problem is None and signature is not None and _settled(signature):
        with _verified_lock:
            _verified[signature] = True
    return problem


def _check(folder: Path, manifest_required: bool) -> str | None:
    manifest = folder / MANIFEST
    if not manifest.is_file():
        if manifest_required:
            return f"{MANIFEST} is missing"
        return _check_legacy(folder)
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        expected = {name: (int(files[name]["bytes"]), str(files[name]["sha256"])) for name in TABLE_FILES}
    except (OSError, ValueError, KeyError, TypeError):
        return f"{MANIFEST} is unreadable"
    for name, (size, sha) in expected.items():
        file = folder / name
        try:
            actual = file.stat().st_size
        except FileNotFoundError:
            return f"{name} is missing"
        except OSError as exc:
            return f"{name} cannot be read ({exc.strerror})"
        if actual != size:
            return f"{name} has {actual} bytes, its manifest says {size} (truncated or overwritten)"
        try:
            if file_sha256(file) != sha:
                return f"{name}: checksum mismatch (its bytes changed after it was written)"
        except OSError as exc:
            return f"{name} cannot be read ({exc.strerror})"
    return None


def _check_legacy(folder: Path) -> str | None:
    for name in TABLE_FILES:
        file = folder / name
        if not file.is_file():
            return f"{name} is missing"
        try:
            pq.read_metadata(file)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError and others for a broken footer
            return f"{name} is not a readable Parquet file ({str(exc).splitlines()[0][:120]})"
    return None
