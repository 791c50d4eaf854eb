"""Case submission with a persisted decision as the store grows: SQLite and PostgreSQL.

    .venv/bin/python bench/casefile.py --ref HEAD     # full run of the last commit, both databases
    .venv/bin/python bench/casefile.py --db sqlite    # one database, the work tree as it is
    .venv/bin/python bench/casefile.py --quick        # smoke run (0, 2 k, 10 k cases), *.tmp only

One submission is what a citizen and a caseworker do through the case service
(``maatwerk.cases.casefile.CaseFile``): the citizen submits an application (``submit``), the
caseworker takes it (``start``) and proposes the decision (``propose``: the regulation decides the
case and the proposal is stored with its layers, trace, explanation and receipt). Each is its own
transaction with its audit entries. It is timed at checkpoints of the store's size (0, 10 k,
100 k and 1 M cases). Between checkpoints the store is filled in bulk by a fast path of this
benchmark (not of maatwerk): cases in a realistic mix of states, with their facts, decisions,
terms, subjects and audit entries, the audit chain hashed with ``maatwerk.cases.audit.entry_hash``
and continued from the head, so it stays valid (``audit.verify`` checks it at the end). Before
filling, the fast path is checked against the service: a case taken through the service and the
same case made by the fast path must give the same rows.

Reported per database and checkpoint: submissions/s (one client, one after the other), p50/p99
latency of a whole submission and the p50 of each step, and the size of the database. See
bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# keep this folder off the front of the path (it is put last, for ``decision``), so no script
# here can shadow a standard module
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.append(str(BENCH))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import decision as common  # noqa: E402

ROOT = common.ROOT
RESULTS = common.RESULTS
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SECRET = b"bench"
REGULATION = "zorgtoeslag"
PEILDATUM = dt.date(2025, 6, 1)
CHECKPOINTS = [0, 10_000, 100_000, 1_000_000]
FLAT = 1.5  # "flat": the p50 at the largest store within this factor of the p50 at the first

# -- the synthetic history --------------------------------------------------------------------

# The first filled case is received at EPOCH, each next one STEP later (1 M cases: ~2.7 years).
EPOCH = dt.datetime(2024, 1, 2, 8, 0)
STEP = dt.timedelta(seconds=85)
CASEWORKERS = 25
CHANNEL = "post"  # filled cases: a paper application, entered by a caseworker
REUSE_SUBJECT = 30  # % of filled cases about a person who applied before
# The state a filled case reached, in %: most of a store this size is decided and announced.
MIX = [("received", 4), ("in_progress", 3), ("proposal", 6), ("decided", 4), ("announced", 83)]
ORDER = ["received", "in_progress", "proposal", "decided", "announced"]


def people() -> list[dict[str, Any]]:
    """The facts of the filled cases (cycled): singles and couples across the income range, and
    a few who get nothing (too young, not insured, assets above the limit)."""
    out: list[dict[str, Any]] = []
    for i, income in enumerate((9000, 15000, 20000, 24000, 28000, 32000, 36000, 39000, 45000,
                                60000)):
        base = {"leeftijd": 19 + 5 * i, "is_verzekerd": True, "toetsingsinkomen": str(income),
                "vermogen": str(2000 + 3000 * i)}
        out.append({**base, "heeft_toeslagpartner": False})
        out.append({**base, "heeft_toeslagpartner": True,
                    "toetsingsinkomen_partner": str(income // 3)})
    out.append({"leeftijd": 17, "is_verzekerd": True, "heeft_toeslagpartner": False,
                "toetsingsinkomen": "4000", "vermogen": "0"})
    out.append({"leeftijd": 40, "is_verzekerd": False, "heeft_toeslagpartner": False,
                "toetsingsinkomen": "20000", "vermogen": "1000"})
    out.append({"leeftijd": 66, "is_verzekerd": True, "heeft_toeslagpartner": False,
                "toetsingsinkomen": "18000", "vermogen": "160000"})
    return out


PEOPLE = people()


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Template:
    """What the service stores for one person's facts in one benefit year."""

    year: int
    peildatum: dt.date
    facts: dict[str, Any]  # as stored: the JSON form, in the service's order
    fact_rows: list[tuple[str, str, str]]  # (name, JSON value, source)
    status: str
    outputs: str  # JSON text of the columns
    deciding_layer: str
    document: str
    decision_after: dict[str, Any]  # the audit entry of the stored decision
    decision_after_json: str


def templates(registry: Any, reg: Any) -> dict[int, list[Template]]:
    from maatwerk.spec.values import to_json
    decider = registry.decider_for(reg)
    out: dict[int, list[Template]] = {}
    for year in (2024, 2025, 2026):
        out[year] = []
        for facts in PEOPLE:
            values = {k: to_json(v) for k, v in decider.check_inputs(facts).items()}
            day = dt.date(year, 6, 1)
            doc = decider.decide(day, values).to_json()
            rest = {k: v for k, v in doc.items() if k not in ("outputs", "deciding_layer",
                                                                "status")}
            after = {"status": doc["status"], "outputs": doc["outputs"],
                     "deciding_layer": doc["deciding_layer"], "receipt": doc["receipt"]}
            out[year].append(Template(
                year, day, values,
                [(n, json.dumps(v), reg.inputs[n].source) for n, v in values.items()],
                doc["status"], json.dumps(doc["outputs"]), json.dumps(doc["deciding_layer"]),
                json.dumps(rest), after, json.dumps(after)))
    return out


# -- the fast path: rows as the service would have written them --------------------------------

COLUMNS = {
    "subjects": ("id", "kind", "pseudonym", "label"),
    "cases": ("id", "reference", "regulation", "regulation_version_id", "subject_id", "state",
              "channel", "peildatum", "received_on", "unit_id", "assigned_to", "created_by",
              "created_at", "updated_at", "revision"),
    "facts": ("id", "case_id", "name", "value", "source", "recorded_at", "recorded_by"),
    "decisions": ("id", "case_id", "kind", "status", "outputs", "deciding_layer", "document",
                  "regulation_version_id", "decided_at", "decided_by"),
    "deadlines": ("id", "case_id", "kind", "label", "starts", "due", "met_on", "reference"),
    "audit_log": ("id", "at", "actor", "action", "case_id", "entity", "entity_id", "why",
                  "before", "after", "prev_hash", "hash"),
}


@dataclass
class FillState:
    """Where the store is: the next id of each table, the chain's head, the reference counters
    and how many cases the fast path has made (which drives the synthetic clock)."""

    next_id: dict[str, int]
    head_id: int
    head_hash: str
    counters: dict[int, int]
    filled: int = 0
    subjects: list[int] = field(default_factory=list)  # filled subjects, for returning people

    def take(self, table: str) -> int:
        i = self.next_id[table]
        self.next_id[table] = i + 1
        return i


