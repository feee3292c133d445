"""Reading the database in tests: through kt's own open function (`store.backend.connect`), never a
driver directly, so that a test reads whichever database kt itself uses (the SQLite file in
KT_HOME by default; PostgreSQL when kt is pointed at one). Only tests about the SQLite file
itself (backups, WAL, locking, corruption, permissions) open it with sqlite3.

    from tests.dbrows import rows, tuples, value
    assert value("SELECT COUNT(*) FROM person") == 3
    assert tuples("SELECT kort_id, kilde FROM person") == [("abcde", "liste")]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kompetanse_cli.store import db as kt_db
from kompetanse_cli.store.api import Db

Params = Sequence[Any] | Mapping[str, Any]


@contextmanager
def opened(home: Path | None = None) -> Iterator[Db]:
    """kt's database, as a command opens it; closed at the end of the block. `home`: a KT_HOME
    other than the test's own (a test that runs kt in several homes)."""
    if home is None:
        from kompetanse_cli.store import backend

        conn, _ = backend.connect()  # SQLite in KT_HOME, or PostgreSQL when KT_DATABASE_URL is set
    else:
        conn, _ = kt_db.connect(home / "kt.db")
    try:
        yield conn
    finally:
        conn.close()


def rows(sql: str, params: Params = (), *, home: Path | None = None) -> list[dict[str, Any]]:
    """Every row of a query, as dicts (column name → value)."""
    with opened(home) as conn:
        return [dict(zip(row.keys(), row)) for row in conn.execute(sql, params)]


def tuples(sql: str, params: Params = (), *, home: Path | None = None) -> list[tuple[Any, ...]]:
    """Every row of a query, as tuples (compared with `==` to a list of tuples)."""
    with opened(home) as conn:
        return [tuple(row) for row in conn.execute(sql, params)]


def value(sql: str, params: Params = (), *, home: Path | None = None) -> Any:
    """The first column of the first row (None when there is no row)."""
    with opened(home) as conn:
        row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


def execute(sql: str, params: Params = ()) -> None:
    """A change made behind kt's back (to set up a situation), committed at once."""
    with opened() as conn, kt_db.transaction(conn):
        conn.execute(sql, params)
