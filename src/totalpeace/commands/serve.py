"""`totalpeace serve`: the dashboard (FastAPI + uvicorn) on a local address."""

from __future__ import annotations

from typing import Annotated

import typer

from totalpeace.commands.options import ExecutorOpt, StoreOpt
from totalpeace.errors import InputError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def serve(
    host: Annotated[str, typer.Option(help="Address to bind (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Local worker processes per running ensemble.")] = 1,
    executor: ExecutorOpt = "local",
    store: StoreOpt = None,
) -> None:
    """Serve the dashboard: choose a scenario, change levers, run ensembles, compare, download (API at /docs)."""
    import socket

    import uvicorn

    from totalpeace.server.app import create_app

    if host not in LOCAL_HOSTS:
        typer.echo(f"warning: binding {host}: anyone who can reach this address can start runs", err=True)
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as exc:
        raise InputError(f"--host {host} --port {port}: cannot listen there ({exc.strerror})") from None
    typer.echo(f"totalpeace dashboard on http://{host}:{port}/ (API docs: http://{host}:{port}/docs)")
    app = create_app(store=store, workers=workers, executor=executor)
    uvicorn.run(app, host=host, port=port, log_level="warning")