@dataclass(frozen=True)
class Context:
    """What every filled case shares."""

    version_id: int
    reg: Any
    templates: dict[int, list[Template]]
    caseworkers: list[tuple[int, str, int | None]]  # (user id, username, unit id)
    ts: Any  # datetime (naive UTC) -> the database's text for a timestamp


@dataclass
class Event:
    at: dt.datetime
    actor: str
    action: str
    case_id: int
    entity: str
    entity_id: int
    before: Any
    after: Any
    texts: tuple[str, str] | None = None  # before and after as stored, when known already


# The state changes of the steps, with their audit values as stored (the same for every case).
STEPS = [(action, {"state": a}, {"state": b}) for action, a, b in (
    ("start", "received", "in_progress"), ("propose", "in_progress", "proposal"),
    ("decide", "proposal", "decided"), ("announce", "decided", "announced"))]
STEP_TEXTS = {action: (json.dumps(a), json.dumps(b)) for action, a, b in STEPS}
NULL = json.dumps(None)


def case_rows(ctx: Context, st: FillState, k: int, tpl: Template, state: str,
              rng: random.Random, rows: dict[str, list[tuple[Any, ...]]],
              events: list[Event]) -> None:
    """One case as the service leaves it after submit and, depending on ``state``, start,
    propose, decide and announce (all by one caseworker)."""
    from maatwerk.cases import deadlines
    from maatwerk.cases.service import pseudonym
    ts = ctx.ts
    received = EPOCH + k * STEP + dt.timedelta(microseconds=rng.randrange(60_000_000))
    reach = ORDER.index(state)
    cw_id, cw, unit_id = ctx.caseworkers[rng.randrange(len(ctx.caseworkers))]
    if st.subjects and rng.randrange(100) < REUSE_SUBJECT:
        subject = st.subjects[rng.randrange(len(st.subjects))]
    else:
        subject = st.take("subjects")
        st.subjects.append(subject)
        rows["subjects"].append((subject, "person", pseudonym(SECRET, "person",
                                                               f"{300_000_000 + k:09d}"), ""))
    case_id = st.take("cases")
    st.counters[tpl.year] = st.counters.get(tpl.year, 0) + 1
    reference = f"{REGULATION}-{tpl.year}-{st.counters[tpl.year]:06d}"
    for name, value, source in tpl.fact_rows:
        rows["facts"].append((st.take("facts"), case_id, name, value, source, ts(received),
                              cw_id))
    term = deadlines.on_submit(ctx.reg, received.date())[0]
    decision_term = [st.take("deadlines"), case_id, term.kind, term.label,
                     term.starts.isoformat(), term.due.isoformat(), None, term.reference]
    events.append(Event(received, cw, "submit", case_id, "case", case_id, None, {
        "reference": reference, "regulation": REGULATION, "version": ctx.reg.version,
        "sha256": ctx.reg.sha256, "facts": tpl.facts, "channel": CHANNEL}))
    at, revision = received, 1
    for action, before, after in STEPS[:reach]:
        at = at + dt.timedelta(seconds=rng.randrange(600, 5 * 86400))
        revision += 1
        if action in ("propose", "decide"):
            kind = "proposal" if action == "propose" else "decision"
            decision_id = st.take("decisions")
            rows["decisions"].append((decision_id, case_id, kind, tpl.status, tpl.outputs,
                                      tpl.deciding_layer, tpl.document, ctx.version_id, ts(at),
                                      cw_id))
            events.append(Event(at, cw, f"decision.{kind}", case_id, "decision", decision_id,
                                None, tpl.decision_after, (NULL, tpl.decision_after_json)))
        if action == "decide":
            decision_term[6] = at.date().isoformat()
        if action == "announce":
            objection = deadlines.on_announce(at.date())[0]
            rows["deadlines"].append((st.take("deadlines"), case_id, objection.kind,
                                      objection.label, objection.starts.isoformat(),
                                      objection.due.isoformat(), None, objection.reference))
        events.append(Event(at, cw, action, case_id, "case", case_id, before, after,
                            STEP_TEXTS[action]))
    rows["deadlines"].append(tuple(decision_term))
    rows["cases"].append((case_id, reference, REGULATION, ctx.version_id, subject, state,
                          CHANNEL, tpl.peildatum.isoformat(), received.date().isoformat(),
                          unit_id, cw_id if reach >= 1 else None, cw_id, ts(received), ts(at),
                          revision))


