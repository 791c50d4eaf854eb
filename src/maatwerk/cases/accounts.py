"""Accounts: units, users with roles, argon2 password hashes and API tokens.

A token is shown once when it is made; only its sha256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from maatwerk.cases.errors import CaseError
from maatwerk.cases.models import ApiToken, Unit, User, utcnow

ROLES = ("citizen", "caseworker", "approver", "manager", "policy_maker", "administrator")
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not a password")


def unit(session: Session, name: str, label: str = "") -> Unit:
    """The unit of this name, made if it does not exist."""
    found = session.execute(select(Unit).where(Unit.name == name)).scalar_one_or_none()
    if found is None:
        found = Unit(name=name, label=label or name)
        session.add(found)
        session.flush()
    return found


def create_user(session: Session, username: str, role: str, *, password: str | None = None,
                name: str = "", unit_name: str | None = None,
                subject_id: int | None = None) -> User:
    if role not in ROLES:
        raise CaseError("MW809", f"unknown role {role!r}; expected one of: {', '.join(ROLES)}",
                        path="role", got=role)
    if session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise CaseError("MW809", f"the username {username!r} is taken", path="username",
                        got=username)
    user = User(username=username, role=role, name=name or username,
                unit_id=unit(session, unit_name).id if unit_name else None,
                password_hash=_HASHER.hash(password) if password else None,
                subject_id=subject_id, active=True)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The user with these credentials; the same error for an unknown name or a wrong password."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    stored = user.password_hash if user is not None and user.active else None
    try:
        _HASHER.verify(stored or _DUMMY, password)
    except (VerificationError, InvalidHashError):
        stored = None
    if user is None or stored is None:
        raise CaseError("MW807", "the username or password is wrong")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, label: str = "api",
                days: int | None = 30) -> str:
    token = "mw_" + secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(days=days) if days else None
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), label=label,
                         expires_at=expires))
    session.flush()
    return token


def by_token(session: Session, token: str) -> User:
    found = session.execute(select(ApiToken).where(ApiToken.token_hash == _digest(token))
                            ).scalar_one_or_none()
    if found is None or not found.user.active:
        raise CaseError("MW807", "the token is not valid")
    expires = found.expires_at
    if expires is not None:
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=dt.UTC)
        if expires < utcnow():
            raise CaseError("MW807", "the token has expired")
    return found.user
