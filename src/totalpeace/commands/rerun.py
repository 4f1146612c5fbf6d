"""`totalpeace rerun RUN_ID`: re-simulate one stored run and check that it reproduces bit for bit."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from totalpeace.commands.options import StoreOpt


def rerun(
    run_id: Annotated[str, typer.Argument(metavar="RUN_ID", help="EXPERIMENT:POINT:RUN, the run_id column of the "
                                          "store's runs view.")],
    store: StoreOpt = None,
) -> None:
    """Re-simulate one stored run and compare every stored value bit for bit; exit 1 when anything differs."""
    from totalpeace.errors import InputError
    from totalpeace.experiments import ResultsStore
    from totalpeace.experiments.rerun import rerun as rerun_run

    results = ResultsStore(store)
    if not results.path.is_dir():
        raise InputError(f"--store {results.path}: no results store there (run `totalpeace sweep` first)")
    report = rerun_run(results, run_id)
    console = Console(width=max(Console().width, 120))
    err = Console(stderr=True)
    console.print(f"[bold]{report.run_id}[/]: seed {report.seed}, stored by {report.stored_version}, "
                  f"recomputed by {report.current_version}")
    if report.stored_version != report.current_version:
        err.print(f"[yellow]warning:[/] the run was stored by code version {report.stored_version}, this is "
                  f"{report.current_version}: differences are expected when the code changed")
    if report.stored_scenario_sha256 != report.current_scenario_sha256:
        err.print(f"[yellow]warning:[/] the scenario resolves differently now (stored sha256 "
                  f"{report.stored_scenario_sha256[:12]}, now {report.current_scenario_sha256[:12]}): the scenario "
                  "or data files changed")
    table = Table(show_edge=False, header_style="bold")
    for col in ("table", "metric", "values", "differing", "largest difference", "result"):
        table.add_column(col, justify="right" if col in ("values", "differing", "largest difference") else "left")
    for row in report.comparison.itertuples(index=False):
        same = row.differing == 0
        table.add_row(row.table, row.metric, str(row.values), str(row.differing),
                      "0" if same else f"{row.largest_difference:.6g}",
                      "[green]identical[/]" if same else "[red]differs[/]")
    console.print(table)
    compared = int(report.comparison["values"].sum())
    if report.identical:
        console.print(f"[green]identical[/]: all {compared} stored values reproduced bit for bit")
        return
    console.print(f"[red]not reproduced[/]: {verdict(report)}", soft_wrap=True)
    raise typer.Exit(1)


def verdict(report) -> str:
    """What differs, and the cause it points to: the scenario first (its data changed, whatever the code), then the
    code version, else the stored values themselves."""
    differing = report.differing_metrics
    what = (f"{len(differing)} {'metric differs' if len(differing) == 1 else 'metrics differ'}: {', '.join(differing)}"
            if differing else "every value is identical")
    if report.stored_scenario_sha256 != report.current_scenario_sha256:
        return (f"the scenario is not the one the run used (its file, the files it extends or its territory data "
                f"changed), so this is no test of the code; {what}")
    if report.stored_version != report.current_version:
        return f"{what}; the code changed since the run was stored ({report.stored_version} -> " \
               f"{report.current_version})"
    return (f"{what}, with the same code version and scenario: the stored values were changed after they were "
            "written, or the simulation is not deterministic")