def chain(ctx: Context, st: FillState, events: list[Event],
          rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Append the events to the audit chain in time order, hashed as ``audit.append`` does."""
    from maatwerk.cases.audit import entry_hash
    events.sort(key=lambda e: e.at)
    out = rows["audit_log"]
    prev = st.head_hash
    for e in events:
        entry_id = st.head_id + 1
        fields = {"id": entry_id, "at": e.at.isoformat(timespec="microseconds"),
                  "actor": e.actor, "action": e.action, "case_id": e.case_id,
                  "entity": e.entity, "entity_id": e.entity_id, "why": "", "before": e.before,
                  "after": e.after}
        digest = entry_hash(prev, fields)
        before, after = e.texts or (json.dumps(e.before), json.dumps(e.after))
        out.append((entry_id, ctx.ts(e.at), e.actor, e.action, e.case_id, e.entity,
                    e.entity_id, "", before, after, prev, digest))
        st.head_id, prev = entry_id, digest
    st.head_hash = prev


@dataclass
class Chunk:
    """The rows of some filled cases, and the chain's head and the counters after them."""

    cases: int
    rows: dict[str, list[tuple[Any, ...]]]
    head_id: int
    head_hash: str
    counters: dict[int, int]


def generate(ctx: Context, st: FillState, n: int) -> Chunk:
    """The rows of the next ``n`` filled cases."""
    rng = random.Random(st.filled)
    rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
    events: list[Event] = []
    weights = [w for _, w in MIX]
    states = [s for s, _ in MIX]
    for _ in range(n):
        k = st.filled
        st.filled += 1
        year = min(2026, (EPOCH + k * STEP).year)
        tpl = ctx.templates[year][k % len(PEOPLE)]
        case_rows(ctx, st, k, tpl, rng.choices(states, weights)[0], rng, rows, events)
    chain(ctx, st, events, rows)
    return Chunk(n, rows, st.head_id, st.head_hash, dict(st.counters))


# -- writing the rows: executemany on SQLite, COPY on PostgreSQL --------------------------------


class SqliteWriter:
    """A connection of its own (sqlite3), WAL as the service uses it; during the fill only,
    synchronous=OFF and a large cache (it is not what is measured)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-1000000",
                       "temp_store=MEMORY"):
            self.con.execute(f"PRAGMA {pragma}")

    @staticmethod
    def ts(at: dt.datetime) -> str:
        return at.isoformat(" ", "microseconds")  # SQLAlchemy's storage format on SQLite

    def scalar(self, sql: str) -> Any:
        return self.con.execute(sql).fetchone()[0]

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self.con.execute(sql).fetchall())

    def write(self, chunk: Chunk) -> None:
        rows = chunk.rows
        self.con.execute("BEGIN IMMEDIATE")
        try:
            for table, cols in COLUMNS.items():
                marks = ", ".join("?" * len(cols))
                self.con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",
                                     rows[table])
            self.con.executemany(
                "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE "
                "SET value = excluded.value",
                [(f"{REGULATION}-{y}", v) for y, v in chunk.counters.items()])
            self.con.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1",
                             (chunk.head_id, chunk.head_hash))
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def finish(self) -> None:
        self.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.con.close()


class PostgresWriter:
    """A psycopg connection of its own in the benchmark's schema; COPY per table, one
    transaction per chunk; during the fill only, ``synchronous_commit`` off and (as a superuser)
    ``session_replication_role = replica``, which skips the foreign-key triggers as a restore
    does (the rows are consistent by construction, and checked against the service).

    The decision documents (about 14 kB of JSON each) are not sent and parsed again for every
    row: the few distinct documents are copied once into a temporary table, and each chunk's
    decisions are COPYed into a temporary staging table with the number of their document and
    moved over with ``INSERT … SELECT``. PostgreSQL copies the stored (compressed) document into
    each new row, which stores the same rows several times faster."""

    DECISION_COLUMNS = ", ".join(COLUMNS["decisions"])

    def __init__(self, url: str, schema: str) -> None:
        import psycopg
        self.con = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                                   options=f"-csearch_path={schema}", autocommit=True)
        self.con.execute("SET synchronous_commit = off")
        try:  # no foreign-key triggers for the filled rows (they are consistent by construction)
            self.con.execute("SET session_replication_role = replica")
        except Exception as exc:  # not a superuser: keep the checks, fill more slowly
            log(f"   (foreign keys stay checked during the fill: {exc})")
        self.documents: dict[str, int] = {}
        self.con.execute("CREATE TEMPORARY TABLE bench_documents (n integer PRIMARY KEY, "
                         "document json NOT NULL)")
        self.con.execute("CREATE TEMPORARY TABLE bench_decisions AS SELECT "
                         f"{self.DECISION_COLUMNS.replace('document', '0 AS document')} "
                         "FROM decisions WITH NO DATA")

    @staticmethod
    def ts(at: dt.datetime) -> str:
        return at.isoformat(" ", "microseconds") + "+00"

    def scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        return row[0] if row else None

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self.con.execute(sql).fetchall())

    def _decisions(self, cur: Any, rows: list[tuple[Any, ...]]) -> None:
        at = COLUMNS["decisions"].index("document")
        new = {r[at] for r in rows} - self.documents.keys()
        if new:
            with cur.copy("COPY bench_documents (n, document) FROM STDIN") as copy:
                for document in new:
                    self.documents[document] = len(self.documents)
                    copy.write_row((self.documents[document], document))
        with cur.copy(f"COPY bench_decisions ({self.DECISION_COLUMNS}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((*r[:at], self.documents[r[at]], *r[at + 1:]))
        cur.execute(f"INSERT INTO decisions ({self.DECISION_COLUMNS}) SELECT "
                    + ", ".join(f"d.{c}" if c == "document" else f"s.{c}"
                                for c in COLUMNS["decisions"])
                    + " FROM bench_decisions s JOIN bench_documents d ON d.n = s.document "
                    "ORDER BY s.id")
        cur.execute("TRUNCATE bench_decisions")

    def write(self, chunk: Chunk) -> None:
        rows = chunk.rows
        with self.con.transaction(), self.con.cursor() as cur:
            for table, cols in COLUMNS.items():
                if table == "decisions":
                    self._decisions(cur, rows[table])
                    continue
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows[table]:
                        copy.write_row(row)
            cur.executemany(
                "INSERT INTO counters (name, value) VALUES (%s, %s) ON CONFLICT (name) DO "
                "UPDATE SET value = excluded.value",
                [(f"{REGULATION}-{y}", v) for y, v in chunk.counters.items()])
            cur.execute("UPDATE audit_head SET last_id = %s, last_hash = %s WHERE id = 1",
                        (chunk.head_id, chunk.head_hash))

    def finish(self) -> None:
        """Move the id sequences past the filled ids, and refresh the planner's statistics (as
        autovacuum would, in its own time)."""
        for table in COLUMNS:
            self.con.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))")
        for table in (*COLUMNS, "counters"):
            self.con.execute(f"ANALYZE {table}")
        self.con.close()


Writer = SqliteWriter | PostgresWriter


def fill_state(w: Writer) -> FillState:
    next_id = {t: int(w.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {t}")) + 1 for t in COLUMNS}
    head = w.rows("SELECT last_id, last_hash FROM audit_head WHERE id = 1")[0]
    counters = {int(name.rsplit("-", 1)[1]): int(value) for name, value in
                w.rows(f"SELECT name, value FROM counters WHERE name LIKE '{REGULATION}-%'")}
    return FillState(next_id, int(head[0]), str(head[1]), counters)


# -- the databases ----------------------------------------------------------------------------


@dataclass
class Store:
    kind: str  # sqlite | postgresql
    db: Any  # maatwerk.cases.db.Database
    url: str
    schema: str | None = None
    path: Path | None = None
    backends: set[int] = field(default_factory=set)  # PostgreSQL: the pids of our connections

    def writer(self) -> Writer:
        if self.kind == "sqlite":
            assert self.path is not None
            return SqliteWriter(self.path)
        assert self.schema is not None
        return PostgresWriter(self.url, self.schema)

    def raw(self) -> Any:
        """A plain DB-API connection (for reading the audit log fast)."""
        if self.kind == "sqlite":
            return sqlite3.connect(self.path)
        import psycopg
        return psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://"),
                               options=f"-csearch_path={self.schema}", autocommit=True)

    def size(self) -> int:
        """Bytes on disk: the SQLite file and its WAL; or every table, index and TOAST table
        of the schema."""
        if self.kind == "sqlite":
            assert self.path is not None
            wal = self.path.with_name(self.path.name + "-wal")
            return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        import sqlalchemy as sa
        with self.db.engine.connect() as c:
            return int(c.execute(sa.text(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relkind IN ('r', 'm')"), {"s": self.schema}
            ).scalar_one())

    def count(self, table: str) -> int:
        import sqlalchemy as sa
        with self.db.engine.connect() as c:
            return int(c.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())

    def server_cpu(self) -> float:
        """CPU seconds used so far by the PostgreSQL backends serving our connections (0 for
        SQLite, which works in this process)."""
        ticks = 0
        for pid in self.backends:
            try:
                rest = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            ticks += int(rest[11]) + int(rest[12])
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def open_store(kind: str, args: argparse.Namespace, name: str) -> Iterator[Store]:
    """A fresh, migrated database: a SQLite file in a new temporary folder, or a new schema in
    the PostgreSQL server; removed afterwards (unless --keep)."""
    from maatwerk.cases.db import Database
    from maatwerk.cases.migrate import upgrade
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"maatwerk-bench-{name}-", dir=args.tmp))
        path = folder / "case-file.sqlite"
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        try:
            yield Store(kind, db, db.url, path=path)
        finally:
            db.dispose()
            if args.keep:
                log(f"kept {path}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        return
    import sqlalchemy as sa
    url = args.postgres
    schema = f"mw_bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = Database(url)
    with admin.engine.begin() as c:
        c.execute(sa.text(f"CREATE SCHEMA {schema}"))
    db = Database(url, schema=schema)
    upgrade(db)
    db.engine.dispose()
    store = Store(kind, db, db.url, schema=schema)

    @sa.event.listens_for(db.engine, "connect")
    def _backend(dbapi_connection: Any, _: Any) -> None:
        with dbapi_connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            store.backends.add(int(cur.fetchone()[0]))

    try:
        yield store
    finally:
        db.dispose()
        if args.keep:
            log(f"kept schema {schema}")
        else:
            with admin.engine.begin() as c:
                c.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@dataclass(slots=True)
class Entry:
    """An audit entry as read with plain SQL: the attributes ``audit._fields`` reads."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    case_id: int | None
    entity: str
    entity_id: int | None
    why: str
    before: Any
    after: Any


