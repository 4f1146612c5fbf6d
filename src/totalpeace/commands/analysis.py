"""`sensitivity`, `discover` and `search`: what matters, when things go wrong, and which policies do best."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from totalpeace.commands.options import ExecutorOpt, PdfOpt, StoreOpt, WorkersOpt
from totalpeace.commands.progress import note_compiling, progress_bar, sweep_progress
from totalpeace.commands.reports import create_folder, output_folder, remove_reports
from totalpeace.errors import InputError

SpecArg = Annotated[str, typer.Argument(metavar="SPEC.toml", help="Experiment file (see docs/experiments.md).")]
OutcomesOpt = Annotated[list[str] | None, typer.Option("--outcome", help="Outcome to analyse (repeatable; "
                                                       "default: the experiment's outcomes).")]
YearOpt = Annotated[int | None, typer.Option(help="Calendar year of the outcomes (default: the last simulated).")]
OutOpt = Annotated[str | None, typer.Option(help="Output folder for tables and figures (default: out/NAME).")]


def _consoles() -> tuple[Console, Console]:
    """The terminal's own width (tables wrap their cells to fit: readable at 100 columns)."""
    return Console(), Console(stderr=True, width=max(Console(stderr=True).width, 100))


def _folder(out: str | None, default: str, pdf: bool = False) -> Path:
    """The output folder, checked for writing before any work but not created: the command creates it
    (`create_folder`) when it writes its first file, so that a check that refuses the input on the way (in the sweep,
    at `--year`, on the runs) leaves no new empty folder."""
    return output_folder(out, Path("out") / default, pdf, create=False)


def sensitivity(
    spec_file: SpecArg,
    outcome: OutcomesOpt = None,
    year: YearOpt = None,
    store: StoreOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    replace: Annotated[bool, typer.Option("--replace", help="Run the experiment again even if the store holds "
                                          "it (by default stored runs are reused).")] = False,
    confidence: Annotated[float, typer.Option(min=0.5, max=0.999, help="Confidence level of the intervals.")] = 0.95,
    out: OutOpt = None,
    pdf: PdfOpt = False,
) -> None:
    """Global sensitivity of the outcomes: Sobol' first/total-order indices or Morris mu*/sigma, with intervals."""
    import pandas as pd

    from totalpeace.analysis.plots import morris_chart, sobol_chart
    from totalpeace.analysis.sensitivity import morris_indices, sobol_indices
    from totalpeace.codeversion import code_version
    from totalpeace.experiments import ResultsStore, load_spec, make_executor, run_sweep
    from totalpeace.experiments.design import UNIT_PREFIX, salib_problem
    from totalpeace.experiments.sweep import check_outcomes, check_year, expected_readout
    from totalpeace.report.analysis import direction, sensitivity_headlines, write_analysis_report
    from totalpeace.report.html import items, sensitivity_section
    from totalpeace.report.pdf import html_to_pdf
    from totalpeace.report.sweep import experiment_provenance

    spec = load_spec(spec_file)
    if spec.design not in ("sobol", "morris"):
        raise InputError(f'design: sensitivity needs design = "sobol" or "morris" (got "{spec.design}")',
                         source=spec.source)
    outcomes = list(dict.fromkeys(outcome or spec.outcomes))  # an outcome given twice is analysed once
    results = ResultsStore(store)
    # before any run, against the years and metrics the results will be read with (the stored experiment's when its
    # runs are reused): a mistyped name costs nothing
    readout = expected_readout(spec, results, replace)
    check_outcomes(outcomes, readout["metrics"])
    year = check_year(year, readout["years"])
    folder = _folder(out, spec.name, pdf)  # checked for writing now, created with the first file it holds
    console, err = _consoles()
    # the compiling note waits for run_sweep's checks and is left out when every run is reused from the store; the bar
    # waits for them too
    with make_executor(executor, workers) as pool, \
            sweep_progress(err, f"{spec.name} ({spec.design}, {pool.description})") as advance:
        report = run_sweep(spec, results, pool, resume=not replace, replace=replace, progress=advance,
                           starting=lambda: note_compiling(err))
    frame = results.experiments_frame(spec.name, outcomes, year=year)
    points = results.points(spec.name, unit=True)
    means = frame.groupby("point")[outcomes].mean().reindex(points["point"])
    empty = means.index[means.isna().any(axis=1)].tolist()
    if empty:
        raise InputError(f"{spec.name}: design points {empty[:5]} have no successful run; see "
                         f"`totalpeace query \"SELECT point, error FROM runs WHERE status = 'failed'\"`")
    problem = salib_problem(spec)
    unit = points[[UNIT_PREFIX + name for name in problem["names"]]].to_numpy()
    indices = {}
    for name in outcomes:
        y = means[name].to_numpy()
        if spec.design == "sobol":
            indices[name] = sobol_indices(problem, y, seed=spec.seed, second_order=True, conf_level=confidence)
        else:
            indices[name] = morris_indices(problem, unit, y, levels=spec.levels or 4, seed=spec.seed,
                                           conf_level=confidence)
    table = pd.concat(indices, names=["outcome"]).reset_index()
    table.insert(2, "kind", [spec.kind(f) for f in table["factor"]])
    if spec.design == "morris":
        table["direction"] = [direction(m, s) for m, s in zip(table["mu"], table["mu_star"], strict=True)]
    create_folder(folder)
    table.to_csv(folder / f"{spec.design}.csv", index=False)
    chart = sobol_chart if spec.design == "sobol" else morris_chart
    figures = chart(indices, folder / spec.design)
    line = (f"{spec.name}: {report.points} points x {spec.replications} replications "
            f"({report.runs_new} runs now, {report.runs_before} reused from {results.path}); outcomes in "
            f"{year}, point means over replications; {int(confidence * 100)}% bootstrap intervals")
    kind = "Sobol' indices" if spec.design == "sobol" else "Morris elementary effects"
    sections = ('<h2 id="headline">Headline findings</h2><ul class="headline">'
                + items(sensitivity_headlines(indices, year, confidence, spec)) + "</ul>")
    sections += "".join(sensitivity_section(values.to_dict(orient="index"), f"{name}: {kind} ({year})", f"-{name}")
                       for name, values in indices.items())
    provenance = {**experiment_provenance(results, spec.name), "outcomes in year": year,
                  "confidence": confidence, "totalpeace version (this analysis)": code_version()}
    remove_reports(folder)  # report.pdf of an earlier --pdf would describe other results
    page = write_analysis_report(folder / "report.html", f"Sensitivity: {spec.name} ({spec.design})", line, [],
                                 {f"{spec.design} indices": table}, provenance, sections)
    written = [folder / f"{spec.design}.csv", *figures, page]
    if pdf:
        written.append(html_to_pdf(page, folder / "report.pdf"))
    console.print(line, highlight=False)
    for name, values in indices.items():
        console.print(_sensitivity_table(name, values, spec, confidence))
    for sentence in sensitivity_headlines(indices, year, confidence, spec):
        console.print(f"- {sentence}", highlight=False)
    console.print("Wrote " + ", ".join(str(p) for p in written))


