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
from playwright.sync_api import Browser, Page, sync_playwright

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
        accounts.create_user(s, "manager", "manager", password="geheim", unit_name="team-zuid")
        accounts.create_user(s, "beleid", "policy_maker", password="geheim")
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
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def _login(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", "geheim")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_alert(page: Page) -> None:
    alerts = page.locator("[role=alert]")
    assert alerts.count() == 0, alerts.inner_text()


def _apply(citizen: Page, base: str) -> str:
    """The citizen calculates, applies and asks for maatwerk; the case's address."""
    citizen.goto(base + "/burger/regelingen/bijstand")
    for name, value in FACTS.items():
        selector = f"#f-{name}"
        if citizen.locator(selector).evaluate("e => e.tagName") == "SELECT":
            citizen.select_option(selector, value)
        else:
            citizen.fill(selector, value)
    citizen.fill("#f-peildatum", "2025-07-01")
    citizen.click("text=Bereken")
    assert citizen.locator("pre.explanation").inner_text().startswith("Bijstand")
    _shot(citizen, "burger-uitkomst")
    citizen.click("form[action$='/aanvragen'] button")
    citizen.fill("#story", "Mijn woonlasten zijn zeer hoog door een medisch noodzakelijke "
                 "aanpassing van mijn woning.")
    citizen.click("form[action$='/maatwerk'] button")
    assert "Uw verzoek om maatwerk is ontvangen" in citizen.content()
    _shot(citizen, "burger-zaak")
    return citizen.url


def _propose(worker: Page, base: str, case_id: str) -> None:
    """Out of bounds first (refused, shown in the form), then within the bounds."""
    worker.goto(base + "/behandelaar")
    _shot(worker, "behandelaar-werkvoorraad")
    worker.goto(f"{base}/behandelaar/zaken/{case_id}")
    worker.click("text=In behandeling nemen")
    worker.select_option("#clause_output", "afstemming:bijstandsnorm")
    worker.fill("#value", "9000")
    worker.select_option("#ground", "omstandigheden")
    worker.fill("#motivation", "Zeer hoge woonlasten door een medische aanpassing.")
    worker.click("form[action$='/afwijking'] button")
    alert = worker.locator("[role=alert]").inner_text()
    assert "MW710" in alert and "afstemming" in alert
    assert "voorgesteld" not in worker.locator("#requests ~ ul").first.inner_text()
    worker.fill("#value", "1500")
    worker.fill("#motivation", "Zeer hoge woonlasten door een medische aanpassing.")
    worker.select_option("#request_id", index=1)
    worker.click("form[action$='/afwijking'] button")
    assert "Afwijking voorgesteld" in worker.content()
    _shot(worker, "behandelaar-zaak")
    assert worker.locator("form[action$='/goedkeuren']").count() == 0


def test_the_whole_journey(server: str, browser: Browser) -> None:
    citizen = _login(browser, server, "burger")
    case_url = _apply(citizen, server)
    case_id = case_url.rstrip("/").split("/")[-1]
    worker = _login(browser, server, "behandelaar")
    _propose(worker, server, case_id)

    approver = _login(browser, server, "goedkeurder")
    approver.goto(server + "/behandelaar")
    assert "Ter goedkeuring" in approver.content()
    approver.goto(f"{server}/behandelaar/zaken/{case_id}")
    approver.click("form[action$='/goedkeuren'] button")
    assert "Vastgelegd" in approver.content()

    for step in ("Voorstel maken", "Besluiten", "Bekendmaken"):
        worker.goto(f"{server}/behandelaar/zaken/{case_id}")
        worker.click(f"text={step}")
        _no_alert(worker)

    citizen.goto(case_url)
    text = citizen.locator("pre.explanation").inner_text()
    assert "Afstemming" in text and "1.500" in text
    citizen.fill("#grounds", "Ik ben het niet eens met de hoogte.")
    citizen.click("form[action$='/bezwaar'] button")
    assert "Uw bezwaar is ontvangen" in citizen.content()
    _shot(citizen, "burger-besluit")

    other = _login(browser, server, "ander")
    response = other.goto(case_url)
    assert response is not None and response.status == 404
    assert "Niet gevonden" in other.content()


def test_a_caseworker_cannot_approve_their_own_proposal(server: str, browser: Browser) -> None:
    """Even when the form is forged, the proposer's approval is refused and nothing changes."""
    citizen = _login(browser, server, "burger")
    case_id = _apply(citizen, server).rstrip("/").split("/")[-1]
    worker = _login(browser, server, "behandelaar")
    _propose(worker, server, case_id)
    csrf = worker.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    before = worker.request.get(f"{server}/behandelaar/zaken/{case_id}.json").json()
    proposal = next(r for r in before["deviations"] if r["state"] == "proposed")
    answer = worker.request.post(f"{server}/behandelaar/afwijkingen/{proposal['id']}/goedkeuren",
                                 form={"csrf_token": csrf, "case_id": case_id})
    assert answer.status == 422
    assert "MW802" in answer.text()
    after = worker.request.get(f"{server}/behandelaar/zaken/{case_id}.json").json()
    assert [r["state"] for r in after["deviations"]] == [r["state"] for r in before["deviations"]]


def test_the_manager_and_the_policy_maker_see_their_faces(server: str, browser: Browser) -> None:
    """The manager's dashboard and the policy maker's regulation page and simulation, with
    their charts drawn in the page (on the dashboard, a chart not drawn before as an image
    drawn when the browser asks for it); keyboard focus reaches the first form field."""
    _apply(_login(browser, server, "burger"), server)  # at least one case to show
    manager = _login(browser, server, "manager")
    manager.goto(server + "/manager")  # a chart not drawn before: an image drawn when asked
    assert manager.locator("svg[role=img], img[src^='/grafieken/']").count() >= 1
    assert manager.evaluate("Array.from(document.images).filter(i => i.src.includes("
                            "'/grafieken/')).every(i => i.complete && i.naturalWidth > 0)")
    manager.reload()  # drawn now: inline
    assert manager.locator("svg[role=img]").count() >= 1
    assert "Kerncijfers" in manager.content()
    _no_alert(manager)
    _shot(manager, "manager-dashboard")
    policy = _login(browser, server, "beleid")
    policy.goto(server + "/beleid/regelingen/bijstand")
    assert policy.locator("svg").count() >= 1
    _shot(policy, "beleid-regeling")
    policy.goto(server + "/beleid/simulatie?regeling=zorgtoeslag&peildatum=2025-06-01"
                "&personen=10000&p.drempelinkomen=30000")
    _no_alert(policy)
    assert policy.locator("svg[role=img]").count() == 2
    _shot(policy, "beleid-simulatie")
    policy.keyboard.press("Tab")  # the skip link first
    assert policy.evaluate("document.activeElement.className") == "skip"
