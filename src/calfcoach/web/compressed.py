"""Stored answers sent compressed, each text compressed once per process (issue 8, figures).

The Today page and ``GET /api/v1/athletes/{id}/today`` are stored answers
(``services.training.stored_answer``): the same text is sent again and again until the
athlete's data changes. ``GZipMiddleware`` would compress it anew on every request (the
page: about 40 KB, 0.2 ms of the route's CPU, as much as its database read); here the
compressed bytes of a text are kept, so a repeated answer is compressed once. The memo holds
only what a pure function of its key gives (no state of the app: any process, any moment,
sends the same bytes), and the middleware leaves a response that is already encoded alone.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["COMPRESS_LEVEL", "MINIMUM_SIZE", "stored_response"]

MINIMUM_SIZE = 1024
"""Smaller bodies go out as they are (here and as ``GZipMiddleware``'s ``minimum_size``)."""

COMPRESS_LEVEL = 6
"""Here and the middleware's (``app.py``): the roster's 145 KB in 1.1 ms at 6 against 1.8 at
Starlette's default 9, 1% larger."""

KEPT = 64
"""Compressed texts kept per process (the page is about 4 KB compressed, its key about
40 KB): a few MB at most, and a coach's roster of athletes turns over the oldest."""


@lru_cache(maxsize=KEPT)
def _gzipped(body: str) -> bytes:
    # mtime=0: the same text gives the same bytes in every process (no time in the header).
    return gzip.compress(body.encode("utf-8"), compresslevel=COMPRESS_LEVEL, mtime=0)


def accepts_gzip(request: Request) -> bool:
    """Whether the client takes gzip (the middleware's own test of the header)."""
    return "gzip" in request.headers.get("accept-encoding", "")


def stored_response(request: Request, body: str, media_type: str) -> Response:
    """``body`` as a response: gzip-encoded from the memo when the client takes it and the
    body is worth compressing, else as it is (the middleware then has nothing to do)."""
    if len(body) >= MINIMUM_SIZE and accepts_gzip(request):
        return Response(
            _gzipped(body),
            media_type=media_type,
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(body, media_type=media_type)
