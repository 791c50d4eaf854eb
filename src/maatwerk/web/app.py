"""The web application: the REST API (and, later, the HTML faces) over one case file."""

from __future__ import annotations

import gc
from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from opentelemetry import _logs, metrics, trace
from starlette.middleware.sessions import SessionMiddleware

from maatwerk import __version__
from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.migrate import upgrade
from maatwerk.cases.registry import Registry
from maatwerk.web import errors
from maatwerk.web.api import auth, cases, claims, regulations
from maatwerk.web.pages import (
    citizen,
    manager,
    policy,
    proposals,
    public,
    register,
    simulation,
    worker,
)
from maatwerk.web.pages import claims as claim_forms
from maatwerk.web.settings import Settings


def telemetry() -> TelemetryConfig | None:
    """FastAPI's own OpenTelemetry when OpenTelemetry is set up before the app is made (a
    provider configured, as ``opentelemetry-instrument`` does); else off, for otherwise FastAPI
    looks on every request for providers that are not there."""
    try:
        from fastapi.telemetry._api import _unconfigured  # FastAPI's own test of "not set up"
    except ImportError:  # pragma: no cover - moved in some FastAPI: keep its defaults
        return None
    providers = (trace.get_tracer_provider(), metrics.get_meter_provider(),
                 _logs.get_logger_provider())
    if any(not _unconfigured(provider) for provider in providers):
        return None  # FastAPI's defaults
    return {"tracing": False, "metrics": False, "logs": False}


def settle() -> None:
    """Take what a server made as it started out of the garbage collector's way, for the rest
    of the process: modules, regulations and their compiled plans, the database's metadata.

    A full collection walks every object the collector tracks, and it runs whenever enough
    objects have survived younger ones — during whichever request made them. In a started demo
    server that walk took about 145 ms on a 2-core machine, the tail of the dashboard's
    timings; with what was made at start frozen (``gc.freeze``), about 30-45 ms. Frozen objects
    are never collected, so this is called once, when the app is made and nothing else is
    alive: by the servers (``asgi``, ``maatwerk demo``), not by ``create_app`` (tests make
    many apps)."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None, *, migrate: bool = True,
               db: Database | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    database = db or Database(settings.db)
    if migrate:
        upgrade(database)
    registry = Registry(settings.regulations)
    app = FastAPI(title="maatwerk", version=__version__, openapi_url="/api/openapi.json",
                  docs_url="/api/docs", redoc_url=None, responses=errors.responses(),
                  description="Regulations as code with maatwerk as a declared, bounded and "
                              "audited part of every decision.", telemetry=telemetry())
    app.state.casefile = CaseFile(database, registry, settings.secret_bytes())
    app.state.settings = settings
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_bytes().decode(),
                       session_cookie="maatwerk_session", same_site="lax",
                       https_only=settings.secure_cookies)
    app.add_middleware(regulations.DecideLane)  # outermost: before the session and the routes
    errors.install(app)
    # claims before cases: POST /api/cases/{id}/claims is not a step of /api/cases/{id}/{step}
    for module in (auth, regulations, claims, cases, public, citizen, worker, manager, policy,
                   claim_forms, simulation, register, proposals):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(resources.files("maatwerk.web").joinpath(
        "static"))), name="static")

    @app.get("/api", tags=["meta"])
    def index() -> dict[str, Any]:
        return {"name": "maatwerk", "version": __version__, "openapi": "/api/openapi.json",
                "regulations": "/api/regulations", "cases": "/api/cases"}

    return app
