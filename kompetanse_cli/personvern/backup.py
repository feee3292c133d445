"""Backups: a consistent copy while kt may be in use, and restoring one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kompetanse_cli.errors import InputError, UsageError
from kompetanse_cli.store import audit, db, persons, privacy, sqlite_file
from kompetanse_cli.store.api import Db


def refuse_on_postgres(command: str) -> None:
    """`kt backup` and `kt gjenopprett` copy kt's SQLite file; a team database is the server's to back up."""
    from kompetanse_cli.store import backend

    if backend.database_url() is not None:
        raise UsageError(f"`kt {command}` gjelder bare den lokale SQLite-databasen; kt bruker nå en felles "
                         "PostgreSQL-database.",
                         hint="Den sikkerhetskopieres på serveren: med pg_dump, eller etter rutinen til den som "
                              "drifter databasen. Spør dem om gjenoppretting også.")


def default_backup_name(today: dt.date | None = None) -> Path:
    """The file `kt backup` writes when given none: kt-backup-ÅÅÅÅ-MM-DD.db in the current folder."""
    return Path(f"kt-backup-{(today or dt.date.today()).isoformat()}.db")


def take_backup(conn: Db, target: Path, *, veileder: str | None, replace: bool = False) -> Path:
    """Copy the database to `target` (an existing file only with `replace`); returns the full path."""
    refuse_on_postgres("backup")
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
        sqlite_file.backup_to(conn, fresh)
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
    version = sqlite_file.schema_version_of(source)
    if version < 1:
        raise InputError(f"{source.name} er ikke en kt-database.")
    if version > db.schema_version():
        raise InputError(f"{source.name} er laget av en nyere versjon av kt; oppdater kt først.")
    return version


def db_path_beside(conn: Db, label: str) -> Path:
    """A new file beside the database, e.g. kt.før-gjenoppretting.20260301-101500.db."""
    main = sqlite_file.database_path(conn)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = main.with_name(f"{main.stem}.{label}.{stamp}.db")
    target.touch(mode=0o600)
    return target


def restore_backup(conn: Db, source: Path, *, veileder: str | None) -> int:
    """Restore a backup; the audit trail is kept, and persons deleted after the backup was taken
    are deleted again (a deletion on request must survive a restore). Returns how many."""
    refuse_on_postgres("gjenopprett")
    check_backup(source)
    safety = db_path_beside(conn, "før-gjenoppretting")
    sqlite_file.backup_to(conn, safety)  # what was there, in case the wrong backup was chosen
    safety.chmod(0o600)
    deleted_since = sqlite_file.restore_from(conn, source)
    db.migrate_open(conn)
    ids = [person.id for short in deleted_since if (person := persons.by_short_id(conn, short)) is not None]
    from kompetanse_cli.personvern.sletting import delete_keeping_counts

    with db.transaction(conn):
        again = delete_keeping_counts(conn, ids) if ids else 0  # the backup's tallies lack them: kept anew
        audit.log(conn, veileder=veileder, handling="sikkerhetskopi gjenopprettet", person=None,
                  detaljer=f"{again} personer slettet på nytt" if again else None)
    if again:
        privacy.scrub_file(conn)
    return again
