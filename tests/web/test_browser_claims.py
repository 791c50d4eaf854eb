"""A claim on a fact in a real browser (Debian's chromium, driven by Playwright) against a real
server, as in ``tests.web.test_browser``: a citizen applies for zorgtoeslag and a caseworker
decides it; the citizen disputes her income ("Klopt dit niet?") and sees her decision marked
"voorlopig"; the caseworker finds the claim in the queue and accepts it; the citizen sees the
decision taken again, with the decision before it. Screenshots go to docs/screenshots/.

Skipped, with the reason, on a machine without /usr/bin/chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.test_browser import (  # the server and browser fixtures, shared as they are
    CHROMIUM,
    _login,
    _no_alert,
    _shot,
    browser,
    server,
)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no browser at {CHROMIUM} (apt-get install chromium; "
                                       ".ci/run does)")
FIXTURES = (browser, server)  # imported for pytest, which finds them in this module
FACTS = {"leeftijd": "30", "is_verzekerd": "ja", "heeft_toeslagpartner": "nee",
         "toetsingsinkomen": "20000", "vermogen": "5000"}


def _apply(citizen: Page, base: str) -> str:
    """The citizen calculates her zorgtoeslag and applies; the case's address."""
    citizen.goto(base + "/burger/regelingen/zorgtoeslag")
    for name, value in FACTS.items():
        selector = f"#f-{name}"
        if citizen.locator(selector).evaluate("e => e.tagName") == "SELECT":
            citizen.select_option(selector, value)
        else:
            citizen.fill(selector, value)
    citizen.fill("#f-peildatum", "2025-06-01")
    citizen.click("text=Bereken")
    citizen.click("form[action$='/aanvragen'] button")
    expect(citizen.locator("[role=status]")).to_contain_text("Uw aanvraag is ontvangen")
    return citizen.url


def _decide(worker: Page, base: str, case_id: str) -> None:
    for step in ("In behandeling nemen", "Voorstel maken", "Besluiten", "Bekendmaken"):
        worker.goto(f"{base}/behandelaar/zaken/{case_id}")
        worker.click(f"text={step}")
        _no_alert(worker)


def test_a_citizen_corrects_her_income_and_gets_a_new_decision(server: str,
                                                                browser: Browser) -> None:
    citizen = _login(browser, server, "burger")
    case_url = _apply(citizen, server)
    case_id = case_url.rstrip("/").split("/")[-1]
    worker = _login(browser, server, "behandelaar")
    _decide(worker, server, case_id)

    citizen.goto(case_url)
    expect(citizen.locator("#decision")).to_contain_text("1573")
    expect(citizen.locator("#h-decision")).not_to_contain_text("voorlopig")
    row = citizen.locator("#fact-toetsingsinkomen")
    row.locator("summary").click()  # "Klopt dit niet?"
    citizen.fill("#cv-toetsingsinkomen", "30000")
    citizen.fill("#cr-toetsingsinkomen", "Sinds maart heb ik een vaste baan; mijn inkomen is "
                 "hoger dan de Belastingdienst nu weet.")
    citizen.fill("#ce-toetsingsinkomen", "jaaropgave-2025")
    row.locator("button[type=submit]").click()
    expect(citizen.locator("[role=status]")).to_contain_text("Uw correctie is ontvangen")
    expect(citizen.locator("#h-decision .badge.provisional")).to_have_text("voorlopig")
    expect(citizen.locator("p.provisional")).to_contain_text("Toetsingsinkomen")
    expect(citizen.locator("#fact-toetsingsinkomen")).to_contain_text("wordt gecontroleerd")
    _shot(citizen, "burger-correctie")

    worker.goto(server + "/behandelaar")
    claims = worker.locator("#claims + p + table")
    expect(claims).to_contain_text("toetsingsinkomen")
    claims.locator("a").first.click()
    _shot(worker, "behandelaar-correctie")
    worker.locator("form[action$='/overnemen'] button").first.click()
    expect(worker.locator("[role=status]")).to_contain_text("De correctie is overgenomen")
    _no_alert(worker)

    citizen.goto(case_url)
    expect(citizen.locator("#h-decision")).not_to_contain_text("voorlopig")
    expect(citizen.locator("#decision")).to_contain_text("1355")
    expect(citizen.locator("#previous-decision")).to_contain_text("1573")
    expect(citizen.locator("p.corrected")).to_contain_text("Toetsingsinkomen")
    expect(citizen.locator("#h-claims + ul")).to_contain_text("overgenomen")
    _shot(citizen, "burger-gecorrigeerd-besluit")
