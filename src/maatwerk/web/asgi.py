"""The ASGI application for ``uvicorn maatwerk.web.asgi:app`` (settings from the environment)."""

from __future__ import annotations

from maatwerk.web.app import create_app, settle

app = create_app()
settle()
