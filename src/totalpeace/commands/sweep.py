"""`totalpeace sweep SPEC.toml`: run an experiment's design into the results store, resumable."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from totalpeace.commands.options import ExecutorOpt, PdfOpt, StoreOpt, WorkersOpt
from totalpeace.commands.progress import note_compiling, sweep_progress
from totalpeace.commands.reports import create_folder, output_folder, remove_reports, write_reports


def sweep(
    spec_file: Annotated[str, typer.Argument(metavar="SPEC.toml", help="Experiment file (see docs/experiments.md), "
                                             "or the name of an experiment in the store to --resume it from the "
                                             "spec it was started with.")],
    store: StoreOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted experiment: keep its "
                                         "finished runs, run the rest.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Delete the experiment's stored runs and start "
                                          "again.")] = False,
    chunk: Annotated[int | None, typer.Option(min=1, max=100_000, help="Runs per task (default: the "
                                              "replications, at most 32).")] = None,
    flush_every: Annotated[float, typer.Option(min=0.0, max=3600.0, help="Seconds between writes of finished "
                                               "runs to the store (what an interruption can cost).")] = 5.0,
    out: Annotated[str | None, typer.Option(help="Folder of report.html (default: NAME-sweep next to the "
                                            "store).")] = None,
    report: Annotated[bool, typer.Option(help="Write report.html.")] = True,
    pdf: PdfOpt = False,
) -> None:
    """Run an experiment (levers, uncertainties, design, replications) and stream its runs into the store."""
    from totalpeace.errors import InputError
    from totalpeace.experiments import ResultsStore, load_spec, make_executor, run_sweep
    from totalpeace.experiments.sweep import stored_spec
    from totalpeace.report.sweep import render_sweep_report

    if resume and replace:
        raise InputError("--resume and --replace: choose one")
    if out is not None and not (report or pdf):  # the folder holds the report alone; the runs go to the store
        raise InputError("--out: the folder of report.html, which --no-report leaves unwritten (the runs go to the "
                         "store, --store); leave --out out, or drop --no-report")
    results = ResultsStore(store)
    if not Path(spec_file).exists() and spec_file in results.experiment_names():
        spec = stored_spec(results, spec_file)
    else:
        spec = load_spec(spec_file)
    results.check_writable()  # before the report folder beside it, so the message names the store
    default = results.path.parent / f"{spec.name}-sweep"
    # checked for writing now (a read-only location is refused before any run), created only for the report: a
    # check run_sweep makes, or a sweep whose every run fails, leaves no new empty folder
    folder = output_folder(out, default, pdf, create=False) if report or pdf else None
    err = Console(stderr=True, width=max(Console(stderr=True).width, 120))
    console = Console(width=max(Console().width, 120))

    def starting() -> None:
        """The checks passed and runs are to be done: an earlier sweep's report in the folder (also the default one
        under --no-report) would describe other runs than the store is about to hold, whether this sweep writes a
        report, is interrupted first, or writes none; then the first simulation may compile the model. A report
        that cannot be removed (a read-only folder) stops the sweep here, before a stored run is deleted or a new one
        computed: it may not stay beside other runs, and stopping now loses nothing."""
        where = folder if folder is not None else default
        try:
            removed = remove_reports(where)
        except InputError as exc:
            raise InputError(f"{exc.message}, then run the sweep again (no run was started)") from None
        if removed:
            err.print(f"Removed the earlier report in {where} ({', '.join(p.name for p in removed)}): it would "
                      "describe other runs.", highlight=False, soft_wrap=True)
        note_compiling(err)

    with make_executor(executor, workers) as pool:
        try:
            with sweep_progress(err, f"{spec.name} ({spec.design}, {pool.description})") as advance:
                done = run_sweep(spec, results, pool, resume=resume, replace=replace, progress=advance, chunk=chunk,
                                 flush_every=flush_every, starting=starting)
        except KeyboardInterrupt:
            err.print(f"interrupted: finished runs are in {results.path}; continue with --resume")
            raise typer.Exit(130) from None
        except BrokenProcessPool:
            err.print(f"a worker process died: finished runs are in {results.path}; continue with --resume")
            raise typer.Exit(1) from None
    print_sweep(done, results, console)
    if folder is not None:
        # starting() removed an earlier report when runs were to be done; a --resume with every run stored kept it
        # (it still describes the store), and it is written again here: without --pdf, with no earlier report.pdf
        remove_reports(folder)
        if done.failed < done.runs_total:
            written = write_reports(create_folder(folder), render_sweep_report(results, spec.name), pdf)
            console.print("Wrote " + ", ".join(str(p) for p in written))
    if done.failed:
        print_failures(done, results, err)
        if folder is not None and done.failed == done.runs_total:
            err.print(f"No report written to {folder}: every run failed.", soft_wrap=True)
        raise typer.Exit(1)


def print_failures(report, store, err: Console) -> None:
    """The failed runs' errors and how to try them again (they are recorded with status 'failed')."""
    err.print(f"[red]{report.failed} of {report.runs_total} runs failed[/] ("
              + "; ".join(report.errors[:3]) + (f"; and {len(report.errors) - 3} other errors" if
                                                len(report.errors) > 3 else "") + ")", soft_wrap=True)
    err.print(f"They are recorded with status 'failed' and their error (totalpeace query \"SELECT run_id, error FROM "
              f"runs WHERE status = 'failed'\" --store {store.path}); totalpeace sweep {report.experiment} --store "
              f"{store.path} --resume tries them again.", soft_wrap=True)


def print_sweep(report, store, console: Console) -> None:
    """What was run, and each outcome's spread over runs and over points in the last year."""
    console.print(f"[bold]{report.experiment}[/]: {report.points} points x "
                  f"{report.runs_total // max(report.points, 1)} replications = {report.runs_total} runs: "
                  f"{report.runs_new} new, {report.runs_before} already stored, {report.failed} failed")
    console.print(f"{report.parts} parts written in {report.seconds:.1f} s ({report.executor})")
    for part in report.set_aside:
        console.print(f"[yellow]set aside[/] a damaged part ({part.problem}): "
                      f"{part.folder.parent.parent / 'damaged' / part.folder.name}; its runs were computed again",
                      soft_wrap=True)
    meta = store.experiment(report.experiment)
    year = meta["years"][-1]
    frame = store.experiments_frame(report.experiment, year=year)
    if frame.empty:
        return
    table = Table(title=f"Outcomes in {year} over all runs and over points (point means)", title_justify="left")
    for col in ("outcome", "mean", "p10", "p50", "p90", "lowest point", "highest point"):
        table.add_column(col, justify="left" if col == "outcome" else "right")
    for outcome in meta["spec"]["outcomes"]:
        values = frame[outcome].dropna()
        if values.empty:
            continue
        means = frame.groupby("point")[outcome].mean()
        q = values.quantile([0.1, 0.5, 0.9])
        table.add_row(outcome, *(_num(v) for v in (values.mean(), q[0.1], q[0.5], q[0.9])),
                      f"{_num(means.min())} (#{means.idxmin()})", f"{_num(means.max())} (#{means.idxmax()})")
    console.print(table)
    console.print(f"Stored in {store.path}; query it with: totalpeace query \"SELECT * FROM summary WHERE "
                  f"experiment = '{report.experiment}'\" --store {store.path}", soft_wrap=True)


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
