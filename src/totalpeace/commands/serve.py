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
    token: Annotated[str | None, typer.Option(envvar="TOTALPEACE_TOKEN", show_envvar=True,
                                              help="Require this token on every API call (Authorization: Bearer).")
                     ] = None,
    max_runs_per_request: Annotated[int, typer.Option(min=1, max=100_000, help="Most runs in one ensemble.")] = 5000,
    max_run_months: Annotated[int, typer.Option(min=1, max=100_000_000, help="Most runs x months in one "
                                                "ensemble (about 2 KB of memory each).")] = 300_000,
    max_concurrent_runs: Annotated[int, typer.Option(min=1, max=64, help="Most runs queued or running at "
                                                     "once; more are refused with 429.")] = 4,
    max_body_bytes: Annotated[int, typer.Option(min=1024, max=16_777_216, help="Largest request body; larger "
                                                "ones are refused with 413.")] = 65_536,
) -> None:
    """Serve the dashboard: choose a scenario, change levers, run ensembles, compare, download (API at /docs)."""
    import socket

    import uvicorn

    from totalpeace.server.app import create_app
    from totalpeace.server.guard import Limits

    if token is not None and not token.strip():
        raise InputError("--token (or TOTALPEACE_TOKEN): empty; give a token or leave it unset")
    if host not in LOCAL_HOSTS and not token:
        typer.echo(f"warning: binding {host} without --token: anyone who can reach this address can start runs",
                   err=True)
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as exc:
        raise InputError(f"--host {host} --port {port}: cannot listen there ({exc.strerror})") from None
    limits = Limits(max_runs=max_runs_per_request, max_run_months=max_run_months,
                    max_active_runs=max_concurrent_runs, max_body_bytes=max_body_bytes)
    app = create_app(store=store, workers=workers, executor=executor, token=token, limits=limits)
    typer.echo(f"totalpeace dashboard on http://{host}:{port}/ (API docs: http://{host}:{port}/docs)")
    if token:
        typer.echo(f"every API call needs the token; open http://{host}:{port}/?token=<token> once, or enter it in "
                   "the page")
    uvicorn.run(app, host=host, port=port, log_level="warning")
