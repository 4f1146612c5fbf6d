"""Where numba keeps the compiled model on disk: one folder per version of the compiled sources.

numba invalidates a cached function when its own file changes, but not when a function it calls (and inlines)
changes in another file: after an edit of model/strength.py the month (engine/month.py) would go on running the old
mechanism from its cache. The folder is therefore keyed on a digest of every compiled source (model/ and engine/)
and of the parameter registry (its order is the layout of the compiled parameter tuple), so that an edit recompiles
the model once; older folders beyond the last few are removed. NUMBA_CACHE_DIR, when set, is left to decide.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numba

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


def needs_compiling() -> bool:
    """Whether the first simulation will compile the model (minutes: nothing of this code version is on disk yet),
    so a command can say why it is waiting before its progress bar starts."""
    folder = Path(numba.config.CACHE_DIR) if numba.config.CACHE_DIR else None
    if folder is None:
        return False  # numba's own default place: not known here
    return not folder.is_dir() or next(folder.rglob(FIRST_COMPILED), None) is None


COMPILING_NOTE = ("note: the first simulation of this code version compiles the model for this machine (a few "
                  "minutes, once; later runs start at once)")


def _prune(root: Path, current: Path) -> None:
    if not root.is_dir():
        return
    others = sorted((p for p in root.iterdir() if p.is_dir() and p != current), key=lambda p: p.stat().st_mtime)
    for old in others[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
