"""What every request passes before the application sees it: the access token and the body size limit.

A pure ASGI middleware, so that it runs before FastAPI reads a body: a request without the right token is refused
with 401 and an oversized body with 413 without the body ever being buffered beyond the limit. Only the page, its
assets and the API documentation are public; everything else (the whole JSON API) needs the token when one is set.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC = ("/", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/favicon.ico")
PUBLIC_PREFIXES = ("/static/",)
TOKEN_HEADER = "Authorization: Bearer <token>"


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server (`totalpeace serve --max-...`)."""

    max_runs: int = 5000  # runs in one ensemble
    max_run_months: int = 300_000  # runs x months of one ensemble (about 600 MB of results in memory)
    max_active_runs: int = 4  # runs queued or running at once
    max_body_bytes: int = 65_536  # bytes of a request body


def _is_public(path: str) -> bool:
    return path in PUBLIC or path.startswith(PUBLIC_PREFIXES)


async def _refuse(send: Send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"error": message, "problems": []}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Token check (401) and body size limit (413) in front of the application."""

    def __init__(self, app: ASGIApp, token: str | None, max_body_bytes: int) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", [])}
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
