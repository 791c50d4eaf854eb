"""The case's state machine, following the Awb, and who may take which action.

    received ──start──▶ in_progress ──investigate──▶ investigation
        │                   │                            │
        │                   └────────propose─────────────┴──▶ proposal ──decide──▶ decided
        └──withdraw (also from in_progress, investigation, proposal) ──▶ withdrawn
    decided ──announce──▶ announced ──object──▶ objection ──decide_objection──▶ objection_decided

``received`` is the application (aanvraag) or, for a regulation with an assessment, the report
(melding); ``investigation`` is only for such regulations. Actions that do not change the state
(recording facts, an assessment, a consideration, deviations) are allowed in the states each
lists; the records that prepare a decision can also be made while an objection is handled
(``objection``), so that the decision on it can differ (Awb art. 7:11, a full reconsideration).
A citizen asks for maatwerk until the decision; after it, through an objection. A claim on a
fact (``maatwerk.cases.claims``) can be lodged and handled in every state but ``withdrawn``: before
the decision it corrects what the decision will rest on, after it the decision is taken again.
An action outside its states is refused naming the state and the action (MW801); an actor
without the right role is refused naming who may (MW802).
"""

from __future__ import annotations

from dataclasses import dataclass

STATES = ("received", "in_progress", "investigation", "proposal", "decided", "announced",
          "objection", "objection_decided", "withdrawn")
OPEN = ("received", "in_progress", "investigation", "proposal")
PREPARING = (*OPEN, "objection")  # where the records that prepare a decision are made
CLAIMABLE = tuple(s for s in STATES if s != "withdrawn")  # where facts can be disputed
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
    ("record_facts", PREPARING, ("citizen", "caseworker"), None,
     "gegevens vastleggen", "record facts"),
    ("start", ("received",), _CW, "in_progress", "in behandeling nemen", "start handling"),
    ("investigate", ("in_progress",), _CW, "investigation",
     "onderzoek starten", "start the investigation"),
    ("apply", ("investigation",), ("citizen", "caseworker"), None, "aanvraag indienen", "apply"),
    ("record_assessment", ("investigation", "objection"), _CW, None,
     "onderzoek vastleggen", "record the investigation"),
    ("request_maatwerk", OPEN, ("citizen",), None,
     "om maatwerk vragen", "ask for maatwerk"),
    ("propose_deviation", PREPARING, _CW, None, "afwijking voorstellen", "propose a deviation"),
    ("approve_deviation", PREPARING, ("approver", "manager"), None,
     "afwijking goedkeuren", "approve a deviation"),
    # a caseworker refuses a citizen's request; a proposed deviation is refused by an approver
    ("refuse_deviation", PREPARING, ("approver", "manager", "caseworker"), None,
     "afwijking of verzoek afwijzen", "refuse a deviation or request"),
    ("withdraw_deviation", PREPARING, ("citizen", "caseworker"), None,
     "afwijking intrekken", "withdraw a deviation"),
    ("consider", PREPARING, _CW, None, "maatwerk overwegen", "record a consideration"),
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
    ("lodge_claim", CLAIMABLE, ("citizen", "caseworker"), None,
     "gegeven betwisten", "dispute a fact"),
    ("accept_claim", CLAIMABLE, _CW, None, "correctie overnemen", "accept a claim on a fact"),
    ("refuse_claim", CLAIMABLE, _CW, None, "correctie afwijzen", "refuse a claim on a fact"),
    ("withdraw_claim", CLAIMABLE, ("citizen", "caseworker"), None,
     "correctie intrekken", "withdraw a claim on a fact"),
)
ACTIONS: dict[str, Action] = {a[0]: Action(*a) for a in _ACTIONS}

# Why an action is not possible in a state, where the state alone does not say it.
AFTER: dict[tuple[str, str], str] = {
    ("request_maatwerk", state): "after the decision, maatwerk is asked for by objecting to it "
    "(bezwaar, Awb art. 6:4 and 7:11: the objection reconsiders the whole decision)"
    for state in ("decided", "announced")}


def allowed(action: str, state: str) -> bool:
    spec = ACTIONS[action]
    return not spec.states or state in spec.states


def may(action: str, role: str) -> bool:
    return role in ACTIONS[action].roles


def person(role: str) -> str:
    """'a caseworker', 'an approver': a person in a role, for messages."""
    words = role.replace("_", " ")
    return ("an " if words[0] in "aeiou" else "a ") + words


def refusal(action: str, role: str) -> str:
    """Why someone in ``role`` may not take ``action``, naming who may (MW802)."""
    spec = ACTIONS[action]
    return (f"{person(role)} may not {spec.english} (allowed: "
            f"{', '.join(r.replace('_', ' ') for r in spec.roles)})")


def not_now(action: str, state: str) -> str:
    """Why ``action`` is not possible in ``state``, naming where it is (MW801)."""
    spec = ACTIONS[action]
    why = AFTER.get((action, state))
    return (f"cannot {spec.english} ({action}) in a case that is {state}; possible in: "
            f"{', '.join(spec.states)}" + (f"; {why}" if why else ""))
