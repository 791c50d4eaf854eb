"""The bulk fast path writes what the case service writes: a case planned for ``Bulk`` and the
same case taken through ``CaseFile`` step by step give the same facts, decisions (outputs,
deciding layer, document) and deviation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from maatwerk.cases import accounts
from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.models import Case, Decision, DeviationRequest, Fact
from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from tests.dbs import database
from tests.insight.bulk import MOTIVATION, Bulk, Deviation, Plan, Staff
from tests.insight.history import Clock, at
from tests.insight.synthetic import BIJSTAND, BIJSTAND_DAY

RECEIVED, DECIDED = dt.date(2025, 2, 3), dt.date(2025, 2, 20)


def rows(db: Database) -> dict[str, Any]:
    with db.reading() as s:
        case = s.execute(sa.select(Case)).scalar_one()
        decisions = s.execute(sa.select(Decision).order_by(Decision.id)).scalars().all()
        deviation = s.execute(sa.select(DeviationRequest)).scalar_one()
        return {
            "case": (case.regulation, case.state, case.channel, case.peildatum,
                     case.received_on),
            "facts": {f.name: f.value for f in s.execute(sa.select(Fact)).scalars()},
            "decisions": [(d.kind, d.status, d.outputs, d.deciding_layer, d.document)
                          for d in decisions],
            "deviation": (deviation.state, deviation.trigger, deviation.clause,
                          deviation.output, deviation.value, deviation.ground,
                          deviation.motivation)}


def through_the_service(db: Database, registry: Registry) -> None:
    with db.transaction() as s:
        worker = Actor.of(accounts.create_user(s, "cw-01", "caseworker", unit_name="team-noord"))
        approver = Actor.of(accounts.create_user(s, "fiat-1", "approver"))
    clock = Clock()
    files = CaseFile(db, registry, b"bulk-test", clock=clock)
    at(clock, RECEIVED.isoformat())
    case = files.submit(worker, "bijstand", BIJSTAND, subject_key="x",
                        peildatum=BIJSTAND_DAY)["id"]
    files.start(worker, case)
    at(clock, (RECEIVED + dt.timedelta(days=1)).isoformat())
    proposal = files.propose_deviation(worker, case, clause="afstemming",
                                       output="bijstandsnorm", value=1500,
                                       ground="omstandigheden", motivation=MOTIVATION)["id"]
    files.approve_deviation(approver, proposal)
    at(clock, DECIDED.isoformat())
    files.propose(worker, case)
    files.decide(approver, case)


def test_the_fast_path_writes_what_the_service_writes(registry: Registry,
                                                      tmp_path: Path) -> None:
    with database("sqlite", tmp_path / "service") as served, \
            database("sqlite", tmp_path / "bulk") as bulk:
        through_the_service(served, registry)
        staff = Staff(teams={"team-noord": ["cw-01"]}, approvers=("fiat-1",))
        staff.create(bulk)
        Bulk(bulk, registry, staff).add([Plan(
            "bijstand", dict(BIJSTAND), BIJSTAND_DAY, "cw-01", RECEIVED, DECIDED,
            deviations=(Deviation(),))])
        assert rows(bulk) == rows(served)
