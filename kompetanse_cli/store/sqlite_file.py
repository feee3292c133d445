"""What only a database file has: its path, backups, and restoring one (SQLite only).

On PostgreSQL the server's own backups (`pg_dump`, the operator's routine) take their place.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kompetanse_cli.errors import InputError
from kompetanse_cli.store.api import Db
from kompetanse_cli.store.db import BUSY_TIMEOUT_MS, transaction


def _sqlite(conn: Db) -> sqlite3.Connection:
    """The SQLite connection behind `conn` (only a database file has these operations)."""
    assert isinstance(conn, sqlite3.Connection), "a database file's operation on another backend"
    return conn


def database_path(conn: Db) -> Path:
    """The open database file, as SQLite names it."""
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


def backup_to(conn: Db, target: Path) -> None:
    """A consistent copy through SQLite's backup API, safe while kt is in use."""
    dest = sqlite3.connect(target)
    try:
        _sqlite(conn).backup(dest)
    finally:
        dest.close()


AUDIT_COLUMNS = ("tidspunkt", "veileder", "handling", "person", "detaljer")


def restore_from(conn: Db, source: Path) -> list[str]:
    """Replace the database's content with a backup's (through the backup API), keeping the audit
    trail: entries made after the backup are added back. Returns the short ids of persons deleted
    since the backup was taken, so the caller can delete them again."""
    current = [tuple(row) for row in conn.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM logg ORDER BY id")]
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        if src.execute("PRAGMA page_size").fetchone()[0] == conn.execute("PRAGMA page_size").fetchone()[0]:
            src.backup(_sqlite(conn))
        else:
            _copy_other_page_size(src, conn)
    finally:
        src.close()
    kept = {tuple(row) for row in conn.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM logg")}
    newer = [entry for entry in current if entry not in kept]
    with transaction(conn):
        conn.executemany(f"INSERT INTO logg ({', '.join(AUDIT_COLUMNS)}) VALUES (?, ?, ?, ?, ?)", newer)
    return [entry[3] for entry in newer if entry[2] == "person slettet" and entry[3]]


def _copy_other_page_size(src: sqlite3.Connection, conn: Db) -> None:
    """Copy a backup made with another page size (databases made before kt used 16 kB pages have
    4 kB). SQLite copies into a database in WAL mode only with the same page size, so the copy
    is made with a rollback journal, which needs the database to itself; then back to WAL. The
    restored database has the backup's page size."""
    conn.execute("PRAGMA busy_timeout = 2000")  # another kt holding the database: say so soon
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        mode = "wal"
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if mode != "delete":
        raise InputError("Sikkerhetskopien kan ikke gjenopprettes mens et annet kt-vindu har databasen åpen.",
                         hint="Avslutt andre kt-kommandoer (for eksempel en kartlegging), og prøv igjen.")
    try:
        src.backup(_sqlite(conn))
    finally:
        conn.execute("PRAGMA journal_mode = WAL")


def schema_version_of(path: Path) -> int:
    """A backup file's schema version; -1 for a file that is not a kt database."""
    try:
        return _schema_version_of(path)
    except sqlite3.DatabaseError:
        return -1


def _schema_version_of(path: Path) -> int:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "person" not in tables:
            return -1
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
