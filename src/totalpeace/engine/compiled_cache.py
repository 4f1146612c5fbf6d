"""Where numba keeps the compiled model on disk: one folder per version of the compiled sources.

numba invalidates a cached function when its own file changes, but not when a function it calls (and inlines)
changes in another file: after an edit of model/strength.py the month (engine/month.py) would go on running the old
mechanism from its cache. The folder is therefore keyed on a digest of every compiled source (model/ and engine/)
and of the parameter registry (its order is the layout of the compiled parameter tuple), so that an edit recompiles
the model once; older folders beyond the last few are removed. NUMBA_CACHE_DIR, when set, is left to decide.
One process at a time compiles a version (compiling_once); the others wait and load its code.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numba

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock, each process compiles what it needs
    fcntl = None

from totalpeace.codeversion import source_digest

PACKAGE = Path(__file__).resolve().parents[1]
COMPILED_SOURCES = ("model", "engine")
REGISTRY = Path("scenario") / "params.py"
KEEP = 3  # folders of other code versions kept (a process still running older code may be using one)


def compiled_digest(package: Path = PACKAGE) -> str:
    """Digest of every source file of the compiled model (model/ and engine/) and of the parameter registry."""
    registry = package / REGISTRY
    parts = [source_digest(package / folder)[:8] for folder in COMPILED_SOURCES]
    parts.append(hashlib.sha256(registry.read_bytes() if registry.is_file() else b"").hexdigest()[:8])
    return "-".join(parts)


def cache_root(package: Path = PACKAGE) -> Path:
    """The package's own __pycache__ where it is writable (a source tree), else the user's cache folder."""
    if os.access(package, os.W_OK):
        return package / "__pycache__" / "numba"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "totalpeace" / "numba"


def configure(package: Path = PACKAGE) -> Path | None:
    """Point numba's cache at this code version's folder (before any compiled function is defined)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    root = cache_root(package)
    folder = root / compiled_digest(package)
    numba.config.CACHE_DIR = str(folder)
    _prune(root, folder)
    return folder


FIRST_COMPILED = "month.step_run-*.nbi"  # numba's index of the month's compiled code: there once it was compiled


def _folder() -> Path | None:
    """The folder numba keeps this process's compiled code in (None: numba's own default place)."""
    return Path(numba.config.CACHE_DIR) if numba.config.CACHE_DIR else None


_COMPILED: set[str] = set()  # cache folders this process found compiled (every engine asks: no second look on disk)


def needs_compiling() -> bool:
    """Whether the first simulation will compile the model (minutes: nothing of this code version is on disk yet),
    so a command can say why it is waiting before its progress bar starts."""
    folder = _folder()
    if folder is None:
        return False  # numba's own default place: not known here
    if str(folder) in _COMPILED:
        return False
    if not folder.is_dir() or next(folder.rglob(FIRST_COMPILED), None) is None:
        return True
    _COMPILED.add(str(folder))
    return False


LOCK = "compiling.lock"  # held, in the version's folder, by the one process compiling it


@contextmanager
def compiling_once() -> Iterator[bool]:
    """Compile the model in one process at a time: where this code version is not compiled yet, wait until no other
    process is compiling it, and yield whether it still needs compiling (True: the caller compiles it now, holding
    the lock; False: another process did, and its code is loaded from disk). Processes started together on a fresh
    install (a command beside the dashboard, an experiment's local workers, the test suite's workers) otherwise
    each spend minutes compiling the same code side by side. The lock is the operating system's (flock): a process
    that dies while compiling releases it."""
    folder = _folder()
    if folder is None or fcntl is None:
        yield needs_compiling()
        return
    if not needs_compiling():
        yield False
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK, "a")  # noqa: SIM115 (held across the yield)
    except OSError:  # a folder this process cannot write: numba will say so; compiling needs no lock
        yield True
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield needs_compiling()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


COMPILING_NOTE = ("note: the first simulation of this code version compiles the model for this machine (a few "
                  "minutes, once; later runs start at once)")


def _prune(root: Path, current: Path) -> None:
    if not root.is_dir():
        return
    others = sorted((p for p in root.iterdir() if p.is_dir() and p != current), key=lambda p: p.stat().st_mtime)
    for old in others[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
