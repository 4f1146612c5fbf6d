"""Shared test helpers: run the CLI in-process and write small scenario files."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

try:
    from _pytest.nodes import NodeId  # pytest 9 keeps a node's id structured
except ImportError:  # pytest 8: a plain string
    NodeId = None

from totalpeace.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test its own id: schemathesis collects one item per API operation under the same node id, and
    pytest-xdist (`make test`) schedules by node id, so all but one of them would silently not run. Then order the
    files for the workers (_schedule)."""
    seen: dict[str, int] = {}
    for item in items:
        seen[item.nodeid] = seen.get(item.nodeid, 0) + 1
    for item in items:
        if seen[item.nodeid] > 1 and item.name not in item.nodeid:
            unique = item.nodeid.rsplit("::", 1)[0] + "::" + item.name
            if NodeId is not None:
                item._id = NodeId.parse(unique)
            else:
                item._nodeid = unique
    ids = [item.nodeid for item in items]
    assert len(set(ids)) == len(ids), "two tests share a node id"
    _schedule(items)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """Run `totalpeace ARGS...` through the real entry point; return (exit code, stdout, stderr)."""

    def run(*args: str, columns: int = 200) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["totalpeace", *args])
        monkeypatch.setenv("COLUMNS", str(columns))
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file under a temporary folder and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


# Test files that build no engine (and run no command that does). They go first, beside one file that compiles the
# model: on a fresh checkout one worker compiles it for minutes and the other runs these meanwhile instead of waiting
# (a file missing here only waits for the compilation; one wrongly listed waits inside its first simulation).
MODEL_FREE = frozenset({
    "test_bad_input.py", "test_bargaining.py", "test_bench_targets.py", "test_calibration_parts.py", "test_cli_show.py",
    "test_data_colombia.py", "test_docs_analysis.py", "test_docs_model.py", "test_docs_scenarios.py",
    "test_experiment_design.py", "test_experiment_spec.py", "test_fuzz_designs.py",
    "test_groups.py", "test_internal_kernels.py", "test_mechanisms.py", "test_own_territories.py", "test_prim.py",
    "test_scenario_format.py", "test_scoring.py", "test_search.py", "test_sensitivity.py",
    "test_tables_mechanisms.py", "test_tables_properties.py", "test_tables_protocol.py",
    "test_uncertainty_decomposition.py", "test_unreadable_files.py",
})


def _schedule(items: list[pytest.Item]) -> None:
    """The first file that needs the model, then the model-free files, then the rest (each in collection order):
    pytest-xdist hands files out in this order, so one worker starts compiling at once and the other takes the
    model-free files."""
    first = next((item.path for item in items if item.path.name not in MODEL_FREE), None)
    items.sort(key=lambda item: 0 if item.path == first else 1 if item.path.name in MODEL_FREE else 2)


@pytest.fixture(scope="session")
def compiled_model() -> None:
    """Compile the model before a process's first test that needs it, or wait for the other worker compiling it (the
    engine's lock, compiled_cache.compiling_once): on a fresh checkout that takes minutes, and no test's own time
    limit (a run expected within two minutes, a page within one) should be measuring it."""
    from totalpeace.engine import compiled_cache
    from totalpeace.engine.simulate import build_engine
    from totalpeace.scenario import load_scenario

    if compiled_cache.needs_compiling():
        build_engine(load_scenario("colombia-2022"), 1)


@pytest.fixture(autouse=True)
def _model_compiled(request: pytest.FixtureRequest) -> None:
    """Every test outside MODEL_FREE starts with the model compiled."""
    if request.path.name not in MODEL_FREE:
        request.getfixturevalue("compiled_model")