def check_chain(store: Store, after: int, filled: tuple[int, int] = (0, 0),
                stride: int = 1) -> tuple[int, int, int]:
    """Check the audit entries after id ``after`` as ``audit.verify`` does (its own field
    canonicalisation and ``entry_hash``, on entries read with plain SQL, which is much faster
    than the ORM), and that the head points at the last one. Every entry's link (its id follows
    and its ``prev_hash`` is the hash before it) is checked; its content hash is recomputed for
    every entry the service wrote and for every ``stride``-th one the fast path filled (ids in
    ``filled``, exclusive–inclusive). (linked, hashed, last id); raises on the first entry that
    does not fit."""
    from maatwerk.cases import audit
    con = store.raw()
    mark = "?" if store.kind == "sqlite" else "%s"
    cols = ("id, at, actor, action, case_id, entity, entity_id, why, before, after, prev_hash, "
            "hash" if store.kind == "sqlite" else "id, at::text, actor, action, case_id, entity, "
            "entity_id, why, before::text, after::text, prev_hash, hash")
    try:
        prev = (con.execute(f"SELECT hash FROM audit_log WHERE id = {mark}", (after,))
                .fetchone() or (audit.GENESIS,))[0]
        checked, hashed, last = 0, 0, after
        while True:
            rows = con.execute(f"SELECT {cols} FROM audit_log WHERE id > {mark} ORDER BY id "
                               "LIMIT 20000", (last,)).fetchall()
            if not rows:
                break
            for r in rows:
                if r[0] != last + 1 or r[10] != prev:
                    raise SystemExit(f"{store.kind}: the audit chain is broken at entry {r[0]}")
                prev, last = r[11], r[0]
                checked += 1
                if filled[0] < r[0] <= filled[1] and r[0] % stride:
                    continue
                at, before, after_ = r[1], r[8], r[9]
                if isinstance(at, str):
                    at = dt.datetime.fromisoformat(at)
                before, after_ = json.loads(before), json.loads(after_)
                entry = Entry(r[0], at, r[2], r[3], r[4], r[5], r[6], r[7], before, after_)
                if audit.entry_hash(r[10], audit._fields(entry)) != r[11]:
                    raise SystemExit(f"{store.kind}: audit entry {r[0]} does not match its hash")
                hashed += 1
        head = con.execute("SELECT last_id, last_hash FROM audit_head WHERE id = 1").fetchone()
        if (int(head[0]), head[1]) != (last, prev):
            raise SystemExit(f"{store.kind}: the audit head does not point at entry {last}")
        return checked, hashed, last
    finally:
        con.close()


# -- the fast path checked against the service -------------------------------------------------


def shape(con: sqlite3.Connection, case_id: int) -> dict[str, Any]:
    """What must be alike between a case of the service and one of the fast path."""
    def read(sql: str, *params: Any) -> list[Any]:
        return con.execute(sql, params).fetchall()

    def j(x: Any) -> Any:
        return json.loads(x) if isinstance(x, str) else x

    audit = []
    for action, entity, before, after in read(
            "SELECT action, entity, before, after FROM audit_log WHERE case_id = ? "
            "ORDER BY id", case_id):
        a = j(after)
        if isinstance(a, dict):
            a.pop("reference", None)
        audit.append((action, entity, j(before), a))
    return {
        "case": read("SELECT state, channel, peildatum, revision, unit_id IS NULL, "
                     "assigned_to IS NULL FROM cases WHERE id = ?", case_id),
        "facts": [(n, j(v), s) for n, v, s in read(
            "SELECT name, value, source FROM facts WHERE case_id = ? ORDER BY id", case_id)],
        "decisions": [(k, s, j(o), j(d), j(doc)) for k, s, o, d, doc in read(
            "SELECT kind, status, outputs, deciding_layer, document FROM decisions "
            "WHERE case_id = ? ORDER BY id", case_id)],
        "deadlines": [(k, lab, ref, met is None) for k, lab, ref, met in read(
            "SELECT kind, label, reference, met_on FROM deadlines WHERE case_id = ? "
            "ORDER BY id", case_id)],
        "audit": audit,
    }


