"""`totalpeace calibrate SPEC.toml` and `totalpeace validate SPEC.toml`: fit to history, then score held-back years."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from totalpeace.commands.options import AssumptionsChoice, ExecutorOpt, StoreOpt, WorkersOpt
from totalpeace.commands.progress import progress_bar
from totalpeace.paths import shown_path

SCREENING_EXTRA_ROWS = 5  # ranking rows printed below the last calibrated candidate
SpecArg = Annotated[str, typer.Argument(metavar="SPEC.toml", help="Calibration file (see docs/validation.md).")]
HoldOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Hold a registry parameter at one value in every scenario and posterior draw: "
    "parameters.NAME=VALUE (repeatable).")]


def _prepare(spec_file: str) -> tuple[Any, dict[str, Any], list[Any]]:
    """The spec, its scenarios by name, and the targets observed for those scenarios (scored by `validate`)."""
    from totalpeace.calibration.spec import load_spec
    from totalpeace.scenario import load_scenario
    from totalpeace.validation.targets import load_targets

    spec = load_spec(spec_file)
    scenarios = {}
    for ref in spec.scenarios:
        scenario = load_scenario(ref)
        scenarios[scenario.name] = scenario
    targets = [t for t in load_targets(spec.targets or None) if t.scenario in scenarios]
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
    """Fit the model to the pattern catalogue of Colombia's history: screen the candidate parameters (Morris), fit
    the chosen ones and the model forms with ABC-SMC, check the posterior against every pattern, and write the
    posterior, its checks, the form weights and a calibrated parameter set to the results store."""
    from totalpeace.calibration.method import Progress as Stages
    from totalpeace.calibration.method import run_calibration
    from totalpeace.calibration.output import calibration_files
    from totalpeace.errors import InputError
    from totalpeace.experiments.executors import make_executor
    from totalpeace.experiments.store import ResultsStore
    from totalpeace.validation.patterns import catalogue

    console = Console()
    spec, scenarios, _ = _prepare(spec_file)
    if not any(p.scenario in scenarios for p in catalogue(None if spec.patterns == "all" else list(spec.patterns))):
        raise InputError(f"{spec_file}: patterns: none of the chosen patterns runs on {', '.join(scenarios)} (the "
                         "catalogue's scenarios: colombia-1998, colombia-2012, colombia-2017)")
    budget = spec.budget_for(quick)
    if quick:  # a smoke test, not an inference: never in the place of (or in the way of) the real calibration
        spec = spec.model_copy(update={"name": f"{spec.name}-quick"})
    results = ResultsStore(store)
    results.check_writable()
    if spec.name in results.calibration_names() and not replace:
        raise InputError(f"calibration {spec.name!r} is already in the store {results.path}: add --replace to run it "
                         "again, or change the spec's name")
    started = time.time()
    forms = spec.form_fields()
    with results.lock(f"calibration.{spec.name}"), make_executor(executor, workers) as pool:
        console.print(f"Calibrating on the patterns of {', '.join(scenarios)} ({pool.description}): population "
                      f"{budget.population}, {budget.runs} runs per particle, at most {budget.max_simulations:,} "
                      f"simulations and {budget.generations} generations, no MCMC step after "
                      f"{budget.max_minutes:g} minutes; forms weighed: {', '.join(forms) or 'none'}")
        with progress_bar(console, "simulations") as bar:
            task = bar.add_task("probing the patterns", total=None)
            progress = Stages(stage=lambda label, n: bar.reset(task, total=n, description=label),
                                done=lambda: bar.advance(task))
            result = run_calibration(spec, scenarios, budget, pool, progress,
                                     on_screened=lambda s: _print_screening(console, spec, budget, s))
        minutes = (time.time() - started) / 60
        files = calibration_files(result, Path(spec_file), quick, minutes)
        folder = results.write_calibration(spec.name, files)
    from totalpeace.commands.calibration_tables import print_calibration

    print_calibration(console, folder)
    console.print(f"{result.simulations:,} particle simulations in {minutes:.1f} min. Wrote the calibration to "
                  f"{folder}: parameters.toml (use it in a scenario with parameters.calibration = "
                  f'"{folder.resolve()}"), posterior.parquet, generations.parquet, checks.parquet, '
                  f"identifiability.parquet, forms.parquet{', screening.parquet' if result.screening else ''}, "
                  f"calibration.json and spec.toml; `totalpeace query --store {results.path} \"SELECT * FROM "
                  f"form_weights WHERE calibration = '{spec.name}'\"` reads the form weights back")


def _print_screening(console: Console, spec: Any, budget: Any, result: Any) -> None:
    """The Morris ranking: the calibrated candidates and a few below them."""
    screening = spec.screening
    table = Table(title=f"Screening: mean mu* over the patterns (in half-bands), {budget.screening_trajectories} "
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


def validate(
    ctx: typer.Context,
    spec_file: Annotated[str | None, typer.Argument(metavar="[SPEC.toml]", help="Calibration file (default: the "
                                                    "one behind the flagship's calibrated parameters).")] = None,
    posterior: Annotated[Path | None, typer.Option("--posterior", help="posterior.parquet of a calibration (default: "
                                                   "the store's calibration of the spec's name, else the shipped "
                                                   "one).")] = None,
    uncalibrated: Annotated[bool, typer.Option("--uncalibrated", help="Score the scenarios' own parameters.")] = False,
    draws: Annotated[int, typer.Option("--draws", min=1, max=10_000, help="Posterior parameter sets (100: enough "
                                       "that most patterns' verdicts are settled, docs/validation.md 10.34).")] = 100,
    runs: Annotated[int | None, typer.Option("--runs", min=1, max=10_000, help="Runs per parameter set (default 5; "
                                             "with --backtest, runs per origin and level, default 20).")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the ensemble.")] = 1,
    store: StoreOpt = None,
    out: Annotated[str | None, typer.Option("--out", help="Output folder (default out/validation/NAME).")] = None,
    backtest: Annotated[bool, typer.Option("--backtest", help="Only the rolling-origin backtest of homicides by "
                                           "municipality and department (docs/validation.md section 7).")] = False,
    no_backtest: Annotated[bool, typer.Option("--no-backtest", help="Leave the backtest out of the page.")] = False,
    calibrations: Annotated[str | None, typer.Option("--calibrations", help="With --backtest: candidate "
                                                     "calibrations to compare (names in the store or shipped, "
                                                     "calibration folders by path, or 'defaults'), and the one the "
                                                     "selection rule picks.")] = None,
    seeds: Annotated[int, typer.Option("--seeds", min=1, max=20, help="With --backtest --calibrations: repeat the "
                                       "comparison over this many seeds (--seed, --seed + 1, ...), each drawing the "
                                       "posteriors and the runs anew, and say how often each calibration wins.")] = 1,
    origins: Annotated[str, typer.Option("--origins", help="Backtest origin years: FIRST-LAST or a comma list "
                                         "(2012-2019).")] = "2012-2019",
    levels: Annotated[str, typer.Option("--levels", help="Backtest levels: municipality, department or "
                                        "both, comma-separated.")] = "municipality,department",
    patterns: Annotated[str, typer.Option("--patterns", help="Pattern catalogue entries to evaluate: all, none, or "
                                          "a comma list of ids (docs/validation.md).")] = "all",
    hold: HoldOpt = None,
    assumptions: Annotated[AssumptionsChoice, typer.Option(
        "--assumptions", help="fixed: the unidentified assumptions (registry assumptions no set or scenario gives) "
        "keep their defaults, the calibration as it was fitted; drawn: every parameter set also draws them, from the "
        "calibration's candidates matched to history (assumptions.parquet) or else uniformly over their plausible "
        "ranges; auto (the default): drawn when the calibration matched them, as `run` does by default, so the page "
        "every run report links to scores the ensemble `run` draws.")] = AssumptionsChoice.auto,
    workers: Annotated[int, typer.Option("--workers", min=1, max=1024, help="Local worker processes for the pattern "
                                         "table's ensembles (the same numbers with any number).")] = 1,
) -> None:
    """Score the (calibrated) model against history on one page: the pattern catalogue (which of Colombia's
    historical patterns the ensemble reproduces), held-back years (CRPS, 50/80/95% coverage, against simple
    baselines), the rolling-origin backtest of homicides against persistence, and the calibration's diagnostics."""
    import numpy as np
    import pandas as pd

    from totalpeace.commands.reports import output_folder
    from totalpeace.errors import InputError
    from totalpeace.validation.holdout import Ensemble, draw_parameters, score_table, summary_table
    from totalpeace.validation.pattern_runs import evaluate, result_table
    from totalpeace.validation.report import write_validation_report

    console = Console()
    _refuse_conflicts(backtest, no_backtest, uncalibrated, posterior, calibrations)
    _refuse_ignored(ctx, backtest, no_backtest)
    if backtest and assumptions == AssumptionsChoice.drawn:
        raise InputError("--assumptions drawn: not with --backtest, which ranks the calibrations as they are (the "
                         "pattern table and the page's default backtest take it)")
    if backtest and hold:
        raise InputError("--set: not with --backtest, which ranks the calibrations as they are (use --set with the "
                         "pattern table, and --no-backtest or the default backtest of the page)")
    if seeds > 1 and not (backtest and calibrations):
        raise InputError("--seeds: only with --backtest --calibrations, where it says whether the selection rule's "
                         "choice holds from one seed to another")
    if backtest:
        folder = output_folder(out, Path("out") / "validation" / "backtest")  # before the forecasts, not after
        _backtest_only(console, origins, levels, runs or 20, seed, folder, calibrations, store, seeds)
        return
    runs = runs or 5
    chosen = _pattern_choice(patterns)
    spec_file, default_posterior = _validation_inputs(spec_file, store)
    spec, scenarios, targets = _prepare(spec_file)
    path = posterior or default_posterior(spec.name)
    sets, matched = None, None
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
        if assumptions != AssumptionsChoice.fixed:
            from totalpeace.uncertainty.posterior import matched_sample

            matched = matched_sample(path.parent, frame, "--assumptions")[0]
        sets = draw_parameters(frame if matched is None else matched, draws, seed)
    held = _held_parameters(hold, spec.scenarios[0])
    if held:  # explicit values win over the draws, as in a scenario that names a calibration
        sets = [{**s, **held} for s in sets] if sets is not None else [held]
        console.print("Held in every scenario and draw: " + ", ".join(f"{k} = {v:g}" for k, v in held.items()))
    assumed = ""
    if assumptions == AssumptionsChoice.drawn or matched is not None:
        from totalpeace.uncertainty.assumptions import with_assumptions

        before = set((sets or [{}])[0])
        sets = with_assumptions(sets if sets is not None else [{}] * draws, scenarios.values(), seed)
        uniform = len(set(sets[0]) - before)
        assumed = ("unidentified assumptions drawn with the calibrated parameters from the candidates history does "
                   f"not reject (assumptions.parquet beside {shown_path(path)})" if matched is not None else "")
        jointly = sorted(set(held) & set(matched.columns)) if matched is not None else []
        if jointly:  # the sample kept combinations: holding one leaves the others at values matched with it varying
            assumed += (f"; {', '.join(jointly)} held while the other parameters and assumptions keep the values "
                        "the sample matched with it drawn (--assumptions fixed shows what the held value does alone)")
        if uniform:
            assumed += f"{'; ' if assumed else ''}{uniform} unidentified assumptions drawn from their plausible ranges"
        console.print(f"Each of the {len(sets)} parameter sets: {assumed}")
    # the backtest takes a few of the draws (or the held values alone, over as many runs as without them)
    backtest_sets = sets[:BACKTEST_DRAWS] if sets else None
    backtest_runs = 20 if uncalibrated else BACKTEST_RUNS
    folder = output_folder(out, Path("out") / "validation" / spec.name)  # before the simulations, not after
    started = time.time()
    ensembles = _simulate_all(console, scenarios, targets, chosen, runs, seed, sets, workers)
    seconds = time.time() - started
    scores = score_table(targets, {name: Ensemble(ensembles[name].targets) for name in scenarios})
    summary = summary_table(scores)
    if len(summary):
        _print_summary(console, summary)
    draw_of_run = np.repeat(np.arange(len(sets or [{}])), runs)  # runs of one parameter set share its draw
    table = result_table(evaluate(chosen, {k: e.outputs for k, e in ensembles.items()}, draw_of_run))
    if len(table):
        _print_patterns(console, table)
    skill = None
    if not no_backtest:
        skill = _backtest_table(console, origins, levels, seed, backtest_sets, backtest_runs)
    calibration = _calibration_diagnostics(console, path if sets is not None else None)
    scores.to_csv(folder / "scores.csv", index=False)
    summary.to_csv(folder / "summary.csv", index=False)
    table.to_csv(folder / "patterns.csv", index=False)
    if skill is not None:
        skill.to_csv(folder / "backtest.csv", index=False)
    members = len(sets or [{}]) * runs
    drawn = 'scenario defaults (uncalibrated)' if uncalibrated else f'{draws} draws from {shown_path(path)}'
    provenance = [f"calibration file {shown_path(spec_file)}",
                  f"parameters: {drawn}" + "".join(f"; {k} held at {v:g}" for k, v in held.items())
                  + (f"; {assumed}" if assumed else ""),
                  f"{members} ensemble members per scenario ({len(sets or [{}])} parameter sets x {runs} runs), "
                  f"seed {seed}; {len(ensembles)} ensembles simulated in {seconds:.0f} s"]
    if skill is not None:
        provenance.append(f"backtest: origins {origins}, levels {levels}, "
                          f"{len(backtest_sets or [{}])} parameter sets x {backtest_runs} runs per origin and "
                          f"level, seed {seed}")
    report = write_validation_report(folder / "validation.html", scores, summary, provenance, patterns=table,
                                     backtest=skill, calibration=calibration)
    console.print(f"{len(ensembles)} ensembles of {members} runs simulated in {seconds:.0f} s. Wrote "
                  f"{folder / 'scores.csv'}, {folder / 'summary.csv'}, {folder / 'patterns.csv'}"
                  f"{', ' + str(folder / 'backtest.csv') if skill is not None else ''} and {report}")


