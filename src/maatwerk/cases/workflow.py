"""The case's state machine, following the Awb, and who may take which action.

    received ──start──▶ in_progress ──investigate──▶ investigation
        │                   │                            │
        │                   └────────propose─────────────┴──▶ proposal ──decide──▶ decided
        └──withdraw (also from in_progress, investigation, proposal) ──▶ withdrawn
    decided ──announce──▶ announced ──object──▶ objection ──decide_objection──▶ objection_decided

``received`` is the application (aanvraag) or, for a regulation with an assessment, the report
(melding); ``investigation`` is only for such regulations. Actions that do not change the state
(recording facts, an assessment, a consideration, requests for maatwerk) are allowed in the
states listed in ``ALLOWED``. An action outside its states is refused naming the state and the
action (MW801); an actor without the right role is refused (MW802).
"""

from __future__ import annotations

from dataclasses import dataclass

STATES = ("received", "in_progress", "investigation", "proposal", "decided", "announced",
          "objection", "objection_decided", "withdrawn")
OPEN = ("received", "in_progress", "investigation", "proposal")
STAFF = ("caseworker", "approver", "manager", "administrator")


@dataclass(frozen=True)
class Action:
    name: str
    states: tuple[str, ...]
    roles: tuple[str, ...]
    to: str | None = None  # the new state; None leaves it
    label: str = ""  # Dutch, for people
    english: str = ""


_CW = ("caseworker",)
_ACTIONS = (
    # name, states, roles, to, Dutch label, English
    ("submit", (), ("citizen", "caseworker"), "received",
     "aanvraag of melding indienen", "submit an application or report"),
    ("record_facts", OPEN, ("citizen", "caseworker"), None,
     "gegevens vastleggen", "record facts"),
    ("start", ("received",), _CW, "in_progress", "in behandeling nemen", "start handling"),
    ("investigate", ("in_progress",), _CW, "investigation",
     "onderzoek starten", "start the investigation"),
    ("apply", ("investigation",), ("citizen", "caseworker"), None, "aanvraag indienen", "apply"),
    ("record_assessment", ("investigation",), _CW, None,
     "onderzoek vastleggen", "record the investigation"),
    ("request_maatwerk", (*OPEN, "decided", "announced"), ("citizen",), None,
     "om maatwerk vragen", "ask for maatwerk"),
    ("propose_deviation", OPEN, _CW, None, "afwijking voorstellen", "propose a deviation"),
    ("approve_deviation", OPEN, ("approver", "manager"), None,
     "afwijking goedkeuren", "approve a deviation"),
    ("refuse_deviation", OPEN, ("approver", "manager", "caseworker"), None,
     "afwijking of verzoek afwijzen", "refuse a deviation or request"),
    ("withdraw_deviation", OPEN, ("citizen", "caseworker"), None,
     "afwijking intrekken", "withdraw a deviation"),
    ("consider", OPEN, _CW, None, "maatwerk overwegen", "record a consideration"),
    ("propose", ("in_progress", "investigation", "proposal"), _CW, "proposal",
     "voorstel maken", "propose a decision"),
    ("decide", ("proposal",), ("caseworker", "approver"), "decided", "besluiten", "decide"),
    ("announce", ("decided",), ("caseworker", "approver"), "announced",
     "bekendmaken", "announce the decision"),
    ("object", ("announced",), ("citizen",), "objection", "bezwaar maken", "object"),
    ("decide_objection", ("objection",), ("approver", "manager"), "objection_decided",
     "beslissen op bezwaar", "decide on the objection"),
    ("withdraw", OPEN, ("citizen",), "withdrawn", "aanvraag intrekken",
     "withdraw the application"),
)
ACTIONS: dict[str, Action] = {a[0]: Action(*a) for a in _ACTIONS}


def allowed(action: str, state: str) -> bool:
    spec = ACTIONS[action]
    return not spec.states or state in spec.states


def may(action: str, role: str) -> bool:
    return role in ACTIONS[action].roles