def check_fast_path(tree: Path) -> None:
    """Take one case through the service (submit, start, propose, decide, announce) and make the
    same case with the fast path in another database; their rows must agree (ids, times and the
    reference number aside), and the fast path's audit chain must verify."""
    from maatwerk.cases import accounts, audit
    from maatwerk.cases.db import Database
    from maatwerk.cases.migrate import upgrade
    from maatwerk.cases.registry import Registry
    from maatwerk.cases.service import Actor
    folder = Path(tempfile.mkdtemp(prefix="maatwerk-bench-check-"))
    try:
        registry = Registry([tree / "regulations" / REGULATION])
        reg = registry.get(REGULATION)
        tpl = templates(registry, reg)[2025][4]
        shapes = []
        for name in ("service", "fast"):
            path = folder / f"{name}.sqlite"
            db = Database(f"sqlite:///{path}")
            upgrade(db)
            with db.transaction() as s:
                user = accounts.create_user(s, "cw00", "caseworker", unit_name="toeslagen")
                cw = Actor.of(user)
                version_id = registry.store(s, reg).id
            if name == "service":
                files = casefile_class()(db, registry, SECRET)
                c = files.submit(cw, REGULATION, tpl.facts, subject_key="999999990",
                                 channel=CHANNEL, peildatum=tpl.peildatum)
                for step in ("start", "propose", "decide", "announce"):
                    getattr(files, step)(cw, c["id"])
            else:
                w = SqliteWriter(path)
                st = fill_state(w)
                ctx = Context(version_id, reg, {2025: [tpl]}, [(cw.id, cw.username, cw.unit_id)],
                              w.ts)
                rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
                events: list[Event] = []
                case_rows(ctx, st, 0, tpl, "announced", random.Random(0), rows, events)
                chain(ctx, st, events, rows)
                w.write(Chunk(1, rows, st.head_id, st.head_hash, st.counters))
                w.finish()
                with db.reading() as s:
                    verified = audit.verify(s)
                if not verified.ok:
                    raise SystemExit(f"the fast path breaks the audit chain: "
                                     f"{verified.message()}")
            db.dispose()
            con = sqlite3.connect(path)
            shapes.append(shape(con, 1))
            con.close()
        for part in shapes[0]:
            if shapes[0][part] != shapes[1][part]:
                raise SystemExit(f"the fast path writes other {part} than the service:\n"
                                 f"service: {shapes[0][part]}\nfast:    {shapes[1][part]}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def casefile_class() -> Any:
    """The case service with every action (``maatwerk.cases.casefile.CaseFile``; before it
    moved there, ``maatwerk.cases.discretion.CaseFile``)."""
    try:
        from maatwerk.cases.casefile import CaseFile
    except ImportError:
        from maatwerk.cases.discretion import CaseFile  # type: ignore[attr-defined,no-redef]
    return CaseFile


LOCK_BUG = "FOR UPDATE cannot be applied to the nullable side of an outer join"


def locking_case_first(base: Any) -> Any:
    """The service with one change, for PostgreSQL when its own ``case_row(lock=True)`` is
    refused (``SELECT cases ... LEFT OUTER JOIN ... FOR UPDATE``: the case's eagerly joined
    relations make PostgreSQL refuse the lock): lock the case row with a plain
    ``SELECT id ... FOR UPDATE`` first, then let the service read it as it does, unlocked, in the
    same transaction. The same rows are locked; one query more per locked step."""
    from sqlalchemy import select

    from maatwerk.cases.models import Case

    class LockingCaseFirst(base):  # type: ignore[misc,valid-type]
        def case_row(self, s: Any, actor: Any, case_id: int, action: str | None = None, *,
                     lock: bool = False) -> Any:
            if lock:
                s.execute(select(Case.id).where(Case.id == case_id).with_for_update()).all()
            return super().case_row(s, actor, case_id, action, lock=False)

    return LockingCaseFirst


def service(store: Store, registry: Any, cw: Any) -> tuple[Any, str]:
    """The case service to measure, and a note when it had to be worked around: one probe
    submission is taken through submit, start and propose first."""
    import sqlalchemy.exc
    files = casefile_class()(store.db, registry, SECRET)
    probe = citizens(store, 1, "probe")[0]
    case = files.submit(probe, REGULATION, {k: v for k, v in common.TIMED[0].items()
                                            if k != "peildatum"}, peildatum=PEILDATUM)
    try:
        files.start(cw, case["id"])
    except sqlalchemy.exc.NotSupportedError as exc:
        if LOCK_BUG not in str(exc):
            raise
        log(f"!! {store.kind}: the service's start is refused ({LOCK_BUG}); measuring with "
            "the bench-side workaround (lock the case row first)")
        files = locking_case_first(casefile_class())(store.db, registry, SECRET)
        files.start(cw, case["id"])
        files.propose(cw, case["id"])
        return files, (f"**maatwerk bug on {store.kind}**: `CaseService.case_row(lock=True)` is "
                       f"refused (\"{LOCK_BUG}\"), so `start`, `propose` and every other "
                       "locked step fail as committed. Measured with a bench-side workaround: "
                       "the case row is locked with a plain `SELECT id … FOR UPDATE` first and "
                       "the service's own query runs unlocked in the same transaction (same "
                       "locks, one query more per step).")
    files.propose(cw, case["id"])
    return files, ""


# -- filling and measuring --------------------------------------------------------------------


@dataclass
class Fill:
    cases: int = 0
    seconds: float = 0.0
    rows: int = 0


def fill(store: Store, ctx_base: dict[str, Any], st_holder: dict[str, FillState], n: int,
         until: float, chunk: int) -> Fill:
    """Add ``n`` cases with the fast path, in chunks of one transaction each, the next chunk
    made (in a thread) while the database stores the last; stop early when the clock passes
    ``until`` (time.monotonic)."""
    w = store.writer()
    done = Fill()
    t0 = time.monotonic()
    try:
        st = fill_state(w)
        old = st_holder.get("state")
        if old is not None:  # keep the synthetic clock and the people across checkpoints
            st.filled, st.subjects = old.filled, old.subjects
        st_holder["state"] = st
        ctx = Context(ts=w.ts, **ctx_base)
        sizes = [min(chunk, n - i) for i in range(0, n, chunk)]
        with ThreadPoolExecutor(max_workers=1) as pool:
            ahead = pool.submit(generate, ctx, st, sizes[0]) if sizes else None
            for i in range(len(sizes)):
                assert ahead is not None
                current = ahead.result()
                if time.monotonic() > until:
                    log(f"   out of time: filled {done.cases:,} of {n:,}")
                    break
                ahead = pool.submit(generate, ctx, st, sizes[i + 1]) if i + 1 < len(sizes) \
                    else None
                w.write(current)
                done.cases += current.cases
                done.rows += sum(len(r) for r in current.rows.values())
                rate = done.cases / (time.monotonic() - t0)
                log(f"   filled {done.cases:,}/{n:,} cases ({rate:,.0f} cases/s)")
    finally:
        w.finish()
    done.seconds = time.monotonic() - t0
    return done


@dataclass
class Timings:
    """The timed submissions of one store at one checkpoint."""

    total: list[float] = field(default_factory=list)  # ms per submission
    steps: dict[str, list[float]] = field(
        default_factory=lambda: {"submit": [], "start": [], "propose": []})
    wall: float = 0.0  # seconds for all timed submissions
    cpu: float = 0.0  # seconds of CPU: this process, and the PostgreSQL backends
    block_p50: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.total)


