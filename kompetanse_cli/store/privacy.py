"""SQL for innsyn, sletting, retention, the audit trail and backups."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kompetanse_cli.store.db import BUSY_TIMEOUT_MS, migrate_open, transaction
from kompetanse_cli.store.lists import APPEARANCE_COLUMNS, CriterionResults, forget_unused_results
from kompetanse_cli.store.api import Db, Row, SqliteDb

# A list row and its decision are one row in the database; innsyn shows them as two sections, as
# before they were merged: the list rows, and the decisions with the list date they were made on.
PERSON_TABLES = {
    "listeoppforinger": f"SELECT l.id, {', '.join('l.' + c for c in APPEARANCE_COLUMNS)}, i.filnavn"
                        " FROM listeoppforing l JOIN import i ON i.id = l.import_id"
                        " WHERE l.person_id = ? ORDER BY l.listedato, l.id",
    "screeninger": "SELECT id, id AS oppforing_id, person_id, fylke, regelversjon, beslutning, uker_sykmeldt, alder,"
                   " resultater, screenet AS tidspunkt, listedato FROM listeoppforing"
                   " WHERE person_id = ? AND beslutning IS NOT NULL ORDER BY listedato, id",
    "kartlegginger": "SELECT * FROM kartlegging WHERE person_id = ? ORDER BY niva",
    "svar": "SELECT k.niva, s.* FROM svar s JOIN kartlegging k ON k.id = s.kartlegging_id"
            " WHERE k.person_id = ? ORDER BY k.niva, s.id",
    "svarhistorikk": "SELECT k.niva, h.* FROM svar_historikk h JOIN kartlegging k ON k.id = h.kartlegging_id"
                     " WHERE k.person_id = ? ORDER BY h.id",
    "brev": "SELECT * FROM brev WHERE person_id = ? ORDER BY id",
}


def person_data(conn: Db, person_id: int) -> dict[str, list[dict[str, object]]]:
    """Every row stored about one person, table by table; a decision's results as
    (criterion, status, reason) triples."""
    found = {name: [dict(row) for row in conn.execute(sql, (person_id,))] for name, sql in PERSON_TABLES.items()}
    criteria = CriterionResults(conn)
    for decision in found["screeninger"]:
        decision["resultater"] = criteria.decode(decision["resultater"])
    return found


def audit_rows(conn: Db, *, person: str | None = None, fra: str | None = None,
               til: str | None = None) -> list[Row]:
    where, params = [], []
    if person:
        where.append("person = ?")
        params.append(person)
    if fra:
        where.append("tidspunkt >= ?")
        params.append(fra)
    if til:
        where.append("tidspunkt < ?")
        params.append(til)
    sql = "SELECT * FROM logg" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    return conn.execute(sql, params).fetchall()


def delete_persons(conn: Db, person_ids: list[int]) -> int:
    """Delete persons and, by cascade, everything about them. Returns how many were deleted."""
    with transaction(conn):
        deleted = 0
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            deleted += conn.execute(f"DELETE FROM person WHERE id IN ({marks})", chunk).rowcount
        forget_unused_results(conn)
    return deleted


def database_path(conn: Db) -> Path:
    """The open database file, as SQLite names it."""
    return Path(conn.execute("PRAGMA database_list").fetchone()[2])


def scrub_file(conn: Db) -> bool:
    """Make deleted data unreadable in the file: fold the WAL back in and rebuild the database.

    `secure_delete` already zeroes deleted content in the pages; the checkpoint empties the WAL
    (which holds old page images) and VACUUM rewrites the file without free pages.
    """
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return busy == 0  # 1: another process held the database, the WAL could not be emptied


def expired_persons(conn: Db, *, never_interviewed_before: str,
                    inactive_before: str) -> list[Row]:
    """Persons past their time: listed but never kartlagt with the last list date before the first
    limit, and anyone whose last activity (list, interview, letter) is before the second."""
    return conn.execute(
        """WITH aktivitet AS (
               SELECT p.id, p.kort_id,
                      (SELECT MAX(listedato) FROM listeoppforing WHERE person_id = p.id) AS siste_liste,
                      (SELECT MAX(endret) FROM kartlegging WHERE person_id = p.id) AS siste_kartlegging,
                      (SELECT MAX(tidspunkt) FROM brev WHERE person_id = p.id) AS siste_brev,
                      p.opprettet
               FROM person p)
           SELECT id, kort_id,
                  CASE WHEN siste_kartlegging IS NULL AND siste_liste IS NOT NULL
                            AND siste_liste < :ikke_kartlagt THEN 'aldri kartlagt'
                       ELSE 'inaktiv' END AS grunn
           FROM aktivitet
           WHERE (siste_kartlegging IS NULL AND siste_liste IS NOT NULL AND siste_liste < :ikke_kartlagt)
              OR MAX(COALESCE(siste_liste, ''), COALESCE(siste_kartlegging, ''), COALESCE(siste_brev, ''),
                     COALESCE(CASE WHEN siste_liste IS NULL THEN opprettet END, '')) < :inaktiv
           ORDER BY id""",
        {"ikke_kartlagt": never_interviewed_before, "inaktiv": inactive_before}).fetchall()


def backup_to(conn: Db, target: Path) -> None:
    """A consistent copy through SQLite's backup API, safe while kt is in use."""
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()


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


AUDIT_COLUMNS = ("tidspunkt", "veileder", "handling", "person", "detaljer")


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


def schema_version_of(path: Path) -> int:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "person" not in tables:
            return -1
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
