"""A web app over the small dated case history of ``tests.insight.history``, for the tests of
the manager's and the policy maker's pages: people with bearer tokens (and one with a
password), and the case file's clock set to the day the dashboard is looked at."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import select

from maatwerk.cases import accounts
from maatwerk.cases.models import User
from maatwerk.cases.registry import Registry
from maatwerk.web.app import create_app
from maatwerk.web.settings import Settings
from tests.dbs import database
from tests.insight.history import TODAY, History, build_on

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "een-lang-wachtwoord-voor-mia"


@dataclass
class Site:
    app: FastAPI
    client: TestClient
    history: History
    tokens: dict[str, str]

    def as_(self, username: str | None) -> dict[str, str]:
        """The headers of a request by ``username`` (None: nobody signed in)."""
        return {} if username is None else {"Authorization": f"Bearer {self.tokens[username]}"}


@contextmanager
def site(tmp_path: Path, registry: Registry) -> Iterator[Site]:
    """The app over a fresh SQLite case file holding the history; everyone in it has a token;
    ``ada`` (administrator) and ``mia`` (a manager who signs in with a password) are added."""
    with database("sqlite", tmp_path) as db:
        history = build_on("sqlite", db, registry, tmp_path)
        tokens = {}
        with db.transaction() as s:
            accounts.create_user(s, "ada", "administrator")
            accounts.create_user(s, "mia", "manager", password=PASSWORD, unit_name="team-noord")
            for user in s.execute(select(User)).scalars():
                tokens[user.username] = accounts.issue_token(s, user, "tests")
        app = create_app(Settings(regulations=(), secret="insight-web-tests"), migrate=False,
                         db=db)
        app.state.casefile.registry = registry
        app.state.casefile.clock = lambda: dt.datetime.combine(TODAY, dt.time(12),
                                                               tzinfo=dt.UTC)
        with TestClient(app, raise_server_exceptions=True) as client:
            yield Site(app, client, history, tokens)


class Page(HTMLParser):
    """What the tests look for in a page: ids, links, form fields and their labels, images."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.fields: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.scripts: list[str] = []
        self.svgs: list[dict[str, str]] = []
        self.images: list[dict[str, str]] = []
        self.stylesheets: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.fields.append(found)
        if tag == "label" and "for" in found:
            self.labels.add(found["for"])
        if tag == "script":
            self.scripts.append(found.get("src", ""))
        if tag == "link" and found.get("rel") == "stylesheet":
            self.stylesheets.append(found.get("href", ""))
        if tag == "svg":
            self.svgs.append(found)
        if tag == "img":
            self.images.append(found)


def check_page(text: str) -> Page:
    """The checks every page of these faces passes: every form field has a label, every
    in-page link has its target, nothing is loaded from elsewhere, every chart is an image
    with a title and a description (an image to be drawn later: with its title as text)."""
    found = Page(text)
    for field in found.fields:
        assert field.get("id") in found.labels, f"a form field without a label: {field}"
    for link in found.links:
        if link.startswith("#"):
            assert link[1:] in found.ids, f"a link to a missing target: {link}"
    assert all(src.startswith("/static/") for src in found.scripts), found.scripts
    assert all(href.startswith("/static/") for href in found.stylesheets), found.stylesheets
    for svg in found.svgs:
        if svg.get("role") == "img":
            title, desc = svg["aria-labelledby"].split()
            assert {title, desc} <= found.ids
    for image in found.images:
        assert image.get("alt") and image["src"].startswith("/"), image
    return found


CHART_IMAGE = re.compile(r'<img src="(/grafieken/[0-9a-f]{64}\.svg)"')


def drawn(client: TestClient, path: str, headers: dict[str, str]) -> str:
    """A page whose charts are drawn when the browser asks (``maatwerk.web.drawing``), asked
    again after its chart images were fetched: every chart inline."""
    text = client.get(path, headers=headers).text
    for src in CHART_IMAGE.findall(text):
        assert client.get(src, headers=headers).status_code == 200
    again: str = client.get(path, headers=headers).text
    assert not CHART_IMAGE.search(again)
    return again
