"""Precedent search on the planted bijstand history (``tests.insight.crystal_history``), on
SQLite and PostgreSQL: the nearest cases are the truly alike ones (checked against the distance
computed by hand), the case itself is left out, the nearest with a deviation are the deviated
ones, what each precedent shows, and a case decided later is found without rebuilding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.models import Case, User
from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from maatwerk.insight.precedent_index import forget
from maatwerk.insight.precedents import search
from tests.conftest import REGULATIONS
from tests.insight.crystal_history import NORM, PEILDATUM, Planted, history_in
from tests.insight.history import SECRET, Clock, at

NUMBERS = ("aantal_kostendelers", "vermogen", "geboortedatum", "geboortedatum_partner")


@pytest.fixture
def planted(kind: str, tmp_path: Path) -> Iterator[tuple[Database, Planted]]:
    with history_in(kind, tmp_path) as found:
        yield found
        forget(found[0].engine)


def by_hand(all_facts: dict[int, dict[str, Any]], here_id: int) -> dict[int, float]:
    """The documented distance to case ``here_id``, computed the slow way: per number its
    difference over the spread between the 5th and 95th percentile of all decided cases (capped
    at 1), 1 per other fact that differs, 1 when one of the two lacks a fact."""
    import numpy as np

    def number(name: str, value: Any) -> float:
        if name.startswith("geboortedatum"):
            return float(dt.date.fromisoformat(value).toordinal())
        return float(Decimal(str(value)))

    here = all_facts[here_id]
    names = sorted({n for f in all_facts.values() for n in f})
    spread = {}
    for name in NUMBERS:
        seen = np.array([number(name, f[name]) for f in all_facts.values() if name in f],
                        dtype=np.float32)
        low, high = np.percentile(seen, [5, 95])
        spread[name] = float(high - low) or float(seen.max() - seen.min())
    found = {}
    for case_id, facts in all_facts.items():
        if case_id == here_id:
            continue
        total = 0.0
        for name in names:
            a, b = facts.get(name), here.get(name)
            if a is None or b is None:
                total += float((a is None) != (b is None))
            elif name in NUMBERS:
                total += min(abs(number(name, a) - number(name, b)) / spread[name], 1.0)
            else:
                total += float(a != b)
        found[case_id] = total
    return found


def test_the_nearest_are_the_truly_alike(planted: tuple[Database, Planted]) -> None:
    db, truth = planted
    with db.reading() as s:
        for case_id in (truth.of("deviated")[0], truth.of("ordinary")[3],
                        truth.of("considered")[0]):
            case = s.get_one(Case, case_id)
            found = search(s, case, limit=5)
            expected = by_hand(truth.facts, case_id)
            got = [p["id"] for p in found.nearest]
            assert case_id not in got
            assert [p["distance"] for p in found.nearest] == sorted(
                p["distance"] for p in found.nearest)
            for p in found.nearest:
                assert p["distance"] == pytest.approx(expected[p["id"]], abs=2e-3)
            fifth = found.nearest[-1]["distance"]
            assert all(d >= fifth - 1e-3 for i, d in expected.items() if i not in got)


def test_a_planted_case_finds_its_kind_and_how_maatwerk_was_applied(
        planted: tuple[Database, Planted]) -> None:
    db, truth = planted
    case_id = truth.of("considered")[0]  # a planted household that got no deviation
    with db.reading() as s:
        found = search(s, s.get_one(Case, case_id), limit=3)
    assert {p["id"] for p in found.with_deviation} <= set(truth.of("deviated"))
    first = found.with_deviation[0]
    assert first["layer"] == "deviation"
    [applied] = first["deviations"]
    assert (applied["clause"], applied["output"], applied["ground"], applied["value"]) == (
        "afstemming", "bijstandsnorm", "omstandigheden", NORM)
    assert applied["legal_basis"]["article"] == "art. 18 lid 1"
    assert Decimal(applied["standard"]) < Decimal(NORM)  # the kostendelersnorm it replaced
    assert [c["id"] for c in first["categories"]] == ["kostendelers_alleenstaand"]
    assert first["deciding_layer"]["bijstandsnorm"] == "deviation"
    assert first["requests"] == [{"clause": "afstemming", "output": "bijstandsnorm",
                                  "value": NORM, "ground": "omstandigheden",
                                  "state": "approved", "trigger": "flag"}]
    assert set(first["differs"]) <= {"geboortedatum", "aantal_kostendelers", "vermogen"}
    assert first["state"] == "decided" and first["decided_on"].startswith("2025-")


def test_a_case_decided_later_is_found_without_rebuilding(
        planted: tuple[Database, Planted]) -> None:
    db, truth = planted
    ordinary = truth.of("ordinary")[0]
    with db.reading() as s:
        before = search(s, s.get_one(Case, ordinary), limit=3)
        carla = Actor.of(s.execute(select_user("carla")).scalar_one())
        alex = Actor.of(s.execute(select_user("alex")).scalar_one())
    clock = Clock()
    at(clock, "2025-08-01")
    cf = CaseFile(db, Registry([REGULATIONS / "bijstand"]), SECRET, clock=clock)
    twin = cf.submit(carla, "bijstand", truth.facts[ordinary], subject_key="twin",
                     peildatum=PEILDATUM)["id"]
    cf.start(carla, twin)
    cf.consider(carla, twin, "afstemming", "Overwogen; niets bijzonders.")
    cf.propose(carla, twin)
    cf.decide(alex, twin)
    with db.reading() as s:
        after = search(s, s.get_one(Case, ordinary), limit=3)
    assert after.nearest[0]["id"] == twin and after.nearest[0]["distance"] == 0
    assert after.nearest[0]["differs"] == {}
    assert [p["id"] for p in after.nearest[1:]] == [p["id"] for p in before.nearest[:2]]


def select_user(name: str) -> Any:
    from sqlalchemy import select
    return select(User).where(User.username == name)
