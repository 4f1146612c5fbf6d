"""`totalpeace query "SELECT ..."`: SQL over the results store, printed as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from totalpeace.commands.options import StoreOpt


def query(
    sql: Annotated[str, typer.Argument(metavar="SQL", help="A DuckDB query over the tables experiments, points, "
                                       "runs, yearly, monthly, summary.")],
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=1_000_000, help="Rows to print at most.")] = 100,
    csv: Annotated[str | None, typer.Option("--csv", help="Also write every row to this CSV file.")] = None,
) -> None:
    """Query the results store with SQL (DuckDB) and print the result."""
    from totalpeace.errors import InputError
    from totalpeace.experiments import ResultsStore

    results = ResultsStore(store)
    if not _holds_a_store(results.path):  # any other folder would answer every query with no rows
        raise InputError(f"--store {results.path}: no results store there (no experiments or calibrations folder; "
                         "run `totalpeace sweep` or `totalpeace calibrate` first)")
    if csv is not None:
        _check_csv(csv)
    frame = results.query(sql)
    if csv is not None:
        try:
            frame.to_csv(csv, index=False)
        except OSError as exc:
            raise InputError(f"--csv {csv}: cannot write ({exc.strerror or exc})") from None
    console = Console(width=max(Console().width, 120))
    table = Table(show_edge=False, header_style="bold")
    for col in frame.columns:
        numeric = frame[col].dtype.kind in "iuf"
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold")
    for row in frame.head(limit).itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    shown = min(limit, len(frame))
    console.print(f"{len(frame)} row{'s' if len(frame) != 1 else ''}"
                  + (f" (first {shown} shown)" if shown < len(frame) else ""), style="dim")


def _holds_a_store(folder: Path) -> bool:
    """A results store holds the experiments a sweep wrote or the calibrations `calibrate` wrote."""
    return any((folder / part).is_dir() for part in ("experiments", "calibrations"))


def _check_csv(csv: str) -> None:
    """Name the reason a --csv file cannot be written before the query runs (pandas gives no reason for some)."""
    from totalpeace.errors import InputError

    path = Path(csv)
    if not csv.strip():
        raise InputError("--csv: empty; give a file name")
    if path.is_dir():
        raise InputError(f"--csv {csv}: cannot write (it is a folder; give a file name)")
    if not path.parent.is_dir():
        reason = "not a folder" if path.parent.exists() else "no such folder"
        raise InputError(f"--csv {csv}: cannot write ({reason}: {path.parent})")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)