@dataclass
class Measured:
    store_cases: int
    audit_entries: int
    size_before: int
    main: Timings
    reference: Timings
    reference_cases: int
    size_after: int = 0
    fill: Fill | None = None
    note: str = ""

    def ratio(self) -> list[float]:
        """Per block: the p50 of the store ÷ the p50 of the reference store next to it."""
        return sorted(a / b for a, b in zip(self.main.block_p50, self.reference.block_p50,
                                            strict=True))


def citizens(store: Store, count: int, tag: str) -> list[Any]:
    """``count`` citizens, each with an account linked to themselves (made outside the timing)."""
    from maatwerk.cases import accounts
    from maatwerk.cases.models import Subject
    from maatwerk.cases.service import Actor, pseudonym
    out = []
    with store.db.transaction() as s:
        for i in range(count):
            subject = Subject(kind="person", label="",
                              pseudonym=pseudonym(SECRET, "person", f"{tag}-{i}"))
            s.add(subject)
            s.flush()
            user = accounts.create_user(s, f"burger-{tag}-{i}", "citizen",
                                        subject_id=subject.id)
            out.append(Actor.of(user))
    return out


@dataclass
class Side:
    """A store with its service, its caseworker and its citizens still to submit."""

    store: Store
    files: Any
    cw: Any
    people: list[Any] = field(default_factory=list)


CASES = [{k: v for k, v in c.items() if k != "peildatum"} for c in common.TIMED]
EXPECTED = [1573, 670, 1422, 0]  # common.TIMED's yearly amounts


def submit(side: Side, i: int, into: Timings | None) -> None:
    """One submission: the citizen submits, the caseworker starts and proposes."""
    clock = time.perf_counter
    who = side.people.pop()
    t0 = clock()
    case = side.files.submit(who, REGULATION, CASES[i % len(CASES)], peildatum=PEILDATUM)
    t1 = clock()
    side.files.start(side.cw, case["id"])
    t2 = clock()
    proposal = side.files.propose(side.cw, case["id"])
    t3 = clock()
    if int(proposal["outputs"]["zorgtoeslag"]) != EXPECTED[i % len(CASES)]:
        raise SystemExit(f"wrong amount {proposal['outputs']} for {CASES[i % len(CASES)]}")
    if into is not None:
        into.steps["submit"].append((t1 - t0) * 1e3)
        into.steps["start"].append((t2 - t1) * 1e3)
        into.steps["propose"].append((t3 - t2) * 1e3)
        into.total.append((t3 - t0) * 1e3)


def block(side: Side, size: int, into: Timings, offset: int) -> None:
    cpu0, server0, wall0 = time.process_time(), side.store.server_cpu(), time.perf_counter()
    first = into.n
    for i in range(size):
        submit(side, offset + i, into)
    into.wall += time.perf_counter() - wall0
    into.cpu += time.process_time() - cpu0 + side.store.server_cpu() - server0
    into.block_p50.append(statistics.median(into.total[first:]))


