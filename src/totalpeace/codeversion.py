"""The code version recorded with every result: the package version plus a digest of the package's source.

The package version alone ("0.1.0") does not change between two development states of the code, so two results
computed by different code would look alike. `code_version()` appends a short SHA-256 of every source and data file
that can change a result (.py, .toml, .csv under the package folder, in sorted path order): "0.1.0+src.1a2b3c4d5e6f".
It is computed once per process (about 1 MB of reads) and cached.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

SOURCE_SUFFIXES = (".py", ".toml", ".csv")
DIGEST_CHARS = 12
PACKAGE_ROOT = Path(__file__).resolve().parent


def source_files(root: Path) -> list[Path]:
    """Files under `root` whose bytes can change a result, in a stable (sorted relative path) order."""
    files = [p for p in root.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file()
             and "__pycache__" not in p.parts]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def source_digest(root: Path = PACKAGE_ROOT) -> str:
    """Short SHA-256 over (relative path, size, bytes) of every source file: renames, moves and edits all count."""
    digest = hashlib.sha256()
    for file in source_files(root):
        data = file.read_bytes()
        digest.update(file.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:DIGEST_CHARS]


def package_version() -> str:
    """The installed distribution's version (what `pip` knows)."""
    from totalpeace import __version__

    return __version__


@lru_cache(maxsize=1)
def code_version() -> str:
    """`<package version>+src.<digest>` (a PEP 440 local version label), the same for the whole process."""
    base = package_version().split("+", 1)[0]
    return f"{base}+src.{source_digest()}"