def match_assumptions(
    spec_file: Annotated[str | None, typer.Argument(metavar="[SPEC.toml]", help="Calibration file (default: the "
                                                    "one behind the flagship's calibrated parameters).")] = None,
    candidates: Annotated[int, typer.Option("--candidates", min=1, max=1_000_000, help="Candidate pairs of a "
                                            "posterior particle and an assumption draw to simulate.")] = 2400,
    posterior: Annotated[Path | None, typer.Option("--posterior", help="posterior.parquet of a calibration (default: "
                                                   "the store's calibration of the spec's name, else the shipped "
                                                   "one).")] = None,
    out: Annotated[str | None, typer.Option("--out", help="Folder for assumptions.parquet (default: the "
                                            "posterior's, where run plans find it).")] = None,
    workers: WorkersOpt = None,
    executor: ExecutorOpt = "local",
    store: StoreOpt = None,
) -> None:
    """Weigh the unidentified assumptions by history: simulate posterior particles with uniform draws of every
    assumption no calibration fits, keep the pairs the patterns do not reject (within the posterior's tolerance), and
    write them beside the posterior, where `run` and `compare` draw from them by default (docs/validation.md 11.6)."""
    import pandas as pd

    from totalpeace.calibration.matching import ASSUMPTIONS_FILE, match_assumptions, write_matched
    from totalpeace.calibration.output import posterior_tolerance
    from totalpeace.commands.reports import output_folder
    from totalpeace.errors import InputError
    from totalpeace.experiments.executors import make_executor

    console = Console()
    spec_file, default_posterior = _validation_inputs(spec_file, store)
    spec, scenarios, _ = _prepare(spec_file)
    path = posterior or default_posterior(spec.name)
    if path is None or not path.is_file():
        raise InputError(f"--posterior: no posterior at {path or 'the results store or the shipped sets'} (run "
                         f"`totalpeace calibrate {spec_file}` first)")
    try:
        frame = pd.read_parquet(path)
        generations = path.parent / "generations.parquet"
        tolerance = posterior_tolerance(pd.read_parquet(generations)) if generations.is_file() \
            else float(frame["distance"].max())
    except Exception as exc:
        raise InputError(f"--posterior: cannot read {path} and its tolerance: {exc}") from None
    folder = output_folder(out, path.parent)
    budget = spec.budget_for(False)
    started = time.time()
    with make_executor(executor, workers) as pool, progress_bar(console, "simulations") as bar:
        console.print(f"Matching the assumptions of {spec.name} on the patterns of {', '.join(scenarios)} "
                      f"({pool.description}): {candidates:,} candidates, {budget.runs} runs each, tolerance "
                      f"{tolerance:.3f}")
        task = bar.add_task("candidates", total=candidates)
        matched = match_assumptions(spec, scenarios, budget, frame, tolerance, candidates, pool,
                                    done=lambda: bar.advance(task))
    if matched.accepted == 0:
        raise InputError(f"none of the {candidates:,} candidates is within the tolerance {tolerance:.3f}: run plans "
                         "would have nothing to draw from, so nothing was written (try more --candidates)")
    written = write_matched(matched, folder, spec.name)
    if matched.unfitted:
        console.print(f"note: left out of the distance, as the posterior's tolerance was measured without them: "
                      f"{', '.join(matched.unfitted)} (added to the catalogue since the calibration; `totalpeace "
                      f"calibrate` fits them)")
    minutes = (time.time() - started) / 60
    share = matched.accepted / candidates
    home = path.resolve().parent
    console.print(f"{matched.accepted:,} of {candidates:,} candidates ({share:.0%}) within the tolerance, "
                  f"{len(matched.names)} assumptions each, in {minutes:.1f} min. Wrote {written}"
                  + ("" if folder.resolve() == home else f" (run plans read it beside the posterior: copy it to "
                                                         f"{home / ASSUMPTIONS_FILE})"))