def _provenance(spec, extra: dict[str, object]) -> dict[str, object]:
    """What the page records about the experiment and the analysis settings."""
    from totalpeace.codeversion import code_version

    return {"experiment file": spec.source, "experiment fingerprint": spec.fingerprint(), "scenario": spec.scenario,
            "set": ", ".join(spec.set) or "none", "levers": ", ".join(spec.levers) or "none",
            "uncertainties": ", ".join(spec.uncertainties) or "none", "design": spec.design, "samples": spec.samples,
            "replications": spec.replications, "seed": spec.seed, "months": spec.months or "scenario's",
            **extra, "totalpeace version": code_version()}


def _sensitivity_table(outcome: str, values, spec, confidence: float) -> Table:
    from totalpeace.report.analysis import direction

    pct = f"{int(confidence * 100)}%"
    if "S1" in values:
        table = Table(title=f"{outcome}: Sobol' indices (± half-width of the {pct} interval)", title_justify="left")
        for col in ("factor", "kind", "first order S1", "total order ST"):
            table.add_column(col, justify="left" if col in ("factor", "kind") else "right", overflow="fold")
        for factor, row in values.sort_values("ST", ascending=False).iterrows():
            table.add_row(factor, spec.kind(factor), f"{row.S1:.3f} ± {row.S1_conf:.3f}",
                          f"{row.ST:.3f} ± {row.ST_conf:.3f}")
    else:
        table = Table(title=f"{outcome}: Morris elementary effects on the unit range of each factor "
                            f"(mu* ± half-width of the {pct} interval)", title_justify="left")
        for col in ("factor", "kind", "mu*", "direction", "sigma", "mu"):
            table.add_column(col, justify="left" if col in ("factor", "kind", "direction") else "right",
                             overflow="fold")
        for factor, row in values.sort_values("mu_star", ascending=False).iterrows():
            table.add_row(factor, spec.kind(factor), f"{_number(row.mu_star)} ± {_number(row.mu_star_conf)}",
                          direction(row.mu, row.mu_star), _number(row.sigma), _number(row.mu))
    return table


