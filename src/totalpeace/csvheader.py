"""The header of an input CSV file, read as written: pandas renames a repeated column `x` to `x.1`, so a column
given twice would be read as two different ones (the second as an unknown column or an input of its own)."""

from __future__ import annotations

import csv
from pathlib import Path


def repeated_column(path: Path) -> str | None:
    """The first column name the file's header gives more than once, or None."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    seen: set[str] = set()
    for name in header:
        if name in seen:
            return name
        seen.add(name)
    return None
