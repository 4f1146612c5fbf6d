"""`totalpeace calibrate SPEC.toml` and `totalpeace validate SPEC.toml`: fit to history, then score held-back years."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from totalpeace.commands.options import ExecutorOpt, StoreOpt, WorkersOpt

SCREENING_EXTRA_ROWS = 5  # ranking rows printed below the last calibrated candidate
SpecArg = Annotated[str, typer.Argument(metavar="SPEC.toml", help="Calibration file (see docs/validation.md).")]


def _prepare(spec_file: str, use: str | None) -> tuple[Any, dict[str, Any], list[Any]]:
    """The spec, its scenarios by name, and the targets that belong to those scenarios."""
    from totalpeace.calibration.spec import load_spec
    from totalpeace.errors import InputError
    from totalpeace.scenario import load_scenario
    from totalpeace.validation.targets import load_targets

    spec = load_spec(spec_file)
    scenarios = {}
    for ref in spec.scenarios:
        scenario = load_scenario(ref)
        scenarios[scenario.name] = scenario
    targets = [t for t in load_targets(spec.targets or None, use=use) if t.scenario in scenarios]
    for name in scenarios:
        if not any(t.scenario == name for t in targets):
            raise InputError(f"{spec_file}: scenarios: no target is observed for scenario {name!r} "
                             "(targets.csv names colombia-1998 and colombia-2012)")
    return spec, scenarios, targets


def calibrate(
    spec_file: SpecArg,
    quick: Annotated[bool, typer.Option("--quick", help="The file's small [quick] budget (minutes), stored as "
                                        "NAME-quick.")] = False,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    store: StoreOpt = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a calibration of the same name.")] = False,
) -> None:
    """Screen the candidate parameters (Morris), fit the chosen ones to history with ABC-SMC, and write the
    posterior and a calibrated parameter set to the results store."""
    from totalpeace.calibration.abc import make_problem, run_abc
    from totalpeace.calibration.output import calibration_files
    from totalpeace.errors import InputError
    from totalpeace.experiments.executors import make_executor
    from totalpeace.experiments.store import ResultsStore
    from totalpeace.validation.targets import observed

    console = Console()
    spec, scenarios, targets = _prepare(spec_file, use="calibrate")
    budget = spec.budget_for(quick)
    if quick:  # a smoke test, not an inference: never in the place of (or in the way of) the real calibration
        spec = spec.model_copy(update={"name": f"{spec.name}-quick"})
    results = ResultsStore(store)
    results.check_writable()
    if spec.name in results.calibration_names() and not replace:
        raise InputError(f"calibration {spec.name!r} is already in the store {results.path}: add --replace to run it "
                         "again, or change the spec's name")
    started = time.time()
    with results.lock(f"calibration.{spec.name}"), make_executor(executor, workers) as pool:
        console.print(f"Calibrating on {len(targets)} targets of {', '.join(scenarios)} ({pool.description}): "
                      f"population {budget.population}, up to {budget.generations} generations, {budget.runs} runs "
                      f"per particle, no generation started after {budget.max_minutes:g} minutes")
        screening = None
        chosen = list(spec.parameters)
        if spec.screening is not None:
            screening = _screen(console, spec, make_problem(scenarios, targets, budget.runs, budget.seed), budget,
                                pool)
            chosen += screening.selected
        with tempfile.TemporaryDirectory() as tmp, _progress(console) as bar:
            task = bar.add_task("starting", total=budget.population, evals=0)
            state = {"evals": 0}

            def on_task(tries: int) -> None:
                state["evals"] += tries
                bar.update(task, advance=1, evals=state["evals"])

            def on_batch(index: int, n: int) -> None:
                label = "distance scales (prior sample)" if index == 0 else f"generation {index - 1}"
                bar.reset(task, total=n, description=label, evals=state["evals"])

            db = Path(tmp) / "abc.db"
            posterior = run_abc(spec.prior_bounds(chosen), scenarios, targets, budget, observed(targets),
                                executor=pool, db_path=db, on_task=on_task, on_batch=on_batch)
            minutes = (time.time() - started) / 60
            files = calibration_files(spec, Path(spec_file), quick, scenarios, targets, budget, posterior, screening,
                                      minutes, db.read_bytes())
        folder = results.write_calibration(spec.name, files)
    _print_posterior(console, spec.prior_bounds(chosen), posterior, minutes)
    console.print(f"Wrote the calibration to {folder}: parameters.toml (use it in a scenario with "
                  f'parameters.calibration = "{folder.resolve()}"), posterior.parquet, generations.parquet'
                  f"{', screening.parquet' if screening else ''}, calibration.json, spec.toml and abc.db; "
                  f"`totalpeace query --store {results.path} \"SELECT * FROM posterior WHERE calibration = "
                  f"'{spec.name}'\"` reads it back")


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[evals]} simulations"), TimeElapsedColumn(), console=console)


def _screen(console: Console, spec: Any, problem: Any, budget: Any, pool: Any) -> Any:
    """The Morris screening with a progress bar; prints the ranking."""
    from totalpeace.calibration.screening import screen

    screening = spec.screening
    candidates = spec.candidates()
    points = budget.screening_trajectories * (len(candidates) + 1)
    with _progress(console) as bar:
        task = bar.add_task(f"screening {len(candidates)} candidates (Morris)", total=points, evals=0)
        done = {"points": 0}

        def on_point() -> None:
            done["points"] += 1
            bar.update(task, advance=1, evals=done["points"])

        result = screen(problem, spec.prior_bounds(candidates), budget.screening_trajectories, screening.levels,
                        screening.keep, pool, on_point=on_point, per_target=screening.per_target)
    table = Table(title=f"Screening: mean mu* over the targets (log scale), {budget.screening_trajectories} "
                        f"trajectories, {result.evaluations} points")
    for col in ("rank", "parameter", "mean mu*", "calibrated because"):
        table.add_column(col, justify="right" if col in ("rank", "mean mu*") else "left")
    ranking = result.ranking
    shown = ranking[ranking["selected"] | (ranking["rank"] <= screening.keep + SCREENING_EXTRA_ROWS)]
    for _, r in shown.iterrows():
        table.add_row(str(int(r["rank"])), r["parameter"], f"{r['importance']:.3g}", r["reason"])
    if len(result.ranking) > len(shown):
        table.caption = f"{len(result.ranking) - len(shown)} more candidates in screening.parquet"
    console.print(table)
    return result


def _print_posterior(console: Console, bounds: dict[str, tuple[float, float]], posterior: Any,
                     minutes: float) -> None:
    gens = Table(title="Generations")
    for col in ("t", "epsilon", "simulations", "acceptance", "ESS"):
        gens.add_column(col, justify="right")
    for _, g in posterior.generations.iterrows():
        gens.add_row(str(int(g["t"])), f"{g['epsilon']:.4g}", str(int(g["evaluations"])), f"{g['acceptance']:.2f}",
                     f"{g['ess']:.1f}")
    console.print(gens)
    medians, lo, hi = posterior.quantiles(0.5), posterior.quantiles(0.05), posterior.quantiles(0.95)
    table = Table(title=f"Posterior ({len(posterior.samples)} particles, effective {posterior.ess:.0f}; "
                        f"{posterior.evaluations} simulations, {minutes:.1f} min)")
    for col in ("parameter", "prior", "median", "90% interval"):
        table.add_column(col)
    for name, (a, b) in bounds.items():
        table.add_row(name, f"U({a:g}, {b:g})", f"{medians[name]:.4g}", f"{lo[name]:.4g} - {hi[name]:.4g}")
    console.print(table)


def validate(
    spec_file: Annotated[str | None, typer.Argument(metavar="[SPEC.toml]", help="Calibration file (default: the "
                                                    "one behind the flagship's calibrated parameters).")] = None,
    posterior: Annotated[Path | None, typer.Option("--posterior", help="posterior.parquet of a calibration (default: "
                                                   "the store's calibration of the spec's name, else the shipped "
                                                   "one).")] = None,
    uncalibrated: Annotated[bool, typer.Option("--uncalibrated", help="Score the scenarios' own parameters.")] = False,
    draws: Annotated[int, typer.Option("--draws", min=1, max=10_000, help="Posterior parameter sets.")] = 20,
    runs: Annotated[int | None, typer.Option("--runs", min=1, max=10_000, help="Runs per parameter set (default 5; "
                                             "with --backtest, runs per origin and level, default 20).")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the ensemble.")] = 1,
    store: StoreOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default out/validation/NAME).")] = None,
    backtest: Annotated[bool, typer.Option("--backtest", help="Instead: the rolling-origin backtest of homicides "
                                           "by municipality and department (docs/validation.md).")] = False,
    origins: Annotated[str, typer.Option("--origins", help="Backtest origin years: FIRST-LAST or a comma list "
                                         "(2012-2019).")] = "2012-2019",
    levels: Annotated[str, typer.Option("--levels", help="Backtest levels: municipality, department or "
                                        "both, comma-separated.")] = "municipality,department",
    patterns: Annotated[str, typer.Option("--patterns", help="Pattern catalogue entries to evaluate: all, none, or "
                                          "a comma list of ids (docs/validation.md).")] = "all",
) -> None:
    """Score the (calibrated) model on held-back years (CRPS, 50/80/95% coverage, against simple baselines) and
    evaluate the pattern catalogue: which of Colombia's historical patterns the ensemble reproduces."""
    import pandas as pd

    from totalpeace.errors import InputError
    from totalpeace.validation.holdout import Ensemble, draw_parameters, score_table, summary_table
    from totalpeace.validation.pattern_runs import evaluate, result_table
    from totalpeace.validation.report import write_validation_report

    console = Console()
    if backtest:
        _backtest(console, origins, levels, runs or 20, seed, out or Path("out") / "validation" / "backtest")
        return
    runs = runs or 5
    chosen = _pattern_choice(patterns)
    spec_file, default_posterior = _validation_inputs(spec_file, store)
    spec, scenarios, targets = _prepare(spec_file, use=None)
    path = posterior or default_posterior(spec.name)
    sets = None
    if not uncalibrated:
        if path is None or not path.is_file():
            raise InputError(f"--posterior: no posterior at {path or 'the results store or the shipped sets'} (run "
                             f"`totalpeace calibrate {spec_file}` first, or pass --uncalibrated)")
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:
            raise InputError(f"--posterior: cannot read {path}: {exc}") from None
        if "weight" not in frame.columns:
            raise InputError(f"--posterior: {path} has no weight column")
        sets = draw_parameters(frame, draws, seed)
    started = time.time()
    ensembles = _simulate_all(console, scenarios, targets, chosen, runs, seed, sets)
    seconds = time.time() - started
    scores = score_table(targets, {name: Ensemble(ensembles[name].targets) for name in scenarios})
    summary = summary_table(scores)
    _print_summary(console, summary)
    table = result_table(evaluate(chosen, {k: e.outputs for k, e in ensembles.items()}))
    if len(table):
        _print_patterns(console, table)
    folder = out or Path("out") / "validation" / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    scores.to_csv(folder / "scores.csv", index=False)
    summary.to_csv(folder / "summary.csv", index=False)
    table.to_csv(folder / "patterns.csv", index=False)
    members = len(sets or [{}]) * runs
    provenance = [f"calibration file {spec_file}",
                  f"parameters: {'scenario defaults (uncalibrated)' if sets is None else f'{draws} draws from {path}'}",
                  f"{members} ensemble members per scenario ({len(sets or [{}])} parameter sets x {runs} runs), "
                  f"seed {seed}; {len(ensembles)} ensembles simulated in {seconds:.0f} s"]
    report = write_validation_report(folder / "validation.html", scores, summary, provenance, patterns=table)
    console.print(f"{len(ensembles)} ensembles of {members} runs simulated in {seconds:.0f} s. Wrote "
                  f"{folder / 'scores.csv'}, {folder / 'summary.csv'}, {folder / 'patterns.csv'} and {report}")


