"""Options shared by the experiment commands (one definition, the same help everywhere)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

StoreOpt = Annotated[str | None, typer.Option("--store", help="Results store folder (default $TOTALPEACE_STORE "
                                              "or out/store).")]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="local (worker processes) or dask://HOST:PORT "
                                          "(a Dask distributed scheduler).")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1, max=1024,
                                                help="Local worker processes (default: all cores).")]
PdfOpt = Annotated[bool, typer.Option("--pdf", help="Also print the report to report.pdf (needs Chromium).")]


class Uncertainty(StrEnum):
    """What an ensemble's intervals include (totalpeace.uncertainty.plan.DESIGNS)."""

    full = "full"
    parameters = "parameters"
    stochastic = "stochastic"


UncertaintyOpt = Annotated[Uncertainty, typer.Option(
    "--uncertainty", help="What the intervals include: full (model forms, parameter draws from the calibration's "
    "posterior and the runs' randomness), parameters (the scenario's own model form), stochastic (one point: the "
    "scenario's form and parameter values).")]


class AssumptionsChoice(StrEnum):
    """Whether the unidentified assumptions are drawn (totalpeace.uncertainty.assumptions)."""

    drawn = "drawn"
    fixed = "fixed"


AssumptionsOpt = Annotated[AssumptionsChoice, typer.Option(
    "--assumptions", help="fixed: the registry's unidentified assumptions (no published estimate, no calibration, "
    "not set by the scenario) stay at their defaults, and the intervals leave out what is not known about them; "
    "drawn: every parameter draw also draws them from their plausible ranges (not weighed by history, "
    "docs/validation.md 11.6). The stochastic design holds every parameter.")]
