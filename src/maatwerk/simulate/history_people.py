"""The people of the synthetic history: the units and their staff (``ROSTER``), policy makers
and an administrator, the demo accounts (one per role, with the demo password) and the subjects
of the cases, each household and person with a citizen account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from argon2 import PasswordHasher

from maatwerk.cases import accounts
from maatwerk.cases.db import Database
from maatwerk.cases.models import Subject, User
from maatwerk.cases.service import Actor, pseudonym
from maatwerk.simulate.history_world import Staff, SubjectRef

DEMO_PASSWORD = "demo"

# unit: (label, caseworkers, approvers, managers); people as (username, name).
Person = tuple[str, str]
ROSTER: dict[str, tuple[str, list[Person], list[Person], list[Person]]] = {
    "toeslagen": ("Dienst Toeslagen, team zorgtoeslag",
                  [("s.koster", "Sanne Koster"), ("m.yilmaz", "Murat Yilmaz"),
                   ("p.dekker", "Petra Dekker"), ("l.hoekstra", "Lars Hoekstra")],
                  [("r.prins", "Ruud Prins")], [("h.postma", "Henk Postma")]),
    "team-noord": ("Werk en Inkomen, team Noord",
                   [("behandelaar", "Demo-behandelaar"), ("a.bakker", "Anna Bakker"),
                    ("f.elamrani", "Fatima El Amrani"), ("t.visser", "Thijs Visser"),
                    ("i.kramer", "Ilse Kramer")],
                   [("goedkeurder", "Demo-goedkeurder")], [("n.dewit", "Noor de Wit")]),
    "team-zuid": ("Werk en Inkomen, team Zuid",
                  [("d.mulder", "Dirk Mulder"), ("k.smits", "Karin Smits"),
                   ("y.kaya", "Yara Kaya"), ("j.vandijk", "Joost van Dijk"),
                   ("e.peters", "Emma Peters")],
                  [("b.vos", "Bas Vos")], [("g.hendriks", "Gijs Hendriks")]),
    "maatwerkteam": ("Maatwerkteam (Participatiewet art. 16 lid 1)",
                     [("s.bakker", "Sara Bakker"), ("m.ozturk", "Mei Öztürk")],
                     [], [("manager", "Demo-manager")]),
    "bijzondere-bijstand": ("Team bijzondere bijstand",
                            [("w.jacobs", "Wendy Jacobs"), ("o.brouwer", "Olga Brouwer"),
                             ("r.tahiri", "Rachid Tahiri")],
                            [("c.meijer", "Carla Meijer")], []),
    "wmo-consulenten": ("Wmo-consulenten",
                        [("a.dejong", "Aisha de Jong"), ("h.kuipers", "Hanna Kuipers"),
                         ("l.veenstra", "Lotte Veenstra"), ("m.pinas", "Marieke Pinas"),
                         ("z.rahman", "Zeynep Rahman")],
                        [("v.huisman", "Vera Huisman")], [("k.degraaf", "Kees de Graaf")]),
    "cbr-medische-zaken": ("CBR Medische Zaken",
                           [("e.dijkstra", "Esra Dijkstra"), ("j.nguyen", "Jan Nguyen"),
                            ("p.lie", "Priya Lie"), ("r.vanleeuwen", "Rik van Leeuwen")],
                           [("s.vermeulen", "Sven Vermeulen")], [("f.sedney", "Femke Sedney")]),
    "beheereenheid-van-het-terrein": ("Staatsbosbeheer, beheereenheid (illustratief)",
                                      [("bw.jansen", "Bram Jansen"),
                                       ("bw.devries", "Iris de Vries"),
                                       ("bw.hoekstra", "Wim Hoekstra")],
                                      [], [("hb.devries", "Gerrit de Vries")]),
}
OTHERS: tuple[tuple[str, str, str, str], ...] = (  # username, name, role, unit
    ("beleid", "Demo-beleidsmaker", "policy_maker", "beleid"),
    ("p.vandermeer", "Pieter van der Meer", "policy_maker", "beleid"),
    ("beheer", "Demo-beheerder", "administrator", "beheer"),
)
DEVIANT = "d.mulder"
# The demo accounts, one per role: username, role, what it is for.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("burger", "citizen", "a citizen with cases: a granted request for maatwerk, an objection, "
                          "a new application"),
    ("behandelaar", "caseworker", "caseworker of team Noord (bijstand)"),
    ("goedkeurder", "approver", "approver of team Noord (four-eyes)"),
    ("manager", "manager", "head of the maatwerkteam (art. 16); objections; audit"),
    ("beleid", "policy_maker", "policy maker"),
    ("beheer", "administrator", "administrator"),
)


def _actor(user: User, unit: str | None) -> Actor:
    return Actor(user.id, user.username, user.role, unit, user.subject_id)


def make_staff(db: Database, password: str, since: dt.datetime) -> tuple[Staff, str]:
    """The units and the people who work in them (``ROSTER``); the demo accounts get
    ``password``."""
    demo = {username for username, _, _ in DEMO_ACCOUNTS}
    # One argon2 hash for every demo account: they share their (published) password, and
    # hashing is slow on purpose.
    shared = PasswordHasher().hash(password)
    found: dict[str, dict[str, list[Actor]]] = {"caseworker": {}, "approver": {},
                                                "manager": {}}
    with db.transaction() as s:
        def add(username: str, name: str, role: str, unit: str, label: str) -> Actor:
            accounts.unit(s, unit, label)
            user = accounts.create_user(s, username, role, unit_name=unit,
                                        name=f"{name} (synthetisch)")
            user.password_hash = shared if username in demo else None
            user.created_at = since
            return _actor(user, unit)

        for unit, (label, caseworkers, approvers, managers) in ROSTER.items():
            for role, people in (("caseworker", caseworkers), ("approver", approvers),
                                 ("manager", managers)):
                found[role][unit] = [add(u, n, role, unit, label) for u, n in people]
        for username, name, role, unit in OTHERS:
            add(username, name, role, unit, {"beleid": "Beleid", "beheer": "Beheer"}[unit])
    deviant = next(a for a in found["caseworker"]["team-zuid"] if a.username == DEVIANT)
    return Staff(found["caseworker"], found["approver"], found["manager"], deviant), shared


def make_subjects(db: Database, subjects: Iterable[SubjectRef], secret: bytes,
                  password_hash: str, since: dt.datetime) -> None:
    """The subjects, by pseudonym, and a citizen account for each household and person (the
    demo citizen's with the demo password)."""
    with db.transaction() as s:
        rows = []
        for ref in subjects:
            row = Subject(kind=ref.kind, pseudonym=pseudonym(secret, ref.kind, ref.key),
                          label=ref.label)
            s.add(row)
            rows.append((ref, row))
        s.flush()
        users: list[tuple[SubjectRef, User]] = []
        for ref, row in rows:
            if ref.username is None:
                continue
            user = User(username=ref.username, role="citizen", name=ref.label,
                        password_hash=password_hash if ref.username == "burger" else None,
                        subject_id=row.id, active=True, created_at=since)
            s.add(user)
            users.append((ref, user))
        s.flush()
        for ref, user in users:
            ref.actor = Actor(user.id, user.username, "citizen", None, user.subject_id)
