"""Weigh a stored calibration's model forms again from its own predictive checks.

Why this script exists
----------------------
A calibration stores, beside its posterior, each model form's posterior predictive runs scored on every pattern
(`checks.parquet`, ensembles `form:<label>`), and the weights the run plans give the forms (`forms.parquet`, also
copied into `calibration.json`). The weights are a function of those checks alone
(`totalpeace.calibration.diagnostics.form_table`). When the weighting rule changes, this script applies it to the
stored checks, so that a shipped calibration carries the rule's weights without an 11-minute refit whose particles,
and therefore whose checks, would differ. Nothing else in the folder changes.

Usage::

    python tools/reweigh_forms.py [FOLDER]   # default: the flagship's shipped calibration
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from totalpeace.calibration.diagnostics import form_table
from totalpeace.calibration.output import json_safe
from totalpeace.scenario.forms import FORMS_FILE

SHIPPED = Path(__file__).resolve().parents[1] / "src/totalpeace/data/calibration/colombia-patterns"
FORM_PREFIX = "form:"


def reweigh(folder: Path) -> pd.DataFrame:
    """The folder's forms table, its weights derived again from its checks (same rows, same order)."""
    stored = pd.read_parquet(folder / FORMS_FILE)
    checks = pd.read_parquet(folder / "checks.parquet")
    calibration = json.loads((folder / "calibration.json").read_text(encoding="utf-8"))
    switches = [c for c in calibration["provenance"]["forms_calibrated"] if c in stored.columns]
    shares = {name[len(FORM_PREFIX):]: part[["pattern", "share", "runs"]].reset_index(drop=True)
              for name, part in checks.groupby("ensemble", sort=False) if name.startswith(FORM_PREFIX)}
    forms = [{s: row[s] for s in switches} for _, row in stored.iterrows()]
    table = form_table(stored["form"].tolist(), forms, stored["particles"].astype(int).tolist(), shares,
                       calibration["patterns"])
    return table.assign(calibration=stored["calibration"].iloc[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=SHIPPED)
    folder = parser.parse_args().folder
    before = pd.read_parquet(folder / FORMS_FILE)
    table = reweigh(folder)
    table.to_parquet(folder / FORMS_FILE, index=False)
    path = folder / "calibration.json"
    calibration = json.loads(path.read_text(encoding="utf-8"))
    calibration["forms"] = json_safe(table.drop(columns="calibration").to_dict(orient="records"))
    path.write_text(json.dumps(calibration, indent=2), encoding="utf-8")
    shown = pd.DataFrame({"form": table["form"], "before": before["weight"].round(3),
                          "after": table["weight"].round(3), "point stacking": table["stacking_weight"].round(3)})
    print(shown.to_string(index=False))


if __name__ == "__main__":
    main()
