"""What the case-file tests share: the people, a clock, valid facts and records of the worked
regulations, a case driven to any state, and the actions called by name.

The facts and records are taken from the regulations' own tests (``regulations/*/tests``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from maatwerk.cases import accounts
from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.models import AuditEntry, Subject
from maatwerk.cases.service import Actor, pseudonym

SECRET = b"case-file-tests-secret"
START = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)

# A single person of 35 on 1 July 2025: norm EUR 1,369.06, no assets, no culpable behaviour
# (regulations/bijstand/tests/afstemming.yaml). Art. 18 lid 1 ('afstemming') is always considered.
BIJSTAND = "bijstand"
BIJSTAND_DAY = dt.date(2025, 7, 1)
BIJSTAND_FACTS: dict[str, Any] = {
    "geboortedatum": "1990-03-01", "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": False,
    "aantal_kostendelers": 1, "verblijft_in_inrichting": False, "vermogen": 0,
    "categorie_gedraging": "geen"}
BIJSTAND_NORM = "1369.06"
# Assets above the limit: no entitlement, unless art. 16 (dringende_redenen) is applied.
BIJSTAND_NO_RIGHT = {**BIJSTAND_FACTS, "vermogen": 9000}

AFSTEMMING: dict[str, Any] = {
    "clause": "afstemming", "output": "bijstandsnorm", "value": 1500, "ground": "omstandigheden",
    "motivation": "Zeer bijzondere situatie: hoge medische kosten (rapport van 12 juni 2025)."}
DRINGENDE_REDENEN: dict[str, Any] = {
    "clause": "dringende_redenen", "output": "grondslag_bijstand",
    "value": "zeer_dringende_redenen", "ground": "zeer_dringende_redenen",
    "motivation": "Het vermogen staat op een geblokkeerde rekening; er dreigt huisuitzetting.",
    "evidence": ["bankverklaring-blokkade-2025-06"]}
CONSIDERED = "Afstemming overwogen; geen zeer bijzondere omstandigheden voor de norm."
STORY = "Mijn huur is verdubbeld en ik kan mijn vaste lasten niet meer betalen."
GROUNDS = "De norm houdt geen rekening met mijn medische kosten."
REASON = "Er zijn geen bijzondere omstandigheden aangetoond."

ZORGTOESLAG = "zorgtoeslag"
ZORGTOESLAG_DAY = dt.date(2025, 6, 1)
ZORGTOESLAG_FACTS: dict[str, Any] = {
    "leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
    "toetsingsinkomen": 20000, "vermogen": 5000}

# Wmo: a report (melding) on 10 February 2025, an application on 14 March, decided on 20 March
# (regulations/wmo-maatwerkvoorziening/tests/onderzoek.yaml).
WMO = "wmo-maatwerkvoorziening"
WMO_DAY = dt.date(2025, 3, 20)
WMO_MELDING = dt.date(2025, 2, 10)
WMO_FACTS: dict[str, Any] = {
    "datum_melding": "2025-02-10", "datum_aanvraag": "2025-03-14",
    "huishouden_betaalt_al_abonnementstarief": False}
WMO_ASSESSMENT: dict[str, Any] = {
    "date": "2025-03-12",
    "answers": {
        "hulpvraag": "Ik kan na mijn heupoperatie het huis niet meer schoonhouden.",
        "beperkingen": "Kan niet bukken of zwaar tillen; loopt met een rollator.",
        "persoonlijk_plan_ontvangen": False, "uren_ondersteuning_nodig": 6,
        "uren_eigen_kracht": 0, "uren_gebruikelijke_hulp": 0, "uren_mantelzorg": 2,
        "mantelzorger_heeft_ondersteuning_nodig": False, "uren_algemene_voorzieningen": 0,
        "afstemming_nodig": False, "geinformeerd_over_eigen_bijdrage": True,
        "kostprijs_hulpmiddel": 0, "kostprijs_woningaanpassing": 0},
    "provision": "hulp_bij_het_huishouden",
    "amount": 4,
    "motivation": "Dochter helpt twee uur per week; de overige vier uur compenseert het college.",
    "report": {
        "hulpvraag_en_beperkingen": "Hulp nodig bij zwaar huishoudelijk werk na een heupoperatie.",
        "voorliggende_oplossingen": "Zie de uren per voorliggende stap in het onderzoek.",
        "mantelzorger": "De mantelzorger heeft geen ondersteuning nodig.",
        "samenwerking": "Geen afstemming met andere domeinen nodig.",
        "eigen_bijdrage": "De cliënt weet dat het abonnementstarief per huishouden geldt.",
        "passende_bijdrage": "De voorziening sluit aan bij de woonsituatie en de voorkeuren.",
        "clientondersteuning": "Gewezen op gratis cliëntondersteuning.",
        "persoonsgebonden_budget": "Geïnformeerd over de mogelijkheid van een pgb."}}

ANNA_BSN = "111222333"
BRAM_BSN = "444555666"


class Clock:
    """The case file's clock: fixed until a test moves it."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def today(self) -> dt.date:
        return self.now.date()

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass(frozen=True)
class People:
    """Everyone who acts in the tests, one attribute per person."""

    anna: Actor  # citizen
    bram: Actor  # another citizen
    carla: Actor  # caseworker, team-noord
    mo: Actor  # caseworker, maatwerkteam (art. 16)
    wim: Actor  # caseworker, wmo-consulenten (the Wmo investigation)
    alex: Actor  # approver
    bo: Actor  # approver
    max: Actor  # manager, maatwerkteam (approves art. 16)
    nina: Actor  # manager, team-noord
    pim: Actor  # policy maker
    ada: Actor  # administrator

    def by_role(self, role: str) -> Actor:
        """One person with ``role`` (the citizen is Anna)."""
        return {"citizen": self.anna, "caseworker": self.carla, "approver": self.alex,
                "manager": self.max, "policy_maker": self.pim, "administrator": self.ada}[role]


