"""What only a database file has: its path, backups, and restoring one (SQLite only).

On PostgreSQL the server's own backups (`pg_dump`, the operator's routine) take their place.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from collections.abc import Iterator
from contextlib import contextmanager

from kompetanse_cli.store.api import Db, SqliteDb
from kompetanse_cli.store.db import BUSY_TIMEOUT_MS, database_problem, migrate_open, transaction


def _sqlite(conn: Db) -> sqlite3.Connection:
    """The SQLite connection behind `conn` (only a database file has these operations)."""
    assert isinstance(conn, sqlite3.Connection), "a database file's operation on another backend"
    return conn


def database_path(conn: Db) -> Path:
    """The open database file, as SQLite names it."""
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


def backup_to(conn: Db, target: Path) -> None:
    """A consistent copy through SQLite's backup API, safe while kt is in use. A failure (a full
    disk, a damaged page) is raised as kt's own error, in words."""
    try:
        dest = sqlite3.connect(target)
        try:
            _sqlite(conn).backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as error:
        raise database_problem(error) from None


AUDIT_COLUMNS = ("tidspunkt", "veileder", "handling", "person", "detaljer")


MALFORMED = -2  # schema_version_of: a damaged file


def schema_version_of(path: Path) -> int:
    """A backup file's schema version; -1 for a file that is not a kt database, MALFORMED for a
    damaged one."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "person" not in tables:
                return -1
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return MALFORMED if "malformed" in str(error) else -1


def copy_committed(database: Path, target: Path) -> None:
    """A copy of what is committed in `database`, read through a connection of its own: safe
    while this process holds the write lock on it (the backup API will not read through a
    connection that is inside a write transaction)."""
    source = sqlite3.connect(database.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def is_sound(path: Path) -> bool:
    """SQLite's quick integrity check of a database file (opened read-only)."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return [tuple(row) for row in conn.execute("PRAGMA quick_check").fetchall()] == [("ok",)]
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def readable_trail(path: Path) -> list[tuple]:
    """What can still be read of a damaged database's audit trail (nothing, if even that is lost)."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return [tuple(row) for row in conn.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM logg ORDER BY id")]
        finally:
            conn.close()
    except sqlite3.Error:
        return []


def add_trail(conn: Db, entries: list[tuple]) -> None:
    with transaction(conn):
        conn.executemany(f"INSERT INTO logg ({', '.join(AUDIT_COLUMNS)}) VALUES (?, ?, ?, ?, ?)", entries)


def prepare_restore(source: Path, prepared: Path) -> None:
    """Copy a backup into a new private file and bring its schema up to date, ready to be copied
    into the database in one transaction (`restore_into`)."""
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    dest = sqlite3.connect(prepared, isolation_level=None, factory=SqliteDb)
    try:
        src.backup(dest)
        migrate_open(dest)
    finally:
        dest.close()
        src.close()


@contextmanager
def attached(conn: Db, path: Path, name: str = "kopi") -> Iterator[None]:
    conn.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
    try:
        yield
    finally:
        conn.execute(f"DETACH DATABASE {name}")


def restore_into(conn: Db, safety: Path) -> list[str]:
    """Replace the database's content with the attached, prepared backup (`kopi`), inside the
    caller's write transaction: what was there is copied to `safety` first, with the lock already
    held, so nothing committed meanwhile by another kt (a deletion, an import) can fall between
    the copy and the restore. The audit trail is kept whole, and the backup's own entries are
    added to it. Returns the short ids of persons deleted since the backup was taken, so the
    caller can delete them again in the same transaction."""
    assert conn.in_transaction, "restore_into runs inside the caller's write transaction"
    copy_committed(database_path(conn), safety)
    columns = ", ".join(AUDIT_COLUMNS)
    current = [tuple(row) for row in conn.execute(f"SELECT {columns} FROM main.logg ORDER BY id")]
    in_backup = [tuple(row) for row in conn.execute(f"SELECT {columns} FROM kopi.logg ORDER BY id")]
    conn.execute("PRAGMA defer_foreign_keys = ON")  # tables are filled in any order; checked at commit
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'logg'")]
    for table in tables:
        conn.execute(f'DELETE FROM main."{table}"')
    for table in tables:
        names = ", ".join(f'"{row[1]}"' for row in conn.execute(f'PRAGMA kopi.table_info("{table}")'))
        if names:
            conn.execute(f'INSERT INTO main."{table}" ({names}) SELECT {names} FROM kopi."{table}"')
    known = set(current)
    conn.executemany(f"INSERT INTO main.logg ({columns}) VALUES (?, ?, ?, ?, ?)",
                     [entry for entry in in_backup if entry not in known])
    backed = set(in_backup)
    return [entry[3] for entry in current if entry not in backed and entry[2] == "person slettet" and entry[3]]
