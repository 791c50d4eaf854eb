"""The regulations API (``maatwerk.web.api.regulations``): the list, one regulation, the inputs
an output needs, the profile, and the stateless decision with the regulation version in its
body and headers."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REGULATIONS
from tests.web.conftest import (
    BIJSTAND_DAY,
    BIJSTAND_FACTS,
    ZORGTOESLAG_DAY,
    ZORGTOESLAG_FACTS,
    Api,
    assert_error,
)

HEADER = "X-Maatwerk-Regulation"
DISCRETION = ("assessment", "deviations", "considerations")


def _first_example(folder: Path) -> dict[str, Any]:
    """The first test case of a regulation that decides (it expects outputs, not an error)."""
    for file in sorted((folder / "tests").glob("*.yaml")):
        for case in yaml.safe_load(file.read_text("utf-8")).get("tests", []):
            if "expect" in case and "error" not in case and "inputs" in case:
                found: dict[str, Any] = json.loads(json.dumps(case, default=str))
                return found
    raise AssertionError(f"{folder.name} has no test case that decides")


EXAMPLES = {folder.name: _first_example(folder)
            for folder in sorted(REGULATIONS.iterdir()) if (folder / "tests").is_dir()}


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or expected is None:
        return bool(expected == actual)
    if isinstance(expected, int | float):
        return Decimal(str(expected)) == Decimal(str(actual))
    return str(expected) == str(actual)


def test_the_list_of_regulations(api: Api) -> None:
    answer = api.client.get("/api/regulations")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [r["id"] for r in items] == sorted(EXAMPLES)
    for item in items:
        reg = api.files.registry.get(item["id"])
        assert (item["version"], item["sha256"]) == (reg.version, reg.sha256)
        assert {"title", "valid", "legal_basis", "outputs", "variants"} <= set(item)


def test_one_regulation(api: Api) -> None:
    answer = api.client.get("/api/regulations/bijstand")
    assert answer.status_code == 200
    data = answer.json()
    assert (data["id"], data["version"]) == ("bijstand", api.files.registry.get(
        "bijstand").version)
    assert {"afstemming", "verlaging_afwijken", "dringende_redenen"} <= set(data["hardship"])
    assert {"inputs", "parameters", "rules", "tables", "categories", "assessment"} <= set(data)


def test_an_unknown_regulation_suggests_a_known_one(api: Api) -> None:
    for path in ("/api/regulations/bijstnd", "/api/regulations/bijstnd/profile",
                 "/api/regulations/bijstnd/inputs?output=x"):
        error = assert_error(api.client.get(path), 404, "MW803")
        assert (error["path"], error["got"]) == ("regulation", "bijstnd")
        assert "bijstand" in error["message"]
    assert_error(api.client.post("/api/regulations/bijstnd/decide",
                                 json={"peildatum": BIJSTAND_DAY}), 404, "MW803")


def test_the_inputs_an_output_needs(api: Api) -> None:
    answer = api.client.get("/api/regulations/bijstand/inputs",
                            params={"output": "bijstandsnorm"})
    assert answer.status_code == 200
    data = answer.json()
    assert (data["regulation"], data["output"]) == ("bijstand", "bijstandsnorm")
    assert {"geboortedatum", "leefvorm", "aantal_kostendelers"} <= set(data["inputs"])
    assert set(data["inputs"]) <= set(BIJSTAND_FACTS) | {"geboortedatum_partner",
                                                         "partner_aow_leeftijd_bereikt"}
    unknown = assert_error(api.client.get("/api/regulations/bijstand/inputs",
                                          params={"output": "bijstandsnrom"}), 404, "MW803")
    assert (unknown["path"], unknown["got"]) == ("output", "bijstandsnrom")
    assert "bijstandsnorm" in unknown["message"]
    assert_error(api.client.get("/api/regulations/bijstand/inputs"), 422, "MW809")


def test_the_profile(api: Api) -> None:
    answer = api.client.get("/api/regulations/bijstand/profile")
    assert answer.status_code == 200
    assert answer.json()["regulation"]["id"] == "bijstand"
    assert "variants" in answer.json()


@pytest.mark.parametrize("regulation", sorted(EXAMPLES))
def test_every_regulation_decides_and_names_its_version(api: Api, regulation: str) -> None:
    example = EXAMPLES[regulation]
    body = {"peildatum": example["date"], "inputs": example["inputs"],
            **{k: example[k] for k in DISCRETION if k in example}}
    answer = api.client.post(f"/api/regulations/{regulation}/decide", json=body)
    assert answer.status_code == 200, answer.text
    reg = api.files.registry.get(regulation)
    assert answer.headers[HEADER] == f"{reg.id}@{reg.version}"
    assert answer.headers[f"{HEADER}-Sha256"] == reg.sha256
    data = answer.json()
    assert data["regulation"] == {"id": reg.id, "version": reg.version}
    receipt = data["receipt"]
    assert (receipt["regulation"], receipt["version"], receipt["sha256"], receipt["peildatum"]
            ) == (reg.id, reg.version, reg.sha256, example["date"])
    compared = {name: expected for name, expected in example["expect"].items()
                if name in data["outputs"]}  # the test may also expect intermediate rules
    assert compared
    for name, expected in compared.items():
        assert _same(expected, data["outputs"][name]), (name, expected, data["outputs"])


def test_a_decision_without_trace_or_explanation(api: Api) -> None:
    full = api.client.post("/api/regulations/zorgtoeslag/decide", json={
        "peildatum": ZORGTOESLAG_DAY, "inputs": ZORGTOESLAG_FACTS}).json()
    assert full["trace"]
    assert full["explanation"]
    bare = api.client.post("/api/regulations/zorgtoeslag/decide", json={
        "peildatum": ZORGTOESLAG_DAY, "inputs": ZORGTOESLAG_FACTS, "trace": False,
        "explanation": False}).json()
    assert not bare.get("trace")
    assert not bare.get("explanation")
    assert bare["outputs"] == full["outputs"]
    assert bare["receipt"] == full["receipt"]


def test_a_decision_with_an_approved_deviation(api: Api) -> None:
    answer = api.client.post("/api/regulations/bijstand/decide", json={
        "peildatum": BIJSTAND_DAY, "inputs": BIJSTAND_FACTS, "deviations": [{
            "clause": "afstemming", "output": "bijstandsnorm", "value": "1500.00",
            "ground": "omstandigheden",
            "motivation": "Medisch dieet en vervoer geven structureel hogere kosten.",
            "proposer": {"id": "m.jansen", "role": "caseworker", "unit": "team-zuid"},
            "approver": {"id": "p.devries", "role": "approver", "unit": "team-noord"}}]})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert Decimal(data["outputs"]["bijstandsnorm"]) == Decimal("1500.00")
    assert data["deciding_layer"]["bijstandsnorm"] == "deviation"
    assert data["considerations"]["afstemming"]["considered"] is True
    assert answer.headers[HEADER].startswith("bijstand@")


def test_a_refused_decision_is_an_error_not_a_decision(api: Api) -> None:
    decide = "/api/regulations/bijstand/decide"
    outside = assert_error(api.client.post(decide, json={"peildatum": "2030-01-01",
                                                         "inputs": BIJSTAND_FACTS}), 422,
                           "MW603")
    assert (outside["path"], outside["got"]) == ("peildatum", "2030-01-01")
    no_approver = api.client.post(decide, json={
        "peildatum": BIJSTAND_DAY, "inputs": BIJSTAND_FACTS, "deviations": [{
            "clause": "afstemming", "output": "bijstandsnorm", "value": "1500.00",
            "ground": "omstandigheden", "motivation": "Zeer bijzondere omstandigheden.",
            "proposer": {"id": "m.jansen", "role": "caseworker"}}]})
    assert_error(no_approver, 422, "MW708")
    assert HEADER not in no_approver.headers
    malformed = assert_error(api.client.post(decide, json={
        "peildatum": BIJSTAND_DAY, "inputs": BIJSTAND_FACTS, "deviations": [{}]}), 422,
        "MW711")
    assert malformed["path"].startswith("deviation")
    assert_error(api.client.post(decide, json={"peildatum": BIJSTAND_DAY,
                                               "inputs": {"vermogen": "veel"}}), 422, "MW601")


def test_an_indeterminate_decision_names_what_is_missing(api: Api) -> None:
    facts = {k: v for k, v in BIJSTAND_FACTS.items() if k != "vermogen"}
    answer = api.client.post("/api/regulations/bijstand/decide",
                             json={"peildatum": BIJSTAND_DAY, "inputs": facts})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["status"] != "determined"
    assert "vermogen" in data["missing"]
    assert answer.headers[HEADER].startswith("bijstand@")


def test_deciding_stores_nothing(api: Api) -> None:
    caseworker = api.person("carla", "caseworker", unit="team-zuid")
    api.client.post("/api/regulations/bijstand/decide",
                    json={"peildatum": BIJSTAND_DAY, "inputs": BIJSTAND_FACTS})
    assert api.client.get("/api/cases", headers=caseworker.headers).json()["total"] == 0
    admin = api.person("ad", "administrator")
    assert api.client.get("/api/audit/verify", headers=admin.headers).json()["entries"] == 0


def test_regulations_need_no_sign_in(api: Api) -> None:
    for path in ("/api/regulations", "/api/regulations/zorgtoeslag",
                 "/api/regulations/zorgtoeslag/profile",
                 "/api/regulations/zorgtoeslag/inputs?output=zorgtoeslag"):
        assert api.client.get(path).status_code == 200, path


def test_the_inputs_of_a_chained_output_are_those_of_the_chain(api: Api) -> None:
    """An input that is another regulation's output is decided, not asked: the facts that
    regulation needs are asked instead, over the API and in the citizen's form."""
    answer = api.client.get("/api/regulations/minimaregeling/inputs",
                            params={"output": "meedoenbijdrage"})
    assert answer.status_code == 200
    names = answer.json()["inputs"]
    assert "bijstandsnorm" not in names
    assert {"netto_inkomen", "geboortedatum", "leefvorm", "aantal_kostendelers"} <= set(names)
    form = api.client.get("/burger/regelingen/minimaregeling.json").json()
    asked = [q["name"] for q in form["questions"]]
    assert "bijstandsnorm" not in asked and "leefvorm" in asked
