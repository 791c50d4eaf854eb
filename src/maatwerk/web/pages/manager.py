"""The manager's face: volumes, lead times, deadline risk, deviation rates per team and
caseworker, and the deciding-layer mix — each as a chart with its data as a table beside it —
filtered by regulation and period (a GET form). For managers, administrators and policy makers;
anyone else is sent to sign in.

The figures come from ``maatwerk.insight.dashboard``, the dilemma monitor and the dynamics
signals from ``maatwerk.insight.dilemmas`` and ``maatwerk.insight.dynamics`` (their charts in
``manager_insight``); the JSON twin (``/manager.json``, with the same query) holds them all,
without the charts. Figures, charts and the twin's body are kept per revision of the case file
(``maatwerk.web.memo``): asked again while nothing happened, the page is not computed again;
any new event in the case file makes the next request compute afresh — except the equality
figures of a regulation whose sample the event did not change (``Memo.measured``), and the
charts whose specification did not change (``maatwerk.web.drawing``). The page does not wait
for the charts that did: each is an image drawn when the browser asks for it
(``/grafieken/{digest}.svg``), and inline SVG once it has been drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from maatwerk.cases.service import Actor
from maatwerk.engine.format import text
from maatwerk.insight.cohort import Cohort
from maatwerk.insight.dashboard import Period, dashboard, months, regulations_in
from maatwerk.insight.dilemmas import dilemmas
from maatwerk.insight.dynamics import dynamics
from maatwerk.insight.view import before_reading
from maatwerk.spec.model import Regulation
from maatwerk.web import charts, drawing
from maatwerk.web.deps import casefile, optional_actor
from maatwerk.web.i18n import language, translate
from maatwerk.web.memo import Memo, for_database, revision
from maatwerk.web.pages.manager_insight import dilemma_charts, dynamics_charts
from maatwerk.web.render import jsonable, page, redirect, templates

router = APIRouter()
ROLES = ("manager", "administrator", "policy_maker")
charts.register(templates.env)


def allowed(request: Request) -> Actor | Any:
    """The signed-in manager, administrator or policy maker; anyone else to the login."""
    who = optional_actor(request)
    if who is None or who.role not in ROLES:
        return redirect(f"/login?next={request.url.path}")
    return who


def wants_charts(request: Request) -> bool:
    """Charts are drawn for the HTML page only, not for its JSON twin."""
    return not request.url.path.endswith(".json")


def _day(raw: str | None) -> tuple[dt.date | None, bool]:
    if not raw:
        return None, True
    try:
        return dt.date.fromisoformat(raw), True
    except ValueError:
        return None, False


def period_of(request: Request, known: set[str], lang: str) -> tuple[Period, list[str]]:
    """The filter from the query (``regeling``, ``van``, ``tot``) and what was wrong in it."""
    params = request.query_params
    problems = []
    regulation = params.get("regeling") or None
    if regulation is not None and regulation not in known:
        problems.append(f"{translate(lang, 'unknown_regulation')}: {regulation}")
        regulation = None
    start, ok = _day(params.get("van"))
    if not ok:
        problems.append(f"{translate(lang, 'invalid_date')}: {params.get('van')}")
    end, ok = _day(params.get("tot"))
    if not ok:
        problems.append(f"{translate(lang, 'invalid_date')}: {params.get('tot')}")
    if start is not None and end is not None and start > end:
        problems.append(translate(lang, "period_reversed"))
        start, end = end, start
    return Period(regulation, start, end), problems


@page(router, "/manager", "manager/dashboard.html")
def dashboard_page(request: Request) -> Any:
    who = allowed(request)
    if not isinstance(who, Actor):
        return who
    files = casefile(request)
    lang = language(request)
    memo = for_database(files.db)
    regs = files.registry.current
    loaded = tuple(sorted((r, reg.sha256) for r, reg in regs.items()))
    today = files.today()
    before_reading(files.db)  # the insight read model, so that the session below holds it
    with files.db.reading() as s:
        now = revision(s)  # first: the figures below are at least as new as it
        known = set(regs) | set(memo.get(("regulations", now), lambda: regulations_in(s)))
        period, problems = period_of(request, known, lang)
        key = ("figures", now, loaded, today, period)
        figures: dict[str, Any] = memo.get(key, lambda: _figures(s, period, today, regs, memo))
    titles = {r: text(regs[r].title, lang) if r in regs else r for r in known}
    data = dict(figures)  # the kept figures are shared: never changed, only added to
    data["regulations"] = [{"id": r, "title": titles[r]} for r in sorted(known)]
    data["problems"] = problems
    data["query"] = str(request.url.query)
    if not wants_charts(request):  # the twin: its body kept as the figures are
        body = memo.get(("json", key, lang, data["query"], tuple(problems)),
                        lambda: JSONResponse(jsonable(data)).body)
        return Response(body, media_type="application/json")
    data["charts"] = charts.resolve(memo.get(("charts", key, lang),
                                             lambda: _all_charts(figures, titles, lang)))
    return data


@router.get("/grafieken/{digest}.svg", include_in_schema=False)
def chart_image(request: Request, digest: str) -> Response:
    """A chart of the dashboard drawn later (``maatwerk.web.drawing``): its SVG, drawn when
    first asked; the digest names its content, so it may be kept as long as one likes."""
    who = allowed(request)
    if not isinstance(who, Actor):
        return cast(Response, who)
    drawn = drawing.waiting(digest)
    if drawn is None:
        return Response("not found / niet gevonden", status_code=404, media_type="text/plain")
    return Response(drawn, media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=31536000, immutable"})


def _figures(s: Session, period: Period, today: dt.date, regs: Mapping[str, Regulation],
             memo: Memo | None = None) -> dict[str, Any]:
    """Every figure of the dashboard, the dilemma monitor and the dynamics signals (what is
    read of decisions' documents, and what is computed from samples, kept in ``memo``)."""
    data = dashboard(s, period, today)
    kept = (memo.documents, memo.measured) if memo is not None else (None, None)
    with Cohort.gather(s, period, *kept) as cohort:
        data["dilemmas"] = dilemmas(s, cohort, regs)
        data["dynamics"] = dynamics(s, cohort, regs, today, data["dilemmas"])
    return data


def _all_charts(figures: dict[str, Any], titles: dict[str, str], lang: str) -> dict[str, Any]:
    """Every chart of the page; one not drawn before is drawn when the browser asks for it
    (the page does not wait for the charts an event changed)."""
    with drawing.later():
        return _each_chart(figures, titles, lang)


def _each_chart(figures: dict[str, Any], titles: dict[str, str], lang: str) -> dict[str, Any]:
    drawn = _charts(figures, titles, lang)
    drawn["dilemmas"] = dilemma_charts(figures["dilemmas"], titles, lang)
    drawn["dynamics"] = dynamics_charts(figures["dynamics"], titles, lang)
    return drawn


def layer_labels(lang: str) -> dict[str, str]:
    words = {"layer": "layer", "outputs": "outputs", "share": "share"}
    found = {k: translate(lang, v) for k, v in words.items()}
    for layer in ("standard", "category", "assessment", "deviation"):
        found[layer] = translate(lang, f"layer_{layer}")
    return found


def _charts(data: dict[str, Any], titles: dict[str, str], lang: str) -> dict[str, Any]:
    def t(key: str) -> str:
        return translate(lang, key)

    about = t("chart_desc")
    received = data["volumes"]
    span = months(received[0]["month"], received[-1]["month"]) if received else []
    counted = {(v["month"], v["regulation"]): v["cases"] for v in received}
    regs = sorted({v["regulation"] for v in received})
    volumes = [{"month": m, "regulation": titles.get(r, r), "cases": counted.get((m, r), 0)}
               for m in span for r in regs]
    lead = data["lead_times"]
    by_regulation = [{"regulation": titles.get(x["regulation"], x["regulation"]),
                      "measure": t(m), "days": x[f"{m}_days"]}
                     for x in lead["by_regulation"] for m in ("median", "p90")]
    by_month = [{"month": x["month"], "regulation": titles.get(x["regulation"], x["regulation"]),
                 "days": x["median_days"]} for x in lead["by_month"]]
    lead_span = (months(min(x["month"] for x in by_month), max(x["month"] for x in by_month))
                 if by_month else [])
    risk = [{"regulation": titles.get(x["regulation"], x["regulation"]) + f" — {x['label']}",
             "status": t(status), "terms": x[status]}
            for x in data["deadlines"]["by_kind"] for status in ("overdue", "due_soon")]
    rates = data["deviations"]
    mix = [{**x, "regulation": titles.get(x["regulation"], x["regulation"])}
           for x in data["layers"]]
    return {
        "volumes": charts.lines(
            "volumes", volumes, x="month", value="cases", series="regulation",
            x_title=t("month"), value_title=t("number_of_cases"), series_title=t("regulation"),
            title=t("volumes"), description=about, domain=span, lang=lang),
        "lead_by_regulation": charts.bars(
            "lead-by-regulation", by_regulation, category="regulation", value="days",
            series="measure", category_title=t("regulation"), value_title=t("days"),
            series_title=t("measure"), title=t("lead_by_regulation"), description=about,
            lang=lang),
        "lead_by_month": charts.lines(
            "lead-by-month", by_month, x="month", value="days", series="regulation",
            x_title=t("month"), value_title=t("median"), series_title=t("regulation"),
            title=t("lead_by_month"), description=about, domain=lead_span, lang=lang),
        "deadlines": charts.bars(
            "deadlines", risk, category="regulation", value="terms", series="status",
            category_title=t("term"), value_title=t("number_of_cases"),
            series_title=t("status"), title=t("deadline_chart"), description=about,
            lang=lang, colours={t("overdue"): "#a4121c", t("due_soon"): "#c05600"}),
        "rate_by_team": charts.bars(
            "rate-by-team", rates["teams"], category="team", value="deviation_rate",
            category_title=t("team"), value_title=t("with_deviation"),
            title=t("rate_by_team"), description=about, share=True, lang=lang),
        "rate_by_caseworker": charts.bars(
            "rate-by-caseworker", [{**x, "who": f"{x['caseworker']} ({x['team']})"}
                                   for x in rates["caseworkers"]],
            category="who", value="deviation_rate", category_title=t("caseworker"),
            value_title=t("with_deviation"), title=t("rate_by_caseworker"), description=about,
            share=True, lang=lang),
        "layers": charts.layers(
            "layers", mix, category="regulation", category_title=t("regulation"),
            title=t("layer_mix"), description=about, labels=layer_labels(lang), lang=lang),
    }
