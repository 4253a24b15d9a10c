"""Request body size limit (issue 8, "Oversized bodies are refused"), as pure ASGI middleware.

A declared ``Content-Length`` over the limit is refused before any byte is read; a chunked
body is counted as it streams and refused as soon as it passes the limit. Either way the
answer is 413 and the route never runs, so nothing is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodySizeLimit"]


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """``max_bytes`` for every request, except the uploads named in ``uploads``: (a pattern
    of the path, its own limit), the first match wins."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        uploads: Sequence[tuple[str, int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = [(re.compile(pattern), limit) for pattern, limit in uploads]

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.uploads:
            if pattern.fullmatch(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._refuse(send, "Content-Length is not a number.", status=400)
                    return
                if declared > limit:
                    await self._refuse(send, self._too_large(limit))
                    return
        received = 0
        started = False
        too_large = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # The framework may catch _TooLarge while it reads the body and answer on its own
            # ("There was an error parsing the body", 400): once the body passed the limit,
            # the answer is the 413 whatever the app says.
            nonlocal started
            if too_large:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send, self._too_large(limit))
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if not started:
                await self._refuse(send, self._too_large(limit))

    @staticmethod
    def _too_large(limit: int) -> str:
        return f"The request body is larger than {limit:,} bytes, the most allowed here."

    @staticmethod
    async def _refuse(send: Send, detail: str, status: int = 413) -> None:
        title = "Too large" if status == 413 else "Bad request"
        body = json.dumps({"title": title, "status": status, "detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
