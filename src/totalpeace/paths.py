"""How outputs name a file: a page or a provenance line written on one machine should not show its folders."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shown_path(path: str | Path) -> str:
    """`path` as an output names it: a shipped file relative to the package (`totalpeace/data/...`), a file under the
    working directory relative to it, anything else as given."""
    resolved = Path(path).resolve()
    for root, prefix in ((PACKAGE, Path(PACKAGE.name)), (Path.cwd().resolve(), Path())):
        if resolved.is_relative_to(root):
            return (prefix / resolved.relative_to(root)).as_posix()
    return str(path)
