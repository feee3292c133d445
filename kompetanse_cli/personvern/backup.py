"""Backups: a consistent copy while kt may be in use, and restoring one."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from kompetanse_cli.errors import InputError, UsageError
from kompetanse_cli.store import db, lists
from kompetanse_cli.store import interviews as audit
from kompetanse_cli.store import privacy as store
from kompetanse_cli.store.api import Db


def default_backup_name(today: dt.date | None = None) -> Path:
    """The file `kt backup` writes when given none: kt-backup-ÅÅÅÅ-MM-DD.db in the current folder."""
    return Path(f"kt-backup-{(today or dt.date.today()).isoformat()}.db")


def take_backup(conn: Db, target: Path, *, veileder: str | None, replace: bool = False) -> Path:
    """Copy the database to `target` (an existing file only with `replace`); returns the full path."""
    target = target.expanduser().absolute()
    if not target.parent.is_dir():
        raise UsageError(f"Mappen {target.parent} finnes ikke; velg en annen plassering.")
    if target.is_dir():
        raise UsageError(f"{target} er en mappe. Oppgi et filnavn, f.eks. {target / default_backup_name()}.")
    if target.exists() and not replace:
        raise UsageError(f"{target} finnes allerede. Bruk --overskriv for å erstatte den, eller velg et annet filnavn.")
    # written beside the target and renamed into place: an old backup is replaced only by a whole new one
    fresh = target.with_name(f".{target.name}.ny")
    fresh.unlink(missing_ok=True)
    fresh.touch(mode=0o600)
    try:
        store.backup_to(conn, fresh)
        fresh.chmod(0o600)
        fresh.replace(target)
    finally:
        fresh.unlink(missing_ok=True)
    audit.log(conn, veileder=veileder, handling="sikkerhetskopi tatt", person=None)
    return target


def check_backup(source: Path) -> int:
    """The backup's schema version; refuses files that are not kt databases or are from a newer kt."""
    if not source.is_file():
        raise InputError(f"Fant ikke sikkerhetskopien {source}.")
    try:
        version = store.schema_version_of(source)
    except sqlite3.DatabaseError:
        raise InputError(f"{source.name} er ikke en kt-database.") from None
    if version < 1:
        raise InputError(f"{source.name} er ikke en kt-database.")
    if version > db.schema_version():
        raise InputError(f"{source.name} er laget av en nyere versjon av kt; oppdater kt først.")
    return version


def db_path_beside(conn: Db, label: str) -> Path:
    """A new file beside the database, e.g. kt.før-gjenoppretting.20260301-101500.db."""
    main = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = main.with_name(f"{main.stem}.{label}.{stamp}.db")
    target.touch(mode=0o600)
    return target


def restore_backup(conn: Db, source: Path, *, veileder: str | None) -> int:
    """Restore a backup; the audit trail is kept, and persons deleted after the backup was taken
    are deleted again (a deletion on request must survive a restore). Returns how many."""
    check_backup(source)
    safety = db_path_beside(conn, "før-gjenoppretting")
    store.backup_to(conn, safety)  # what was there, in case the wrong backup was chosen
    safety.chmod(0o600)
    deleted_since = store.restore_from(conn, source)
    db.migrate_open(conn)
    ids = [row["id"] for short in deleted_since if (row := lists.person_by_short_id(conn, short)) is not None]
    from kompetanse_cli.personvern.sletting import delete_keeping_counts

    with db.transaction(conn):
        again = delete_keeping_counts(conn, ids) if ids else 0  # the backup's tallies lack them: kept anew
        audit.log(conn, veileder=veileder, handling="sikkerhetskopi gjenopprettet", person=None,
                  detaljer=f"{again} personer slettet på nytt" if again else None)
    if again:
        store.scrub_file(conn)
    return again
