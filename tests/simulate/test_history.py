"""The synthetic history: reproducible from its seed, taken through the case file (so every
decision has its layers and receipt and the audit chain verifies), covering every worked
regulation and every layer, with the planted patterns present."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from maatwerk.cases import accounts, audit
from maatwerk.cases.db import Database
from maatwerk.cases.migrate import upgrade
from maatwerk.cases.models import (
    AuditEntry,
    AuditHead,
    Case,
    Decision,
    DeviationRequest,
    RegulationVersion,
    Subject,
    User,
)
from maatwerk.cases.registry import Registry
from maatwerk.demo import demo_clock
from maatwerk.simulate.history import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    Options,
    Summary,
    generate,
    history_today,
)
from maatwerk.simulate.history_cases import share
from tests.conftest import REGULATIONS

SECRET = b"simulate-tests-secret"
TODAY = dt.date(2025, 12, 17)
OPTIONS = Options(seed=7, cases=60, today=TODAY)
WORKED = {"zorgtoeslag", "bijstand", "bijzondere-bijstand", "wmo-maatwerkvoorziening",
          "cbr-medische-route", "staatsbosbeheer-terreinen"}


@dataclass
class History:
    db: Database
    summary: Summary


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry([REGULATIONS])


def _history(path: Path, registry: Registry, options: Options) -> History:
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    return History(db, generate(db, registry, SECRET, options))


@pytest.fixture(scope="module")
def history(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    found = _history(tmp_path_factory.mktemp("history") / "history.sqlite", registry, OPTIONS)
    yield found
    found.db.dispose()


def _head(db: Database) -> str:
    with db.reading() as s:
        return s.execute(select(AuditHead.last_hash)).scalar_one()


def _fingerprint(db: Database) -> list[tuple[str, str, str]]:
    with db.reading() as s:
        return [(c.reference, c.state, c.subject.pseudonym) for c in s.execute(
            select(Case).order_by(Case.id)).unique().scalars()]


def test_the_generation_is_clean(history: History) -> None:
    assert history.summary.failures == []
    assert history.summary.total == OPTIONS.cases


def test_the_same_seed_gives_the_same_history(history: History, registry: Registry,
                                              tmp_path: Path) -> None:
    again = _history(tmp_path / "again.sqlite", registry, OPTIONS)
    other = _history(tmp_path / "other.sqlite", registry, Options(seed=8, cases=60,
                                                                 today=TODAY))
    try:
        # The audit chain's head hash covers every event, its moment and its content.
        assert _head(again.db) == _head(history.db)
        assert _fingerprint(again.db) == _fingerprint(history.db)
        assert again.summary.cases == history.summary.cases
        assert _head(other.db) != _head(history.db)
    finally:
        again.db.dispose()
        other.db.dispose()


def test_every_worked_regulation_and_every_layer(history: History) -> None:
    summary = history.summary
    assert set(summary.cases) == WORKED
    layers = {layer for found in summary.layers.values() for layer in found}
    assert layers == {"standard", "category", "assessment", "deviation"}
    assert {"category", "deviation"} <= set(summary.layers["bijstand"])
    assert "assessment" in summary.layers["wmo-maatwerkvoorziening"]
    assert "assessment" in summary.layers["bijzondere-bijstand"]
    assert {"category", "assessment"} <= set(summary.layers["cbr-medische-route"])
    assert {"category", "deviation"} <= set(summary.layers["staatsbosbeheer-terreinen"])
    assert set(summary.assessments) == {"bijzondere-bijstand", "wmo-maatwerkvoorziening",
                                        "cbr-medische-route"}
    assert summary.considerations > 0


def test_requests_deviations_objections_and_open_cases(history: History) -> None:
    summary = history.summary
    triggers = {key.split()[0] for key in summary.deviations}
    states = {key.split()[1] for key in summary.deviations}
    assert {"request", "flag"} <= triggers
    assert {"approved", "refused"} <= states
    assert summary.objections.get("upheld", 0) + summary.objections.get("rejected", 0) > 0
    every_state = {s for states in summary.cases.values() for s in states}
    assert "announced" in every_state
    assert every_state & {"received", "in_progress", "investigation", "proposal", "objection"}


def test_every_decision_has_layers_and_a_receipt_of_its_version(history: History) -> None:
    with history.db.reading() as s:
        rows = s.execute(select(Decision, RegulationVersion.sha256).join(
            RegulationVersion, RegulationVersion.id == Decision.regulation_version_id)).all()
        announced = s.execute(select(func.count()).select_from(Case).where(
            Case.state == "announced")).scalar_one()
    decisions = [d for d, _ in rows if d.kind == "decision"]
    assert len(decisions) >= announced > 0
    for decision, sha in rows:
        assert decision.status == "determined"
        assert decision.document["receipt"]["sha256"] == sha
        assert decision.document["layers"] and decision.deciding_layer
        assert decision.document["explanation"]["nl"]


def test_the_audit_chain_verifies_and_runs_in_time_order(history: History) -> None:
    assert history.summary.audit_ok
    with history.db.reading() as s:
        result = audit.verify(s)
        moments = list(s.execute(select(AuditEntry.at).order_by(AuditEntry.id)).scalars())
        submitted = s.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "submit")).scalar_one()
    assert result.ok and result.entries == history.summary.audit_entries
    assert submitted == OPTIONS.cases  # every case came in through the case file
    assert moments == sorted(moments)
    start = dt.datetime.combine(history.summary.start, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(TODAY, dt.time(), tzinfo=dt.UTC)
    assert all(start <= m.replace(tzinfo=dt.UTC) < end for m in moments)


def test_the_planted_patterns_are_present(history: History) -> None:
    planted = history.summary.planted
    deviant = planted["deviant"]
    assert deviant["cases"] >= 4
    assert deviant["flag_rate"] >= 0.4 > 3 * deviant["peer_median_flag_rate"]
    recurring = planted["recurring"]
    assert recurring["deviations"] >= 3
    assert recurring["alike_facts"] == recurring["deviations"]
    assert recurring["approved"] >= 2
    assertive = planted["assertive"]
    asked, passive = assertive["alike_asked"], assertive["alike_not_asked"]
    assert asked["households"] >= 2 and passive["households"] >= 1
    assert asked["granted"] / asked["households"] > passive["granted"] / passive["households"]


def test_the_demo_accounts_one_per_role(history: History) -> None:
    with history.db.reading() as s:
        users = {u.username: u for u in s.execute(select(User)).unique().scalars()}
        for username, role, _ in DEMO_ACCOUNTS:
            assert users[username].role == role
        burger = users["burger"]
        assert burger.subject_id is not None
        cases = s.execute(select(Case.regulation, Case.state).where(
            Case.subject_id == burger.subject_id)).all()
        subject = s.get_one(Subject, burger.subject_id)
        behandelaar_cases = s.execute(select(func.count()).select_from(Case).where(
            Case.assigned_to == users["behandelaar"].id)).scalar_one()
        accounts.authenticate(s, "burger", DEMO_PASSWORD)
        staff_hashes = {users[u].password_hash for u, _, _ in DEMO_ACCOUNTS}
        others = [u for name, u in users.items() if name not in dict.fromkeys(
            n for n, _, _ in DEMO_ACCOUNTS)]
    assert "(synthetisch)" in subject.label
    assert {r for r, _ in cases} == {"bijstand", "bijzondere-bijstand"} and len(cases) == 3
    assert {s for _, s in cases} >= {"announced", "objection"}
    assert behandelaar_cases > 0
    assert len(staff_hashes) == 1 and None not in staff_hashes
    assert all(u.password_hash is None for u in others)


def test_the_history_ends_before_the_regulations_stop(registry: Registry) -> None:
    assert history_today(registry, dt.date(2026, 11, 28)) == TODAY
    assert history_today(registry, dt.date(2025, 6, 1)) == dt.date(2025, 6, 1)


def test_deviations_answer_requests_in_the_citizens_words(history: History) -> None:
    with history.db.reading() as s:
        rows = s.execute(select(DeviationRequest)).scalars().all()
    requests = [r for r in rows if r.trigger == "request"]
    assert requests and all(len(r.story) >= 10 for r in requests)
    assert all(r.motivation for r in rows if r.state in ("proposed", "approved"))
    assert all(r.reason for r in rows if r.state == "refused")


def test_the_cases_are_shared_out_exactly() -> None:
    weights = [("a", 0.34), ("b", 0.26), ("c", 0.15), ("d", 0.12), ("e", 0.10), ("f", 0.03)]
    for total in (6, 7, 50, 60, 3000, 3001):
        counts = share(total, weights)
        assert sum(counts.values()) == total and min(counts.values()) >= 1
    assert share(3000, weights) == {"a": 1020, "b": 780, "c": 450, "d": 360, "e": 300, "f": 90}


def test_the_servers_clock_runs_from_the_historys_today() -> None:
    assert demo_clock(dt.date.today()) is None
    clock = demo_clock(dt.date.today() - dt.timedelta(days=300))
    assert clock is not None
    assert clock().date() == dt.date.today() - dt.timedelta(days=300) or (
        clock().date() == dt.datetime.now(dt.UTC).date() - dt.timedelta(days=300))
