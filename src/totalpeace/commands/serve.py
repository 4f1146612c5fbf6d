"""`totalpeace serve`: the dashboard (FastAPI + uvicorn) on a local address."""

from __future__ import annotations

from typing import Annotated

import typer

from totalpeace.commands.options import ExecutorOpt, StoreOpt
from totalpeace.errors import InputError

LOCAL_HOSTS = ("localhost",)


def _is_loopback(host: str) -> bool:
    """Whether `host` is this machine only (localhost or a loopback address)."""
    import ipaddress

    if host.lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="Another name this server answers to in the Host header (repeatable; '*' for any), "
        "e.g. the machine's name on the network. Always allowed: localhost, loopback addresses and --host.")] = None,
) -> None:
    """Serve the dashboard: choose a scenario, change levers, run ensembles, compare, download (API at /docs)."""
    import socket

    import uvicorn

    from totalpeace.server.app import create_app
    from totalpeace.server.guard import AllowedHosts, Limits

    host = host.strip()
    if not host:
        raise InputError("--host: empty; give an address to listen on (127.0.0.1, this machine only, by default; "
                         "0.0.0.0 for every interface)")
    if token is not None:
        if token != token.strip():
            typer.echo("note: --token (or TOTALPEACE_TOKEN): surrounding spaces removed", err=True)
        token = token.strip()
        if not token:
            raise InputError("--token (or TOTALPEACE_TOKEN): empty; give a token or leave it unset")
        if any(not 0x21 <= ord(c) <= 0x7E for c in token):
            raise InputError("--token (or TOTALPEACE_TOKEN): use printable ASCII without spaces (a browser cannot "
                             "send other characters in the Authorization header)")
    extra = tuple(h.strip() for h in allowed_host or ())
    if any(not h for h in extra):
        raise InputError("--allowed-host: empty; give a host name (or '*' for any)")
    if not _is_loopback(host):
        where = f"every interface of this machine ({host})" if host in ("0.0.0.0", "::") else host
        reach = ("anyone who can reach it can load the page; the API needs the token (sent in clear over HTTP: use a "
                 "trusted network)") if token else "without --token anyone who can reach it can start, cancel and " \
                                                  "read runs"
        typer.echo(f"warning: listening on {where}, not only on this machine: {reach}", err=True)
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as exc:
        raise InputError(f"--host {host} --port {port}: cannot listen there ({exc.strerror})") from None
    limits = Limits(max_runs=max_runs_per_request, max_run_months=max_run_months,
                    max_active_runs=max_concurrent_runs, max_body_bytes=max_body_bytes)
    app = create_app(store=store, workers=workers, executor=executor, token=token, limits=limits,
                     allowed_hosts=AllowedHosts(bound=host, extra=extra))
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    typer.echo(f"totalpeace dashboard on {url}/ (API docs: {url}/docs)")
    if token:
        typer.echo(f"every API call needs the token; open {url}/?token=<token> once, or enter it in the page")
    uvicorn.run(app, host=host, port=port, log_level="warning")
