"""Installable and usable offline (issue 8, part 2): the web app manifest and the service
worker. The worker is served from the root path (``/sw.js``) so that its scope is the whole
app; its cache is named after the code that runs (``code_id``: the version and a digest of the
package's files, D-163), so any change of the app, released or not, replaces the cached assets."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from calfcoach.code_id import code_id
from calfcoach.web.app import STATIC_DIR

__all__ = ["manifest", "router", "service_worker"]

router = APIRouter(include_in_schema=False)

MANIFEST = {
    "name": "calfcoach",
    "short_name": "calfcoach",
    "description": "Calf, Achilles, ankle and foot strength coaching for runners.",
    "start_url": "/today",
    "scope": "/",
    "display": "standalone",
    "background_color": "#ffffff",
    "theme_color": "#0b5cad",
    "icons": [
        {"src": "/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icons/icon-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ],
}


@cache
def _worker_source() -> str:
    return (
        (STATIC_DIR / "js" / "sw.js").read_text(encoding="utf-8").replace("__VERSION__", code_id())
    )


@router.get("/manifest.webmanifest")
def manifest() -> JSONResponse:
    return JSONResponse(MANIFEST, media_type="application/manifest+json")


@router.get("/sw.js")
def service_worker() -> Response:
    # Never cached by HTTP: the browser must see a new worker (a new version) at once.
    return Response(
        _worker_source(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )
