"""Helpers several test modules share: is a process alive, a live dashboard server on a free port, a results store's
tables in a canonical order, refused input, a calibration spec small enough for a test, and a script of tools/
imported as a module."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

TOOLS = Path(__file__).resolve().parents[1] / "tools"

# A calibration spec of one scenario, three patterns and one parameter, on a budget of seconds.
TINY = """
name = "tiny"
scenarios = ["colombia-2012"]
patterns = ["farc-havana-stable", "ceasefire-homicides", "homicides-national"]
parameters = ["armed_violence_share"]
[budget]
population = 4
generations = 2
runs = 1
seed = 2
max_minutes = 5
predictive_draws = 2
"""


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextlib.contextmanager
def live_server(app: Any) -> Iterator[int]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yields the port, stops the server after."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the dashboard did not start"
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def has_figure(page: str, ident: str) -> bool:
    """Whether a report holds the interactive figure `ident`: its container and its JSON."""
    return (f'id="{ident}" data-figure="data-{ident}"' in page
            and f'<script type="application/json" id="data-{ident}">{{"data":' in page)


def assert_offline(page: str) -> None:
    """A report needs no network: no external source, style sheet or import; every script is inline."""
    import re

    markup = re.sub(r"<script[^>]*>.*?</script>", "<script></script>", page, flags=re.S)  # the HTML around scripts
    assert not re.search(r"<script[^>]*\ssrc=", markup) and "<link" not in markup and "@import" not in markup
    assert not re.search(r'(src|href)="https?:', markup) and "url(http" not in markup


def stored_tables(path: Any) -> dict[str, Any]:
    """A results store's runs, yearly and monthly tables, sorted by their keys, without where and when a run was
    written: what two stores holding the same runs have in common."""
    from totalpeace.experiments import ResultsStore

    store = ResultsStore(path)
    return {"runs": store.query("SELECT * EXCLUDE (part, finished) FROM runs ORDER BY experiment, point, run"),
            "yearly": store.query("SELECT * FROM yearly ORDER BY experiment, point, run, year, metric"),
            "monthly": store.query("SELECT * FROM monthly ORDER BY experiment, point, run, month, metric")}


def assert_same_tables(actual: dict[str, Any], expected: dict[str, Any], what: str = "") -> None:
    """Every table equal, value for value."""
    import pandas as pd

    for name in expected:
        pd.testing.assert_frame_equal(actual[name], expected[name], check_exact=True, obj=f"{what}{name}")


def refused(cli: Any, *args: str) -> str:
    """Run `totalpeace ARGS...` expecting bad input: exit status 2, no traceback or internal error; returns stderr
    on one line (rich wraps long messages)."""
    code, out, err = cli(*args)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err + out and "internal error" not in err
    return " ".join(err.split())


def load_tool(name: str, folder: Path = TOOLS) -> ModuleType:
    """tools/<name>.py (or a script of another folder, as benchmarks/run.py) imported as a module (the scripts are
    not a package), registered in sys.modules so that its dataclasses can look their module up."""
    if str(folder) not in sys.path:  # as when the script runs: its siblings import (tools/pattern_table.py)
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
