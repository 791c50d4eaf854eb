"""The charts of the dilemma monitor and the dynamics signals on the manager's dashboard: funnel
plots for arbitrariness and refused proposals, bars for equality, lead times, objections and
grant rates per channel, and trend lines for the backlog, deadline breaches, the share of
maatwerk and recurring deviations. Each with its data as a table (``maatwerk.web.charts``)."""

from __future__ import annotations

from typing import Any

from maatwerk.insight.dashboard import months
from maatwerk.web import charts
from maatwerk.web.i18n import translate

JUDGEMENTS = ("high", "low", "warn_high", "warn_low", "within", "warning", "outlier")
FUNNEL_WORDS = ("cases", "rate", "limits_95", "limits_998", "judgement", "limits", "level_95",
                "level_998", "team", *JUDGEMENTS)
TOP_RECURRING = 6


def funnel_words(lang: str, name: str, cases: str, rate: str) -> dict[str, str]:
    found = {k: translate(lang, k) for k in FUNNEL_WORDS}
    found.update(name=translate(lang, name), cases=translate(lang, cases),
                 rate=translate(lang, rate))
    return found


def _span(rows: list[dict[str, Any]]) -> list[str]:
    found = [r["month"] for r in rows]
    return months(min(found), max(found)) if found else []


def _title(titles: dict[str, str], regulation: str) -> str:
    return titles.get(regulation, regulation)


def dilemma_charts(monitor: dict[str, Any], titles: dict[str, str],
                   lang: str) -> dict[str, Any]:
    def t(key: str) -> str:
        return translate(lang, key)

    about = t("chart_desc")
    teams = [{"who": f"{x['team']} ({r['regulation']})", "share": x["share"]}
             for r in monitor["equality"]["regulations"] for x in r["teams"]]
    lead = [{"what": f"{x['regulation']} — {t('discretion_' + x['discretion'])}",
             "measure": t(m), "days": x[f"{m}_days"]}
            for x in monitor["efficiency"]["lead_times"] for m in ("median", "p90")]
    objected = [{"what": f"{x['regulation']} — {t('discretion_' + x['discretion'])}",
                 "measure": t(m), "share": x[m]}
                for x in monitor["transparency"]["objections"]["by_discretion"]
                for m in ("objection_rate", "upheld_share")]
    manual = [{"who": f"{x['team']} ({x['regulation']})", "share": x["share"]}
              for x in monitor["efficiency"]["manual"]["team"]]
    return {
        "equality_teams": charts.bars(
            "equality-teams", teams, category="who", value="share", category_title=t("team"),
            value_title=t("departing_share"), title=t("departing_by_team"),
            description=about, share=True, lang=lang),
        "discretion_teams": charts.bars(
            "discretion-teams", manual, category="who", value="share",
            category_title=t("team"), value_title=t("discretion_share"),
            title=t("discretion_share"), description=about, share=True, lang=lang),
        "lead_by_discretion": charts.bars(
            "lead-by-discretion", lead, category="what", value="days", series="measure",
            category_title=t("discretion"), value_title=t("days"), series_title=t("measure"),
            title=t("lead_by_discretion"), description=about, lang=lang),
        "objections": charts.bars(
            "objections-by-discretion", objected, category="what", value="share",
            series="measure", category_title=t("discretion"), value_title=t("share"),
            series_title=t("measure"), title=t("objections"), description=about, share=True,
            lang=lang),
        "funnels": [_funnels(f, titles, lang) for f in monitor["arbitrariness"]],
    }


def _funnels(found: dict[str, Any], titles: dict[str, str], lang: str) -> dict[str, Any]:
    regulation = found["regulation"]
    title = _title(titles, regulation)
    desc = translate(lang, "funnel_desc")
    x_title, y_title = translate(lang, "decided_n"), translate(lang, "with_deviation")
    return {
        "regulation": regulation,
        "caseworkers": charts.funnel(
            f"funnel-{regulation}-caseworkers", found["caseworkers"],
            title=f"{translate(lang, 'funnel_caseworkers')}: {title}", description=desc,
            x_title=x_title, y_title=y_title, lang=lang, extra=("team",),
            words=funnel_words(lang, "caseworker", "decided_n", "with_deviation")),
        "teams": charts.funnel(
            f"funnel-{regulation}-teams", found["teams"],
            title=f"{translate(lang, 'funnel_teams')}: {title}", description=desc,
            x_title=x_title, y_title=y_title, lang=lang,
            words=funnel_words(lang, "team", "decided_n", "with_deviation")),
    }


def dynamics_charts(signals: dict[str, Any], titles: dict[str, str],
                    lang: str) -> dict[str, Any]:
    def t(key: str) -> str:
        return translate(lang, key)

    about = t("chart_desc")
    managers = signals["managers"]

    def monthly(rows: list[dict[str, Any]], value: str) -> list[dict[str, Any]]:
        return [{"month": r["month"], "regulation": _title(titles, r["regulation"]),
                 value: r[value]} for r in rows]

    recurring = signals["administrators"]["recurring"][:TOP_RECURRING]
    by_month = [{"month": m["month"], "what": f"{r['clause']} / {r['ground']}",
                 "approved": m["approved"]} for r in recurring for m in r["by_month"]]
    return {
        "grants": [{"regulation": c["regulation"], "chart": _grants(c, titles, lang)}
                   for c in signals["citizens"]],
        "refusals": charts.funnel(
            "refusal-funnel", signals["caseworkers"]["refusal_funnel"],
            title=t("refusal_funnel"), description=t("funnel_desc"), x_title=t("proposals"),
            y_title=t("refusal_rate"), lang=lang,
            words=funnel_words(lang, "caseworker", "proposals", "refusal_rate")),
        "backlog": charts.lines(
            "backlog", monthly(managers["backlog"], "backlog"), x="month", value="backlog",
            series="regulation", x_title=t("month"), value_title=t("number_of_cases"),
            series_title=t("regulation"), title=t("backlog"), description=about,
            domain=_span(managers["backlog"]), lang=lang),
        "breaches": charts.lines(
            "breaches", monthly(managers["breaches"], "share"), x="month", value="share",
            series="regulation", x_title=t("month"), value_title=t("breached"),
            series_title=t("regulation"), title=t("breaches"), description=about,
            domain=_span(managers["breaches"]), share=True, lang=lang),
        "maatwerk": charts.lines(
            "maatwerk-trend", monthly(managers["maatwerk"], "share"), x="month",
            value="share", series="regulation", x_title=t("month"),
            value_title=t("discretion_share"), series_title=t("regulation"),
            title=t("maatwerk_trend"), description=about,
            domain=_span(managers["maatwerk"]), share=True, lang=lang),
        "recurring": charts.lines(
            "recurring", by_month, x="month", value="approved", series="what",
            x_title=t("month"), value_title=t("approved_n"), series_title=t("clause"),
            title=t("recurring_chart"), description=about, domain=_span(by_month),
            lang=lang),
    }


def _grants(found: dict[str, Any], titles: dict[str, str], lang: str) -> charts.Chart:
    """Grant rates per channel: of requests and of offers."""
    def t(key: str) -> str:
        return translate(lang, key)

    return charts.bars(
        f"grants-{found['regulation']}",
        [{"channel": ch["channel"], "measure": t(m), "share": ch[m]}
         for ch in found["channels"] for m in ("grant_rate", "offer_rate")],
        category="channel", value="share", series="measure", category_title=t("channel"),
        value_title=t("share"), series_title=t("measure"),
        title=f"{t('grant_by_channel')}: {_title(titles, found['regulation'])}",
        description=t("chart_desc"), share=True, lang=lang)
