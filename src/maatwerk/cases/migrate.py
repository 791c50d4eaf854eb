"""Migrating the case file's schema with Alembic (``maatwerk db upgrade``)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from maatwerk.cases.db import Database


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("maatwerk.cases").joinpath("migrations")))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest)."""
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def is_current(db: Database) -> bool:
    return current(db) == head()