BACKTEST_DRAWS, BACKTEST_RUNS = 20, 1  # posterior draws x runs per origin and level in `validate`'s backtest: the
# draws vary the scores far more than the runs do (docs/validation.md 7.2)


def _held_parameters(texts: list[str] | None, scenario_ref: str) -> dict[str, float]:
    """`--set parameters.NAME=VALUE`: registry parameters held at one value, checked as a scenario checks them (the
    error names the field). Only parameters: the backtest's scenarios are built from data, not from the spec's."""
    from totalpeace.errors import InputError
    from totalpeace.scenario import load_scenario
    from totalpeace.scenario.params import BY_NAME
    from totalpeace.scenario.paths import once_each, suggest

    names = []
    for text in texts or []:
        path, sep, _ = (part.strip() for part in text.partition("="))
        name = path.removeprefix("parameters.")
        if not sep:
            raise InputError(f"--set {text}: expected parameters.NAME=VALUE")
        if not path.startswith("parameters.") or name not in BY_NAME:
            hint = suggest(name, list(BY_NAME)) if path.startswith("parameters.") else ""
            raise InputError(f"--set {text}: validate holds registry parameters only, as parameters.NAME=VALUE "
                             f"(docs/scenarios.md 4.8){hint}")
        names.append(name)
    if not names:
        return {}
    checked = load_scenario(scenario_ref, once_each(list(texts or []))).parameters
    return {name: float(getattr(checked, name)) for name in dict.fromkeys(names)}


