"""HEAD answered wherever GET is (RFC 9110, 9.3.2), as pure ASGI middleware.

FastAPI's routes answer only the methods they name, so ``HEAD /today`` (a link checker, an
uptime monitor, ``curl -I``) was a 405. The request goes on as a GET, and the answer keeps its
status and headers (its ``Content-Length`` is the GET's) without the body. A route with no GET
still answers 405.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadAsGet"]


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
