"""Crash safety: a process submitting a burst of cases is killed (SIGKILL) in the middle; every
case it was told was stored is there when the database is opened again, and the audit chain
verifies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import sqlalchemy as sa

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.models import AuditEntry, Case
from maatwerk.cases.registry import Registry
from tests.cases.helpers import SECRET, People
from tests.conftest import ROOT

ACKNOWLEDGED = 25  # cases acknowledged before the kill


def test_acknowledged_cases_survive_a_kill(db: Database, people: People,
                                           registry: Registry) -> None:
    command = [sys.executable, "-m", "tests.cases.burst", db.url, db.schema or "-", "100000"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    acknowledged: list[int] = []
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first == "ready\n", first + (process.stderr.read() if process.stderr else "")
        while len(acknowledged) < ACKNOWLEDGED:
            line = process.stdout.readline()
            assert line, "the burst ended early: " + (
                process.stderr.read() if process.stderr else "")
            acknowledged.append(int(line))
        assert process.poll() is None  # still submitting
        process.send_signal(signal.SIGKILL)
        rest = process.stdout.read()  # what it acknowledged before it died
        acknowledged.extend(int(line) for line in rest.split())
    finally:
        watchdog.cancel()
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL

    reopened = Database(db.url, schema=db.schema)
    try:
        with reopened.reading() as s:
            stored = set(s.execute(sa.select(Case.id)).scalars())
            submitted = set(s.execute(sa.select(AuditEntry.case_id).where(
                AuditEntry.action == "submit")).scalars())
            if reopened.is_sqlite:  # WAL, and a commit is on disk when it returns
                assert s.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
                assert s.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
                assert s.execute(sa.text("PRAGMA synchronous")).scalar_one() == 2  # FULL
        assert set(acknowledged) <= stored
        assert stored == submitted  # no case without its audit entry, nor the other way round
        assert len(stored) - len(acknowledged) <= 1  # at most the one that was being answered
        cf = CaseFile(reopened, registry, SECRET)
        result = cf.verify(people.ada)
        assert result.ok, result.message()
        assert result.entries == len(stored)
        assert cf.get(people.carla, acknowledged[-1])["regulation"] == "zorgtoeslag"
    finally:
        reopened.dispose()
