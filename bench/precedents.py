"""Precedent search over a case file of 1 M decided bijstand cases, on SQLite and PostgreSQL.

    .venv/bin/python bench/precedents.py                       # 1 M cases, both databases
    .venv/bin/python bench/precedents.py --cases 100000 --quick --db sqlite
    .venv/bin/python bench/precedents.py --keep /tmp/precedents   # fill once, reuse after

The case file is filled in bulk, not through the case service (that would take days): for each
case a subject, the case, its facts (7 to 9 rows), one decision and, for 5 % of the cases, an
approved deviation (``afstemming``); with ``--keep`` the filled databases are kept and a later
run with the same ``--cases`` and ``--seed`` reuses them (removing the cases a previous run
decided after them). Households are drawn from a fixed seed (age 21-66, living
alone 55 %, single parent 20 %, couple 25 %; cost sharers 1-3; assets log-normal; a culpable
behaviour for 3 %). Each decision's outputs, deciding layer and layers are those the engine gives
for a household of the same kind (living situation, cost sharers, deviation or not), decided
once; its document holds the layers and the receipt, not the trace and explanation (the search
reads only the layers, of the cases it shows).

Timed, after the index is built (the first search):

- ``search``: ``insight.precedents.search`` for a random decided case — what the caseworker's
  case page calls: bring the index up to date, the case's facts, the nearest 5 and the nearest 5
  with a deviation, and their details (state, outputs, layers, deviations, requests, facts);
- ``kernel``: the index's search alone (no database), for the same cases;
- ``update``: 100 more cases decided (inserted in bulk), then one search, which reads them.

Percentiles by the nearest-rank method over ``--queries`` searches. Results go to
``bench/results/precedents.md`` (``precedents.md.tmp`` with ``--quick``). The bar (DESIGN §9):
p95 of ``search`` under 50 ms at 1 M decisions.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's ``http`` package: keep this folder off the
# front of the path, or whatever imports ``http.client`` fails.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from maatwerk.cases import accounts  # noqa: E402
from maatwerk.cases.db import Database  # noqa: E402
from maatwerk.cases.migrate import upgrade  # noqa: E402
from maatwerk.cases.models import Case  # noqa: E402
from maatwerk.cases.registry import Registry  # noqa: E402
from maatwerk.engine.decide import decider  # noqa: E402
from maatwerk.insight.features import fact_features  # noqa: E402
from maatwerk.insight.precedent_index import index_for  # noqa: E402
from maatwerk.insight.precedents import facts_of, search  # noqa: E402
from maatwerk.spec.model import Regulation  # noqa: E402
from maatwerk.spec.records import Actor, Deviation  # noqa: E402

ROOT = BENCH.parent
RESULTS = BENCH / "results"
PEILDATUM = dt.date(2025, 7, 1)
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
FORMS = ("alleenstaand", "alleenstaande_ouder", "gehuwd")
CHUNK = 50_000
COLUMNS = {
    "subjects": ("id", "kind", "pseudonym", "label"),
    "cases": ("id", "reference", "regulation", "regulation_version_id", "subject_id", "state",
              "channel", "peildatum", "received_on", "created_by", "created_at", "updated_at",
              "revision"),
    "facts": ("id", "case_id", "name", "value", "source", "recorded_at", "recorded_by"),
    "decisions": ("id", "case_id", "kind", "status", "outputs", "deciding_layer", "document",
                  "regulation_version_id", "decided_at", "decided_by"),
    "deviation_requests": ("id", "case_id", "state", "story", "trigger", "clause", "output",
                           "value", "ground", "motivation", "evidence", "requested_by",
                           "proposed_by", "approved_by", "reason", "created_at", "updated_at",
                           "revision"),
}


def households(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    form = rng.choice(3, size=n, p=[0.55, 0.20, 0.25])
    sharers = np.where(form == 2, 2, 1) + (rng.random(n) < 0.2) * rng.integers(1, 3, n)
    return {"form": form, "age": rng.integers(21, 67, n), "partner": rng.integers(21, 67, n),
            "sharers": sharers, "assets": np.round(rng.lognormal(7.5, 1.4, n)).astype(int),
            "culpable": rng.random(n) < 0.03, "deviated": rng.random(n) < 0.05,
            "day": rng.integers(0, 540, n)}


def facts(h: dict[str, np.ndarray], i: int) -> dict[str, Any]:
    found: dict[str, Any] = {
        "geboortedatum": f"{2025 - int(h['age'][i])}-03-01", "leefvorm": FORMS[h["form"][i]],
        "aow_leeftijd_bereikt": False, "aantal_kostendelers": int(h["sharers"][i]),
        "verblijft_in_inrichting": False, "vermogen": str(int(h["assets"][i])),
        "categorie_gedraging": "eerste" if h["culpable"][i] else "geen"}
    if h["form"][i] == 2:
        found["geboortedatum_partner"] = f"{2025 - int(h['partner'][i])}-06-01"
        found["partner_aow_leeftijd_bereikt"] = False
    return found


def templates(reg: Regulation) -> dict[tuple[int, int, bool, bool], tuple[str, str, str]]:
    """Outputs, deciding layer and document (layers and receipt) per kind of household."""
    decide = decider(reg)
    who = Actor(id="bench", role="caseworker")
    approver = Actor(id="bench-2", role="approver")
    found = {}
    for form in range(3):
        for sharers in (1, 2, 3):
            if form == 2 and sharers == 1:
                continue
            for culpable in (False, True):
                for deviated in (False, True):
                    h = {"form": [form], "age": [40], "partner": [40], "sharers": [sharers],
                         "assets": [0], "culpable": [culpable]}
                    dev = [Deviation(clause="afstemming", output="bijstandsnorm", value=1500,
                                     ground="omstandigheden", motivation="Zeer bijzondere "
                                     "situatie (bench).", proposer=who, approver=approver)]
                    d = decide.decide(PEILDATUM, facts({k: np.array(v) for k, v in h.items()},
                                                       0), deviations=dev if deviated else ())
                    doc = d.to_json(trace=False, explanation=False)
                    found[(form, sharers, culpable, deviated)] = (
                        json.dumps(doc["outputs"]), json.dumps(doc["deciding_layer"]),
                        json.dumps({k: doc[k] for k in ("regulation", "peildatum", "layers",
                                                        "receipt")}))
    return found


class Loader:
    """Rows written in bulk: ``executemany`` on SQLite (synchronous off while loading), ``COPY``
    on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sqlite = db.is_sqlite
        self.raw: Any = db.engine.raw_connection()
        if self.sqlite:
            driver: Any = self.raw.driver_connection
            driver.execute("PRAGMA synchronous=OFF")

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns = COLUMNS[table]
        cursor = self.raw.cursor()
        if self.sqlite:  # the connection is in autocommit mode: one transaction per batch
            marks = ", ".join("?" * len(columns))
            cursor.execute("BEGIN")
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               rows)
            cursor.execute("COMMIT")
            return
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.raw.commit()

    def close(self, settle: bool = False) -> None:
        """Done writing; with ``settle`` the database is brought to rest as a case file that
        grew over years would be (see ``settle``)."""
        if not self.sqlite:
            with self.raw.cursor() as cursor:
                for table in COLUMNS:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT max(id) FROM {table}))")
                cursor.execute("ANALYZE")
            self.raw.commit()
        if settle:
            self.settle()
        self.raw.close()

    def settle(self) -> None:
        """After the bulk fill: on PostgreSQL ``VACUUM`` and a ``CHECKPOINT`` (what autovacuum
        and the checkpointer do in a case file that grew over years; the test server runs
        without autovacuum, and without them the first read of each row after the fill sets
        its hint bits, so the index's build dirties every page and the searches timed after
        it wait on those writes); on SQLite the write-ahead log checkpointed; on both the
        fill's writes flushed to disk."""
        driver: Any = self.raw.driver_connection
        if self.sqlite:
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            driver.autocommit = True
            for table in COLUMNS:
                driver.execute(f"VACUUM {table}")
            driver.execute("CHECKPOINT")
        os.sync()


