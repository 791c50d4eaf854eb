"""The manager's dashboard and the regulation browser over a case file of a few thousand cases,
on SQLite and PostgreSQL.

    .venv/bin/python bench/dashboard.py                      # 5,000 cases, both databases
    .venv/bin/python bench/dashboard.py --cases 20000 --db sqlite

A year of work (2025) is first done through the case service (``CaseFile`` with its clock set
to each day): bijstand cases decided with a consideration, some with a deviation approved or
refused, some in a policy category; zorgtoeslag cases decided; some left open. That history is
then copied in bulk (``INSERT ... SELECT`` with shifted ids) until the case file holds
``--cases`` cases, so the tables have the rows, and the decisions the documents, the service
writes. On PostgreSQL the history is built on SQLite and copied over (the case service cannot
change a case on PostgreSQL yet: see ``tests/cases/conftest.py``).

Timed (median of ``--rounds`` runs, warm): every query of the dashboard together
(``insight.dashboard.dashboard``), the same for one regulation and half a year, a regulation's
profile from real decisions, the overview of all regulations, and the pages through the ASGI
app: ``/manager.json``, ``/manager`` (with its seven charts drawn by vl-convert; the first draw
of a process is timed separately), ``/beleid`` and ``/beleid/regelingen/bijstand``. With
``--index`` everything is measured again after adding the index ``INDEX_ADVICE`` of
``maatwerk.insight.dashboard`` (not in the case file's schema yet).
"""

from __future__ import annotations

import sys
from pathlib import Path

# keep this folder off the front of the path, so no script here can shadow a standard module
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from maatwerk.cases import accounts  # noqa: E402
from maatwerk.cases.casefile import CaseFile  # noqa: E402
from maatwerk.cases.db import Database  # noqa: E402
from maatwerk.cases.migrate import upgrade  # noqa: E402
from maatwerk.cases.models import Base, Case, Decision  # noqa: E402
from maatwerk.cases.registry import Registry  # noqa: E402
from maatwerk.cases.service import Actor  # noqa: E402
from maatwerk.insight.dashboard import INDEX_ADVICE, Period, dashboard  # noqa: E402
from maatwerk.insight.profile import observed, overview  # noqa: E402

ROOT = BENCH.parent
SECRET = b"bench-dashboard"
TODAY = dt.date(2026, 1, 10)
BIJSTAND_FACTS: dict[str, Any] = {
    "geboortedatum": "1990-03-01", "leefvorm": "alleenstaand", "aow_leeftijd_bereikt": False,
    "aantal_kostendelers": 1, "verblijft_in_inrichting": False, "vermogen": 0,
    "categorie_gedraging": "geen"}
ZORGTOESLAG_FACTS: dict[str, Any] = {
    "leeftijd": 30, "is_verzekerd": True, "heeft_toeslagpartner": False,
    "toetsingsinkomen": 20000, "vermogen": 5000}
DEVIATION: dict[str, Any] = {
    "clause": "afstemming", "output": "bijstandsnorm", "value": 1500, "ground": "omstandigheden",
    "motivation": "Zeer bijzondere situatie: hoge medische kosten (rapport van 12 juni 2025)."}
CONSIDERED = "Afstemming overwogen; geen zeer bijzondere omstandigheden voor de norm."
COPIED = ("cases", "facts", "decisions", "deviation_requests", "deadlines", "considerations")


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def on(self, day: dt.date) -> None:
        self.now = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


def people(db: Database) -> dict[str, Actor]:
    with db.transaction() as s:
        found = {}
        for i in range(6):
            user = accounts.create_user(s, f"cw{i}", "caseworker", unit_name=f"team-{i % 3}")
            found[f"cw{i}"] = Actor.of(user)
        for name in ("alex", "bo"):
            found[name] = Actor.of(accounts.create_user(s, name, "approver"))
        return found


