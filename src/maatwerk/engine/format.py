"""Showing values to people, in Dutch (the default) or English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from maatwerk.engine.exact import round_to
from maatwerk.spec.schema import Translations
from maatwerk.spec.types import Type

MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}
WORDS = {
    "nl": {True: "ja", False: "nee"},
    "en": {True: "yes", False: "no"},
}


def text(t: Translations | None, lang: str) -> str:
    """A translated text in ``lang``, falling back to Dutch."""
    if t is None:
        return ""
    return (t.en if lang == "en" and t.en else t.nl) or ""


def _grouped(value: Decimal, decimals: int, lang: str) -> str:
    body = f"{value:,.{decimals}f}"
    if lang == "nl":
        body = body.replace(",", "_").replace(".", ",").replace("_", ".")
    return body


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def number(value: Any, lang: str = "nl", *, decimals: int | None = None) -> str:
    """A number with the language's separators; ``≈`` marks a value shown rounded."""
    approx = ""
    if isinstance(value, Fraction):
        value = round_to(value, 4, "round")
        approx = "≈ "
    if isinstance(value, bool):
        return WORDS[lang][value]
    if isinstance(value, int):
        return _grouped(Decimal(value), 0, lang)
    places = _decimals(value) if decimals is None else decimals
    return approx + _grouped(value, places, lang)


def money(value: Any, lang: str = "nl") -> str:
    """An amount: whole euros without decimals, otherwise cents; sub-cent values shown rounded."""
    prefix = "€ " if lang == "nl" else "€"
    if isinstance(value, Fraction) or (isinstance(value, Decimal) and _decimals(value) > 2):
        shown = round_to(value, 2, "round")
        return f"≈ {prefix}{_grouped(shown, 2, lang)}"
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return f"{prefix}{_grouped(amount, 0, lang)}"
    return f"{prefix}{_grouped(amount, 2, lang)}"


def date(value: dt.date, lang: str = "nl") -> str:
    return f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"


def value(v: Any, type_: Type | None, lang: str = "nl", *, unit: Translations | None = None,
          labels: Mapping[str, Translations] | None = None) -> str:
    """Any value by its type: amounts, percentages, dates, yes/no, enumeration labels."""
    if isinstance(v, Mapping):
        return ", ".join(f"{k}: {value(x, type_, lang, unit=unit)}" for k, x in v.items())
    if isinstance(v, bool):
        return WORDS[lang][v]
    if isinstance(v, dt.date):
        return date(v, lang)
    if isinstance(v, str):
        if labels and v in labels:
            return text(labels[v], lang)
        return v
    kind = type_.kind if type_ else ""
    if kind == "money":
        return money(v, lang)
    shown_unit = text(unit, lang)
    if shown_unit == "%":
        pct = Fraction(v) * 100 if isinstance(v, Fraction) else Decimal(v) * 100
        return f"{number(pct, lang)}%"
    shown = number(v, lang)
    return f"{shown} {shown_unit}" if shown_unit and shown_unit != "EUR" else shown
