"""The pattern table of `totalpeace validate` for a few patterns, read back as a frame.

Why this script exists
----------------------
The tools that measure a parameter where the forecasts are made (tools/armed_share.py, tools/flagship_scales.py) score
it over the flagship's calibration with the command a reader would run, `totalpeace validate --no-backtest`, and read
the `patterns.csv` it writes. This is that one step, imported by both (tools/ is on the path of a script it runs).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd


def pattern_table(patterns: Sequence[str], seed: int, workers: int, extra: Sequence[str] = (),
                  failing: str = "") -> pd.DataFrame:
    """`totalpeace validate --no-backtest` on `patterns` (with `extra` options), its patterns.csv indexed by pattern;
    a failed command stops the tool with its message, after `failing` (what was being measured)."""
    command = [str(Path(sys.executable).with_name("totalpeace")), "validate", "--no-backtest", "--workers",
               str(workers), "--seed", str(seed), "--patterns", ",".join(patterns), *extra]
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run([*command, "--out", out], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{failing}`totalpeace validate` failed:\n{done.stderr.strip()}")
        return pd.read_csv(Path(out) / "patterns.csv").set_index("pattern")
