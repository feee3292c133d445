"""Which database kt uses: SQLite in KT_HOME (the default), or PostgreSQL when `KT_DATABASE_URL`
or the setting `database` (`kt config set database …`) gives a libpq connection string or URI."""

from __future__ import annotations

import os

from kompetanse_cli import config, paths
from kompetanse_cli.store.api import Db

ENV = "KT_DATABASE_URL"


def database_url() -> str | None:
    """The PostgreSQL connection string in use, or None for SQLite. The environment wins."""
    value = os.environ.get(ENV)
    if value is None:
        value = config.load().get("database")
    return value.strip() or None if value else None


def describe() -> str:
    """One line: which backend and where (host and database, never a password)."""
    url = database_url()
    if url is None:
        return f"SQLite: {paths.db_path()}"
    from kompetanse_cli.store import postgres

    return f"PostgreSQL: {postgres.target(url).describe()}"


def connect() -> tuple[Db, list[str]]:
    """The user's database, opened (SQLite: created and migrated if needed), with warnings."""
    url = database_url()
    if url is None:
        from kompetanse_cli.store import db

        return db.connect()
    from kompetanse_cli.store import postgres

    return postgres.connect(url), []