def _calibration_diagnostics(console: Console, posterior: Path | None) -> dict[str, Any] | None:
    """Print and return the diagnostics stored beside a posterior (none for an uncalibrated ensemble)."""
    if posterior is None:
        return None
    from totalpeace.calibration.output import read_calibration
    from totalpeace.commands.calibration_tables import print_calibration

    found = read_calibration(posterior.parent)
    console.print(f"[bold]The calibration behind these numbers[/bold] ({posterior.parent})")
    print_calibration(console, posterior.parent)
    return found


def _refuse_conflicts(backtest: bool, no_backtest: bool, uncalibrated: bool, posterior: Path | None,
                      calibrations: str | None) -> None:
    """Flags that contradict each other, or that the chosen mode would ignore: refused, so that the page scores
    what was asked for."""
    from totalpeace.errors import InputError

    if backtest and no_backtest:
        raise InputError("--backtest and --no-backtest: choose one (--backtest runs only the backtest, "
                         "--no-backtest leaves it out of the page)")
    if uncalibrated and posterior is not None:
        raise InputError("--posterior: not with --uncalibrated, which scores the scenarios' own parameters and "
                         "draws nothing from a posterior (choose one)")
    if calibrations is not None and not backtest:
        raise InputError("--calibrations: only with --backtest, which compares the candidate calibrations (the "
                         "page's own backtest scores the posterior being validated)")


