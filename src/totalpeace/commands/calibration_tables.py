"""The calibration's diagnostics in the terminal: generations and effective sample size, which parameters the
patterns identify, the predictive checks of every pattern and the model forms' weights (read from the stored folder,
so `calibrate` and `validate` print the same)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table

from totalpeace.validation.patterns import fmt


def _share(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{x:.0%}"


def print_calibration(console: Console, folder: Path) -> None:
    """Every diagnostic table the folder holds."""
    from totalpeace.calibration.output import read_calibration

    found = read_calibration(folder)
    prov = found["provenance"]
    if "generations" in found:
        print_generations(console, found["generations"], prov)
    if "identifiability" in found:
        print_identifiability(console, found["identifiability"])
    if "checks" in found:
        print_checks(console, found["checks"], prov.get("patterns", []))
    if "forms" in found:
        print_forms(console, found["forms"])


def print_generations(console: Console, gens: Any, prov: dict[str, Any]) -> None:
    earlier = "moves" not in gens.columns  # a calibration of the earlier importance-weighted method (pyabc)
    title = ("ABC-SMC generations of the earlier importance-weighted method (adaptive distance: tolerances are not "
             "comparable across generations; simulations per generation)" if earlier else
             "ABC-SMC generations (tolerance: distance in half-bands of the patterns)")
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for col in ("t", "tolerance", "simulations" if earlier else "simulations so far", "acceptance" if earlier else
                "MCMC acceptance", "MCMC steps", "distinct", "ESS", "minutes"):
        table.add_column(col, justify="right")
    for _, g in gens.iterrows():
        if earlier:
            table.add_row(str(int(g["t"])), f"{g['epsilon']:.4g}", str(int(g["evaluations"])),
                          f"{g['acceptance']:.2f}", "", "", f"{g['ess']:.1f}", "")
            continue
        abandoned = bool(g.get("abandoned", False))
        table.add_row(str(int(g["t"])) + (" (abandoned)" if abandoned else ""), f"{g['epsilon']:.3f}",
                      f"{int(g['simulations']):,}", f"{g['acceptance']:.2f}", str(int(g["moves"])),
                      "–" if abandoned else str(int(g["distinct"])), "–" if abandoned else f"{g['ess']:.0f}",
                      f"{g['minutes']:.1f}")
    if prov.get("stopped"):
        table.caption = f"stopped: {prov['stopped']}"
    console.print(table)
    ess = prov.get("effective_sample_size")
    if ess is not None:
        console.print(f"Effective sample size of the posterior: {ess:g} of {prov.get('population')} particles "
                      "(Kish, identical particles merged).")


def print_identifiability(console: Console, ident: Any) -> None:
    table = Table(title="Which parameters the patterns identify (posterior sd / prior sd; contraction 1 - ratio^2)",
                  box=box.SIMPLE_HEAD)
    for col in ("parameter", "prior", "median", "90% interval", "sd ratio", "contraction", "verdict"):
        table.add_column(col, justify="left" if col in ("parameter", "prior", "verdict") else "right")
    for _, r in ident.iterrows():
        verdict = r["verdict"] + (f" (at {r['against_bound']} bound)" if r["against_bound"] else "")
        if abs(r["correlation"]) >= 0.6:
            verdict += f"; tied to {r['correlated_with']} ({r['correlation']:+.2f})"
        table.add_row(r["parameter"], f"U({r['prior_low']:g}, {r['prior_high']:g})", f"{r['median']:.4g}",
                      f"{r['q05']:.4g} - {r['q95']:.4g}", f"{r['sd_ratio']:.2f}", f"{r['contraction']:.2f}", verdict)
    console.print(table)


def print_checks(console: Console, checks: Any, calibrated: list[str]) -> None:
    """Per pattern: share of prior and posterior predictive runs reproducing it, and the posterior's median."""
    prior = checks[checks["ensemble"] == "prior"].set_index("pattern")
    post = checks[checks["ensemble"] == "posterior"].set_index("pattern")
    table = Table(title="Predictive checks: share of runs reproducing each pattern (prior draws, posterior draws)",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("pattern", "fitted", "prior", "posterior", "posterior median (80%)", "note"):
        table.add_column(col, justify="left" if col in ("pattern", "fitted", "note") else "right",
                         overflow="fold", no_wrap=col != "note")
    for pattern, r in post.iterrows():
        p = prior.loc[pattern] if pattern in prior.index else None
        median = (f"{fmt(r['median'])} ({fmt(r['q10'])} to {fmt(r['q90'])})" if r["produced"] else "")
        table.add_row(str(pattern), "yes" if pattern in calibrated else "no",
                      _share(p["share"]) if p is not None else "–", _share(r["share"]), median,
                      str(r.get("note", "") or "")[:60])
    console.print(table)
    produced = post[post["produced"]]
    console.print(f"Posterior predictive: {int((produced['share'] >= 0.5).sum())} of {len(post)} patterns reproduced "
                  f"in half the runs or more; {len(post) - len(produced)} not yet produced by the model.")


def print_forms(console: Console, forms: Any) -> None:
    table = Table(title="Model forms weighed by history (stacking over the patterns' predictive scores, averaged "
                        "over Bayesian-bootstrap replicates: the weight runs use)", box=box.SIMPLE_HEAD)
    for col in ("form", "particles", "ABC prob.", "log score", "reproduced", "weight", "point stacking",
                "pseudo-BMA"):
        table.add_column(col, justify="left" if col == "form" else "right")
    for _, r in forms.iterrows():
        score = f"{r['score']:.2f}" if np.isfinite(r["score"]) else "–"
        reproduced = str(int(r["reproduced"])) if np.isfinite(r["reproduced"]) else "–"
        table.add_row(str(r["form"]) or "as the scenarios set", str(int(r["particles"])),
                      f"{r['abc_probability']:.2f}", score, reproduced, f"{r['weight']:.2f}",
                      f"{r['stacking_weight']:.2f}", f"{r['pseudo_bma_weight']:.2f}")
    console.print(table)
