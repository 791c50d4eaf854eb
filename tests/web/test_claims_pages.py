"""Claims on facts on the web pages: the citizen's case page shows each fact with a "Klopt dit
niet?" form, her claims and a provisional decision marked "voorlopig"; the caseworker's queue
shows the claims to verify with their term, and the case page accepts or refuses them (with a
reason). Plain forms with the CSRF token; refusals come back with the error and change
nothing; every page has its JSON twin; English via ``?lang=en``."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import ZORGTOESLAG_DAY, ZORGTOESLAG_FACTS, Api, Person
from tests.web.sites import check_page
from tests.web.test_deps import signed_in

WHY = "Mijn inkomen over 2025 is hoger: ik kreeg in maart een vaste baan."
REFUSED = "De Belastingdienst bevestigt het geregistreerde inkomen."


def form(api: Api, who: Person, path: str, fields: dict[str, str]) -> Any:
    token = signed_in(api, who)
    return api.client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def page(api: Api, who: Person, path: str) -> Any:
    signed_in(api, who)
    answer = api.client.get(path)
    assert answer.status_code == 200, answer.text
    return answer


def decided(api: Api) -> tuple[Person, Person, Person, int]:
    """Anna's zorgtoeslag, decided by Carla (EUR 1,573 a year); and Dirk, another caseworker."""
    anna = api.person("anna", "citizen")
    carla = api.person("carla", "caseworker", unit="team-zuid")
    dirk = api.person("dirk", "caseworker", unit="team-zuid")
    case_id = int(api.submit(anna, "zorgtoeslag", ZORGTOESLAG_FACTS, ZORGTOESLAG_DAY)["id"])
    for step in ("start", "propose", "decide"):
        api.client.post(f"/api/cases/{case_id}/{step}", headers=carla.headers)
    return anna, carla, dirk, case_id


def dispute(api: Api, anna: Person, case_id: int, value: str = "30000") -> Any:
    return form(api, anna, f"/burger/zaken/{case_id}/correctie", {
        "fact": "toetsingsinkomen", "value": value, "reason": WHY,
        "evidence": "jaaropgave-2025, loonstrook-2025-05"})


def test_the_citizen_sees_her_facts_each_with_a_form_to_dispute_it(api: Api) -> None:
    anna, _, _, case_id = decided(api)
    html = page(api, anna, f"/burger/zaken/{case_id}").text
    found = check_page(html)  # every field has its label
    assert html.count("<summary>Klopt dit niet?</summary>") == len(ZORGTOESLAG_FACTS)
    assert html.count(f'action="/burger/zaken/{case_id}/correctie"') == len(ZORGTOESLAG_FACTS)
    assert "cv-toetsingsinkomen" in found.ids and "Toetsingsinkomen" in html
    assert "Belastingdienst" not in html or "burger" in html  # the source as recorded
    assert "voorlopig" not in html
    twin = api.client.get(f"/burger/zaken/{case_id}.json").json()
    rows = {r["name"]: r for r in twin["fact_rows"]}
    assert (rows["toetsingsinkomen"]["type"], rows["toetsingsinkomen"]["claim"]) == ("money",
                                                                                      None)
    assert twin["final"]["provisional"] is False


def test_a_disputed_fact_makes_the_citizens_decision_voorlopig(api: Api) -> None:
    anna, _, _, case_id = decided(api)
    answer = dispute(api, anna, case_id)
    assert (answer.status_code, answer.headers["location"]) == (303, f"/burger/zaken/{case_id}")
    html = api.client.get(f"/burger/zaken/{case_id}").text
    assert "Uw correctie is ontvangen" in html
    assert '<span class="badge provisional">voorlopig</span>' in html
    assert "Dit besluit is voorlopig: het rust op een gegeven dat wordt gecontroleerd: " \
           "Toetsingsinkomen." in html
    assert "wordt gecontroleerd" in html and "€ 30.000" in html
    assert "jaaropgave-2025, loonstrook-2025-05" in html
    assert html.count("<summary>Klopt dit niet?</summary>") == len(ZORGTOESLAG_FACTS) - 1
    twin = api.client.get(f"/burger/zaken/{case_id}.json").json()
    assert twin["final"]["provisional"] is True
    assert twin["final"]["disputed"][0]["fact"] == "toetsingsinkomen"
    english = api.client.get(f"/burger/zaken/{case_id}?lang=en").text
    assert '<span class="badge provisional">provisional</span>' in english
    assert "being verified" in english and "Is this wrong?" in english


