"""`totalpeace calibrate SPEC.toml` and `totalpeace validate SPEC.toml`: fit to history, then score held-back years."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

SpecArg = Annotated[str, typer.Argument(metavar="SPEC.toml", help="Calibration file (see docs/validation.md).")]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=256, help="Local worker processes.")]
DEFAULT_OUT = Path("out") / "calibration"


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
    quick: Annotated[bool, typer.Option("--quick", help="The file's small [quick] budget (minutes).")] = False,
    workers: WorkersOpt = 1,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default out/calibration/NAME).")] = None,
) -> None:
    """Fit the spec's parameters to history with ABC-SMC; write the posterior and a calibrated parameter set."""
    from totalpeace import __version__
    from totalpeace.calibration.abc import run_abc
    from totalpeace.calibration.paramset import write_set
    from totalpeace.validation.targets import observed

    console = Console()
    spec, scenarios, targets = _prepare(spec_file, use="calibrate")
    budget = spec.budget_for(quick)
    folder = out or DEFAULT_OUT / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    console.print(f"Calibrating {len(spec.parameters)} parameters on {len(targets)} targets of "
                  f"{', '.join(scenarios)}: population {budget.population}, up to {budget.generations} generations, "
                  f"{budget.runs} runs per particle, {workers} worker(s), at most {budget.max_minutes:g} minutes")
    started = time.time()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[evals]} simulations"), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("starting", total=budget.population, evals=0)
        state = {"evals": 0}

        def on_task(tries: int) -> None:
            state["evals"] += tries
            bar.update(task, advance=1, evals=state["evals"])

        def on_batch(index: int, n: int) -> None:
            label = "distance scales (prior sample)" if index == 0 else f"generation {index - 1}"
            bar.reset(task, total=n, description=label, evals=state["evals"])

        posterior = run_abc(spec, scenarios, targets, budget, observed(targets), workers=workers,
                            db_path=folder / "abc.db", on_task=on_task, on_batch=on_batch)
    minutes = (time.time() - started) / 60
    frame = posterior.frame()
    frame.to_parquet(folder / "posterior.parquet", index=False)
    posterior.generations.to_csv(folder / "generations.csv", index=False)
    medians, lo, hi = posterior.quantiles(0.5), posterior.quantiles(0.05), posterior.quantiles(0.95)
    spec_text = Path(spec_file).read_text(encoding="utf-8")
    provenance = {
        "spec": str(spec_file), "spec_sha256": hashlib.sha256(spec_text.encode()).hexdigest(),
        "scenarios": list(scenarios), "targets": len(targets), "quick": quick, "seed": budget.seed,
        "population": budget.population, "generations": len(posterior.generations),
        "runs_per_particle": budget.runs, "simulations": posterior.evaluations,
        "final_epsilon": float(posterior.generations["epsilon"].iloc[-1]), "minutes": round(minutes, 2),
        "totalpeace_version": __version__, "data_up_to": "2021 (targets.csv; nothing after August 2022)",
    }
    write_set(folder / "parameters.toml", spec.name, medians, provenance,
              {k: (lo[k], hi[k]) for k in medians})
    (folder / "calibration.json").write_text(json.dumps(
        {"provenance": provenance, "priors": spec.prior_bounds(), "targets": [t.key for t in targets],
         "posterior_median": medians, "interval90": {k: [lo[k], hi[k]] for k in medians},
         "generations": posterior.generations.to_dict(orient="records")}, indent=2), encoding="utf-8")
    gens = Table(title="Generations")
    for col in ("t", "epsilon", "simulations", "acceptance"):
        gens.add_column(col, justify="right")
    for _, g in posterior.generations.iterrows():
        gens.add_row(str(int(g["t"])), f"{g['epsilon']:.4g}", str(int(g["evaluations"])), f"{g['acceptance']:.2f}")
    console.print(gens)
    table = Table(title=f"Posterior ({len(frame)} particles, {posterior.evaluations} simulations, {minutes:.1f} min)")
    for col in ("parameter", "prior", "median", "90% interval"):
        table.add_column(col)
    for name, (a, b) in spec.prior_bounds().items():
        table.add_row(name, f"U({a:g}, {b:g})", f"{medians[name]:.4g}", f"{lo[name]:.4g} - {hi[name]:.4g}")
    console.print(table)
    console.print(f"Wrote {folder / 'posterior.parquet'}, {folder / 'parameters.toml'} (use it with "
                  f'parameters.calibration = "{(folder / "parameters.toml").resolve()}"), '
                  f"{folder / 'calibration.json'} and {folder / 'abc.db'}")