def measure(main: Side, ref: Side, args: argparse.Namespace, tag: str) -> Measured:
    """Warm up both stores, then time the submissions in blocks that alternate between the
    store and the small reference store (ABBA), so that the machine's noise hits both alike."""
    per_block = max(1, args.submissions // args.blocks)
    for side, name in ((main, "main"), (ref, "ref")):
        side.people = citizens(side.store, args.warmup + per_block * args.blocks,
                               f"{name}{tag}")
    m = Measured(main.store.count("cases"), main.store.count("audit_log"), main.store.size(),
                 Timings(), Timings(), ref.store.count("cases"))
    for i in range(args.warmup):
        submit(main, i, None)
        submit(ref, i, None)
    for b in range(args.blocks):
        order = [(main, m.main), (ref, m.reference)]
        for side, into in (order if b % 4 in (0, 3) else order[::-1]):
            block(side, per_block, into, b * per_block)
    m.size_after = main.store.size()
    return m


def prepare(store: Store, registry: Any, reg: Any) -> tuple[Side, dict[str, Any], str]:
    """Caseworkers, the regulation version and the service of one store."""
    from maatwerk.cases import accounts
    from maatwerk.cases.service import Actor
    with store.db.transaction() as s:
        workers = [accounts.create_user(s, f"cw{i:02d}", "caseworker", unit_name="toeslagen")
                   for i in range(CASEWORKERS)]
        cw = Actor.of(workers[0])
        version_id = registry.store(s, reg).id
        caseworkers = [(u.id, u.username, u.unit_id) for u in workers]
    files, note = service(store, registry, cw)
    ctx_base = {"version_id": version_id, "reg": reg, "templates": templates(registry, reg),
                "caseworkers": caseworkers}
    return Side(store, files, cw), ctx_base, note


def run_database(kind: str, args: argparse.Namespace, tree: Path) -> dict[str, Any]:
    from maatwerk.cases.registry import Registry
    began = time.monotonic()
    until = began + args.budget * 60
    out: dict[str, Any] = {"kind": kind, "checkpoints": [], "reached": None, "checked": 0,
                           "hashed": 0, "stride": 1}
    registry = Registry([tree / "regulations" / REGULATION])
    reg = registry.get(REGULATION)
    with open_store(kind, args, "casefile") as store, \
            open_store(kind, args, "reference") as ref_store:
        main, ctx_base, out["note"] = prepare(store, registry, reg)
        ref, _, _ = prepare(ref_store, registry, reg)
        out["server"] = server_info(store)
        holder: dict[str, FillState] = {}
        last_measure, checked_to = 60.0, 0
        for target in args.checkpoints:
            need = target - store.count("cases")
            filled = None
            entries_before = store.count("audit_log")
            if need > 0:
                log(f"{kind}: filling to {target:,} cases ...")
                # keep time for measuring (as long as last time, twice over) and for checking the
                # new audit entries (links of all, hashes of a sample)
                reserve = 2 * last_measure + 60 + need * 6 / 60_000 + args.check_sample / 15_000
                filled = fill(store, ctx_base, holder, need, until - reserve, args.chunk)
            fill_range = (entries_before, store.count("audit_log"))
            t0 = time.monotonic()
            m = measure(main, ref, args, f"{len(out['checkpoints'])}")
            last_measure = time.monotonic() - t0
            stride = max(1, (fill_range[1] - fill_range[0]) // args.check_sample)
            checked, hashed, checked_to = check_chain(store, checked_to, fill_range, stride)
            out["checked"] += checked
            out["hashed"] += hashed
            out["stride"] = max(out["stride"], stride)
            m.fill = filled
            if filled is not None and filled.cases < need:
                m.note = f"target {target:,}: out of time"
                out["reached"] = m.store_cases
            out["checkpoints"].append(m)
            ratio = m.ratio()
            log(f"{kind}: {m.store_cases:,} cases: {m.main.n / m.main.wall:,.1f} submissions/s, "
                f"p50 {statistics.median(m.main.total):.1f} ms (reference "
                f"{statistics.median(m.reference.total):.1f} ms, ratio "
                f"{statistics.median(ratio):.2f}), p99 {q(m.main.total, 0.99):.1f} ms, "
                f"{m.size_after / 1e6:,.0f} MB; chain checked to {checked_to:,} "
                f"({time.monotonic() - began:.0f} s)")
            if m.note:
                break
        verify_at_end(store, args, until - time.monotonic(), checked_to, out)
        out["wall"] = time.monotonic() - began
    return out


def verify_at_end(store: Store, args: argparse.Namespace, left: float, entries: int,
                  out: dict[str, Any]) -> None:
    """``audit.verify`` over the whole chain, when it fits in what is left of the budget."""
    from maatwerk.cases import audit
    out["verify"] = None
    estimate = entries / VERIFY_RATE
    if args.verify == "always" or (args.verify == "budget" and estimate < left):
        log(f"{store.kind}: audit.verify over the whole chain (about {estimate:.0f} s) ...")
        t0 = time.monotonic()
        with store.db.reading() as s:
            verified = audit.verify(s)
        out["verify"] = (verified.ok, verified.message(), time.monotonic() - t0)
        log(f"{store.kind}: {verified.message()} ({out['verify'][2]:.0f} s)")
    else:
        out["verify_skipped"] = (f"not run: about {estimate / 60:.0f} minutes for "
                                 f"{entries:,} entries, {max(0, left) / 60:.0f} left in the "
                                 "budget (`--verify always` runs it)")


VERIFY_RATE = 6_000  # entries per second audit.verify checks on this machine when it is busy


def server_info(store: Store) -> dict[str, str]:
    import sqlalchemy as sa
    if store.kind == "sqlite":
        return {"SQLite": sqlite3.sqlite_version,
                "settings": "WAL, synchronous=FULL (the service's)"}
    with store.db.engine.connect() as c:
        version = c.execute(sa.text("SHOW server_version")).scalar_one()
        settings = ", ".join(
            f"{name}={c.execute(sa.text(f'SHOW {name}')).scalar_one()}"
            for name in ("shared_buffers", "synchronous_commit", "fsync", "max_wal_size"))
    return {"PostgreSQL": str(version), "settings": settings}


# -- report -----------------------------------------------------------------------------------


def q(values: list[float], p: float) -> float:
    return common.quantile(sorted(values), p)


def mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 10e6 else f"{n / 1e6:.1f} MB"


def _database(result: dict[str, Any]) -> list[str]:
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[result["kind"]]
    server = result["server"]
    rows = []
    for m in result["checkpoints"]:
        fill = m.fill
        filled = (f"{fill.cases:,} in {fill.seconds:.0f} s ({fill.cases / fill.seconds:,.0f}/s)"
                  if fill and fill.cases else "—")
        ratio = m.ratio()
        rows.append([f"{m.store_cases:,}" + (f" ({m.note})" if m.note else ""),
                     f"{m.audit_entries:,}", mb(m.size_before), filled,
                     f"{m.main.n / m.main.wall:.1f}", f"{statistics.median(m.main.total):.1f}",
                     f"{q(m.main.total, 0.99):.1f}",
                     " / ".join(f"{statistics.median(m.main.steps[s]):.1f}"
                                for s in ("submit", "start", "propose")),
                     f"{m.main.cpu / m.main.n * 1e3:.1f}",
                     f"{statistics.median(m.reference.total):.1f}",
                     f"{statistics.median(ratio):.2f} [{ratio[0]:.2f}–{ratio[-1]:.2f}]"])
    first, last = result["checkpoints"][0], result["checkpoints"][-1]
    growth50 = statistics.median(last.main.total) / statistics.median(first.main.total)
    growth99 = q(last.main.total, 0.99) / q(first.main.total, 0.99)
    growth_ref = statistics.median(last.ratio()) / statistics.median(first.ratio())
    growth_cpu = (last.main.cpu / last.main.n) / (first.main.cpu / first.main.n)
    verdict = "flat" if max(growth_ref, growth_cpu) <= FLAT else "not flat"
    lines = [f"## {title}", "",
             f"{', '.join(f'{k} {v}' for k, v in server.items())}; {result['wall'] / 60:.1f} "
             "minutes for this database.", "",
             table(["cases in the store", "audit entries", "database size",
                    "filled since the last checkpoint", "submissions/s", "p50 ms", "p99 ms",
                    "p50 submit / start / propose ms", "CPU ms per submission",
                    "reference store p50 ms", "p50 ÷ reference, per block"],
                   rows, "rrrrrrrrrrr"), "",
             f"- from {first.store_cases:,} to {last.store_cases:,} cases: the p50 of a "
             f"submission went ×{growth50:.2f} and the p99 ×{growth99:.2f}; against the "
             f"reference store measured alongside ×{growth_ref:.2f}; the CPU per submission "
             f"×{growth_cpu:.2f}: **{verdict}** (read here as: both the p50 against the "
             f"reference and the CPU per submission within ×{FLAT} of the first checkpoint's)",
             f"- database size at the end: {mb(last.size_after)} "
             f"({last.size_after / max(1, last.store_cases + last.main.n):,.0f} bytes per case)"]
    sampled = ("every entry" if result["stride"] == 1 else
               f"every entry the service wrote and at least every {result['stride']}th filled one")
    lines.append(f"- audit chain, checked after each checkpoint: the links of all "
                 f"{result['checked']:,} entries (ids in order, each `prev_hash` the hash before "
                 f"it, the head at the last) and the content hash of {result['hashed']:,} "
                 f"({sampled}), recomputed with `audit`'s own canonical fields and `entry_hash`: "
                 "**intact**")
    if result["verify"]:
        ok, message, seconds = result["verify"]
        lines.append(f"- `audit.verify` over the whole chain at the end: "
                     f"{'**intact**' if ok else '**BROKEN**'}: {message} ({seconds:.0f} s)")
    else:
        lines.append(f"- `audit.verify` over the whole chain: {result['verify_skipped']}")
    if result.get("note"):
        lines.append(f"- {result['note']}")
    if result.get("reached"):
        lines.append(f"- **1 M was not reached within the time budget**: the last checkpoint "
                     f"is at {result['reached']:,} cases")
    return [*lines, ""]


def table(header: list[str], rows: list[list[str]], align: str) -> str:
    return common.table(header, rows, align)


def report(info: dict[str, Any]) -> str:
    m = info["machine"]
    a = info["args"]
    command = " ".join([".venv/bin/python bench/casefile.py", *info["argv"]])
    lines = [f"# Benchmark: submitting a case with a persisted decision as the store grows "
             f"({info['date']})", "",
             f"- machine: {m['nproc']} cores (`nproc`), {m['cpu']}; {m['os']}",
             f"- project: maatwerk {info['versions']['maatwerk']} at commit {m['commit']}; "
             f"{m['python']}; " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()
                                            if k != "maatwerk"),
             f"- code fingerprint (src/ and the regulation): {info['code_before']}"
             + ("" if info["code_before"] == info["code_after"] else
                f" → {info['code_after']} (**changed during the run**)"),
             "- a submission: `submit` (a citizen, for themselves) + `start` + `propose` (a "
             "caseworker; the decision is made and stored with its trace and explanation): "
             "three transactions, through the case service, one client, one after the other",
             f"- per checkpoint: {a.warmup} submissions to warm up (not counted) in each store, "
             f"then {a.blocks} blocks of {a.submissions // a.blocks} timed submissions that "
             "alternate (ABBA) between the store and a small reference store of the same "
             "kind, which grows only by these submissions",
             f"- fast path checked against the service before the run: {info['fast_path']}",
             f"- load average {info['load_before']} before, {info['load_after']} after",
             f"- command: `{command}`", ""]
    for result in info["results"]:
        lines += _database(result)
    lines += ["Submissions/s is 1 / the mean time of a whole submission (one client, no "
              "concurrency). The filled cases are made by the benchmark's fast path, not the "
              "service; see bench/README.md for what they hold and how to read this.", ""]
    return "\n".join(lines)


# -- main -------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    from importlib.metadata import version

    import maatwerk
    return {"maatwerk": maatwerk.__version__, "SQLAlchemy": version("sqlalchemy"),
            "psycopg": version("psycopg"), "SQLite": sqlite3.sqlite_version}


def run(args: argparse.Namespace) -> int:
    tree = Path(common.TREE["root"])
    start = time.perf_counter()
    info: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": common.machine(), "load_before": common.loadavg(), "argv": args.argv,
        "code_before": common.fingerprint(), "args": args, "versions": versions(),
        "results": []}
    log("checking the fast path against the service ...")
    check_fast_path(tree)
    info["fast_path"] = "the same rows (facts, decisions, terms, audit entries), chain verified"
    for kind in args.db:
        info["results"].append(run_database(kind, args, tree))
    info.update(wall=time.perf_counter() - start, load_after=common.loadavg(),
                code_after=common.fingerprint())
    text = report(info)
    print(text)
    Path(args.out).write_text(text)
    log(f"written to {args.out}")
    return 0 if all(r["verify"] is None or r["verify"][0] for r in info["results"]) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default both)")
    parser.add_argument("--checkpoints", default=",".join(str(c) for c in CHECKPOINTS),
                        help="store sizes (cases) to measure at (default 0,10000,100000,1000000)")
    parser.add_argument("--submissions", type=int, default=500,
                        help="timed submissions per checkpoint (default 500)")
    parser.add_argument("--warmup", type=int, default=25,
                        help="untimed submissions first at each checkpoint (default 25)")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="minutes per database; filling stops early to stay within it")
    parser.add_argument("--blocks", type=int, default=10,
                        help="timed blocks per checkpoint, alternating with the reference "
                             "store (default 10)")
    parser.add_argument("--verify", choices=("budget", "always", "never"), default="budget",
                        help="run audit.verify over the whole chain at the end: when it fits "
                             "in the time budget (default), always or never")
    parser.add_argument("--check-sample", type=int, default=300_000,
                        help="filled audit entries whose hash is recomputed per checkpoint, at "
                             "least (default 300000; every entry below that)")
    parser.add_argument("--chunk", type=int, default=10_000, help="cases per fill transaction")
    parser.add_argument("--postgres", default=os.environ.get("MAATWERK_TEST_POSTGRES")
                        or DEFAULT_POSTGRES, help=f"PostgreSQL server (default {DEFAULT_POSTGRES}"
                        " or $MAATWERK_TEST_POSTGRES); a fresh schema is made and dropped")
    parser.add_argument("--tmp", default=None, help="folder for the SQLite file (default: /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: checkpoints 0,2000,10000, 50 submissions, *.tmp only")
    parser.add_argument("--out", default=str(RESULTS / "casefile.md"),
                        help="markdown report (default bench/results/casefile.md)")
    parser.add_argument("--ref", default="",
                        help="measure maatwerk as of this commit (src/ and the regulation are "
                             "exported with git archive) instead of the work tree")
    parser.add_argument("--tree", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.argv = [a for a in sys.argv[1:] if not a.startswith("--tree")]
    args.db = [d.strip() for d in args.db.split(",") if d.strip()]
    args.checkpoints = sorted(int(c) for c in args.checkpoints.split(","))
    if args.quick:
        args.checkpoints, args.submissions, args.warmup, args.blocks = [0, 2000, 10_000], 60, 5, 4
        if args.out == str(RESULTS / "casefile.md"):
            args.out = str(RESULTS / "casefile-quick.md.tmp")
    RESULTS.mkdir(exist_ok=True)
    if args.ref and not args.tree:
        return reexec(args)
    if args.tree:
        common.TREE.update(root=Path(args.tree), ref=args.ref)
    return run(args)


def reexec(args: argparse.Namespace) -> int:
    """Run this benchmark again with maatwerk (src/ and the regulation) exported from git at
    ``--ref`` first on the path, so the report names exactly the code it measured."""
    folder = common.export(args.ref)
    log(f"measuring maatwerk from {args.ref}, exported to {folder}")
    try:
        env = dict(os.environ, PYTHONPATH=str(folder / "src"), BENCH_MAATWERK_TREE=str(folder),
                   PYTHONDONTWRITEBYTECODE="1")
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *sys.argv[1:],
                               f"--tree={folder}"], env=env, cwd=ROOT, check=False)
        return done.returncode
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
