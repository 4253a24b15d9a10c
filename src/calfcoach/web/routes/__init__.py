"""Routers: ``pages`` (HTML) and, later, ``api_v1`` (JSON under /api/v1)."""
