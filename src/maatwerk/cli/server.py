"""The commands about the case file and the server: serve, db upgrade, audit verify, users."""

from __future__ import annotations

from collections.abc import Sequence

import click

from maatwerk.cli.base import cli, fail

DB_OPTION = click.option("--db", "db_url", default=None, metavar="URL",
                         help="Database URL (default: $MAATWERK_DB or sqlite:///maatwerk.sqlite).")


@cli.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--regulations", "paths", multiple=True, type=click.Path(),
              help="A regulation folder (repeatable; default: $MAATWERK_REGULATIONS or "
                   "regulations).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=0),
              help="Worker processes (0: one per CPU core).")
def serve(db_url: str | None, host: str, port: int, paths: Sequence[str], workers: int) -> None:
    """Serve the REST API (and the web pages) on HOST:PORT, migrating the database first."""
    import os

    import uvicorn

    from maatwerk.cases.db import Database
    from maatwerk.cases.migrate import upgrade
    if db_url:
        os.environ["MAATWERK_DB"] = db_url
    if paths:
        os.environ["MAATWERK_REGULATIONS"] = ":".join(paths)
    upgrade(Database(db_url))
    click.echo(f"maatwerk serving on http://{host}:{port} (API: http://{host}:{port}/api/docs)")
    # uvloop and httptools when installed (uvicorn's "auto"); no access log: at the "warning"
    # level it would print nothing, yet uvicorn would format every request's line for it.
    uvicorn.run("maatwerk.web.asgi:app", host=host, port=port,
                workers=workers or os.cpu_count() or 1, log_level="warning", access_log=False)


@cli.group()
def db() -> None:
    """The case file's database."""


@db.command("upgrade")
@DB_OPTION
def db_upgrade(db_url: str | None) -> None:
    """Migrate the database to the newest schema."""
    from maatwerk.cases.db import Database
    from maatwerk.cases.migrate import current, upgrade
    database = Database(db_url)
    upgrade(database)
    click.echo(f"{database.url.split('@')[-1]}: schema at revision {current(database)}")


@cli.group()
def audit() -> None:
    """The audit chain."""


@audit.command("verify")
@DB_OPTION
def audit_verify(db_url: str | None) -> None:
    """Check the whole hash chain; name the first broken entry."""
    from maatwerk.cases import audit as chain
    from maatwerk.cases.db import Database
    database = Database(db_url)
    with database.reading() as session:
        result = chain.verify(session)
    if not result.ok:
        fail(result.message())
    click.echo(result.message())


@cli.group()
def users() -> None:
    """Accounts of the case file."""


@users.command("add")
@DB_OPTION
@click.argument("username")
@click.option("--role", required=True,
              type=click.Choice(["citizen", "caseworker", "approver", "manager", "policy_maker",
                                 "administrator"]))
@click.option("--unit", default=None, help="The unit (team) the user belongs to.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="", help="The display name.")
def users_add(db_url: str | None, username: str, role: str, unit: str | None, password: str,
              name: str) -> None:
    """Add a user with a role (and unit); the password is stored as an argon2 hash."""
    from maatwerk.cases import accounts
    from maatwerk.cases.db import Database
    from maatwerk.cases.migrate import upgrade
    database = Database(db_url)
    upgrade(database)
    with database.transaction() as session:
        user = accounts.create_user(session, username, role, password=password, name=name,
                                    unit_name=unit)
        click.echo(f"added {user.username} ({user.role}{', ' + unit if unit else ''})")


@users.command("token")
@DB_OPTION
@click.argument("username")
@click.option("--days", default=30, show_default=True, type=int)
def users_token(db_url: str | None, username: str, days: int) -> None:
    """Issue an API token for a user (shown once)."""
    from sqlalchemy import select

    from maatwerk.cases import accounts
    from maatwerk.cases.db import Database
    from maatwerk.cases.models import User
    database = Database(db_url)
    with database.transaction() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            fail(f"MW803: no user {username!r}")
            return
        click.echo(accounts.issue_token(session, user, "cli", days))