# What each mode of `validate` leaves unread: given with it, a flag would change nothing the user sees.
NOT_READ_BY_BACKTEST = {"spec_file": "SPEC.toml", "posterior": "--posterior", "uncalibrated": "--uncalibrated",
                        "draws": "--draws", "patterns": "--patterns"}
NOT_READ_WITHOUT_BACKTEST = {"origins": "--origins", "levels": "--levels"}


def _refuse_ignored(ctx: typer.Context, backtest: bool, no_backtest: bool) -> None:
    """Flags the chosen mode would not read, given on the command line (not left at their defaults): refused."""
    from totalpeace.errors import InputError

    def given(names: dict[str, str]) -> list[str]:  # by name: typer's context may carry its own copy of the enum
        sources = {name: ctx.get_parameter_source(name) for name in names}
        return [flag for name, flag in names.items()
                if sources[name] is not None and sources[name].name not in ("DEFAULT", "DEFAULT_MAP")]

    if backtest and (unread := given(NOT_READ_BY_BACKTEST)):
        raise InputError(f"{', '.join(unread)}: not with --backtest, which forecasts homicides with the flagship's "
                         "calibration (or the --calibrations it compares) and scores no pattern; leave them out, or "
                         "drop --backtest for the page")
    if no_backtest and (unread := given(NOT_READ_WITHOUT_BACKTEST)):
        raise InputError(f"{', '.join(unread)}: the backtest's, not read with --no-backtest (leave them out, or drop "
                         "--no-backtest)")


def _pattern_choice(text: str) -> list[Any]:
    from totalpeace.errors import InputError
    from totalpeace.validation.patterns import catalogue

    names = [x.strip() for x in text.split(",") if x.strip()]
    if not names:  # would otherwise read as "all"
        raise InputError("--patterns: empty; give all, none or a comma list of pattern ids (docs/validation.md)")
    if names == ["none"]:
        return []
    return catalogue(None if names == ["all"] else names)


def sets_keeping_own(scenario: Any, sets: list[dict[str, float]] | None) -> list[dict[str, float]] | None:
    """The parameter sets without the values the scenario sets itself: a scenario keeps them, as its runs do. A value
    the scenario's own calibration supplies (the same number) is the calibration's, as `totalpeace show` reads it."""
    from totalpeace.calibration.paramset import describe_set, set_by_scenario

    supplied = (describe_set(scenario.parameters.calibration) or {}).get("parameters", {})
    own = set_by_scenario(scenario.parameters, supplied)
    return [{k: v for k, v in s.items() if k not in own} for s in sets] if sets and own else sets


def _simulate_all(console: Console, scenarios: dict[str, Any], targets: list[Any], patterns: list[Any], runs: int,
                  seed: int, sets: list[dict[str, float]] | None, workers: int = 1) -> dict[str, Any]:
    """One ensemble per scenario of the spec and per scenario or variant the patterns read, with a progress bar
    (`workers` > 1: the parameter sets run in as many local worker processes).

    The spec's scenarios are scored as the calibration fitted them: each set's values replace theirs. A scenario
    outside the spec (the flagship's start checks) keeps the values it sets itself, as its runs do (`run` draws only
    the parameters a scenario leaves to its calibration: uncertainty/posterior.load_posterior)."""
    from totalpeace.experiments.executors import make_executor
    from totalpeace.scenario import load_scenario
    from totalpeace.validation.pattern_runs import ensembles_needed, simulate_ensemble

    jobs = {name: scenario for name, scenario in scenarios.items()}
    outside: set[str] = set()  # scenarios the patterns read that the spec does not fit
    for key, (name, overrides) in ensembles_needed(patterns).items():
        if key not in jobs:
            jobs[key] = load_scenario(name, list(overrides))
            outside.add(key)
    per_job = len(sets or [{}]) * runs
    out = {}
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(make_executor("local", workers)) if workers > 1 else None
        bar = stack.enter_context(Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                           TimeElapsedColumn(), console=console))
        task = bar.add_task("simulating", total=per_job * len(jobs))
        for key, scenario in jobs.items():
            bar.update(task, description=f"simulating {key}")
            mine = [t for t in targets if t.scenario == key]
            its_sets = sets_keeping_own(scenario, sets) if key in outside else sets
            out[key] = simulate_ensemble(scenario, runs, seed, its_sets, targets=mine,
                                         progress=lambda n: bar.update(task, advance=n), pool=pool)
    return out


