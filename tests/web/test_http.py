"""The API over real HTTP: ``uvicorn maatwerk.web.asgi:app`` in a subprocess on a free port of
127.0.0.1, over a temporary SQLite file, configured only by the environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from maatwerk.cases import accounts
from maatwerk.cases.db import Database
from maatwerk.cases.models import Subject
from tests.conftest import ROOT
from tests.web.conftest import BIJSTAND_DAY, BIJSTAND_FACTS, ERROR_KEYS, ZORGTOESLAG_FACTS

STARTUP_SECONDS = 30


@dataclass
class Server:
    base: str
    db_url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("http")
    db_url = f"sqlite:///{folder / 'case-file.sqlite'}"
    port = _free_port()
    env = {**os.environ, "MAATWERK_DB": db_url, "MAATWERK_REGULATIONS": "regulations",
           "MAATWERK_SECRET": "http-test-secret"}
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "maatwerk.web.asgi:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server stopped ({process.returncode}):\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/api", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer in {STARTUP_SECONDS} s:\n"
                            f"{log.read_text()}")
            time.sleep(0.1)
        yield Server(base, db_url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_index_and_the_openapi_description(server: Server) -> None:
    index = httpx.get(f"{server.base}/api")
    assert index.json()["openapi"] == "/api/openapi.json"
    schema = httpx.get(f"{server.base}/api/openapi.json")
    assert schema.status_code == 200
    assert schema.headers["content-type"] == "application/json"
    assert "/api/regulations/{regulation}/decide" in schema.json()["paths"]
    docs = httpx.get(f"{server.base}/api/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]


def test_a_decision_over_http(server: Server) -> None:
    answer = httpx.post(f"{server.base}/api/regulations/zorgtoeslag/decide",
                        json={"peildatum": "2025-06-01", "inputs": ZORGTOESLAG_FACTS})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    version = data["regulation"]["version"]
    assert answer.headers["x-maatwerk-regulation"] == f"zorgtoeslag@{version}"
    assert answer.headers["x-maatwerk-regulation-sha256"] == data["receipt"]["sha256"]
    assert data["outputs"]["zorgtoeslag"] == "1573"


def test_an_error_over_http(server: Server) -> None:
    for answer, status, code in (
            (httpx.get(f"{server.base}/api/no-such-thing"), 404, "MW803"),
            (httpx.get(f"{server.base}/api/regulations/nope"), 404, "MW803"),
            (httpx.get(f"{server.base}/api/cases"), 401, "MW807"),
            (httpx.post(f"{server.base}/api/regulations/bijstand/decide", content=b"{",
                        headers={"content-type": "application/json"}), 422, "MW809")):
        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/json"
        error = answer.json()["error"]
        assert set(error) == ERROR_KEYS
        assert (error["code"], error["status"]) == (code, status)
        assert "Traceback" not in answer.text


def test_a_case_over_http(server: Server) -> None:
    db = Database(server.db_url)  # the server made and migrated it
    try:
        with db.transaction() as s:
            subject = Subject(kind="household", pseudonym="http-anna", label="Anna")
            s.add(subject)
            s.flush()
            accounts.create_user(s, "http-anna", "citizen", password="geheim-wachtwoord",
                                 subject_id=subject.id)
    finally:
        db.dispose()
    with httpx.Client(base_url=server.base, timeout=10) as client:
        signed = client.post("/api/auth/token", json={"username": "http-anna",
                                                      "password": "geheim-wachtwoord"})
        assert signed.status_code == 201, signed.text
        headers = {"Authorization": f"Bearer {signed.json()['token']}"}
        made = client.post("/api/cases", headers=headers, json={
            "regulation": "bijstand", "facts": BIJSTAND_FACTS, "peildatum": BIJSTAND_DAY})
        assert made.status_code == 201, made.text
        case = made.json()
        assert made.headers["x-maatwerk-regulation"] == f"bijstand@{case['regulation_version']}"
        seen = client.get(f"/api/cases/{case['id']}", headers=headers)
        assert seen.json()["reference"] == case["reference"]
        assert client.get("/api/cases", headers=headers).json()["total"] == 1
