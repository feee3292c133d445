"""Backups: a consistent copy while kt may be in use, and restoring one."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kompetanse_cli import backuplist, paths
from kompetanse_cli.errors import DamagedDatabase, InputError, UsageError
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
    """Copy the database to `target` (an existing file only with `replace`); returns the full path.
    A damaged database is refused (a copy of it would be no backup), and the copy is remembered so
    a damaged database can name it later."""
    refuse_on_postgres("backup")
    target = target.expanduser().absolute()
    if not target.parent.is_dir():
        raise UsageError(f"Mappen {target.parent} finnes ikke; velg en annen plassering.")
    if target.is_dir():
        raise UsageError(f"{target} er en mappe. Oppgi et filnavn, f.eks. {target / default_backup_name()}.")
    if target.exists() and not replace:
        raise UsageError(f"{target} finnes allerede. Bruk --overskriv for å erstatte den, eller velg et annet filnavn.")
    if not db.quick_check(conn):
        path = sqlite_file.database_path(conn)
        raise InputError(f"Databasen {path} er skadet; en kopi av den ville ikke vært en sikkerhetskopi. "
                         "Ingenting er skrevet.", hint=db.recovery_hint(path))
    # written beside the target and renamed into place: an old backup is replaced only by a whole new one
    fresh = target.with_name(f".{target.name}.ny")
    try:
        fresh.unlink(missing_ok=True)
        fresh.touch(mode=0o600)
        sqlite_file.backup_to(conn, fresh)
        fresh.chmod(0o600)
        fresh.replace(target)
    except (OSError, InputError) as error:  # never a half copy that looks like a backup
        why = paths.why_not(error) if isinstance(error, OSError) else error.message
        raise InputError(f"Kunne ikke skrive sikkerhetskopien {target}: {why}") from None
    finally:
        fresh.unlink(missing_ok=True)
    backuplist.record(target)
    audit.log(conn, veileder=veileder, handling="sikkerhetskopi tatt", person=None)
    return target


def check_backup(source: Path) -> int:
    """The backup's schema version; refuses files that are not kt databases, are from a newer kt,
    or are damaged (restoring one would replace a sound database with a broken one)."""
    if not source.is_file():
        raise InputError(f"Fant ikke sikkerhetskopien {source}.")
    version = sqlite_file.schema_version_of(source)
    if version == sqlite_file.MALFORMED:
        raise InputError(f"Sikkerhetskopien {source.name} er skadet; databasen er ikke endret.")
    if version < 1:
        raise InputError(f"{source.name} er ikke en kt-database.")
    if version > db.schema_version():
        raise InputError(f"{source.name} er laget av en nyere versjon av kt; oppdater kt først.")
    if not sqlite_file.is_sound(source):
        raise InputError(f"Sikkerhetskopien {source.name} er skadet; databasen er ikke endret.",
                         hint="Velg en annen kopi.")
    return version


def db_path_beside(conn: Db, label: str) -> Path:
    """A new file beside the database, e.g. kt.før-gjenoppretting.20260301-101500.db."""
    main = sqlite_file.database_path(conn)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in range(1, 1000):  # two restores in one second keep two copies
        target = main.with_name(f"{main.stem}.{label}.{stamp}{'' if number == 1 else f'-{number}'}.db")
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return target
        except FileExistsError:
            continue
    raise InputError(f"For mange kopier med samme tidspunkt ved siden av {main.name}.")


def restore_backup(conn: Db, source: Path, *, veileder: str | None) -> int:
    """Restore a backup; the audit trail is kept, and persons deleted after the backup was taken
    are deleted again (a deletion on request must survive a restore). Returns how many.

    The write lock is taken before anything of the database is read: a `kt slett` or an import
    that commits while a restore is being prepared is either in the safety copy and the audit
    trail the restore reads, or comes after the restore; never lost between them."""
    refuse_on_postgres("gjenopprett")
    check_backup(source)
    from kompetanse_cli.personvern.sletting import delete_keeping_counts

    prepared = db_path_beside(conn, "gjenopprettes")
    safety = None
    try:
        sqlite_file.prepare_restore(source, prepared)
        prepared.chmod(0o600)
        safety = db_path_beside(conn, "før-gjenoppretting")
        with sqlite_file.attached(conn, prepared):
            with db.transaction(conn):
                deleted_since = sqlite_file.restore_into(conn, safety)
                ids = [person.id for short in deleted_since
                       if (person := persons.by_short_id(conn, short)) is not None]
                again = delete_keeping_counts(conn, ids) if ids else 0  # the backup's tallies lack them
                audit.log(conn, veileder=veileder, handling="sikkerhetskopi gjenopprettet", person=None,
                          detaljer=f"{again} personer slettet på nytt" if again else None)
        safety.chmod(0o600)
    except BaseException:
        if safety is not None:
            safety.unlink(missing_ok=True)  # nothing was replaced: no copy of it either
        raise
    finally:
        for path in (prepared, *(prepared.with_name(prepared.name + end) for end in ("-wal", "-shm", "-journal"))):
            path.unlink(missing_ok=True)
    if again:
        privacy.scrub_file(conn)
    return again


@contextmanager
def open_for_restore() -> Iterator[tuple[Db, list[str]]]:
    """The database to restore into. A damaged one is set aside first (as kt's own copy from
    before a restore, so `kt rydd` removes it in time) and a new one made; what can still be read
    of its audit trail is carried over, so persons deleted since the backup are deleted again."""
    path = paths.db_path()
    try:
        conn, warnings = db.connect(path)
    except DamagedDatabase:
        conn, warnings = None, []
    if conn is not None and db.quick_check(conn):
        try:
            yield conn, warnings
        finally:
            conn.close()
        return
    if conn is not None:
        conn.close()
    trail = sqlite_file.readable_trail(path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.før-gjenoppretting.{stamp}.db")
    for end in ("", "-wal", "-shm"):
        if path.with_name(path.name + end).exists():
            path.with_name(path.name + end).rename(aside.with_name(aside.name + end))
    conn, warnings = db.connect(path)
    try:
        sqlite_file.add_trail(conn, trail)
        warnings.append(f"Den skadede databasen er flyttet til {aside.name}.")
        yield conn, warnings
    finally:
        conn.close()
