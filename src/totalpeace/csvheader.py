"""What pandas does not say plainly about an input CSV file: a repeated column in its header (pandas renames a
second `x` to `x.1`, so a column given twice would be read as two different ones) and where its text stops being
UTF-8 (pandas counts from the chunk it was decoding, not from the file's start)."""

from __future__ import annotations

import csv
from pathlib import Path

from totalpeace.tomlfile import not_utf8


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


def decoding_problem(path: Path) -> str:
    """Why the file is not UTF-8 text, located in the whole file."""
    try:
        Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return not_utf8(exc)
    return "not UTF-8 text: save the file as UTF-8"
