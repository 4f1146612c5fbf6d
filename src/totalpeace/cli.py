"""The `totalpeace` command line. Bad input exits with status 2 and one clear message; never a traceback."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from totalpeace.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Simulate multi-party peace processes: scenarios, ensembles, comparisons.")
err_console = Console(stderr=True)

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

    info = describe(load_scenario(scenario, set_ or []))
    if as_json:
        typer.echo(json.dumps(info, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print_scenario(info, Console(width=max(Console().width, 160)))


def main() -> None:
    """Entry point: usage errors exit 2 (typer prints them), input errors 2 with one message, internal errors 1."""
    try:
        app(prog_name="totalpeace")
    except InputError as exc:
        err_console.print(Text.assemble(("error: ", "bold red"), exc.message), highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("TOTALPEACE_DEBUG"):
            raise
        err_console.print(Text.assemble(("internal error: ", "bold red"), f"{type(exc).__name__}: {exc} "
                                        "(set TOTALPEACE_DEBUG=1 for the traceback)"), highlight=False)
        sys.exit(1)
