"""A bijstand history with a planted recurring deviation, built through the case service
(``CaseFile`` with a clock), for the crystallisation and precedent tests.

Every household is decided on reference date 2025-07-01 (single norm € 1,369.06), received
between January and June 2025 and decided two weeks later by carla (caseworker, team-noord) with
alex's approval. Article 18 lid 1 (``afstemming``) is either exercised or recorded as considered.

The planted truth (``planted=True``): twelve single parents who share their home with an adult
child (``leefvorm: alleenstaande_ouder``, two or three cost sharers) fall under the
kostendelersnorm; for ten of them the norm is raised to the single norm (``norm_alleenstaand``,
€ 1,369.06) by an approved deviation, clause ``afstemming``, ground ``omstandigheden``; two are
only considered (their facts sit in the middle of the others'). Around them, 43 ordinary
households: twelve singles living alone, twelve singles with cost sharers, ten single parents
living alone, six couples, three singles of AOW age. Noise: four ordinary households get an
``afstemming``/``omstandigheden`` deviation with a value of its own, two a ``middelen``
deviation, one a deviation that is refused.

Without the planted truth (``planted=False``) the same households are decided, the twelve single
parents only considered, and ten households chosen at random (seed 7) get an
``afstemming``/``omstandigheden`` deviation of a value of their own: as many deviations as the
planted history has, with no pattern in their facts.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.migrate import upgrade
from maatwerk.cases.registry import Registry
from tests.conftest import REGULATIONS
from tests.dbs import database
from tests.insight.history import SECRET, Clock, People, at, copy, make_people

PEILDATUM = dt.date(2025, 7, 1)
NORM = "1369.06"  # norm_alleenstaand on 1 July 2025
CONSIDERED = "Afstemming overwogen; geen zeer bijzondere omstandigheden voor de norm."
PLANTED_MOTIVATION = ("Alleenstaande ouder met een meerderjarig kind thuis dat studeert; de "
                      "kostendelersnorm treft het huishouden onevenredig.")
NOISE_MOTIVATION = "Zeer bijzondere situatie: hoge kosten, aangetoond in het rapport."
PLANTED_TESTS = {"leefvorm == 'alleenstaande_ouder'", "aantal_kostendelers >= 2"}


def household(form: str, age: int, sharers: int, assets: int, *,
              partner_age: int | None = None) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "geboortedatum": f"{2025 - age}-03-01", "leefvorm": form,
        "aow_leeftijd_bereikt": age >= 67, "aantal_kostendelers": sharers,
        "verblijft_in_inrichting": False, "vermogen": assets, "categorie_gedraging": "geen"}
    if partner_age is not None:
        facts["geboortedatum_partner"] = f"{2025 - partner_age}-06-01"
        facts["partner_aow_leeftijd_bereikt"] = partner_age >= 67
    return facts


def households() -> list[tuple[str, dict[str, Any]]]:
    """(kind, facts), in the order they apply: 12 planted single parents with cost sharers
    (ten ``deviated``, two only ``considered``) and 43 ``ordinary`` households, mixed in a fixed
    order. Ages (25-60) and assets (up to € 9,000) are drawn alike for all."""
    rng = random.Random(11)
    found = [("deviated", household("alleenstaande_ouder", rng.randint(25, 60), 2 + i % 2,
                                    rng.randint(0, 9000))) for i in range(10)]
    # the two that are only considered sit in the middle of the others' facts
    found += [("considered", household("alleenstaande_ouder", 45 + i, 2 + i, 3100 + 500 * i))
              for i in range(2)]
    for sharers, form, n in ((1, "alleenstaand", 12), (2, "alleenstaand", 12),
                             (1, "alleenstaande_ouder", 10)):
        for _ in range(n):
            found.append(("ordinary", household(form, rng.randint(25, 60),
                                                sharers + (sharers > 1) * rng.randint(0, 1),
                                                rng.randint(0, 9000))))
    for _ in range(6):
        found.append(("ordinary", household("gehuwd", rng.randint(25, 60), 2,
                                            rng.randint(0, 12000),
                                            partner_age=rng.randint(25, 60))))
    for _ in range(3):
        found.append(("ordinary", household("alleenstaand", rng.randint(68, 80), 1,
                                            rng.randint(0, 7000))))
    random.Random(5).shuffle(found)
    return found


@dataclass
class Planted:
    """The case ids of the history by what happened in them: ``planted`` and ``ordinary``
    households; ``deviated`` (the ten planted deviations), ``noise``, ``middelen``, ``refused``
    and ``considered`` (without a deviation)."""

    cases: dict[str, list[int]] = field(default_factory=dict)
    references: dict[int, str] = field(default_factory=dict)
    facts: dict[int, dict[str, Any]] = field(default_factory=dict)

    def of(self, kind: str) -> list[int]:
        return self.cases.get(kind, [])


def _plan(planted: bool, kinds: list[str]) -> dict[int, tuple[str, Any]]:
    """Per household (by index) the deviation it gets: (what, value)."""
    rng = random.Random(7)
    ordinary = [i for i, k in enumerate(kinds) if k == "ordinary"]
    plan: dict[int, tuple[str, Any]] = {}
    if planted:
        plan.update({i: ("deviated", NORM) for i, k in enumerate(kinds) if k == "deviated"})
        noise = rng.sample(ordinary, 7)
        for i in noise:
            plan[i] = ("noise", str(1200 + 25 * rng.randint(1, 12)))
        for i in noise[4:6]:
            plan[i] = ("middelen", plan[i][1])
        plan[noise[6]] = ("refused", plan[noise[6]][1])
    else:
        for i in rng.sample(range(len(kinds)), 10):
            plan[i] = ("noise", str(1200 + 25 * rng.randint(1, 12)))
    return plan


def build(cf: CaseFile, clock: Clock, people: People, *, planted: bool = True) -> Planted:
    """The history described in the module."""
    found = Planted()
    homes = households()
    plan = _plan(planted, [k for k, _ in homes])
    for i, (kind, facts) in enumerate(homes):
        received = dt.date(2025, 1, 6) + dt.timedelta(days=3 * i)
        at(clock, received.isoformat())
        case = cf.submit(people.carla, "bijstand", facts, subject_key=f"h{i}",
                         peildatum=PEILDATUM)
        case_id: int = case["id"]
        cf.start(people.carla, case_id)
        what, value = plan.get(i, ("considered", None))
        _discretion(cf, people, case_id, what, value)
        at(clock, (received + dt.timedelta(days=14)).isoformat())
        cf.propose(people.carla, case_id)
        cf.decide(people.alex, case_id)
        found.references[case_id] = case["reference"]
        found.facts[case_id] = facts
        found.cases.setdefault("planted" if kind != "ordinary" else kind, []).append(case_id)
        found.cases.setdefault(what, []).append(case_id)
    return found


def _discretion(cf: CaseFile, people: People, case_id: int, what: str, value: Any) -> None:
    if what in ("deviated", "noise", "middelen", "refused"):
        ground = "middelen" if what == "middelen" else "omstandigheden"
        request = cf.propose_deviation(
            people.carla, case_id, clause="afstemming", output="bijstandsnorm", value=value,
            ground=ground, motivation=PLANTED_MOTIVATION if what == "deviated" else
            NOISE_MOTIVATION, evidence=["stukken-2025"] if ground == "middelen" else None)["id"]
        if what != "refused":
            cf.approve_deviation(people.alex, request)
            return
        cf.refuse_deviation(people.alex, request, "Geen bijzondere omstandigheden aangetoond.")
    cf.consider(people.carla, case_id, "afstemming", CONSIDERED)


@functools.cache
def _template(planted: bool) -> tuple[Path, Planted]:
    """The history built once per test run in an SQLite file (copied for each test)."""
    folder = Path(tempfile.mkdtemp(prefix="maatwerk-crystal-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "history.sqlite"
    db = Database(f"sqlite:///{path}")
    try:
        upgrade(db)
        clock = Clock()
        registry = Registry([REGULATIONS / "bijstand"])
        found = build(CaseFile(db, registry, SECRET, clock=clock), clock, make_people(db),
                      planted=planted)
    finally:
        db.dispose()
    return path, found


@contextmanager
def history_in(kind: str, tmp_path: Path, *, planted: bool = True
               ) -> Iterator[tuple[Database, Planted]]:
    """A fresh case file of ``kind`` holding the history (copied from the built one)."""
    source, found = _template(planted)
    if kind == "sqlite":
        target = tmp_path / "case-file.sqlite"
        shutil.copy(source, target)
        db = Database(f"sqlite:///{target}")
        try:
            yield db, found
        finally:
            db.dispose()
        return
    with database(kind, tmp_path) as db:
        built = Database(f"sqlite:///{source}")
        try:
            copy(built, db)
        finally:
            built.dispose()
        yield db, found
