"""docs/analysis.md keeps up with the code: its commands and options exist, its example files load, its figures ship."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from totalpeace.cli import app
from totalpeace.experiments import load_spec

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "analysis.md").read_text(encoding="utf-8")


def _options(command: str) -> set[str]:
    click_command = typer.main.get_command(app).commands[command]
    return {opt for param in click_command.params for opt in getattr(param, "opts", [])}


@pytest.mark.parametrize("command", ["sensitivity", "discover", "search"])
def test_documented_options_exist(command):
    usage = re.search(rf"```console\ntotalpeace {command} (.*?)```", DOC, flags=re.S)
    assert usage, f"no usage block for {command}"
    documented = set(re.findall(r"(--[a-z-]+)", usage.group(1)))
    assert documented, command
    assert documented <= _options(command)


def test_example_files_load_and_figures_exist():
    files = set(re.findall(r"examples/[\w-]+\.toml", DOC))
    assert {"examples/sensitivity-sobol.toml", "examples/sensitivity-morris.toml",
            "examples/search-policy.toml"} <= files
    for name in files:
        load_spec(REPO / name)
    for image in re.findall(r"\]\((img/[\w-]+\.png)\)", DOC):
        assert (REPO / "docs" / image).stat().st_size > 0