def history(files: CaseFile, clock: Clock, who: dict[str, Actor], n: int,
            rng: random.Random) -> None:
    """``n`` cases through the case service, received over 2025."""
    workers = [who[f"cw{i}"] for i in range(6)]
    for i in range(n):
        received = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(350))
        decided = received + dt.timedelta(days=rng.choice([2, 5, 8, 13, 20, 34, 55, 70]))
        worker = rng.choice(workers)
        clock.on(received)
        if rng.random() < 0.3:
            case = files.submit(worker, "zorgtoeslag", ZORGTOESLAG_FACTS, subject_key=f"z{i}",
                                peildatum=dt.date(2025, 6, 1))["id"]
            if rng.random() < 0.85:
                files.start(worker, case)
                clock.on(decided)
                files.propose(worker, case)
                files.decide(who["alex"], case)
            continue
        facts = dict(BIJSTAND_FACTS)
        if rng.random() < 0.2:
            facts["aantal_kostendelers"] = rng.choice([2, 3])
        if rng.random() < 0.1:
            facts["categorie_gedraging"] = "eerste"
        case = files.submit(worker, "bijstand", facts, subject_key=f"b{i}",
                            peildatum=dt.date(2025, 7, 1))["id"]
        if rng.random() < 0.15:
            continue  # still open
        files.start(worker, case)
        roll = rng.random()
        if roll < 0.12:
            proposal = files.propose_deviation(worker, case, **DEVIATION)["id"]
            files.approve_deviation(who["alex"], proposal)
        else:
            if roll < 0.2:
                proposal = files.propose_deviation(worker, case, **DEVIATION)["id"]
                files.refuse_deviation(who["bo"], proposal, "Geen bijzondere omstandigheden.")
            files.consider(worker, case, "afstemming", CONSIDERED)
        clock.on(decided)
        files.propose(worker, case)
        files.decide(who["alex"], case)


def columns(table: str) -> list[str]:
    return [c.name for c in Base.metadata.tables[table].columns]


def grow(db: Database, target: int) -> int:
    """Copy the history (cases and what hangs on them) until there are ``target`` cases."""
    with db.transaction() as s:
        base = s.execute(select(func.count()).select_from(Case)).scalar_one()
        top = {t: s.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar_one()
               for t in COPIED}
        copies = max(0, -(-target // base) - 1)
        for k in range(1, copies + 1):
            for table in COPIED:
                cols = columns(table)
                picked = []
                for c in cols:
                    if c == "id":
                        picked.append(f"id + {k * top[table]}")
                    elif c == "case_id":
                        picked.append(f"case_id + {k * top['cases']}")
                    elif table == "cases" and c == "reference":
                        picked.append(f"reference || '-{k}'")
                    else:
                        picked.append(c)
                s.execute(sa.text(f"INSERT INTO {table} ({', '.join(cols)}) SELECT "
                                  f"{', '.join(picked)} FROM {table} WHERE id <= {top[table]}"))
        return int(s.execute(select(func.count()).select_from(Case)).scalar_one())


def copy(source: Database, target: Database) -> None:
    """Every row but the audit chain, with the same ids (and the sequences after them)."""
    with source.engine.connect() as read, target.engine.begin() as write:
        for table in Base.metadata.sorted_tables:
            if table.name in ("audit_log", "audit_head"):
                continue
            result = read.execute(sa.select(table))
            while batch := result.fetchmany(2000):
                rows = []
                for r in batch:
                    row = dict(r._mapping)
                    for k, v in row.items():
                        if isinstance(v, dt.datetime) and v.tzinfo is None:
                            row[k] = v.replace(tzinfo=dt.UTC)
                    rows.append(row)
                write.execute(table.insert(), rows)
            if "id" in table.columns:
                write.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                      f"'id'), coalesce((SELECT max(id) FROM {table.name}), 1))"))


def indexed(db: Database) -> None:
    with db.engine.begin() as c:
        c.execute(sa.text(INDEX_ADVICE))
        c.execute(sa.text("ANALYZE"))


def timed(fn: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """Median and worst of ``rounds`` warm runs (after one unmeasured run), in ms."""
    fn()
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), max(runs)