def _pattern_choice(text: str) -> list[Any]:
    from totalpeace.validation.patterns import catalogue

    names = [x.strip() for x in text.split(",") if x.strip()]
    if names == ["none"]:
        return []
    return catalogue(None if names in ([], ["all"]) else names)


def _simulate_all(console: Console, scenarios: dict[str, Any], targets: list[Any], patterns: list[Any], runs: int,
                  seed: int, sets: list[dict[str, float]] | None) -> dict[str, Any]:
    """One ensemble per scenario of the spec and per scenario or variant the patterns read, with a progress bar."""
    from totalpeace.scenario import load_scenario
    from totalpeace.validation.pattern_runs import ensembles_needed, simulate_ensemble

    jobs = {name: scenario for name, scenario in scenarios.items()}
    for key, (name, overrides) in ensembles_needed(patterns).items():
        if key not in jobs:
            jobs[key] = load_scenario(name, list(overrides))
    per_job = len(sets or [{}]) * runs
    out = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("simulating", total=per_job * len(jobs))
        for key, scenario in jobs.items():
            bar.update(task, description=f"simulating {key}")
            mine = [t for t in targets if t.scenario == key]
            out[key] = simulate_ensemble(scenario, runs, seed, sets, targets=mine,
                                         progress=lambda n: bar.update(task, advance=n))
    return out


