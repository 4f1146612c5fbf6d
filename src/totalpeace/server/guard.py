"""What every request passes before the application sees it: the Host header, the access token and the body size
limit; and what every response carries: the security headers.

A pure ASGI middleware, so that it runs before FastAPI reads a body: a request naming a host this server does not
answer to is refused with 400 (DNS rebinding: a web page on an attacker's name that resolves to 127.0.0.1 would
otherwise reach the loopback server with the browser's blessing), one without the right token with 401 and an
oversized body with 413, without the body ever being buffered beyond the limit. Only the page, its assets and the
API documentation are public; everything else (the whole JSON API) needs the token when one is set.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC = ("/", "/docs", "/openapi.json", "/favicon.ico")
PUBLIC_PREFIXES = ("/static/",)
TOKEN_HEADER = "Authorization: Bearer <token>"
LOCAL_NAMES = ("localhost",)
ANY_HOST = "*"
# Every response: scripts, styles, images and connections only from this server (styles may be inline: the charts
# are SVG from matplotlib, styled by attributes); no framing, no plugins, no MIME sniffing, no Referer (a page
# opened with ?token=... must not send it anywhere).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server (`totalpeace serve --max-...`)."""

    max_runs: int = 5000  # runs in one ensemble
    max_run_months: int = 300_000  # runs x months of one ensemble (about 600 MB of results in memory)
    max_active_runs: int = 4  # runs queued or running at once
    max_body_bytes: int = 65_536  # bytes of a request body


def _is_public(path: str) -> bool:
    return path in PUBLIC or path.startswith(PUBLIC_PREFIXES)


def host_name(header: str) -> str | None:
    """The name in a Host header without its port, lower case and without a final dot ('[::1]:8000' -> '::1');
    None when it is not a well-formed host."""
    text = header.strip(" \t").lower()  # only the optional whitespace HTTP allows around a value
    if text.startswith("["):
        name, closed, rest = text[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            return None
        port = rest[1:]
    else:
        name, _, port = text.partition(":")  # an IPv6 address without brackets leaves no name: refused
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return None
    return name.rstrip(".") or None


def _is_loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class AllowedHosts:
    """The names a request's Host header may give: localhost, loopback addresses, the address the server is bound
    to and the names the user adds (`serve --allowed-host`; `*` allows any). A server bound to every interface
    (0.0.0.0 or ::) also answers to any IP address: DNS rebinding needs a name, never an address."""

    bound: str = "127.0.0.1"
    extra: tuple[str, ...] = ()

    def allows(self, name: str | None) -> bool:
        if ANY_HOST in self.extra:
            return True
        if name is None:
            return False
        if name in LOCAL_NAMES or _is_loopback(name):
            return True
        bound = self.bound.strip("[]").lower().rstrip(".")
        if name == bound or name in {h.lower().rstrip(".") for h in self.extra}:
            return True
        return bound in ("0.0.0.0", "::") and _is_address(name)

    def describe(self) -> str:
        names = ["localhost", "loopback addresses", *dict.fromkeys([self.bound, *self.extra])]
        return ", ".join(names)


async def _refuse(send: Send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"error": message, "problems": []}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _with_security_headers(send: Send) -> Send:
    """`send` that adds the security headers to the start of every response (replacing any the app set)."""
    names = {name for name, _ in SECURITY_HEADERS}

    async def secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message = {**message, "headers": [*kept, *SECURITY_HEADERS]}
        await send(message)

    return secured


class Guard:
    """Host check (400), token check (401) and body size limit (413) in front of the application; security headers
    on every response."""

    def __init__(self, app: ASGIApp, token: str | None, max_body_bytes: int,
                 allowed_hosts: AllowedHosts | None = None) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = allowed_hosts or AllowedHosts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send)
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", [])}
        host = headers.get("host")
        if not self.allowed_hosts.allows(host_name(host.decode("latin-1")) if host is not None else None):
            shown = repr(host.decode("latin-1")[:100]) if host is not None else "missing"
            await _refuse(send, 400, f"Host header {shown}: this server answers only to "
                                     f"{self.allowed_hosts.describe()} (add a name with serve --allowed-host)")
            return
        if self.token is not None and not _is_public(scope["path"]):
            given = headers.get("authorization", b"")
            scheme, _, value = given.partition(b" ")
            if not given or scheme.lower() != b"bearer":
                await _refuse(send, 401, f"this server needs a token: send the header {TOKEN_HEADER} (in the page, "
                                         "enter it once or open /?token=...)", {"WWW-Authenticate": "Bearer"})
                return
            if not hmac.compare_digest(value.strip(), self.token):
                await _refuse(send, 401, "wrong token", {"WWW-Authenticate": "Bearer"})
                return
        length = headers.get("content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _refuse(send, 400, "Content-Length: not a number")
                return
            if declared > self.max_body_bytes:
                await _refuse(send, 413, f"request body of {declared} bytes is larger than the server's limit of "
                                         f"{self.max_body_bytes} bytes")
                return
        if scope["method"] in ("GET", "HEAD", "DELETE", "OPTIONS") and length is None:
            await self.app(scope, receive, send)
            return
        # read the body here (never more than the limit), then hand it on
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _refuse(send, 413, f"request body is larger than the server's limit of {self.max_body_bytes} "
                                         "bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}],
                                      receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A receive callable giving `messages` first, then whatever `then` gives (a disconnect, later)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
