"""A case under a regulation that uses another: the case file decides it through the chain and
the stored decision names the version and content hash of every regulation it went through."""

from __future__ import annotations

import datetime as dt

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from tests.cases.helpers import SECRET, Clock, People
from tests.conftest import REGULATIONS

FACTS = {"netto_inkomen": "2200", "vermogen": "0", "geboortedatum": "1990-03-01",
         "leefvorm": "gehuwd", "aow_leeftijd_bereikt": False,
         "geboortedatum_partner": "1991-01-01", "partner_aow_leeftijd_bereikt": False,
         "aantal_kostendelers": 2, "verblijft_in_inrichting": False}


def test_a_chained_decision_records_every_regulation_version(db: Database, clock: Clock,
                                                             people: People) -> None:
    registry = Registry([REGULATIONS / "bijstand", REGULATIONS / "minimaregeling"])
    cf = CaseFile(db, registry, SECRET, clock=clock)
    case = cf.submit(people.anna, "minimaregeling", FACTS, peildatum=dt.date(2025, 9, 1))
    cf.start(people.carla, case["id"])
    cf.record_facts(people.carla, case["id"], {"vermogen": "100", "aantal_kostendelers": 2})
    facts = {f["name"]: f for f in cf.get(people.carla, case["id"])["facts"]}
    assert facts["aantal_kostendelers"]["source"].startswith("Gemeente (onderzoek woonsituatie)")
    cf.propose(people.carla, case["id"])
    decision = cf.decide(people.alex, case["id"])
    assert decision["outputs"] == {"inkomensgrens": "2306.48",
                                   "recht_op_meedoenbijdrage": "recht", "meedoenbijdrage": "250"}
    bijstand = registry.get("bijstand")
    assert [(r["regulation"], r["version"], r["sha256"], r["peildatum"])
            for r in decision["receipts"]] == [
        ("minimaregeling", "2025.1-illustratief", case["regulation_sha256"], "2025-09-01"),
        ("bijstand", "2025.2", bijstand.sha256, "2025-01-01")]
    step = decision["chain"][0]
    assert (step["input"], step["value"], step["deciding_layer"], step["categories"]) == (
        "bijstandsnorm", "1922.07", "category", ["gehuwd_21_tot_aow"])
