"""The `totalpeace` command line. Bad input exits with status 2 and one clear message; never a traceback."""

from __future__ import annotations

import json
import os
import sys
import warnings
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from totalpeace.commands.options import AssumptionsChoice, AssumptionsOpt, Uncertainty, UncertaintyOpt
from totalpeace.errors import InputError, InputWarning

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Simulate multi-party peace processes: scenarios, ensembles, comparisons.")
err_console = Console(stderr=True)  # messages print with soft_wrap: a path in them is never broken by a line end

ScenarioArg = Annotated[str, typer.Argument(help="Built-in scenario name (see `totalpeace scenarios`) or TOML path.")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override a value: dotted.path=value (repeatable).")]


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    from totalpeace.scenario import builtin_scenarios, load_scenario

    for name in builtin_scenarios():
        scenario = load_scenario(name)
        first = scenario.description.split(". ")[0].split(":")[0]
        typer.echo(f"{name}\t{scenario.start}, {scenario.months} months, {len(scenario.groups)} groups\t{first}")


@app.command()
def show(scenario: ScenarioArg, set_: SetOpt = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print the resolved scenario as JSON.")] = False) -> None:
    """Print the resolved scenario: territories, groups, state, international actors, timeline, parameters."""
    from totalpeace.describe import describe
    from totalpeace.display import print_scenario
    from totalpeace.scenario import load_scenario
    from totalpeace.scenario.paths import once_each

    info = describe(load_scenario(scenario, once_each(set_ or [])))
    if as_json:
        typer.echo(json.dumps(info, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print_scenario(info, Console(width=max(Console().width, 160)))


@app.command()
def run(
    scenario: ScenarioArg,
    runs: Annotated[int, typer.Option(min=1, max=1_000_000, help="Number of stochastic runs.")] = 200,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Random seed.")] = 1,
    months: Annotated[int | None, typer.Option(min=1, max=1200, help="Months (default: the scenario's).")] = None,
    set_: SetOpt = None,
    out: Annotated[str | None, typer.Option(help="Output folder (default: out/SCENARIO).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Local worker processes.")] = 1,
    executor: Annotated[str, typer.Option(help="local (worker processes) or dask://HOST:PORT (a Dask distributed "
                                          "scheduler); the numbers are the same on either.")] = "local",
    report: Annotated[bool, typer.Option(help="Write report.html.")] = True,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the report to report.pdf (needs Chromium).")] = False,
    uncertainty: UncertaintyOpt = Uncertainty.full,
    assumptions: AssumptionsOpt = AssumptionsChoice.auto,
) -> None:
    """Run an ensemble: progress bar, summary table, summary.json, Parquet and CSV files, report.html."""
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    from totalpeace.commands.progress import note_compiling
    from totalpeace.commands.reports import output_folder, remove_reports
    from totalpeace.describe import data_sources
    from totalpeace.display import print_summary
    from totalpeace.experiments import make_executor
    from totalpeace.report.exports import write_csvs
    from totalpeace.report.html import write_report
    from totalpeace.report.maps import territory_shapes
    from totalpeace.report.pdf import html_to_pdf
    from totalpeace.scenario import load_scenario
    from totalpeace.scenario.paths import once_each
    from totalpeace.uncertainty.ensemble import simulate_plans
    from totalpeace.uncertainty.plan import build_plan, warn_reference_forms
    from totalpeace.uncertainty.terminal import print_design, print_sources
    from totalpeace.validation.history import history_checks, history_section, print_history

    resolved = load_scenario(scenario, once_each(set_ or []))
    plan = build_plan(resolved, runs, seed, uncertainty.value, assumptions=assumptions.flag)
    warn_reference_forms(set_ or [], plan)
    horizon = months or resolved.months
    folder = output_folder(out, Path("out") / resolved.name, pdf)  # before the runs, not after
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), "run-months",
               TimeElapsedColumn(), "left", TimeRemainingColumn())
    note_compiling(err_console)
    with make_executor(executor, workers) as pool, Progress(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task(f"{resolved.name}: {runs} runs x {horizon} months ({pool.description})",
                            total=runs * horizon)
        results = simulate_plans([resolved], [plan], horizon, pool,
                                 progress=lambda done, _: bar.update(task, completed=done * horizon))[0]
    remove_reports(folder)  # the earlier run's, which --no-report (or no --pdf) would leave beside these results
    (folder / "history.csv").unlink(missing_ok=True)  # written again only when the scenario has history checks
    results.save(folder)
    csvs = write_csvs(results, folder)
    plan.frame().to_csv(folder / "plan.csv", index=False)
    console = Console()
    summary = results.summary()
    print_summary(summary, console)
    print_design(summary["uncertainty"]["design"], console)
    print_sources(summary["uncertainty"], summary["start"], summary["months"], console)
    checks = history_checks(results, resolved)
    if checks is not None:
        print_history(checks, console)
        checks.table.to_csv(folder / "history.csv", index=False)
        csvs.append(folder / "history.csv")
    if report or pdf:
        from totalpeace.territories import load_territories

        population = load_territories(resolved.territories).frame["population"].to_numpy(float)
        write_report(results, folder / "report.html", sources=data_sources(resolved), shapes=territory_shapes(resolved),
                     population=population, extra=[history_section(checks)] if checks is not None else ())
    if pdf:
        console.print(f"Wrote {html_to_pdf(folder / 'report.html', folder / 'report.pdf')}")
    written = [folder / "summary.json", folder / "results.parquet", folder / "territories.parquet",
               folder / "audit.parquet", *csvs, folder / "plan.csv"]
    if report:
        written.append(folder / "report.html")
    console.print("Wrote " + ", ".join(str(p) for p in written), soft_wrap=False)


# The other commands live in their own modules (totalpeace/commands/); registered here in the order of --help.
from totalpeace.commands import analysis, calibration, compare, query, rerun, serve, sweep  # noqa: E402

app.command()(compare.compare)
app.command()(sweep.sweep)
app.command()(query.query)
app.command()(rerun.rerun)
app.command()(analysis.sensitivity)
app.command()(analysis.discover)
app.command()(analysis.search)
app.command()(serve.serve)
app.command()(calibration.calibrate)
app.command()(calibration.validate)
app.command("match-assumptions")(calibration.match_assumptions)


def _print_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Input warnings as one `warning:` line each; other warnings as Python prints them."""
    if issubclass(category, InputWarning):
        err_console.print(Text.assemble(("warning: ", "bold yellow"), str(message)), highlight=False, soft_wrap=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


_python_showwarning = warnings.showwarning


def main() -> None:
    """Entry point: usage errors exit 2 (typer prints them), input errors 2 with one message, internal errors 1."""
    warnings.showwarning = _print_warning
    try:
        app(prog_name="totalpeace")
    except InputError as exc:
        err_console.print(Text.assemble(("error: ", "bold red"), exc.message), highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("TOTALPEACE_DEBUG"):
            raise
        err_console.print(Text.assemble(("internal error: ", "bold red"), f"{type(exc).__name__}: {exc} "
                                        "(set TOTALPEACE_DEBUG=1 for the traceback)"), highlight=False,
                          soft_wrap=True)
        sys.exit(1)