def stamp(day: dt.date, sqlite: bool) -> str:
    return f"{day.isoformat()} 10:00:00{'.000000' if sqlite else '+00:00'}"


def rows_for(h: dict[str, np.ndarray], first: int, shapes: dict[Any, tuple[str, str, str]],
             ids: dict[str, int], sqlite: bool) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of ``len(h['age'])`` decided cases, numbered from case ``first``."""
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
    version, user = ids["version"], ids["user"]
    start = dt.date(2025, 1, 1)
    for i in range(h["age"].size):
        case = first + i
        received = start + dt.timedelta(days=int(h["day"][i]))
        when = stamp(received, sqlite)
        decided = stamp(received + dt.timedelta(days=14), sqlite)
        out["subjects"].append((case, "household", uuid.uuid4().hex, ""))
        out["cases"].append((case, f"bijstand-bench-{case:07d}", "bijstand", version, case,
                             "decided", "online", PEILDATUM.isoformat(), received.isoformat(),
                             user, when, decided, 1))
        for name, value in facts(h, i).items():
            ids["fact"] += 1
            out["facts"].append((ids["fact"], case, name, json.dumps(value), "bench", when,
                                 user))
        key = (int(h["form"][i]), min(int(h["sharers"][i]), 3), bool(h["culpable"][i]),
               bool(h["deviated"][i]))
        outputs, layers, document = shapes[key]
        out["decisions"].append((case, case, "decision", "determined", outputs, layers,
                                 document, version, decided, user))
        if h["deviated"][i]:
            ids["deviation"] += 1
            out["deviation_requests"].append((
                ids["deviation"], case, "approved", "", "flag", "afstemming", "bijstandsnorm",
                json.dumps("1500"), "omstandigheden", "Zeer bijzondere situatie (bench).", "[]",
                user, user, user, "", when, decided, 1))
    return out


def fill(db: Database, reg: Regulation, registry: Registry, n: int, seed: int,
         first: int = 1, ids: dict[str, int] | None = None) -> dict[str, int]:
    """``n`` decided cases from case id ``first`` on, in bulk."""
    if ids is None:
        with db.transaction() as s:
            user = accounts.create_user(s, "bench", "caseworker", unit_name="team-bench")
            ids = {"user": user.id, "version": registry.store(s, reg).id, "fact": 0,
                   "deviation": 0}
    shapes = templates(reg)
    rng = np.random.default_rng(seed)
    loader = Loader(db)
    try:
        for at in range(0, n, CHUNK):
            size = min(CHUNK, n - at)
            rows = rows_for(households(rng, size), first + at, shapes, ids, loader.sqlite)
            for table in COLUMNS:
                loader.write(table, rows[table])
            print(f"  {at + size:>9,} cases", end="\r", file=sys.stderr, flush=True)
    finally:
        loader.close(settle=first == 1)
    print(file=sys.stderr)
    return ids


def percentile(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


@contextmanager
def database(kind: str, folder: Path, keep: bool, n: int, seed: int) -> Iterator[Database]:
    """A database for the bench: a fresh one, dropped afterwards; with ``keep`` one named after
    the number of cases and the seed (a SQLite file in ``folder``, a PostgreSQL schema), kept
    afterwards and reused when it exists."""
    name = f"precedents_{n}_{seed}"
    if kind == "sqlite":
        db = Database(f"sqlite:///{folder / (name + '.sqlite')}")
        upgrade(db)
        try:
            yield db
        finally:
            db.dispose()
        return
    schema = f"bench_{name}" if keep else f"bench_{uuid.uuid4().hex[:10]}"
    admin = Database(POSTGRES)
    with admin.engine.begin() as c:
        c.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    db = Database(POSTGRES, schema=schema)
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()
        if not keep:
            with admin.engine.begin() as c:
                c.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def reuse(db: Database, reg: Regulation, registry: Registry, n: int
          ) -> dict[str, int] | None:
    """The ids a fill continues from when ``db`` holds a complete fill of ``n`` cases (the
    cases a previous run decided after them removed); None when it does not."""
    with db.transaction() as s:
        filled = s.execute(sa.text("SELECT count(*) FROM cases WHERE id <= :n"),
                           {"n": n}).scalar_one()
        user = s.execute(sa.text("SELECT id FROM users WHERE username = 'bench'")).scalar()
        if filled != n or user is None:
            if filled or user is not None:
                raise SystemExit("the kept database holds an incomplete fill: remove it")
            return None
        for table, column in (("deviation_requests", "case_id"), ("decisions", "case_id"),
                              ("facts", "case_id"), ("cases", "id"), ("subjects", "id")):
            s.execute(sa.text(f"DELETE FROM {table} WHERE {column} > :n"), {"n": n})
        return {"user": int(user), "version": registry.store(s, reg).id,
                "fact": int(s.execute(sa.text("SELECT max(id) FROM facts")).scalar_one()),
                "deviation": int(s.execute(sa.text(
                    "SELECT coalesce(max(id), 0) FROM deviation_requests")).scalar_one())}


def measure(db: Database, reg: Regulation, registry: Registry, n: int, queries: int,
            seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    ids = reuse(db, reg, registry, n)
    kept = ids is not None
    if ids is None:
        ids = fill(db, reg, registry, n, seed)
    result: dict[str, Any] = {"cases": n, "fill_s": round(time.perf_counter() - started, 1),
                              "reused": kept}
    rng = np.random.default_rng(seed + 1)
    picks = [int(i) for i in rng.integers(1, n + 1, queries)]
    with db.reading() as s:
        cases = {i: s.get_one(Case, i) for i in picks[:1]}
        result["build_ms"] = round(timed(lambda: search(s, cases[picks[0]], reg)), 1)
        index = index_for(s, "bijstand", fact_features(reg))
        result["index_mb"] = round((index.values.nbytes + index.case_ids.nbytes
                                    + index.flagged.nbytes + index.row_of.nbytes
                                    + sum(z.nbytes for z in index.zones)) / 2**20, 1)
        result["load"] = [round(os.getloadavg()[0], 1)]
        full, kernel = [], []
        for i in picks:
            case = s.get_one(Case, i)
            full.append(timed(functools.partial(search, s, case, reg)))
            kernel.append(timed(functools.partial(index.search, facts_of(s, i), 5, i)))
    result["load"].append(round(os.getloadavg()[0], 1))
    for name, times in (("search", full), ("kernel", kernel)):
        result[name] = {f"p{p}": round(percentile(times, p), 2) for p in (50, 95, 99)}
        result[name]["mean"] = round(sum(times) / len(times), 2)
    fill(db, reg, registry, 100, seed + 2, first=n + 1, ids=ids)
    with db.reading() as s:
        case = s.get_one(Case, picks[0])
        result["update_ms"] = round(timed(lambda: search(s, case, reg)), 1)
        result["indexed_after_update"] = index.count
    return result


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    lines = [
        "# Precedent search at scale", "",
        f"{dt.date.today().isoformat()}, commit {commit} (work tree), {platform.machine()}, "
        f"{platform.python_version()}, numpy {np.__version__}; `bench/precedents.py "
        f"--cases {args.cases} --queries {args.queries}`.", "",
        "A case file of decided bijstand cases filled in bulk (see the script); one search is "
        "`insight.precedents.search` for a random decided case: the index brought up to date, "
        "the nearest 5 and the nearest 5 with a deviation, with their details. Times in "
        "milliseconds, percentiles by nearest rank. Bar: p95 of a search under 50 ms at "
        "1 M decisions.", "",
        "| database | cases | search p50 | search p95 | search p99 | kernel p50 | kernel p95 "
        "| first search (builds the index) | 100 more decided, next search | index memory | "
        "bulk fill |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for kind, r in results.items():
        if "skipped" in r:
            lines.append(f"| {kind} | — | {r['skipped']} | | | | | | | | |")
            continue
        lines.append(
            f"| {kind} | {r['cases']:,} | {r['search']['p50']} | **{r['search']['p95']}** | "
            f"{r['search']['p99']} | {r['kernel']['p50']} | {r['kernel']['p95']} | "
            f"{r['build_ms'] / 1000:.1f} s | {r['update_ms']} | {r['index_mb']} MB | "
            f"{'kept from an earlier run' if r['reused'] else str(r['fill_s']) + ' s'} |")
    lines += ["", "What the columns are:", "",
              "- *search*: the whole call the caseworker's case page makes;",
              "- *kernel*: the distance pass over the index alone (numba, one core), the part "
              "that grows with the number of cases; the rest of a search is a handful of "
              "indexed reads for the case at hand and the ten cases shown;",
              "- *first search*: reading every decided case's facts and building the index "
              "(once per process and regulation);",
              "- *100 more decided*: the next search reads the new decisions (and a margin of "
              "50 before them) and adds their rows;",
              "- *index memory*: the feature columns (float32), case ids, flags, the case id "
              "→ row map and the blocks' zones.", ""]
    loads = [f"{kind} {r['load'][0]} → {r['load'][1]}" for kind, r in results.items()
             if "load" in r]
    if loads:
        lines += [f"The machine has {os.cpu_count()} cores, shared with other work: the load "
                  f"average (1 minute) before and after the timed searches was "
                  f"{'; '.join(loads)}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--quick", action="store_true", help="write only a .tmp report")
    parser.add_argument("--keep", metavar="FOLDER", type=Path,
                        help="keep the filled databases (a SQLite file in FOLDER, a PostgreSQL "
                        "schema bench_precedents_<cases>_<seed>) and reuse them when they exist")
    args = parser.parse_args()
    registry = Registry([ROOT / "regulations" / "bijstand"])
    reg = registry.get("bijstand")
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-precedents-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            print(f"{kind}: {args.cases:,} decided cases", file=sys.stderr)
            try:
                with database(kind, folder, args.keep is not None, args.cases,
                              args.seed) as db:
                    results[kind] = measure(db, reg, registry, args.cases, args.queries,
                                            args.seed)
            except sa.exc.OperationalError as exc:
                results[kind] = {"skipped": f"not measured: {str(exc).splitlines()[0]}"}
            print(json.dumps(results[kind]), file=sys.stderr)
    text = report(results, args)
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / ("precedents.md.tmp" if args.quick else "precedents.md")
    target.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main()
