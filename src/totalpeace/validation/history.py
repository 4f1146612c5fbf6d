"""A run of a historical scenario checked against its history: the patterns of the catalogue (docs/validation.md
section 9) that read this scenario, evaluated on the run's own ensemble.

`totalpeace validate` scores the patterns on the calibration's posterior, run by run; a user who runs
`colombia-2017` with other settings wants to see, beside the run's outcomes, whether these runs reproduce what
happened. Patterns that need a paired variant, or territory series run by run (the run's results keep territory
series as means over runs), or months the run does not cover, are listed as left out with the reason, never scored
on something else.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from totalpeace.engine.results import Results
from totalpeace.scenario.schema import Scenario
from totalpeace.validation.outputs import NotProduced, Outputs
from totalpeace.validation.pattern_runs import evaluate, pattern_values, result_table
from totalpeace.validation.patterns import Pattern, catalogue, fmt

COLUMNS = ["pattern", "question", "observed", "criterion", "median", "q10", "q90", "share", "share_low", "share_high",
           "settled", "status", "explanation"]


@dataclass
class HistoryChecks:
    """The patterns scored on a run (one row each, result_table's columns) and those left out, with why."""

    scenario: str
    runs: int
    table: pd.DataFrame
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (pattern id, reason)
    parameters: str = ""  # which parameter values the runs used (parameters_text)

    @property
    def reproduced(self) -> int:
        return int((self.table["status"] == "reproduced").sum()) if len(self.table) else 0


def patterns_for(name: str) -> list[Pattern]:
    """The catalogue's patterns that read this scenario, or a scenario that starts where it does (the municipal
    flagship has the department flagship's start checks), read on this scenario's runs."""
    return [p if p.scenario == name else replace(p, scenario=name) for p in catalogue()
            if p.scenario == name or name in p.also]


def parameters_text(scenario: Scenario) -> str:
    """Which parameter values the runs were scored at: a historical scenario names no calibration, so its runs use
    the registry defaults, and `totalpeace validate` scores the same patterns on a calibration's posterior; the
    reader of a pattern table needs to know which of the two it reads."""
    if scenario.parameters.calibration:
        return f"with the {scenario.parameters.calibration} calibration's parameters"
    from totalpeace.uncertainty.posterior import shipped_with_form_weights

    shipped = shipped_with_form_weights()
    hint = f": --set parameters.calibration={shipped[0]} scores a calibrated posterior" if shipped else ""
    return f"at the scenario's own parameter values (it names no calibration{hint})"


def history_checks(results: Results, scenario: Scenario) -> HistoryChecks | None:
    """The scenario's patterns on this run's ensemble, or None when no pattern reads the scenario."""
    patterns = patterns_for(scenario.name)
    if not patterns:
        return None
    outputs = Outputs.from_results(results, {gid: g.members for gid, g in scenario.groups.items()})
    ensembles = {scenario.name: outputs}
    scored, left_out = [], []
    for p in patterns:
        if p.variant:
            left_out.append((p.id, "a paired variant (" + ", ".join(p.variant) + "): `totalpeace validate` runs it"))
            continue
        try:
            pattern_values(p, ensembles)
        except NotProduced as missing:
            reason = (f"needs the {missing.output}, which a run of more than one run keeps as means over runs: "
                      "`totalpeace validate` scores it" if missing.output.startswith("territory series")
                      and results.runs > 1 else f"the model has no {missing.output}")
            left_out.append((p.id, reason))
            continue
        except ValueError as outside:  # months the run does not cover
            left_out.append((p.id, str(outside)))
            continue
        scored.append(p)
    frame = result_table(evaluate(scored, ensembles, draw_of_run(results))) if scored else pd.DataFrame(columns=COLUMNS)
    return HistoryChecks(scenario.name, results.runs, frame, left_out, parameters_text(scenario))


def draw_of_run(results: Results) -> np.ndarray | None:
    """The plan's cell of each run when the cells differ (drawn parameters or several model forms), else None: the
    runs of one cell share a form and a draw, so they are not independent trials of a pattern
    (pattern_runs.share_interval)."""
    plan = results.plan
    if plan is None or (not plan.drawn and len(plan.forms) == 1):
        return None
    return plan.run_labels(np.asarray(results.run_ids))[1]


def share_text(row: pd.Series, sep: str = " ") -> str:
    """The share of runs reproducing a pattern with its 90% interval in percent, "56% (48–64)" (`sep` "\n" puts the
    interval under the share, for a narrow terminal column)."""
    if pd.isna(row.get("share_low")):
        return f"{row['share']:.0%}"
    return f"{row['share']:.0%}{sep}({100 * row['share_low']:.0f}–{100 * row['share_high']:.0f})"


def status_text(row: pd.Series) -> str:
    """The verdict, and whether these runs settle it (the share's interval on one side of one half)."""
    return row["status"] if row.get("settled", True) else f"{row['status']} (not settled)"


def value_text(row: pd.Series) -> str:
    """The runs' median and 80% interval, in the pattern's own numbers."""
    if pd.isna(row["median"]):
        return "never happens"
    return f"{fmt(row['median'])} ({fmt(row['q10'])}–{fmt(row['q90'])})"


def print_history(checks: HistoryChecks, console: Console) -> None:
    """The terminal's table: each pattern, what was observed, what these runs give and the share reproducing it;
    then the patterns left out, each with why (a run too short for any pattern prints one line instead of a table)."""
    if checks.table.empty:
        console.print(f"Against history: none of {checks.scenario}'s patterns can be scored on these "
                      f"{checks.runs} runs (docs/validation.md section 9)")
    else:
        table = Table(title=f"Against history: {checks.scenario}'s patterns (docs/validation.md section 9) on these "
                            f"{checks.runs} runs, {checks.parameters} — {checks.reproduced} of {len(checks.table)} "
                            "reproduced in half the runs or more", title_justify="left")
        for name, justify in (("pattern", "left"), ("observed (band)", "right"),
                              ("these runs: median (80%)", "right"), ("runs reproducing", "right"),
                              ("status", "left")):
            table.add_column(name, justify=justify, overflow="fold")  # a narrow terminal wraps an id, never cuts it
        for _, row in checks.table.iterrows():
            table.add_row(row["pattern"], f"{row['observed']} ({row['criterion']})", value_text(row),
                          share_text(row, "\n"), status_text(row))
        console.print(table)
    for ident, reason in checks.left_out:
        console.print(f"left out: {ident} — {reason}")


def history_section(checks: HistoryChecks) -> tuple[str, str, str]:
    """The report's section (id, title, html): the same table, with each pattern's question and explanation."""
    from totalpeace.report.html import table  # the report's own table markup (report.html imports validation lazily)

    rows = [[row["pattern"], row["question"], f"{row['observed']} ({row['criterion']})", value_text(row),
             share_text(row), status_text(row), row["explanation"]] for _, row in checks.table.iterrows()]
    intro = (f'<p class="muted">The patterns of the catalogue (docs/validation.md section 9) that read '
             f"{html.escape(checks.scenario)}, scored on this report's {checks.runs} runs, "
             f"{html.escape(checks.parameters)}: "
             f"{checks.reproduced} of {len(checks.table)} are reproduced in half the runs or more (the share of runs "
             "with its 90% interval over the parameter draws; a verdict is not settled when the interval holds one "
             "half). "
             "`totalpeace validate` scores them on the calibration's posterior.</p>")
    left = "".join(f"<li>{html.escape(i)}: {html.escape(r)}</li>" for i, r in checks.left_out)
    body = intro + table(rows, ["pattern", "question", "observed (band)", "these runs: median (80%)",
                                "runs reproducing", "status", "why"], "table-history")
    if left:
        body += f'<p class="muted">Left out:</p><ul>{left}</ul>'
    return ("history", "Against history", body)
