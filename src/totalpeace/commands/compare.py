"""`totalpeace compare BASELINE VARIANT...`: the same seeds for every scenario, paired differences, a report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from totalpeace.commands.options import (
    AssumptionsChoice,
    AssumptionsOpt,
    ExecutorOpt,
    PdfOpt,
    Uncertainty,
    UncertaintyOpt,
    WorkersOpt,
)
from totalpeace.commands.progress import progress_bar
from totalpeace.commands.reports import output_folder, remove_reports, write_reports


def compare(
    scenarios: Annotated[list[str], typer.Argument(metavar="BASELINE VARIANT...", help="Baseline, then one or "
                                                   "more variants: built-in names or TOML files.")],
    runs: Annotated[int, typer.Option(min=1, max=1_000_000, help="Runs per scenario.")] = 100,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Random seed, shared by every scenario.")] = 1,
    months: Annotated[int | None, typer.Option(min=1, max=1200, help="Months (default: the baseline's).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a value in every scenario: "
                                                   "dotted.path=value (repeatable).")] = None,
    out: Annotated[str, typer.Option(help="Output folder.")] = "out/compare",
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    report: Annotated[bool, typer.Option(help="Write report.html.")] = True,
    pdf: PdfOpt = False,
    uncertainty: UncertaintyOpt = Uncertainty.full,
    assumptions: AssumptionsOpt = AssumptionsChoice.auto,
) -> None:
    """Compare policy variants on common random numbers: paired differences per metric and year, 80% intervals."""
    from totalpeace.errors import InputError
    from totalpeace.experiments import make_executor
    from totalpeace.experiments.compare import load_comparable, run_compare
    from totalpeace.scenario.paths import once_each

    if len(scenarios) < 2:
        raise InputError("compare: give a baseline and at least one variant")
    resolved = load_comparable(scenarios, once_each(set_ or []))  # every input problem before anything is written
    folder = output_folder(out, Path(out), pdf)
    err = Console(stderr=True, width=max(Console(stderr=True).width, 120))
    with make_executor(executor, workers) as pool, progress_bar(err) as bar:
        task = bar.add_task(f"{len(scenarios)} scenarios x {runs} runs ({pool.description})", total=None)
        comparison = run_compare(scenarios, set_ or [], runs=runs, seed=seed, months=months, executor=pool,
                                 progress=lambda done, total: bar.update(task, completed=done, total=total),
                                 scenarios=resolved, uncertainty=uncertainty.value,
                                 assumptions=assumptions.flag)
    remove_reports(folder)  # an earlier comparison's, which --no-report (or an error before the report) would
    # leave beside these results; write_reports below only writes
    diffs = comparison.differences()
    diffs.to_csv(folder / "differences.csv", index=False)
    comparison.yearly.to_parquet(folder / "yearly.parquet", index=False)
    meta = {"baseline": comparison.baseline, "variants": comparison.variants, "references": comparison.references,
            "scenario_sha256": dict(zip(comparison.names, comparison.sha256, strict=True)), "seed": seed,
            "runs": runs, "start": comparison.start, "months": comparison.months, "version": comparison.version,
            "sets": comparison.sets, "differences": diffs.astype(object).where(diffs.notna(), None).to_dict("records"),
            "uncertainty": comparison.uncertainty}
    (folder / "comparison.json").write_text(json.dumps(meta, indent=2, allow_nan=False), encoding="utf-8")
    console = Console()
    print_differences(comparison, console)
    print_talks(comparison, console)
    written = [folder / "differences.csv", folder / "comparison.json", folder / "yearly.parquet"]
    if report or pdf:
        written += write_reports(folder, comparison_page(comparison), pdf)
    console.print("Wrote " + ", ".join(str(p) for p in written))


def comparison_page(comparison) -> str:
    """The comparison report: every variant against the baseline, with each scenario's sources and provenance."""
    from totalpeace.describe import data_sources
    from totalpeace.report.html import render_comparisons
    from totalpeace.report.maps import territory_shapes

    variants = list(zip(comparison.variants, comparison.results[1:], strict=True))
    return render_comparisons(comparison.results[0], variants, comparison.baseline,
                              [data_sources(s) for s in comparison.scenarios],
                              territory_shapes(comparison.scenarios[0]))


