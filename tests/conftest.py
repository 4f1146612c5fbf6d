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
    pytest-xdist (`make test`) schedules by node id, so all but one of them would silently not run."""
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