def _print_patterns(console: Console, table: Any) -> None:
    """The pattern table, then one measured sentence per pattern that is not reproduced."""
    from totalpeace.validation.patterns import fmt

    out = Table(title="Patterns of Colombia's history: observed, the band that counts, model median and 80% "
                      "interval, share of runs reproducing", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("pattern", "observed", "band", "model median (80%)", "runs", "ok"):
        out.add_column(col, justify="left" if col in ("pattern", "ok") else "right", no_wrap=True)
    short = {"reproduced": "yes", "not reproduced": "no", "not yet produced": "n.p."}
    for _, r in table.iterrows():
        produced = r["status"] != "not yet produced"
        model = f"{fmt(r['median'])} ({fmt(r['q10'])} to {fmt(r['q90'])})" if produced else ""
        model += "+" if produced and r["undefined"] > 0 else ""
        out.add_row(r["pattern"], r["observed"], r["criterion"], model, f"{r['share']:.0%}" if produced else "",
                    short[r["status"]] + ("" if r["independent"] else " *"))
    console.print(out)
    counts = table["status"].value_counts()
    console.print(f"{counts.get('reproduced', 0)} reproduced, {counts.get('not reproduced', 0)} not reproduced, "
                  f"{counts.get('not yet produced', 0)} not yet produced by the model (n.p.). A pattern is reproduced "
                  "when half the runs or more meet its criterion; * marks a pattern the scenario's inputs fix (not an "
                  "independent test); + a median over the runs where the event happens (a table that signs, breaks "
                  "down).")
    for _, r in table[table["status"] != "reproduced"].iterrows():
        console.print(f"  [bold]{r['pattern']}[/bold]: {r['explanation']}")


def _years(text: str) -> list[int]:
    from totalpeace.errors import InputError

    try:
        if "-" in text:
            first, last = (int(x) for x in text.split("-", 1))
            return list(range(first, last + 1))
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"--origins: expected FIRST-LAST or a comma list of years (got {text!r})") from None


