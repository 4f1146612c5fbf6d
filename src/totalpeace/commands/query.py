"""`totalpeace query "SELECT ..."`: SQL over the results store, printed as a table."""

from __future__ import annotations

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
    if not results.path.is_dir():
        raise InputError(f"--store {results.path}: no results store there (run `totalpeace sweep` first)")
    frame = results.query(sql)
    if csv:
        try:
            frame.to_csv(csv, index=False)
        except OSError as exc:
            raise InputError(f"--csv {csv}: cannot write ({exc.strerror})") from None
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


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)
