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

    auto = "auto"
    drawn = "drawn"
    fixed = "fixed"

    @property
    def flag(self) -> bool | None:
        """build_plan's `assumptions`: None for auto."""
        return {"auto": None, "drawn": True, "fixed": False}[self.value]


AssumptionsOpt = Annotated[AssumptionsChoice, typer.Option(
    "--assumptions", help="The registry's unidentified assumptions (no published estimate, no calibration, not set "
    "by the scenario). auto: drawn when the calibration matched them to history (`totalpeace match-assumptions`), "
    "else held; drawn: always drawn (uniformly over their plausible ranges without a matched sample); fixed: held at "
    "their defaults, so the intervals leave out what is not known about them (docs/validation.md 11.6). The "
    "stochastic design holds every parameter.")]
