"""Reading a user's TOML file (scenario, experiment, calibration, parameter set): every way the file can be unusable
becomes one `InputError` naming it, never an internal error."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from totalpeace.errors import InputError

# No scenario or spec nests deeper than a handful of tables; the limit keeps every recursive step after parsing
# (merging, validation, copies) far from Python's recursion limit.
MAX_NESTING = 32
BOM = b"\xef\xbb\xbf"  # the byte-order mark some editors (on Windows) write at the start of a UTF-8 file


def nesting_depth(value: Any) -> int:
    """How many tables and arrays are nested inside each other in `value` (0 for a plain value)."""
    depth, level = 0, [value]
    while level:
        containers = [v for v in level if isinstance(v, dict | list)]
        if not containers:
            break
        depth += 1
        level = [child for c in containers for child in (c.values() if isinstance(c, dict) else c)]
    return depth


def not_utf8(exc: UnicodeDecodeError) -> str:
    """Where a whole file's text stops being UTF-8, as a line and a byte of it an editor can go to."""
    before = bytes(exc.object[:exc.start])
    line, column = before.count(b"\n") + 1, exc.start - before.rfind(b"\n")
    return f"not UTF-8 text (line {line}, byte {column} of the line): save the file as UTF-8"


def read_toml(path: Path, *, missing: str = "file not found") -> dict[str, Any]:
    """Parse a TOML file (a leading byte-order mark is read as nothing, as TOML itself cannot); unreadable, non-UTF-8,
    malformed or too deeply nested files name the file and the problem."""
    source = str(path)
    try:
        data = tomllib.loads(path.read_bytes().removeprefix(BOM).decode("utf-8"))
    except FileNotFoundError:
        raise InputError(missing, source=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(not_utf8(exc), source=source) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", source=source) from None
    except RecursionError:
        raise InputError(f"invalid TOML: nested more than {MAX_NESTING} levels deep", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=source) from None
    if nesting_depth(data) > MAX_NESTING:
        raise InputError(f"invalid TOML: nested more than {MAX_NESTING} levels deep", source=source)
    return data