def print_differences(comparison, console: Console) -> None:
    """One table per variant: the main outcomes by calendar period, each cell the median of the paired differences
    with its 80% interval — the same cells as the report and the dashboard (report.differences.difference_table),
    then the effect's timing in words."""
    from totalpeace.report.catalogue import REQUIRED_SHOWN  # the outcomes every scenario reports, as in `run`
    from totalpeace.report.differences import STATISTIC, difference, difference_table
    from totalpeace.report.headlines import comparison_headlines
    from totalpeace.uncertainty.terminal import print_design, print_sources

    baseline = comparison.results[0]
    for name, variant in zip(comparison.variants, comparison.results[1:], strict=True):
        print_policy_changes(baseline.summary(), variant.summary(), (comparison.baseline, name), console)
        diff = difference(baseline, variant)
        columns, rows = difference_table(diff, list(REQUIRED_SHOWN))
        table = Table(title=f"{name} − {comparison.baseline}: {STATISTIC}", title_justify="left")
        table.add_column(columns[0], ratio=2)
        for column in columns[1:]:
            table.add_column(column, justify="right", ratio=1)
        for row in rows:
            value, interval = zip(*(_split(c) for c in row[1:]), strict=True)
            table.add_row(row[0], *(Text.assemble(v, "\n", (i, "dim")) for v, i in zip(value, interval,
                                                                                         strict=True)))
        console.print(table)
        for line in comparison_headlines(diff, (comparison.baseline, name)):
            console.print(f"- {line}", highlight=False)
        print_refill(baseline, variant, (comparison.baseline, name), console)
        entry = comparison.uncertainty["differences"][name]
        print_sources(entry, comparison.start, comparison.months, console,
                      f"Where the uncertainty about the effect comes from (% of the variance of the paired "
                      f"differences, {name} − {comparison.baseline})")
    print_design(comparison.uncertainty["design"], console)


def print_policy_changes(baseline: dict, variant: dict, labels: tuple[str, str], console: Console) -> None:
    """What the variant changes, lever by lever (the report's "What ... changes" section), before its numbers."""
    from totalpeace.report.policy_view import change_rows

    rows = change_rows(baseline, variant)
    if not rows:
        console.print(f"{labels[1]} changes no policy lever or model parameter of {labels[0]}: what differs is "
                      f"elsewhere in its scenario file (`totalpeace show` lists every value).", highlight=False)
        return
    console.print(f"What {labels[1]} changes from {labels[0]}:", highlight=False)
    for lever, before, after in rows:
        console.print(f"- {lever}\n    {labels[0]}: {before}\n    {labels[1]}: {after}", highlight=False)


def print_refill(baseline, variant, labels: tuple[str, str], console: Console) -> None:
    """Who fills vacated control in each scenario, territory by territory (the security buy-in's question)."""
    from totalpeace.report.vacuum import national_share, refill_rows

    columns, rows = refill_rows(baseline, variant)
    if not rows:
        return
    table = Table(title=f"Who fills vacated control: {labels[1]} against {labels[0]} (state's share of the control "
                        f"refilled; nationally {national_share(baseline):.0%} and {national_share(variant):.0%})",
                  title_justify="left")
    for k, column in enumerate(columns):
        table.add_column(column, justify="left" if k == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def print_talks(comparison, console: Console) -> None:
    """One table per variant: each negotiation table's outcomes, paired run by run, the main reason it broke down
    and the median signed terms, baseline against variant."""
    from totalpeace.report.names import actor_names
    from totalpeace.talks import HAZARD_DRIVERS, reason_text
    from totalpeace.talks import compare as compare_tables

    base = comparison.results[0]
    names = actor_names(base.summary())
    for label, variant in zip(comparison.variants, comparison.results[1:], strict=True):
        if base.tables is None or variant.tables is None:
            return
        table = Table(title=f"Negotiation tables: {label} against the baseline (paired runs)", title_justify="left")
        for column in ("table", "outcome", "baseline", label, "difference [80% interval]"):
            table.add_column(column, justify="left" if column in ("table", "outcome") else "right",
                             overflow="fold")
        for entry in compare_tables(base.tables, variant.tables):
            name = names.get(entry["table"], entry["table"])
            for o in entry["outcomes"]:
                table.add_row(name, o["outcome"], f"{o['baseline']:.0%}", f"{o['variant']:.0%}",
                              f"{o['difference']:+.0%} [{o['low']:+.0%}, {o['high']:+.0%}]")
                name = ""
            why_a, why_b = entry["why_broken_down"]
            if why_a or why_b:
                table.add_row("", "main reason it broke down", reason_text_or_dash(why_a, reason_text),
                              reason_text_or_dash(why_b, reason_text), "")
            driver_a, driver_b = entry["hazard_driver"]
            if driver_a or driver_b:
                table.add_row("", "what mostly raised the breakdown hazard", HAZARD_DRIVERS.get(driver_a, "-"),
                              HAZARD_DRIVERS.get(driver_b, "-"), "")
            for issue, (a, b) in entry["signed_terms"].items():
                if a is not None or b is not None:
                    table.add_row("", f"signed {issue.replace('_', ' ')} (median)", "-" if a is None else f"{a:.2f}",
                                  "-" if b is None else f"{b:.2f}", "")
            table.add_section()
        console.print(table)


def reason_text_or_dash(name: str, describe) -> str:
    """The reason's description (by its name), '-' for none."""
    from totalpeace.model.tables.reasons import Reason

    return describe(int(Reason[name])) if name else "-"


def _split(cell: str) -> tuple[str, str]:
    """'−1.2 [−2.0, −0.4]' -> ('−1.2', '[−2.0, −0.4]') so the interval can go on its own line."""
    value, _, interval = cell.partition(" [")
    return value, f"[{interval}" if interval else ""
