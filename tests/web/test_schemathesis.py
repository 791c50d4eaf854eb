"""Schemathesis over the app's own OpenAPI description: for every operation, generated requests
(signed in as a caseworker, over a case file with a few cases in it) never get a server error
and every answer fits the schema the API publishes.

Integers and strings are generated as the schema allows, unbounded where it sets no bound: the
API publishes the bounds of ids, pages and days, and of strings stored in bounded columns, and
refuses (or bounds) the rest; every error answer must fit the one error shape it publishes
(``default``).

Deterministic: derandomized, no example database; 25 examples per operation on SQLite
(``MAATWERK_FUZZ_EXAMPLES`` for a longer run, ``MAATWERK_FUZZ_KIND=postgresql`` for the other
database).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from maatwerk.cases.db import Database
from maatwerk.cases.registry import Registry
from maatwerk.web.app import create_app
from maatwerk.web.settings import Settings
from tests.web.conftest import (
    SECRET,
    ZORGTOESLAG_DAY,
    ZORGTOESLAG_FACTS,
    Api,
    Person,
    api_on,
)

EXAMPLES = int(os.environ.get("MAATWERK_FUZZ_EXAMPLES", "25"))
KIND = os.environ.get("MAATWERK_FUZZ_KIND", "sqlite")  # or postgresql
# Signing in hashes the password with argon2 on purpose (slow); fewer examples there.
FEWER = {"POST /api/auth/token": 5}


# The schema as the app publishes it; an app without a database or regulations serves it.
_SCHEMA_APP = create_app(Settings(regulations=(), secret=SECRET), migrate=False,
                         db=Database("sqlite://"))
SCHEMA = schemathesis.openapi.from_dict(_SCHEMA_APP.openapi())


def _operations() -> list[Any]:
    """Every operation of the schema; an operation schemathesis cannot read fails here."""
    found = []
    for result in SCHEMA.get_all_operations():
        if not isinstance(result, Ok):
            raise result.err()
        found.append(result.ok())
    return found


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory,
          registry: Registry) -> Iterator[tuple[Api, Person]]:
    """A case file with a few cases (ids 1 to 3), a caseworker, an approver and a citizen."""
    with api_on(KIND, tmp_path_factory.mktemp("schemathesis"), registry) as api:
        caseworker = api.person("fuzz-caseworker", "caseworker", unit="team-zuid")
        api.person("fuzz-approver", "approver", unit="team-noord")
        citizen = api.person("fuzz-citizen", "citizen")
        api.submit(citizen)
        api.submit(caseworker)
        api.submit(caseworker, "zorgtoeslag", ZORGTOESLAG_FACTS, ZORGTOESLAG_DAY)
        yield api, caseworker


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_server_error_and_every_answer_fits_the_schema(
        operation: Any, world: tuple[Api, Person]) -> None:
    api, caseworker = world
    examples = min(EXAMPLES, FEWER.get(operation.label, EXAMPLES))

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(app=api.app, headers=caseworker.headers,
                               checks=[not_a_server_error, response_schema_conformance])

    run()


def test_the_schema_tested_is_the_one_served(world: tuple[Api, Person]) -> None:
    api, _ = world
    assert api.client.get("/api/openapi.json").json() == _SCHEMA_APP.openapi()