def _print_patterns(console: Console, table: Any) -> None:
    """The pattern table, then one measured sentence per pattern that is not reproduced."""
    from totalpeace.validation.history import share_text
    from totalpeace.validation.patterns import fmt
    from totalpeace.validation.report import unsettled

    out = Table(title="Patterns of Colombia's history: observed, the band that counts, model median and 80% "
                      "interval, share of runs reproducing", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("pattern", "observed", "band", "model median (80%)", "runs", "ok"):
        out.add_column(col, justify="left" if col in ("pattern", "ok") else "right", no_wrap=col in ("pattern", "ok"),
                       min_width={"runs": 8, "ok": 6}.get(col))  # the verdict and its share are never cut
    short = {"reproduced": "yes", "not reproduced": "no", "not yet produced": "n.p."}
    for _, r in table.iterrows():
        produced = r["status"] != "not yet produced"
        model = f"{fmt(r['median'])} ({fmt(r['q10'])} to {fmt(r['q90'])})" if produced else ""
        model += "+" if produced and r["undefined"] > 0 else ""
        out.add_row(r["pattern"], r["observed"], r["criterion"], model, share_text(r, "\n") if produced else "",
                    short[r["status"]] + ("" if r["settled"] else "?")
                    + ("" if r["independent"] else " *"))
    console.print(out)
    counts = table["status"].value_counts()
    console.print(f"{counts.get('reproduced', 0)} reproduced, {counts.get('not reproduced', 0)} not reproduced, "
                  f"{counts.get('not yet produced', 0)} not yet produced by the model (n.p.). A pattern is reproduced "
                  "when half the runs or more meet its criterion; the runs' share is given with its 90% interval "
                  "over the parameter draws, and ? marks a verdict these runs do not settle (the interval holds one "
                  f"half: {unsettled(table)} of them; more draws decide it); * marks a pattern the scenario's inputs "
                  "fix (not an independent test); + a median over the runs where the event happens (a table that "
                  "signs, breaks down).")
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


def _backtest_settings(origins: str, levels: str) -> tuple[list[int], list[str]]:
    from totalpeace.errors import InputError
    from totalpeace.validation.colombia_backtest import LEVELS, ORIGINS

    years = _years(origins)
    bad = [y for y in years if y not in ORIGINS]
    if bad or not years:
        raise InputError(f"--origins: origins must lie in {ORIGINS[0]}-{ORIGINS[-1]} (the panel ends in 2021 and "
                         f"two years are forecast); got {', '.join(map(str, bad)) or 'none'}")
    chosen = [x.strip() for x in levels.split(",") if x.strip()]
    unknown = [x for x in chosen if x not in LEVELS]
    if unknown or not chosen:
        raise InputError(f"--levels: expected {' and/or '.join(LEVELS)} (got {levels!r})")
    return years, chosen


def _backtest_table(console: Console, origins: str, levels: str, seed: int,
                    settings: list[dict[str, Any]] | None, runs: int) -> Any:
    """`validate`'s backtest: the calibration's posterior draws (or the flagship's parameters), means over origins."""
    from totalpeace.validation.backtest import backtest, skill_table
    from totalpeace.validation.colombia_backtest import PROBLEM

    years, chosen = _backtest_settings(origins, levels)
    with progress_bar(console, "forecasts") as bar:
        task = bar.add_task("backtest", total=len(years) * len(chosen))
        scores = backtest(PROBLEM, years, chosen, runs, seed, settings=settings,
                          progress=lambda what: bar.update(task, description=f"backtest: {what}", advance=1))
    skill = skill_table(scores)
    _print_skill(console, skill, f"Rolling-origin backtest of homicides, {years[0]}-{years[-1]} origins "
                                 f"({len(settings or [{}])} parameter sets x {runs} runs): means over origins")
    return skill


def _print_skill(console: Console, skill: Any, title: str, by: str | None = None) -> None:
    """Means over origins: the model's CRPS beside each baseline's, skill against persistence with Poisson noise (the
    probabilistic baseline) and the coverage of the 80% intervals (backtest.csv has every column)."""
    means = Table(title=title + " (CRPS per unit and year, lower is better; skill = 1 - CRPS / Poisson's)",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    columns = ([by] if by else []) + ["level", "scope", "h", "CRPS", "persist.", "3-yr mean", "Poisson", "skill",
                                      "cover 80%", "Poisson 80%"]
    for col in columns:
        means.add_column(col, justify="left" if col in ("level", "scope", by) else "right")
    for _, r in skill.iterrows():
        means.add_row(*([str(r[by])] if by else []), r["level"][:4], "units" if r["scope"] == "territories" else
                      "nation", str(r["horizon"]), _score(r["crps"]), _score(r["mae_persistence"]),
                      _score(r["mae_mean3"]), _score(r["crps_poisson"]), f"{r['skill_poisson']:+.2f}",
                      f"{r['coverage80']:.0%}", f"{r['coverage80_poisson']:.0%}")
    console.print(means)


def _is_folder(name: str) -> bool:
    """A candidate given as a path (it has a separator or starts with '.' or '~'), not a calibration's name."""
    return "/" in name or "\\" in name or name.startswith((".", "~"))


def _candidate_settings(names: str, store: str | None, draws: int, seed: int) -> dict[str, Any]:
    """Candidate calibrations -> settings drawn from their posteriors; 'defaults' is the registry's defaults."""
    from totalpeace.calibration.paramset import shipped_sets
    from totalpeace.errors import InputError
    from totalpeace.experiments.store import ResultsStore
    from totalpeace.scenario.forms import posterior_draws
    from totalpeace.scenario.params import PARAMETERS
    from totalpeace.validation.backtest import REGISTRY_DEFAULTS

    results, shipped, unfitted = ResultsStore(store), shipped_sets(), _flagship_calibration_defaults()
    out: dict[str, Any] = {}
    for name in [x.strip() for x in names.split(",") if x.strip()]:
        if name == REGISTRY_DEFAULTS:
            out[name] = [{p.name: float(p.default) for p in PARAMETERS}]
            continue
        if _is_folder(name):  # a calibration's folder itself: a refit beside the shipped one of the same name
            folder = Path(name).expanduser()
            if not (folder / "posterior.parquet").is_file():
                raise InputError(f"--calibrations: {name}: no posterior.parquet there (give a calibration's folder, "
                                 f"such as STORE/calibrations/NAME, or a calibration's name)")
        else:
            folders = [results.calibration_folder(name)] + ([shipped[name].parent] if name in shipped else [])
            folder = next((f for f in folders if (f / "posterior.parquet").is_file()), None)
            if folder is None:
                raise InputError(f"--calibrations: no calibration named {name!r} in the store {results.path} or "
                                 f"among the shipped ones ({', '.join(shipped) or 'none'}); a folder is named by "
                                 "its path")
        # each candidate on its own draws: where it draws nothing, the registry default, not the shipped value
        out[name] = [{**{k: v for k, v in unfitted.items() if k not in s}, **s}
                     for s in posterior_draws(folder, draws, seed)]
    if len(out) < 1:
        raise InputError("--calibrations: name at least one calibration")
    return out


def _flagship_calibration_defaults() -> dict[str, float]:
    """The registry default of every parameter the flagship's own calibration supplies. The backtest's scenarios start
    from the flagship's parameters, so a candidate that does not draw one of these takes its default here: otherwise
    it would be scored with the shipped calibration's value where it has none of its own, and its score would change
    with whichever calibration ships (a flagship running on it keeps the registry defaults there)."""
    from totalpeace.calibration.paramset import describe_set
    from totalpeace.scenario import load_scenario
    from totalpeace.scenario.loader import FLAGSHIP
    from totalpeace.scenario.params import BY_NAME

    supplied = (describe_set(load_scenario(FLAGSHIP).parameters.calibration) or {}).get("parameters", {})
    return {k: float(BY_NAME[k].default) for k in supplied}


def _backtest_only(console: Console, origins: str, levels: str, runs: int, seed: int, folder: Path,
                   calibrations: str | None, store: str | None, seeds: int = 1) -> None:
    """The rolling-origin backtest: print the per-year scores and the means, write scores.csv and skill.csv; with
    candidate calibrations, compare them (over `seeds` seeds from `seed`) and apply the selection rule."""
    import pandas as pd

    from totalpeace.validation.backtest import backtest, compare_calibrations, select_calibration, skill_table
    from totalpeace.validation.colombia_backtest import PROBLEM

    years, chosen = _backtest_settings(origins, levels)
    candidates = _candidate_settings(calibrations, store, BACKTEST_DRAWS, seed) if calibrations is not None else None
    with progress_bar(console, "forecasts") as bar:
        total = len(years) * len(chosen) * (len(candidates) * seeds if candidates else 1)
        task = bar.add_task("backtest", total=total)
        advance = lambda what: bar.update(task, description=what, advance=1)  # noqa: E731
        if candidates:
            parts = []
            for s in range(seed, seed + seeds):  # each seed draws the posteriors and the runs anew
                drawn = candidates if s == seed else _candidate_settings(calibrations, store, BACKTEST_DRAWS, s)
                parts.append(compare_calibrations(PROBLEM, drawn, years, chosen, runs, s, progress=advance))
            scores = pd.concat(parts, ignore_index=True)
        else:
            scores = backtest(PROBLEM, years, chosen, runs, seed, progress=advance)
    scores.to_csv(folder / "scores.csv", index=False)
    if candidates:
        skill = skill_table(scores, by=["candidate"])
        skill.to_csv(folder / "skill.csv", index=False)
        _print_skill(console, skill, "Candidate calibrations on the rolling-origin backtest", by="candidate")
        best, ranking = select_calibration(scores)
        ranking.to_csv(folder / "selection.csv", index=False)
        _print_selection(console, best, ranking)
        console.print(f"Wrote {folder / 'scores.csv'}, {folder / 'skill.csv'} and {folder / 'selection.csv'}")
        return
    table = Table(title=f"Rolling-origin backtest of homicides ({runs} runs per origin and level, seed {seed}): "
                        "scores per unit and year", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("level", "scope", "year", "origin", "observed", "CRPS", "MAE", "persist.", "3-yr mean", "Poisson",
                "cover 80%"):
        table.add_column(col, justify="left" if col in ("level", "scope") else "right")
    for _, r in scores.iterrows():
        table.add_row(r["level"], r["scope"], str(r["year"]), str(r["origin"]), f"{r['observed']:,.0f}",
                      _score(r["crps"]), _score(r["mae"]), _score(r["mae_persistence"]), _score(r["mae_mean3"]),
                      _score(r["crps_poisson"]), f"{r['coverage80']:.0%}")
    console.print(table)
    skill = skill_table(scores)
    skill.to_csv(folder / "skill.csv", index=False)
    _print_skill(console, skill, "Means over origins")
    console.print(f"Wrote {folder / 'scores.csv'} and {folder / 'skill.csv'}")


def _print_selection(console: Console, best: str, ranking: Any) -> None:
    from totalpeace.validation.backtest import REGISTRY_DEFAULTS, SELECTION_LEVEL

    table = Table(title=f"Selection rule: lowest mean CRPS of the {SELECTION_LEVEL} forecasts (all origins, both "
                        "horizons) among the calibrations; beside it, whether it beats persistence with Poisson "
                        "noise and the registry defaults", box=box.SIMPLE_HEAD)
    seeds = int(ranking["seeds"].iloc[0])
    columns = ["candidate", "CRPS"] + (["± sd (seeds)", "wins"] if seeds > 1 else []) + [
        "Poisson CRPS", "skill", "national CRPS", "cover 80%", "beats baseline"]
    for col in columns:
        table.add_column(col, justify="left" if col == "candidate" else "right")
    for _, r in ranking.iterrows():
        spread = [_score(r["crps_sd"]), f"{r['wins']} of {seeds}" if r["candidate"] != REGISTRY_DEFAULTS else "–"]
        table.add_row(str(r["candidate"]), _score(r["crps"]), *(spread if seeds > 1 else []), _score(r["crps_poisson"]),
                      f"{r['skill_poisson']:+.2f}", _score(r["national_crps"]), f"{r['coverage80']:.0%}",
                      "yes" if r["beats_baseline"] else "no")
    console.print(table)
    chosen = ranking[ranking["candidate"] == best].iloc[0]
    console.print(f"[bold]Selected for the flagship's defaults: {best}[/bold]"
                  + ("" if chosen["beats_baseline"] else " — it does not beat persistence with Poisson noise: the "
                     f"model adds no forecasting skill over last year's counts at {SELECTION_LEVEL} level."))
    if seeds > 1 and (ranking["candidate"] != REGISTRY_DEFAULTS).sum() > 1:  # wins among several calibrations
        held = chosen["wins"] == seeds
        console.print(f"Over {seeds} seeds (each drawing the posteriors and the runs anew) it has the lowest CRPS in "
                      f"{chosen['wins']}: " + ("the choice holds from one seed to another." if held else
                                               "within the noise of a new seed, so the choice is not decisive; "
                                               "more seeds or runs (--runs) would settle it."))
    defaults = ranking[ranking["candidate"] == REGISTRY_DEFAULTS]
    if best != REGISTRY_DEFAULTS and len(defaults):
        base = defaults.iloc[0]
        verdict = "beats" if chosen["crps"] < base["crps"] else "does not beat"
        def at(column: str) -> str:
            return f", below them in {int(chosen[column])} of {seeds} seeds" if seeds > 1 else ""

        console.print(f"Against the registry defaults (a baseline without a posterior): {best} {verdict} them at "
                      f"{SELECTION_LEVEL} level (CRPS {_score(chosen['crps'])} against {_score(base['crps'])}"
                      f"{at('below_defaults')}); national CRPS {_score(chosen['national_crps'])} against "
                      f"{_score(base['national_crps'])}{at('below_defaults_national')}.")


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
