"""Backups: a consistent copy while kt may be in use, and restoring one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kompetanse_cli.errors import InputError
from kompetanse_cli.store import db
from kompetanse_cli.store import interviews as audit
from kompetanse_cli.store import privacy as store


def take_backup(conn: sqlite3.Connection, target: Path, *, veileder: str | None) -> None:
    target = target.expanduser()
    if not target.parent.is_dir():
        raise InputError(f"Mappen {target.parent} finnes ikke.")
    if target.exists():
        raise InputError(f"{target} finnes allerede; velg et nytt filnavn.")
    target.touch(mode=0o600)
    store.backup_to(conn, target)
    target.chmod(0o600)
    audit.log(conn, veileder=veileder, handling="sikkerhetskopi tatt", person=None)


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


def restore_backup(conn: sqlite3.Connection, source: Path, *, veileder: str | None) -> None:
    check_backup(source)
    store.restore_from(conn, source)
    db.migrate_open(conn)
    audit.log(conn, veileder=veileder, handling="sikkerhetskopi gjenopprettet", person=None)