def make_people(db: Database) -> People:
    with db.transaction() as s:
        def citizen(name: str, bsn: str) -> Actor:
            subject = Subject(kind="person", pseudonym=pseudonym(SECRET, "person", bsn),
                              label=name)
            s.add(subject)
            s.flush()
            return Actor.of(accounts.create_user(s, name, "citizen", subject_id=subject.id))

        def staff(name: str, role: str, unit: str | None = None) -> Actor:
            return Actor.of(accounts.create_user(s, name, role, unit_name=unit))

        return People(
            anna=citizen("anna", ANNA_BSN), bram=citizen("bram", BRAM_BSN),
            carla=staff("carla", "caseworker", "team-noord"),
            mo=staff("mo", "caseworker", "maatwerkteam"),
            wim=staff("wim", "caseworker", "wmo-consulenten"),
            alex=staff("alex", "approver"), bo=staff("bo", "approver"),
            max=staff("max", "manager", "maatwerkteam"),
            nina=staff("nina", "manager", "team-noord"),
            pim=staff("pim", "policy_maker"), ada=staff("ada", "administrator"))


def audit_length(db: Database) -> int:
    with db.reading() as s:
        return s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


def snapshot(cf: CaseFile, people: People, case_id: int) -> tuple[str, int, int]:
    """What must not change when an action is refused: state, revision, audit length."""
    case = cf.get(people.ada, case_id)
    return case["state"], case["revision"], audit_length(cf.db)


# -- actions by name -----------------------------------------------------------------------------

# The actions on an existing case, with the person who has the right role for each.
CASE_ACTIONS = ("record_facts", "start", "investigate", "apply", "record_assessment",
                "request_maatwerk", "propose_deviation", "approve_deviation",
                "refuse_deviation", "withdraw_deviation", "consider", "propose", "decide",
                "announce", "object", "decide_objection", "withdraw")


def entitled(people: People, action: str) -> Actor:
    """Someone whose role may take ``action``."""
    return {"record_facts": people.carla, "start": people.carla, "investigate": people.wim,
            "apply": people.carla, "record_assessment": people.wim,
            "request_maatwerk": people.anna, "propose_deviation": people.carla,
            "approve_deviation": people.alex, "refuse_deviation": people.alex,
            "withdraw_deviation": people.anna, "consider": people.carla,
            "propose": people.carla, "decide": people.alex, "announce": people.carla,
            "object": people.anna, "decide_objection": people.bo,
            "withdraw": people.anna}[action]


