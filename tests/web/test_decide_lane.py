"""The lean way of the stateless decision (``maatwerk.web.api.regulations.DecideLane``): it
answers exactly what the ordinary way (routing, middleware, FastAPI's validation and
serialisation) answers, and hands on every request it cannot answer with a decision."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import pytest
from fastapi import FastAPI
from opentelemetry import trace

from maatwerk.web import app as web_app
from maatwerk.web.api import regulations
from maatwerk.web.api.regulations import lane_regulation
from tests.web.conftest import (
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    ZORGTOESLAG_DAY,
    ZORGTOESLAG_FACTS,
    Api,
    assert_error,
)

DECIDE = "/api/regulations/zorgtoeslag/decide"
JSON = "application/json"


def scope(path: str = DECIDE, method: str = "POST",
          headers: list[tuple[bytes, bytes]] | None = None, **extra: Any) -> dict[str, Any]:
    found = {"type": "http", "method": method, "path": path, "root_path": "",
             "headers": [(b"content-type", JSON.encode())] if headers is None else headers}
    found.update(extra)
    return found


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """What the lane made of each request: the regulation it took, or None (handed on)."""
    seen: list[str | None] = []

    def spy(asked: Any) -> str | None:
        found = lane_regulation(asked)
        seen.append(found)
        return found

    monkeypatch.setattr(regulations, "lane_regulation", spy)
    return seen


def answers(api: Api, body: bytes, *, path: str = DECIDE,
            content_type: str = JSON) -> tuple[Any, Any]:
    """The answer through the lane, and through the ordinary way (a cookie sends it there)."""
    lane = api.client.post(path, content=body, headers={"content-type": content_type})
    api.client.cookies.set("any", "cookie")
    try:
        ordinary = api.client.post(path, content=body, headers={"content-type": content_type})
    finally:
        api.client.cookies.clear()
    return lane, ordinary


def same(lane: Any, ordinary: Any) -> None:
    assert lane.status_code == ordinary.status_code
    assert lane.content == ordinary.content  # byte for byte: exact decimal strings and all
    strip = {"date"}
    assert ([(k, v) for k, v in lane.headers.multi_items() if k not in strip]
            == [(k, v) for k, v in ordinary.headers.multi_items() if k not in strip])


@pytest.mark.parametrize(("trace_", "explanation"), [(False, False), (True, False),
                                                      (True, True)])
def test_a_decision_is_the_same_answer_either_way(api: Api, taken: list[str | None],
                                                  trace_: bool, explanation: bool) -> None:
    for path, day, facts in ((DECIDE, ZORGTOESLAG_DAY, ZORGTOESLAG_FACTS),
                             ("/api/regulations/bijstand/decide", BIJSTAND_DAY, BIJSTAND_FACTS)):
        body = json.dumps({"peildatum": day, "inputs": facts, "trace": trace_,
                           "explanation": explanation}).encode()
        lane, ordinary = answers(api, body, path=path)
        assert lane.status_code == 200, lane.text
        same(lane, ordinary)
        assert lane.headers["x-maatwerk-regulation"].startswith(path.split("/")[3] + "@")
    assert taken == ["zorgtoeslag", None, "bijstand", None]


@pytest.mark.parametrize("body", [
    b'{"peildatum": ', b"", b"[1, 2]", b'{"inputs": {}}', b'{"peildatum": "gisteren"}',
    b'{"peildatum": "2025-06-01", "x": 1}', b'{"peildatum": "2025-06-01", "trace": "yes"}',
    b'{"peildatum": "2025-06-01", "inputs": {"a\\u0000": 1}}',
    b'{"peildatum": "2031-01-01"}',  # outside the regulation's validity: MW6xx
    b'{"peildatum": "2025-06-01", "deviations": [{"x": 1}]}',
    b'\xef\xbb\xbf{"peildatum": "2025-06-01"}',
])
def test_what_is_no_decision_is_answered_the_ordinary_way(api: Api, taken: list[str | None],
                                                          body: bytes) -> None:
    lane, ordinary = answers(api, body)
    same(lane, ordinary)
    assert taken[0] == "zorgtoeslag"  # taken, found no decision, handed on


def test_an_unknown_regulation_is_the_same_404(api: Api, taken: list[str | None]) -> None:
    lane, ordinary = answers(api, b'{"peildatum": "2025-06-01"}',
                             path="/api/regulations/zorgtoeslg/decide")
    same(lane, ordinary)
    assert_error(lane, 404, "MW803")


@pytest.mark.parametrize(("asked", "regulation"), [
    (scope(), "zorgtoeslag"),
    (scope(headers=[(b"content-type", b"Application/JSON; charset=utf-8")]), "zorgtoeslag"),
    (scope(headers=[(b"content-type", b"application/json"), (b"cookie", b"a=b")]), None),
    (scope(headers=[(b"content-type", b"text/plain")]), None),
    (scope(headers=[(b"content-type", b"application/vnd.x+json")]), None),
    (scope(headers=[]), None),
    (scope(method="GET"), None),
    (scope(path="/api/regulations/zorgtoeslag/decide/"), None),
    (scope(path="/api/regulations/a/b/decide"), None),
    (scope(path="/api/regulations/decide"), None),
    (scope(path="/api/regulations//decide"), None),
    (scope(path="/api/cases/1/decide"), None),
    (scope(root_path="/mounted"), None),
    ({**scope(), "fastapi.telemetry": object()}, None),
    ({"type": "websocket", "path": DECIDE}, None),
])
def test_the_requests_the_lane_takes(asked: dict[str, Any], regulation: str | None) -> None:
    assert lane_regulation(asked) == regulation


def test_a_body_in_parts_and_a_client_gone_before_its_end(api: Api) -> None:
    body = json.dumps({"peildatum": ZORGTOESLAG_DAY, "inputs": ZORGTOESLAG_FACTS,
                       "trace": False, "explanation": False}).encode()
    whole = api.client.post(DECIDE, content=body, headers={"content-type": JSON})

    def run(messages: list[dict[str, Any]]) -> list[MutableMapping[str, Any]]:
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            await asyncio.sleep(3600)  # pragma: no cover - nothing more is asked
            raise AssertionError

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        lane = regulations.DecideLane(api.app)
        asyncio.run(lane(scope(app=api.app, headers=[(b"content-type", JSON.encode())],
                               query_string=b"", server=("test", 80), scheme="http"),
                         receive, send))
        return sent

    parts = [{"type": "http.request", "body": body[i:i + 7], "more_body": i + 7 < len(body)}
             for i in range(0, len(body), 7)]
    sent = run(parts)
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == whole.content
    gone = run([{"type": "http.request", "body": body[:10], "more_body": True},
                {"type": "http.disconnect"}])
    assert not any(m.get("status") == 200 for m in gone)  # handed on: no decision answered


def test_fastapi_telemetry_only_when_opentelemetry_is_set_up(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert web_app.telemetry() == {"tracing": False, "metrics": False, "logs": False}
    monkeypatch.setattr(trace, "get_tracer_provider", trace.NoOpTracerProvider)
    assert web_app.telemetry() is None  # FastAPI's defaults
    assert isinstance(FastAPI(telemetry=web_app.telemetry()), FastAPI)