def test_an_invalid_value_comes_back_with_the_error_and_changes_nothing(api: Api) -> None:
    anna, carla, _, case_id = decided(api)
    before = api.client.get(f"/api/cases/{case_id}", headers=carla.headers).json()
    answer = dispute(api, anna, case_id, "veel")
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text and "MW601" in answer.text
    assert "toetsingsinkomen" in answer.text and "veel" in answer.text
    no_reason = form(api, anna, f"/burger/zaken/{case_id}/correctie",
                     {"fact": "vermogen", "value": "1", "reason": ""})
    assert no_reason.status_code == 422 and "MW809" in no_reason.text
    no_token = api.client.post(f"/burger/zaken/{case_id}/correctie", data={
        "fact": "vermogen", "value": "1", "reason": WHY}, follow_redirects=False)
    assert no_token.status_code == 403
    after = api.client.get(f"/api/cases/{case_id}", headers=carla.headers).json()
    assert after == before


def test_the_caseworker_verifies_a_claim_and_the_citizen_sees_the_new_decision(
        api: Api) -> None:
    anna, _, dirk, case_id = decided(api)
    dispute(api, anna, case_id)
    queue = page(api, dirk, "/behandelaar").text
    check_page(queue)
    waiting = api.client.get("/behandelaar.json").json()["claims"]
    assert [c["fact"] for c in waiting] == ["toetsingsinkomen"]
    assert "Correcties te controleren" in queue and f"#claim-{waiting[0]['id']}" in queue
    assert waiting[0]["term"]["due"] in queue
    case = page(api, dirk, f"/behandelaar/zaken/{case_id}").text
    check_page(case)
    claim_id = api.client.get(f"/behandelaar/zaken/{case_id}.json").json()["claims"][0]["id"]
    assert f'action="/behandelaar/correcties/{claim_id}/overnemen"' in case
    assert "Maakt voorlopig: voorstel #1, besluit #2" in case
    accepted = form(api, dirk, f"/behandelaar/correcties/{claim_id}/overnemen",
                    {"case_id": str(case_id)})
    assert accepted.status_code == 303
    assert "De correctie is overgenomen" in api.client.get(accepted.headers["location"]).text

    html = page(api, anna, f"/burger/zaken/{case_id}").text
    assert "voorlopig" not in html
    assert "Dit besluit is opnieuw genomen na de correctie van Toetsingsinkomen." in html
    decision = html.split('id="decision"')[1].split("</table>")[0]
    previous = html.split('id="previous-decision"')[1].split("</table>")[0]
    assert ">1355<" in decision and ">1573<" in previous
    assert "overgenomen" in html
    assert api.client.get(f"/burger/zaken/{case_id}.json").json()["final"]["kind"] == (
        "correction")


def test_refusing_needs_a_reason_and_the_citizen_sees_it(api: Api) -> None:
    anna, _, dirk, case_id = decided(api)
    dispute(api, anna, case_id)
    claim_id = api.client.get(f"/api/cases/{case_id}/claims",
                              headers=anna.headers).json()["items"][0]["id"]
    path = f"/behandelaar/correcties/{claim_id}/afwijzen"
    bare = form(api, dirk, path, {"case_id": str(case_id), "reason": "nee"})
    assert bare.status_code == 422 and "MW809" in bare.text
    refused = form(api, dirk, path, {"case_id": str(case_id), "reason": REFUSED})
    assert refused.status_code == 303
    html = page(api, anna, f"/burger/zaken/{case_id}").text
    assert "afgewezen" in html and REFUSED in html and "voorlopig" not in html
    again = form(api, dirk, path, {"case_id": str(case_id), "reason": REFUSED})
    assert again.status_code == 422 and "MW804" in again.text


def test_the_citizen_withdraws_and_the_caseworker_lodges_on_her_behalf(api: Api) -> None:
    anna, carla, dirk, case_id = decided(api)
    dispute(api, anna, case_id)
    claim_id = api.client.get(f"/api/cases/{case_id}/claims",
                              headers=anna.headers).json()["items"][0]["id"]
    withdrawn = form(api, anna, f"/burger/correcties/{claim_id}/intrekken",
                     {"case_id": str(case_id)})
    assert withdrawn.status_code == 303
    assert "De correctie is ingetrokken" in api.client.get(f"/burger/zaken/{case_id}").text
    lodged = form(api, carla, f"/behandelaar/zaken/{case_id}/correctie", {
        "fact": "vermogen", "value": "6000", "reason": "Aanvrager belde; bankafschrift volgt."})
    assert lodged.status_code == 303
    own = api.client.get(f"/api/cases/{case_id}/claims", headers=carla.headers).json()
    assert [(c["fact"], c["state"], c["lodged_role"]) for c in own["items"]] == [
        ("toetsingsinkomen", "withdrawn", "citizen"), ("vermogen", "pending", "caseworker")]
    mine = own["items"][1]["id"]
    refused = form(api, carla, f"/behandelaar/correcties/{mine}/overnemen",
                   {"case_id": str(case_id)})
    assert refused.status_code == 422 and "MW808" in refused.text
    assert form(api, dirk, f"/behandelaar/correcties/{mine}/overnemen",
                {"case_id": str(case_id)}).status_code == 303
