"""The public maatwerk register (``/register``): deviations per year, regulation, hardship
clause and ground, small numbers suppressed (``maatwerk.insight.register``). No sign-in: it is
public. The JSON twin (``/register.json``) and ``/register.csv`` hold the same published cells —
never a suppressed number."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from maatwerk.insight.register import csv_rows, register
from maatwerk.web.deps import casefile
from maatwerk.web.render import page

router = APIRouter()


def published(request: Request) -> dict[str, Any]:
    files = casefile(request)
    with files.db.reading() as s:
        return register(s, files.registry.current)


@page(router, "/register", "register.html")
def register_page(request: Request) -> dict[str, Any]:
    return published(request)


@router.get("/register.csv", include_in_schema=False)
def register_csv(request: Request) -> Response:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv_rows(published(request)))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="maatwerkregister.csv"'})
