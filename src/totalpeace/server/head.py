"""HEAD answered as GET without the body (RFC 9110 9.3.2): FastAPI's GET routes answer HEAD with 405, so a client
checking a download (its type, name and size) before fetching it was refused."""

from __future__ import annotations

from totalpeace.server.guard import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Routes a HEAD request as the GET of the same path and sends its status and headers (Content-Length included:
    the size of the body a GET would get) but no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
