"""Drawing a chart's Vega-Lite specification as accessible SVG, kept by what was drawn; and,
for a page that must not wait for it, drawing it later, when its image is asked for.

``vl_convert`` runs Vega-Lite itself (no CDN, no JavaScript in the browser, no network:
external data is refused). It draws one chart at a time in 30-50 ms and holds the interpreter
while it does, so drawing in threads does not help. What was drawn is kept by its
specification and frame (``DRAWN`` of them); a page asks again for the same chart, or for the
same chart with new data after an event, and only a changed chart is drawn again.

A page may ask for its charts ``later()``: a chart drawn before is given inline as always; a
chart not drawn yet is given as the digest of its specification and frame — the page shows it
as ``<img src="/grafieken/{digest}.svg">`` beside its data table, and ``waiting(digest)``
draws it when the browser asks (once, however many ask at the same moment). Nothing is drawn
from a request's own input: only specifications a page of this process made are known by
their digest (the last ``WAITING`` of them; a page kept by the memo names its charts again
each time it is asked, and after a restart the page is made afresh). This module is the only
place where the web app uses ``vl_convert``.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import vl_convert

DRAWN = 256  # charts kept drawn per process
WAITING = 256  # specifications of charts to draw later, by digest
LOCALES = {"nl": "nl-NL", "en": "en-US"}
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
Key = tuple[str, str, str, str, str]  # specification (JSON), name, title, description, lang

_LATER: ContextVar[bool] = ContextVar("maatwerk.web.drawing.later", default=False)
_LOCK = threading.Lock()
_drawn: OrderedDict[Key, str] = OrderedDict()
_waiting: OrderedDict[str, Key] = OrderedDict()
_gates: dict[Key, threading.Lock] = {}


def _kept(found: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    found[key] = value
    found.move_to_end(key)
    while len(found) > size:
        found.popitem(last=False)


def _render(key: Key) -> str:
    """The chart drawn and framed: ``role="img"``, a title and a description; ids inside it
    prefixed with its name so that several charts can share a page."""
    spec, name, title, description, lang = key
    locale: Any = LOCALES[lang]  # vl_convert types its locales as a Literal
    drawn = str(vl_convert.vegalite_to_svg(json.loads(spec), format_locale=locale,
                                           time_format_locale=locale, allowed_base_urls=[]))
    drawn = _ID.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", drawn)
    start = drawn.index("<svg")
    end = drawn.index(">", start)
    head = drawn[start:end]
    if head.endswith("/"):  # pragma: no cover - vega never writes an empty svg
        raise ValueError("an empty SVG")
    label = f'{name}-title {name}-desc'
    return (f'{drawn[:start]}{head} role="img" aria-labelledby="{label}" focusable="false">'
            f'<title id="{name}-title">{html.escape(title)}</title>'
            f'<desc id="{name}-desc">{html.escape(description)}</desc>{drawn[end + 1:]}')


def _draw(key: Key) -> str:
    """The chart of ``key``, drawn once and kept."""
    with _LOCK:
        found = _drawn.get(key)
        if found is not None:
            _drawn.move_to_end(key)
            return found
        gate = _gates.setdefault(key, threading.Lock())
    with gate:  # another thread drawing the same chart: wait for it
        with _LOCK:
            found = _drawn.get(key)
        if found is None:
            try:
                found = _render(key)
                with _LOCK:
                    _kept(_drawn, key, found, DRAWN)
            finally:
                with _LOCK:
                    _gates.pop(key, None)
    return found


def key(spec: dict[str, Any], *, name: str, title: str, description: str,
        lang: str) -> Key:
    full = {"$schema": SCHEMA, **spec}
    return (json.dumps(full, sort_keys=True, default=str), name, title, description, lang)


def svg(spec: dict[str, Any], *, name: str, title: str, description: str,
        lang: str = "nl") -> str:
    """The chart as inline SVG (drawn now unless it was drawn before)."""
    return _draw(key(spec, name=name, title=title, description=description, lang=lang))


@contextmanager
def later() -> Iterator[None]:
    """Within it, ``drawn_or_later`` does not draw a chart that was not drawn before."""
    token = _LATER.set(True)
    try:
        yield
    finally:
        _LATER.reset(token)


@dataclass(frozen=True)
class Later:
    """A chart to draw when its image is asked for: the digest that names it and what it is."""

    digest: str
    key: Key = field(repr=False)


def _wait(later: Later) -> None:
    with _LOCK:
        _kept(_waiting, later.digest, later.key, WAITING)


def drawn_or_later(spec: dict[str, Any], *, name: str, title: str, description: str,
                   lang: str = "nl") -> tuple[str | None, Later | None]:
    """The chart as inline SVG, or — within ``later()``, when it was not drawn before — what
    ``waiting`` draws it by: ``(svg, None)`` or ``(None, later)``."""
    found = key(spec, name=name, title=title, description=description, lang=lang)
    if not _LATER.get():
        return _draw(found), None
    with _LOCK:
        drawn = _drawn.get(found)
    if drawn is not None:
        return drawn, None
    waits = Later(hashlib.sha256(json.dumps(found).encode()).hexdigest(), found)
    _wait(waits)
    return None, waits


def drawn_by(later: Later) -> str | None:
    """The chart of ``later`` if it has been drawn since (else it is waiting again, should it
    have been left out of the charts waiting since)."""
    with _LOCK:
        found = _drawn.get(later.key)
    if found is None:
        _wait(later)
    return found


def waiting(digest: str) -> str | None:
    """The chart of a digest ``drawn_or_later`` gave, drawn now if it was not yet (None for a
    digest this process did not give, or gave so long ago that it was left out)."""
    with _LOCK:
        found = _waiting.get(digest)
    return None if found is None else _draw(found)