def measure(kind: str, db: Database, registry: Registry, rounds: int) -> list[tuple[str, float,
                                                                                  float]]:
    from maatwerk.web.app import create_app
    from maatwerk.web.settings import Settings
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore")
        from fastapi.testclient import TestClient
    with db.transaction() as s:
        manager = accounts.create_user(s, f"manager-{uuid.uuid4().hex[:6]}", "manager")
        token = accounts.issue_token(s, manager, "bench")
    app = create_app(Settings(regulations=(), secret="bench"), migrate=False, db=db)
    app.state.casefile.registry = registry
    app.state.casefile.clock = lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    headers = {"Authorization": f"Bearer {token}"}
    half = Period("bijstand", dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    found = []

    def query(fn: Callable[[Any], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with db.reading() as s:
                return fn(s)
        return run

    with TestClient(app) as client:
        def get(path: str) -> Callable[[], Any]:
            def run() -> None:
                answer = client.get(path, headers=headers)
                assert answer.status_code == 200, answer.text[:300]
            return run

        start = time.perf_counter()
        get("/manager")()
        found.append(("GET /manager, first in the process (starts vl-convert)",
                      (time.perf_counter() - start) * 1000, 0.0))
        for label, fn in [
            ("dashboard(): every query, all regulations",
             query(lambda s: dashboard(s, Period(), TODAY))),
            ("dashboard(): bijstand, first half of 2025",
             query(lambda s: dashboard(s, half, TODAY))),
            ("observed(): bijstand profile from real decisions",
             query(lambda s: observed(s, "bijstand"))),
            ("overview(): every regulation", query(overview)),
            ("GET /manager.json", get("/manager.json")),
            ("GET /manager (HTML, 7 charts)", get("/manager")),
            ("GET /manager?regeling=bijstand&van=2025-01-01&tot=2025-06-30 (HTML)",
             get("/manager?regeling=bijstand&van=2025-01-01&tot=2025-06-30")),
            ("GET /beleid (HTML, 1 chart)", get("/beleid")),
            ("GET /beleid/regelingen/bijstand (HTML, graph, 2 charts)",
             get("/beleid/regelingen/bijstand")),
        ]:
            median, worst = timed(fn, rounds)
            found.append((label, median, worst))
    print(f"\n{kind}", flush=True)
    for label, median, worst in found:
        print(f"  {label:<72} {median:8.1f} ms  (worst {worst:.1f})", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--history", type=int, default=300,
                        help="cases done through the case service before copying")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--index", action="store_true",
                        help="measure again with the index insight.dashboard.INDEX_ADVICE")
    args = parser.parse_args()
    registry = Registry([ROOT / "regulations" / "bijstand", ROOT / "regulations" / "zorgtoeslag"])
    with tempfile.TemporaryDirectory() as folder:
        lite = Database(f"sqlite:///{folder}/bench.sqlite")
        upgrade(lite)
        clock = Clock()
        start = time.perf_counter()
        history(CaseFile(lite, registry, SECRET, clock=clock), clock, people(lite),
                args.history, random.Random(args.seed))
        made = time.perf_counter() - start
        total = grow(lite, args.cases)
        with lite.reading() as s:
            decisions = s.execute(select(func.count()).select_from(Decision)).scalar_one()
        print(f"{args.history} cases through the case service in {made:.1f} s; copied to "
              f"{total} cases, {decisions} decisions")
        if args.db in ("sqlite", "both"):
            measure(f"SQLite ({total} cases)", lite, registry, args.rounds)
            if args.index:
                indexed(lite)
                measure(f"SQLite ({total} cases), with {INDEX_ADVICE}", lite, registry,
                        args.rounds)
        if args.db in ("postgresql", "both"):
            schema = f"mw_bench_{uuid.uuid4().hex[:10]}"
            admin = Database(args.postgres)
            with admin.engine.begin() as c:
                c.execute(sa.text(f"CREATE SCHEMA {schema}"))
            pg = Database(args.postgres, schema=schema)
            try:
                upgrade(pg)
                copy(lite, pg)
                with pg.engine.begin() as c:
                    c.execute(sa.text("ANALYZE"))
                measure(f"PostgreSQL ({total} cases)", pg, registry, args.rounds)
                if args.index:
                    indexed(pg)
                    measure(f"PostgreSQL ({total} cases), with {INDEX_ADVICE}", pg, registry,
                            args.rounds)
            finally:
                pg.dispose()
                with admin.engine.begin() as c:
                    c.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()
        lite.dispose()


if __name__ == "__main__":
    main()
