"""A burst of submissions, run as its own process by ``test_crash.py``:

    python -m tests.cases.burst URL SCHEMA COUNT

It submits COUNT zorgtoeslag cases as the caseworker 'carla' (who must exist) and prints the id
of each case on its own line as soon as ``submit`` has returned, flushing stdout: a printed id is
a case the service acknowledged. SCHEMA is the PostgreSQL schema ('-' for none).
"""

from __future__ import annotations

import sys

from sqlalchemy import select

from maatwerk.cases.casefile import CaseFile
from maatwerk.cases.db import Database
from maatwerk.cases.models import User
from maatwerk.cases.registry import Registry
from maatwerk.cases.service import Actor
from tests.cases.helpers import SECRET, ZORGTOESLAG, ZORGTOESLAG_DAY, ZORGTOESLAG_FACTS
from tests.conftest import REGULATIONS


def main(argv: list[str]) -> None:
    url, schema, count = argv[0], argv[1], int(argv[2])
    db = Database(url, schema=None if schema == "-" else schema)
    cf = CaseFile(db, Registry([REGULATIONS / ZORGTOESLAG]), SECRET)
    with db.reading() as s:
        carla = Actor.of(s.execute(select(User).where(User.username == "carla")).scalar_one())
    print("ready", flush=True)
    for number in range(count):
        case = cf.submit(carla, ZORGTOESLAG, ZORGTOESLAG_FACTS, subject_key=f"{number:09d}",
                         peildatum=ZORGTOESLAG_DAY)
        print(case["id"], flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