def _backtest(console: Console, origins: str, levels: str, runs: int, seed: int, folder: Path) -> None:
    """The rolling-origin backtest: print the per-year scores and the means, write scores.csv and skill.csv."""
    from totalpeace.errors import InputError
    from totalpeace.validation.backtest import backtest, skill_table
    from totalpeace.validation.colombia_backtest import LEVELS, ORIGINS, PROBLEM

    years = _years(origins)
    bad = [y for y in years if y not in ORIGINS]
    if bad or not years:
        raise InputError(f"--origins: origins must lie in {ORIGINS[0]}-{ORIGINS[-1]} (the panel ends in 2021 and "
                         f"two years are forecast); got {', '.join(map(str, bad)) or 'none'}")
    chosen = [x.strip() for x in levels.split(",") if x.strip()]
    unknown = [x for x in chosen if x not in LEVELS]
    if unknown or not chosen:
        raise InputError(f"--levels: expected {' and/or '.join(LEVELS)} (got {levels!r})")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("backtest", total=len(years) * len(chosen))
        scores = backtest(PROBLEM, years, chosen, runs, seed,
                          progress=lambda what: bar.update(task, description=what, advance=1))
    folder.mkdir(parents=True, exist_ok=True)
    scores.to_csv(folder / "scores.csv", index=False)
    skill = skill_table(scores)
    skill.to_csv(folder / "skill.csv", index=False)
    table = Table(title=f"Rolling-origin backtest of homicides ({runs} runs per origin and level, seed {seed}): "
                        "mean absolute error per unit and year", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("level", "scope", "year", "origin", "observed", "CRPS", "MAE", "persist.", "3-yr mean"):
        table.add_column(col, justify="left" if col in ("level", "scope") else "right")
    for _, r in scores.iterrows():
        table.add_row(r["level"], r["scope"], str(r["year"]), str(r["origin"]), f"{r['observed']:,.0f}",
                      _score(r["crps"]), _score(r["mae"]), _score(r["mae_persistence"]), _score(r["mae_mean3"]))
    console.print(table)
    means = Table(title="Means over origins (skill = 1 - CRPS / baseline's error; positive: better than it)",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("level", "scope", "horizon", "CRPS", "MAE", "persist.", "skill", "3-yr mean", "skill"):
        means.add_column(col, justify="left" if col in ("level", "scope") else "right")
    for _, r in skill.iterrows():
        means.add_row(r["level"], r["scope"], str(r["horizon"]), _score(r["crps"]), _score(r["mae"]),
                      _score(r["mae_persistence"]), f"{r['skill_persistence']:+.2f}", _score(r["mae_mean3"]),
                      f"{r['skill_mean3']:+.2f}")
    console.print(means)
    console.print(f"Wrote {folder / 'scores.csv'} and {folder / 'skill.csv'}")


def _validation_inputs(spec_file: str | None, store: str | None) -> tuple[str, Any]:
    """The spec to validate and a function giving the default posterior of a calibration name.

    Without a spec: the spec.toml shipped with the calibration the flagship scenario names. A calibration's posterior
    is looked up in the results store first, then among the shipped calibrations.
    """
    from totalpeace.calibration.paramset import resolve, shipped_sets
    from totalpeace.errors import InputError
    from totalpeace.experiments.store import ResultsStore
    from totalpeace.scenario import load_scenario
    from totalpeace.scenario.loader import FLAGSHIP

    results = ResultsStore(store)

    def default_posterior(name: str) -> Path | None:
        shipped = shipped_sets()
        folders = [results.calibration_folder(name)] + ([shipped[name].parent] if name in shipped else [])
        return next((f / "posterior.parquet" for f in folders if (f / "posterior.parquet").is_file()), None)

    if spec_file is not None:
        return spec_file, default_posterior
    ref = load_scenario(FLAGSHIP).parameters.calibration
    if not ref:
        raise InputError(f"SPEC.toml: the flagship {FLAGSHIP!r} names no calibration: give a calibration file")
    folder = resolve(ref).parent
    if not (folder / "spec.toml").is_file():
        raise InputError(f"SPEC.toml: the calibration {ref!r} has no spec.toml beside it: give a calibration file")
    return str(folder / "spec.toml"), lambda _name: folder / "posterior.parquet"


def _score(x: float) -> str:
    """A CRPS for the terminal: whole numbers with separators when large, three significant digits when small."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _print_summary(console: Console, summary: Any) -> None:
    table = Table(title="Held-back years: CRPS (lower is better), skill against baselines, interval coverage",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("from", "target", "years", "CRPS", "persist.", "skill", "hist. mean", "skill", "50%", "80%",
                "95%"):
        table.add_column(col, justify="left" if col in ("from", "target", "years") else "right",
                         overflow="fold", no_wrap=col in ("from", "years"))
    for _, r in summary.iterrows():
        years = [y.strip() for y in str(r["years"]).split(",")]
        span = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"
        table.add_row(str(r["scenario"]).removeprefix("colombia-"), r["target"], span, _score(r["crps"]),
                      _score(r["crps_persistence"]), f"{r['skill_persistence']:+.2f}",
                      _score(r["crps_climatology"]), f"{r['skill_climatology']:+.2f}", f"{r['coverage50']:.0%}",
                      f"{r['coverage80']:.0%}", f"{r['coverage95']:.0%}")
    console.print(table)
