"""The web app (issue 8): FastAPI + Jinja2 + htmx, server-rendered, mobile-first.

An adapter like the CLI: routes parse input, call one service function and render the result.
It never imports ``calfcoach.storage`` (tests/unit/test_architecture.py); the database comes
from ``calfcoach.bootstrap``. ``create_app(settings)`` builds everything; nothing happens at
import time.
"""