def discover(
    results: Annotated[str, typer.Argument(metavar="RESULTS", help="Results store folder, or a CSV/Parquet table "
                                           "with one row per run (inputs and outcome columns).")],
    outcome: Annotated[str, typer.Option(help="Outcome column that defines the cases of interest.")],
    threshold: Annotated[float, typer.Option(help="Cases of interest: outcome above this value (or below, "
                                             "with --below).")],
    below: Annotated[bool, typer.Option("--below", help="Cases of interest are below the threshold.")] = False,
    experiment: Annotated[str | None, typer.Option(help="Experiment in the store (needed when it holds "
                                                   "several).")] = None,
    year: YearOpt = None,
    input_: Annotated[list[str] | None, typer.Option("--input", help="Input column to build boxes on "
                                                     "(repeatable; default: every factor).")] = None,
    alpha: Annotated[float, typer.Option(min=0.01, max=0.49, help="Share of the box's runs peeled per "
                                         "step.")] = 0.05,
    mass_min: Annotated[float, typer.Option(min=0.001, max=0.99, help="Smallest box, as a share of the "
                                            "runs.")] = 0.05,
    min_density: Annotated[float, typer.Option(min=0.0, max=1.0, help="Choose the box with the highest coverage "
                                               "among those at least this dense.")] = 0.8,
    box: Annotated[int | None, typer.Option(min=0, help="Choose this step of the trajectory instead.")] = None,
    paste: Annotated[bool, typer.Option(help="Paste the chosen box (extend it where that raises the "
                                        "density).")] = False,
    out: OutOpt = None,
) -> None:
    """Scenario discovery with PRIM: which combinations of levers and uncertainties lead to the cases of interest."""
    from totalpeace.analysis import prim as primmod
    from totalpeace.analysis.experiments_table import load_experiments
    from totalpeace.analysis.plots import prim_charts
    from totalpeace.report.analysis import write_analysis_report

    if not math.isfinite(threshold):  # every comparison with nan is false: "no case of interest" would mislead
        raise InputError(f"--threshold {threshold}: not a finite number; give the outcome's value that separates the "
                         "cases of interest")
    data = load_experiments(results, outcome, experiment=experiment, year=year, inputs=input_)
    x = data.frame[data.inputs]
    values = data.frame[outcome].to_numpy()
    flags = values < threshold if below else values > threshold
    sign = "<" if below else ">"
    folder = _folder(out, f"discover-{outcome}")  # checked before the peeling, not after
    result = primmod.prim(x, flags, alpha=alpha, mass_min=mass_min)
    if box is not None and box >= len(result.steps):
        raise InputError(f"--box {box}: the trajectory has steps 0..{len(result.steps) - 1}")
    step = box if box is not None else result.select(min_density)
    if paste:
        step = primmod.paste(result, x, flags, step, alpha=alpha)
    create_folder(folder)
    result.trajectory().to_csv(folder / "trajectory.csv", index=False)
    limits = result.limits_frame(step)
    limits["quasi_p"] = limits["input"].map(primmod.quasi_p_values(result, x, flags, step))
    limits.to_csv(folder / "box.csv", index=False)
    title = f"{outcome} {sign} {threshold:g}: {result.n_interest} of {result.n_total} runs"
    figures = prim_charts(result, step, folder / "prim", title)
    console, _ = _consoles()
    line = (f"{data.source}: {result.n_total} runs; cases of interest {outcome} {sign} {threshold:g}: "
            f"{result.n_interest} ({result.base_density:.1%}); inputs: {', '.join(data.inputs)}")
    chosen = result.steps[step]
    missed = box is None and chosen.density < min_density - 1e-12
    warning = (f"No box on the peeling trajectory reaches the density target {min_density:g}: the box shown is the "
               f"densest ({chosen.density:.3f}), so read it as a tendency, not a rule (lower --min-density, or add "
               "runs)" if missed else "")
    box_line = (f"Box {step}{' (pasted)' if chosen.pasted else ''}: coverage {chosen.coverage:.3f} "
                f"({round(chosen.coverage * result.n_interest)} of {result.n_interest} cases), density "
                f"{chosen.density:.3f}, mass {chosen.mass:.3f} ({chosen.n} runs)")
    remove_reports(folder)  # report.pdf of an earlier --pdf would describe other results
    page = write_analysis_report(folder / "report.html", f"Scenario discovery: {outcome} {sign} {threshold:g}",
                                 f"{line}. {box_line}." + (f" Warning: {warning}." if warning else ""), figures,
                                 {f"Box {step} limits": limits, "Peeling trajectory": result.trajectory()},
                                 {"results": data.source, "outcome": outcome, "threshold": f"{sign} {threshold:g}",
                                  "year": year or "last simulated (store) / as given (table)", "alpha": alpha,
                                  "mass_min": mass_min, "min_density": min_density, "paste": paste})
    console.print(line, highlight=False)
    console.print(_trajectory_table(result, step))
    console.print(box_line, style="bold", highlight=False)
    if warning:
        console.print(f"warning: {warning}", style="yellow", highlight=False)
    console.print(_box_table(limits))
    console.print("Wrote " + ", ".join(str(p) for p in [folder / "trajectory.csv", folder / "box.csv", *figures,
                                                         page]))


