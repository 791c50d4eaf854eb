"""Accounts: passwords kept as argon2 hashes, one answer (MW807) for a wrong password and an
unknown user, API tokens stored as hashes that work until they expire."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from maatwerk.cases import accounts
from maatwerk.cases.db import Database
from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import ApiToken, User, utcnow

PASSWORD = "correct horse battery staple"


def refused(db: Database, username: str, password: str) -> CaseError:
    with pytest.raises(CaseError) as caught, db.reading() as s:
        accounts.authenticate(s, username, password)
    return caught.value


def test_passwords_are_argon2_hashes_and_wrong_credentials_look_alike(db: Database) -> None:
    with db.transaction() as s:
        created = accounts.create_user(s, "carla", "caseworker", password=PASSWORD,
                                       unit_name="team-noord", name="Carla de Vries")
        accounts.create_user(s, "zonder-wachtwoord", "caseworker")
    with db.reading() as s:
        stored = s.execute(sa.select(User.password_hash).where(User.username == "carla")
                           ).scalar_one()
        found = accounts.authenticate(s, "carla", PASSWORD)
        assert (found.id, found.role, found.unit_name) == (created.id, "caseworker", "team-noord")
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored

    wrong = refused(db, "carla", PASSWORD + "!")
    unknown = refused(db, "nobody", PASSWORD)
    assert wrong.code == unknown.code == "MW807"
    assert str(wrong) == str(unknown)
    assert "nobody" not in str(unknown)
    assert str(refused(db, "zonder-wachtwoord", "")) == str(wrong)
    with db.transaction() as s:  # Carla leaves
        s.execute(sa.update(User).where(User.username == "carla").values(active=False))
    assert str(refused(db, "carla", PASSWORD)) == str(wrong)


def test_accounts_need_a_known_role_and_a_free_name(db: Database) -> None:
    with db.transaction() as s:
        accounts.create_user(s, "carla", "caseworker", unit_name="team-noord")
        with pytest.raises(CaseError) as role:
            accounts.create_user(s, "root", "superuser")
        assert role.value.code == "MW809"
        assert "caseworker" in role.value.message  # the roles that exist are listed
        with pytest.raises(CaseError) as taken:
            accounts.create_user(s, "carla", "approver")
        assert taken.value.code == "MW809"
        accounts.create_user(s, "kees", "caseworker", unit_name="team-noord")
        assert accounts.unit(s, "team-noord").id == accounts.unit(s, "team-noord").id
    with db.reading() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 2


def test_tokens_are_stored_hashed_work_and_expire(db: Database) -> None:
    with db.transaction() as s:
        user = accounts.create_user(s, "carla", "caseworker")
        token = accounts.issue_token(s, user, "cli", days=30)
        forever = accounts.issue_token(s, user, "service", days=None)
        short = accounts.issue_token(s, user, "short", days=1)
    assert token.startswith("mw_") and len(token) > 40
    with db.reading() as s:
        stored = s.execute(sa.select(ApiToken.token_hash)).scalars().all()
        assert token not in stored
        assert hashlib.sha256(token.encode()).hexdigest() in stored
        assert accounts.by_token(s, token).username == "carla"
        assert accounts.by_token(s, forever).username == "carla"
        assert accounts.by_token(s, short).username == "carla"

    # A day later the short token has expired.
    with db.transaction() as s:
        s.execute(sa.update(ApiToken).where(ApiToken.label == "short").values(
            expires_at=utcnow() - dt.timedelta(seconds=1)))
    for bad in (short, token + "x", "mw_" + "A" * 43):
        with pytest.raises(CaseError) as caught, db.reading() as s:
            accounts.by_token(s, bad)
        assert caught.value.code == "MW807"

    # A deactivated account's tokens stop working.
    with db.transaction() as s:
        s.execute(sa.update(User).values(active=False))
    with pytest.raises(CaseError) as inactive, db.reading() as s:
        accounts.by_token(s, forever)
    assert inactive.value.code == "MW807"
