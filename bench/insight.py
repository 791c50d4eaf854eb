"""The whole manager's dashboard — its figures, the dilemma monitor and the dynamics signals —
and the public register over a case file of 1 M decisions, on SQLite and PostgreSQL.

    .venv/bin/python bench/insight.py                        # 1 M decisions, both databases
    .venv/bin/python bench/insight.py --decisions 100000 --db sqlite --keep /tmp/insight.sqlite

The case file is filled fast: a synthetic history of ``--base`` cases (``tests.insight.bulk``:
the rows the case service writes, each decision decided by the engine with its full document,
``tests.insight.synthetic``: twelve caseworkers, bijstand and zorgtoeslag, deviations offered
and asked for, objections) is inserted in bulk and then copied inside the database with
shifted ids (``INSERT ... SELECT``) until the case file holds ``--decisions`` decisions
(proposals, decisions and re-decisions). ``ANALYZE`` (and on PostgreSQL ``VACUUM``) follows.

The figures count from the insight read model (``maatwerk.insight.readmodel``): its build
from the existing rows is timed first (``--rebuild`` builds it again on a kept case file), then
``--touch`` new cases are taken through the case service (submitted, started, considered,
proposed, decided) and the refresh that follows them is timed.

Timed, warm, median of ``--rounds``: ``dashboard()`` (the existing figures), ``dilemmas()``,
``dynamics()``, the three together (what ``/manager.json`` computes), ``register()``, and the
pages ``/manager.json``, ``/manager`` (with every chart) and ``/register.json`` through the app
— the manager's pages computed afresh each run (as after a new event; what is read of decision
documents stays kept) and asked again with their figures kept (``maatwerk.web.memo``), and
``/manager.json`` right after one case was taken through the case service (untimed), which
includes the read model's refresh.
The report goes to ``bench/results/insight.md`` (``--out``). Timings are never asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from tests.insight import synthetic  # noqa: E402
from tests.insight.bulk import Bulk  # noqa: E402

from maatwerk.cases import accounts  # noqa: E402
from maatwerk.cases.db import Database  # noqa: E402
from maatwerk.cases.migrate import upgrade  # noqa: E402
from maatwerk.cases.models import Base  # noqa: E402
from maatwerk.cases.registry import Registry  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
COPIED = ("subjects", "cases", "facts", "decisions", "deviation_requests", "considerations",
          "objections", "deadlines")
SHIFT = {"case_id": "cases", "subject_id": "subjects", "decision_id": "decisions"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def count(db: Database, table: str) -> int:
    with db.engine.connect() as c:
        return int(c.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def grow(db: Database, target: int) -> None:
    """Copy the base history inside the database, ids shifted, until ``decisions`` holds at
    least ``target`` rows."""
    with db.engine.connect() as c:
        top = {t: int(c.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar_one())
               for t in COPIED}
    base = count(db, "decisions")
    copies = max(0, -(-target // base) - 1)
    for k in range(1, copies + 1):
        with db.engine.begin() as c:
            for table in COPIED:
                cols = [col.name for col in Base.metadata.tables[table].columns]
                picked = []
                for col in cols:
                    if col == "id":
                        picked.append(f"id + {k * top[table]}")
                    elif col in SHIFT:
                        picked.append(f"{col} + {k * top[SHIFT[col]]}")
                    elif (table, col) in (("cases", "reference"), ("subjects", "pseudonym")):
                        picked.append(f"{col} || '-{k}'")
                    else:
                        picked.append(col)
                c.execute(sa.text(f"INSERT INTO {table} ({', '.join(cols)}) SELECT "
                                  f"{', '.join(picked)} FROM {table} WHERE id <= {top[table]}"))
        if k % 5 == 0 or k == copies:
            log(f"  copy {k}/{copies}")
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as c:
            for table in COPIED:
                c.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))


def fill(db: Database, registry: Registry, args: argparse.Namespace) -> None:
    staff = synthetic.staff()
    staff.create(db)
    start = time.perf_counter()
    Bulk(db, registry, staff).add(synthetic.history(args.seed, cases=args.base))
    log(f"  {args.base} cases in bulk in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    grow(db, args.decisions)
    log(f"  grown to {count(db, 'decisions')} decisions, {count(db, 'cases')} cases in "
        f"{time.perf_counter() - start:.1f} s")
    with db.engine.connect() as c:
        if db.engine.dialect.name == "postgresql":
            c.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
        else:
            c.execute(sa.text("ANALYZE"))
            c.commit()


def timed(fn: Callable[[], Any], rounds: int,
          before: Callable[[], Any] | None = None) -> tuple[float, float]:
    """Median and worst of ``rounds`` warm runs (after one unmeasured run), in ms; ``before``
    runs, untimed, before each."""
    runs = []
    for _ in range(rounds + 1):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs[1:]), max(runs[1:])


def functions(db: Database, registry: Registry) -> list[tuple[str, Callable[[], Any]]]:
    """The insight functions to time, each in its own reading session."""
    from maatwerk.insight.cohort import Cohort
    from maatwerk.insight.dashboard import Period, dashboard
    from maatwerk.insight.dilemmas import dilemmas
    from maatwerk.insight.dynamics import dynamics
    from maatwerk.insight.register import register
    today, regs = synthetic.TODAY, registry.current

    def query(fn: Callable[[Any], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with db.reading() as s:
                return fn(s)
        return run

    def monitor(s: Any) -> Any:
        with Cohort.gather(s, Period()) as cohort:
            return dilemmas(s, cohort, regs)

    def signals(s: Any) -> Any:
        with Cohort.gather(s, Period()) as cohort:
            return dynamics(s, cohort, regs, today)

    def whole(s: Any) -> Any:
        with Cohort.gather(s, Period()) as cohort:
            found = dilemmas(s, cohort, regs)
            return (dashboard(s, Period(), today), found,
                    dynamics(s, cohort, regs, today, found))

    return [("dashboard(): the existing figures",
             query(lambda s: dashboard(s, Period(), today))),
            ("dilemmas(): the dilemma monitor (with its cohort)", query(monitor)),
            ("dynamics(): the dynamics signals (with their cohort)", query(signals)),
            ("the three together (the figures of /manager.json)", query(whole)),
            ("register(): the public register", query(lambda s: register(s, regs)))]


def measure(db: Database, registry: Registry, rounds: int) -> list[tuple[str, float, float]]:
    from maatwerk.web import memo
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
    app.state.casefile.clock = lambda: dt.datetime.combine(synthetic.TODAY, dt.time(12),
                                                           tzinfo=dt.UTC)
    found = []
    with TestClient(app) as client:
        def get(path: str) -> Callable[[], Any]:
            def run() -> None:
                answer = client.get(path, headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code == 200, answer.text[:300]
            return run

        def afresh(path: str) -> Callable[[], Any]:
            def run() -> None:
                kept.clear()  # as after a new event (a chart drawn before is not drawn again)
                get(path)()
            return run

        kept = memo.for_database(db)
        pages = [*((f"GET {path} (computed afresh)", afresh(path))
                   for path in ("/manager.json", "/manager")),
                 *((f"GET {path} (asked again, kept)", get(path))
                   for path in ("/manager.json", "/manager")),
                 ("GET /register.json", get("/register.json"))]
        changed = ("GET /manager.json after a case changed (read model refresh included)",
                   get("/manager.json"), lambda: act(db, registry, 1))
        for label, fn, before in [*((label, fn, None) for label, fn in
                                    [*functions(db, registry), *pages]), changed]:
            median, worst = timed(fn, rounds, before)
            log(f"  {label:<56} {median:9.1f} ms (worst {worst:.1f})")
            found.append((label, median, worst))
    return found


def act(db: Database, registry: Registry, count: int) -> None:
    """``count`` new bijstand cases taken through the case service, each submitted, started,
    considered, proposed and decided."""
    from tests.insight.history import BIJSTAND_DAY, BIJSTAND_FACTS, CONSIDERED

    from maatwerk.cases.casefile import CaseFile
    from maatwerk.cases.models import User
    from maatwerk.cases.service import Actor

    def first(role: str) -> Actor:
        with db.reading() as s:
            return Actor.of(s.execute(sa.select(User).where(User.role == role)
                                      .order_by(User.id).limit(1)).scalar_one())

    worker, approver = first("caseworker"), first("approver")
    cf = CaseFile(db, registry, b"bench", clock=lambda: dt.datetime.combine(
        synthetic.TODAY, dt.time(9), tzinfo=dt.UTC))
    tag = uuid.uuid4().hex[:6]
    for i in range(count):
        case_id = cf.submit(worker, "bijstand", BIJSTAND_FACTS, subject_key=f"bench-{tag}-{i}",
                            peildatum=BIJSTAND_DAY)["id"]
        cf.start(worker, case_id)
        cf.consider(worker, case_id, "afstemming", CONSIDERED)
        cf.propose(worker, case_id)
        cf.decide(approver, case_id)


def follow(db: Database, registry: Registry, args: argparse.Namespace) -> dict[str, Any]:
    """The read model built from the existing rows, and refreshed after cases changed."""
    from maatwerk.insight.readmodel import rebuild, refresh
    start = time.perf_counter()
    read = rebuild(db) if args.rebuild else refresh(db)
    built = time.perf_counter() - start
    log(f"  read model: {read} cases read in {built:.1f} s")
    with db.engine.connect() as c:
        audit = int(c.execute(sa.text("SELECT coalesce(max(id), 0) FROM audit_log")).scalar_one())
    act(db, registry, args.touch)
    with db.engine.connect() as c:
        audit = int(c.execute(sa.text("SELECT coalesce(max(id), 0) FROM audit_log")
                              ).scalar_one()) - audit
    start = time.perf_counter()
    touched = refresh(db)
    again = (time.perf_counter() - start) * 1000
    log(f"  {args.touch} cases acted on ({audit} audit entries): refresh read {touched} cases "
        f"in {again:.0f} ms")
    return {"read": read, "built": built, "acted": args.touch, "audit": audit,
            "touched": touched, "refresh": again}


def size(db: Database) -> str:
    with db.engine.connect() as c:
        if db.engine.dialect.name == "postgresql":
            total = c.execute(sa.text("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                                      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                                      "n.nspname = current_schema() AND c.relkind = 'r'"))
            return f"{int(total.scalar_one() or 0) / 2**30:.1f} GiB"
    return f"{os.path.getsize(db.url.split('///', 1)[1]) / 2**30:.1f} GiB"


def run(kind: str, args: argparse.Namespace, registry: Registry) -> dict[str, Any]:
    log(f"{kind}: filling")
    admin: Database | None = None
    schema = f"mw_bench_{uuid.uuid4().hex[:10]}"
    if kind == "sqlite":
        path = Path(args.keep or f"/tmp/insight-bench-{os.getpid()}.sqlite")
        reuse = args.keep and path.exists()
        db = Database(f"sqlite:///{path}")
        if not reuse:
            upgrade(db)
            fill(db, registry, args)
        else:
            upgrade(db)
    else:
        admin = Database(args.postgres)
        schema = args.schema or schema
        with admin.engine.begin() as c:
            reuse = bool(c.execute(sa.text("SELECT count(*) FROM information_schema.schemata "
                                           "WHERE schema_name = :s"), {"s": schema}).scalar())
            if not reuse:
                c.execute(sa.text(f"CREATE SCHEMA {schema}"))
        db = Database(args.postgres, schema=schema)
        upgrade(db)
        if not reuse:
            fill(db, registry, args)
    try:
        facts = {"decisions": count(db, "decisions"), "cases": count(db, "cases"),
                 "size": size(db)}
        log(f"{kind}: {facts}; the read model")
        load = os.getloadavg()[0]
        model = follow(db, registry, args)
        log(f"{kind}: measuring")
        timings = measure(db, registry, args.rounds)
        return {"kind": kind, **facts, "model": model, "timings": timings,
                "load": (load, os.getloadavg()[0])}
    finally:
        db.dispose()
        if kind == "sqlite" and not args.keep:
            Path(db.url.split("///", 1)[1]).unlink(missing_ok=True)
        if admin is not None and not args.schema:
            with admin.engine.begin() as c:
                c.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    lines = ["# The manager's dashboard and the register over 1 M decisions", "",
             f"{dt.datetime.now():%Y-%m-%d %H:%M}, CPython {platform.python_version()}, "
             f"{platform.machine()}, {os.cpu_count()} cores, work tree at {commit}; "
             f"{args.base} synthetic cases copied up to {args.decisions} decisions; median "
             f"(worst) of {args.rounds} warm runs.", ""]
    for result in results:
        lines += [f"## {result['kind']}: {result['decisions']:,} decisions, "
                  f"{result['cases']:,} cases, {result['size']}", "",
                  *_model(result["model"]), "",
                  "Load average (1 minute) of the machine, shared with other work: "
                  f"{result['load'][0]:.1f} at the start, {result['load'][1]:.1f} at the end.",
                  "",
                  "| what | median ms | worst ms |", "|---|---:|---:|"]
        lines += [f"| {label} | {median:,.0f} | {worst:,.0f} |"
                  for label, median, worst in result["timings"]]
        lines.append("")
    return "\n".join(lines)


def _model(model: dict[str, Any]) -> list[str]:
    built = (f"built from the existing rows in {model['built']:.1f} s ({model['read']:,} cases "
             "read)" if model["read"] else "already built (kept case file)")
    return [f"Read model: {built}. After {model['acted']} new cases were taken through the case "
            f"service ({model['audit']:,} audit entries), the refresh read {model['touched']} "
            f"cases in {model['refresh']:,.0f} ms."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", help="the SQLite file to build (or reuse when it exists)")
    parser.add_argument("--schema", help="the PostgreSQL schema to build (or reuse when it "
                        "exists); kept afterwards")
    parser.add_argument("--rebuild", action="store_true",
                        help="build the read model again (and time it) on a kept case file")
    parser.add_argument("--touch", type=int, default=100,
                        help="cases taken through the case service before the refresh is timed")
    parser.add_argument("--out", default=str(BENCH / "results" / "insight.md"))
    args = parser.parse_args()
    registry = Registry([ROOT / "regulations" / "bijstand", ROOT / "regulations" / "zorgtoeslag"])
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results = [run(kind, args, registry) for kind in kinds]
    text = report(results, args)
    Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