def _trajectory_table(result, chosen: int) -> Table:
    frame = result.trajectory()
    shown = sorted({0, chosen, len(frame) - 1, *range(0, len(frame), max(1, len(frame) // 8))})
    table = Table(title=f"Peeling trajectory: {len(frame)} boxes (alpha {result.alpha:g}, mass_min "
                        f"{result.mass_min:g}; some steps shown, the chosen one in bold)", title_justify="left")
    for col in ("step", "coverage", "density", "mass", "runs", "restricted"):
        table.add_column(col, justify="right")
    for i in shown:
        row = frame.iloc[i]
        style = "bold" if i == chosen else None
        table.add_row(str(i), f"{row.coverage:.3f}", f"{row.density:.3f}", f"{row.mass:.3f}", str(row.n),
                      str(row.restricted), style=style)
    return table


def _box_table(limits) -> Table:
    table = Table(title="Box limits (inputs the box restricts; quasi-p: chance of the box's density without that "
                        "restriction, large = the restriction adds little)", title_justify="left")
    for col in ("input", "box", "range in the experiments", "quasi-p"):
        table.add_column(col, justify="right" if col == "quasi-p" else "left", overflow="fold")
    for row in limits.to_dict("records"):
        box = row["values"] if isinstance(row["values"], str) else f"{row['low']:.4g} .. {row['high']:.4g}"
        table.add_row(row["input"], box, row["data range"], f"{row['quasi_p']:.2g}")
    return table


def search(
    spec_file: SpecArg,
    trials: Annotated[int, typer.Option(min=1, max=100_000, help="Lever settings to try.")] = 40,
    population: Annotated[int | None, typer.Option(min=2, max=10_000, help="NSGA-II generation size (default: a "
                                                   "quarter of the trials, 4..50).")] = None,
    maximize: Annotated[list[str] | None, typer.Option("--maximize", help="Outcome to maximise instead of "
                                                       "minimise (repeatable).")] = None,
    year: YearOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    out: OutOpt = None,
) -> None:
    """Policy search: lever settings that minimise the outcomes under uncertainty (Optuna NSGA-II), Pareto set."""
    import pandas as pd

    from totalpeace.analysis.plots import pareto_chart
    from totalpeace.analysis.policy import PolicyObjective, current_setting, sample_table, search_levers
    from totalpeace.analysis.search import search as run_search
    from totalpeace.experiments import load_spec, make_executor
    from totalpeace.report.analysis import write_analysis_report

    spec = load_spec(spec_file)
    levers = search_levers(spec)
    unknown = [m for m in maximize or [] if m not in spec.outcomes]
    if unknown:
        raise InputError(f"--maximize {unknown[0]!r}: not one of the outcomes ({', '.join(spec.outcomes)})")
    directions = ["maximize" if o in (maximize or []) else "minimize" for o in spec.outcomes]
    folder = _folder(out, spec.name)  # checked before the trials, not after
    console, err = _consoles()
    with make_executor(executor, workers) as pool:
        objective = PolicyObjective(spec, pool, year=year)  # checks --year before any run
        setting = current_setting(levers, objective.base)
        scored = trials + (setting is not None)  # the current policy is scored on the same runs after the trials
        also = " and the current policy" if setting is not None else ""
        with progress_bar(err) as bar:
            task = bar.add_task(f"{spec.name}: {trials} trials{also} x {objective.runs_per_trial} runs "
                                f"({pool.description})",
                                total=scored * objective.runs_per_trial)
            objective.on_runs = lambda n: bar.advance(task, n)
            result = run_search(levers, objective, spec.outcomes, trials=trials, seed=spec.seed,
                                population=population, directions=directions)
            # the policy as it stands, on the same draws (a lever left unset in the scenario keeps its value)
            current = objective({k: v for k, v in setting.items() if v is not None}) if setting is not None else None
    create_folder(folder)
    result.trials.to_csv(folder / "trials.csv", index=False)
    result.pareto.to_csv(folder / "pareto.csv", index=False)
    sample_table(objective).to_csv(folder / "samples.csv", index=False)
    figures = pareto_chart(result.trials, result.objectives, folder / "pareto", current)
    comparison = _current_policy_sentence(result, setting, current, directions)
    goals = ", ".join(f"{d[:3]} {o}" for o, d in zip(spec.outcomes, directions, strict=True))
    line = (f"{spec.name}: {trials} trials, each on {len(objective.samples)} uncertainty samples x "
            f"{spec.replications} replications (seed {spec.seed}, common random numbers), "
            f"{objective.months} months; objectives ({goals}) are means in {objective.year}")
    tables = {"Pareto set": result.pareto, "Uncertainty samples": sample_table(objective),
              "Every trial": result.trials}
    if current is not None:
        tables = {"Current policy": pd.DataFrame([{**setting, **dict(zip(spec.outcomes, current, strict=True))}]),
                  **tables}
    sections = f'<h2 id="headline">Headline findings</h2><ul class="headline"><li>{html.escape(comparison)}</li></ul>'
    remove_reports(folder)  # report.pdf of an earlier --pdf would describe other results
    page = write_analysis_report(folder / "report.html", f"Policy search: {spec.name}", line, figures,
                                 tables,
                                 _provenance(spec, {"design": "not used (levers are searched)",
                                                    "year": objective.year, "trials": trials,
                                                    "population": population or "default"}), sections)
    console.print(line, highlight=False)
    console.print(_pareto_table(result, levers))
    console.print(comparison, highlight=False)
    console.print("Wrote " + ", ".join(str(p) for p in [folder / "trials.csv", folder / "pareto.csv",
                                                         folder / "samples.csv", *figures, page]))


def _current_policy_sentence(result, setting, current, directions) -> str:
    """How the current policy (the scenario's own levers) scores, and how many searched settings beat it on every
    objective."""
    if current is None:
        return ("The current policy could not be scored: a lever names an item the scenario does not have (e.g. a "
                "ceasefire it lacks).")
    better = 0
    for row in result.pareto.to_dict("records"):
        gains = [(row[o] < c) if d == "minimize" else (row[o] > c)
                 for o, c, d in zip(result.objectives, current, directions, strict=True)]
        better += all(gains)
    scores = ", ".join(f"{o} {_number(c)}" for o, c in zip(result.objectives, current, strict=True))
    levers = ", ".join(f"{k.split('.', 1)[-1]} {_cell_value(v)}" for k, v in setting.items())
    return (f"The current policy ({levers}) scores {scores} on the same uncertainty samples and runs; {better} of "
            f"the {len(result.pareto)} settings on the Pareto set do better on every objective (the star on the "
            "plot).")


PARETO_SHOWN = 6  # settings side by side on a terminal; every one is in pareto.csv


def _pareto_table(result, levers) -> Table:
    """The Pareto set with one column per setting (best first) and one row per lever and objective, so that it
    reads at 100 columns."""
    rows = result.pareto.to_dict("records")[:PARETO_SHOWN]
    more = len(result.pareto) - len(rows)
    title = (f"Pareto set: {len(result.pareto)} non-dominated lever settings of {len(result.trials)} trials"
             + (f" ({len(rows)} shown; all in pareto.csv)" if more > 0 else ""))
    table = Table(title=title, title_justify="left")
    table.add_column("lever / objective", overflow="fold", min_width=22)
    for row in rows:
        table.add_column(f"trial {row['trial']}", justify="right", overflow="fold")
    for lever in levers:  # without the first path component: the CSV files keep the full paths
        table.add_row(lever.name.split(".", 1)[-1], *(_cell_value(row[lever.name]) for row in rows))
    for name in result.objectives:
        table.add_row(name, *(_number(row[name]) for row in rows), style="bold")
    return table


def _cell_value(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "none"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _number(value: float) -> str:
    """Three significant digits without exponents (1,317; 24.4; 0.00164), thousands separated."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"