def perform(cf: CaseFile, action: str, actor: Actor, case_id: int,
            request_id: int = 0) -> Any:
    """Take ``action`` on the case with valid arguments (``request_id``: a request for maatwerk
    of the case, for the actions on requests and deviations)."""
    calls: dict[str, Callable[[], Any]] = {
        "record_facts": lambda: cf.record_facts(actor, case_id, {"vermogen": 100}),
        "start": lambda: cf.start(actor, case_id),
        "investigate": lambda: cf.investigate(actor, case_id),
        "apply": lambda: cf.apply(actor, case_id),
        "record_assessment": lambda: cf.record_assessment(actor, case_id, WMO_ASSESSMENT),
        "request_maatwerk": lambda: cf.request_maatwerk(actor, case_id, STORY),
        "propose_deviation": lambda: cf.propose_deviation(actor, case_id, request_id=request_id,
                                                          **AFSTEMMING),
        "approve_deviation": lambda: cf.approve_deviation(actor, request_id),
        "refuse_deviation": lambda: cf.refuse_deviation(actor, request_id, REASON),
        "withdraw_deviation": lambda: cf.withdraw_deviation(actor, request_id),
        "consider": lambda: cf.consider(actor, case_id, "afstemming", CONSIDERED),
        "propose": lambda: cf.propose(actor, case_id),
        "decide": lambda: cf.decide(actor, case_id),
        "announce": lambda: cf.announce(actor, case_id),
        "object": lambda: cf.object(actor, case_id, GROUNDS),
        "decide_objection": lambda: cf.decide_objection(actor, case_id, False,
                                                        "Het bezwaar is ongegrond."),
        "withdraw": lambda: cf.withdraw(actor, case_id, "Ik heb werk gevonden."),
    }
    return calls[action]()


# -- a case in any state -------------------------------------------------------------------------

BIJSTAND_STATES = ("received", "in_progress", "proposal", "decided", "announced", "objection",
                   "objection_decided", "withdrawn")


def bijstand_case(cf: CaseFile, people: People, state: str) -> tuple[int, int]:
    """Anna's bijstand case, driven to ``state``, with her request for maatwerk (answered with
    an approved deviation once the case is in progress). Returns the case and request ids."""
    case_id = int(cf.submit(people.anna, BIJSTAND, BIJSTAND_FACTS,
                            peildatum=BIJSTAND_DAY)["id"])
    request_id = int(cf.request_maatwerk(people.anna, case_id, STORY)["id"])
    if state == "received":
        return case_id, request_id
    if state == "withdrawn":
        cf.withdraw(people.anna, case_id, "Ik heb werk gevonden.")
        return case_id, request_id
    cf.start(people.carla, case_id)
    cf.propose_deviation(people.carla, case_id, request_id=request_id, **AFSTEMMING)
    cf.approve_deviation(people.alex, request_id)
    steps: list[tuple[str, Callable[[], Any]]] = [
             ("in_progress", lambda: None),
             ("proposal", lambda: cf.propose(people.carla, case_id)),
             ("decided", lambda: cf.decide(people.alex, case_id)),
             ("announced", lambda: cf.announce(people.carla, case_id)),
             ("objection", lambda: cf.object(people.anna, case_id, GROUNDS)),
             ("objection_decided", lambda: cf.decide_objection(
                 people.bo, case_id, False, "Het bezwaar is ongegrond."))]
    for name, step in steps:
        step()
        if name == state:
            return case_id, request_id
    raise ValueError(f"no bijstand case in state {state!r}")


def wmo_case(cf: CaseFile, people: People, *, assessed: bool = False) -> int:
    """Anna's Wmo case in investigation (and with the investigation recorded)."""
    case_id = int(cf.submit(people.anna, WMO, WMO_FACTS, peildatum=WMO_DAY,
                            received_on=WMO_MELDING)["id"])
    cf.start(people.wim, case_id)
    cf.investigate(people.wim, case_id)
    if assessed:
        cf.record_assessment(people.wim, case_id, WMO_ASSESSMENT)
    return case_id