def validate(
    spec_file: SpecArg,
    posterior: Annotated[Path | None, typer.Option("--posterior", help="posterior.parquet of a calibration (default: "
                                                   "out/calibration/NAME/posterior.parquet if it exists).")] = None,
    uncalibrated: Annotated[bool, typer.Option("--uncalibrated", help="Score the scenarios' own parameters.")] = False,
    draws: Annotated[int, typer.Option("--draws", min=1, max=10_000, help="Posterior parameter sets.")] = 20,
    runs: Annotated[int, typer.Option("--runs", min=1, max=10_000, help="Runs per parameter set.")] = 5,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the ensemble.")] = 1,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default out/validation/NAME).")] = None,
) -> None:
    """Score the (calibrated) model on held-back years: CRPS, 50/80/95% coverage, against simple baselines."""
    import pandas as pd

    from totalpeace.errors import InputError
    from totalpeace.validation.holdout import draw_parameters, score_table, simulate_targets, summary_table
    from totalpeace.validation.report import write_validation_report

    console = Console()
    spec, scenarios, targets = _prepare(spec_file, use=None)
    path = posterior or DEFAULT_OUT / spec.name / "posterior.parquet"
    sets = None
    if not uncalibrated:
        if not path.is_file():
            raise InputError(f"--posterior: no posterior at {path} (run `totalpeace calibrate {spec_file}` first, "
                             "or pass --uncalibrated)")
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:
            raise InputError(f"--posterior: cannot read {path}: {exc}") from None
        if "weight" not in frame.columns:
            raise InputError(f"--posterior: {path} has no weight column")
        sets = draw_parameters(frame, draws, seed)
    per_set = runs
    total = sum(len(sets or [{}]) * per_set for _ in scenarios)
    ensembles = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("simulating", total=total)
        for name, scenario in scenarios.items():
            mine = [t for t in targets if t.scenario == name]
            ensembles[name] = simulate_targets(scenario, mine, per_set, seed, sets,
                                               progress=None)
            bar.update(task, advance=len(sets or [{}]) * per_set)
    scores = score_table(targets, ensembles)
    summary = summary_table(scores)
    _print_summary(console, summary)
    folder = out or Path("out") / "validation" / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    scores.to_csv(folder / "scores.csv", index=False)
    summary.to_csv(folder / "summary.csv", index=False)
    members = len(sets or [{}]) * per_set
    provenance = [f"calibration file {spec_file}",
                  f"parameters: {'scenario defaults (uncalibrated)' if sets is None else f'{draws} draws from {path}'}",
                  f"{members} ensemble members per scenario, seed {seed}"]
    report = write_validation_report(folder / "validation.html", scores, summary, provenance)
    console.print(f"Wrote {folder / 'scores.csv'}, {folder / 'summary.csv'} and {report}")


def _print_summary(console: Console, summary: Any) -> None:
    table = Table(title="Held-back years: CRPS (lower is better), skill against baselines, interval coverage")
    for col in ("from", "target", "years", "CRPS", "persist.", "skill", "hist. mean", "skill", "50%", "80%",
                "95%"):
        table.add_column(col, justify="right" if col not in ("from", "target", "years") else "left",
                         overflow="fold")
    for _, r in summary.iterrows():
        years = [y.strip() for y in str(r["years"]).split(",")]
        span = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"
        table.add_row(str(r["scenario"]).removeprefix("colombia-"), r["target"], span, f"{r['crps']:.4g}",
                      f"{r['crps_persistence']:.4g}",
                      f"{r['skill_persistence']:+.2f}", f"{r['crps_climatology']:.4g}",
                      f"{r['skill_climatology']:+.2f}", f"{r['coverage50']:.0%}", f"{r['coverage80']:.0%}",
                      f"{r['coverage95']:.0%}")
    console.print(table)
