"""Helpers several test modules share: is a process alive, and a live dashboard server on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any


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


def refused(cli: Any, *args: str) -> str:
    """Run `totalpeace ARGS...` expecting bad input: exit status 2, no traceback or internal error; returns stderr
    on one line (rich wraps long messages)."""
    code, out, err = cli(*args)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err + out and "internal error" not in err
    return " ".join(err.split())
