"""Sletting and retention: removing a person's data for good, and what is past its time."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kompetanse_cli import config, paths
from kompetanse_cli.store import aggregates, audit, persons, sqlite_file
from kompetanse_cli.store import privacy as store
from kompetanse_cli.store.api import Db
from kompetanse_cli.store.db import transaction

DEFAULT_MONTHS_NOT_INTERVIEWED = 3
DEFAULT_MONTHS_INACTIVE = 12
DEFAULT_DAYS_COPIES = 30
# The copies kt makes of the whole database on its own, beside it, named by the day they were
# taken: before a schema upgrade (kt.før-skjema-3.20261123.db, store/db.py) and before a restore
# (kt.før-gjenoppretting.20261123-101500.db, personvern/backup.py). They hold everyone, so they
# are kept only for a while.
_COPY_NAMES = (r"før-skjema-\d+\.(\d{8})", r"før-gjenoppretting\.(\d{8})-\d{6}(?:-\d+)?")


@dataclass
class PersonToDelete:
    kort_id: str
    navn: str | None


def find_person(conn: Db, short_id: str) -> PersonToDelete:
    """Who a deletion would remove (for the confirmation question); unknown ids are an error."""
    person = persons.require(conn, short_id)
    return PersonToDelete(person.kort_id, person.navn)


def delete_keeping_counts(conn: Db, person_ids: list[int]) -> int:
    """Delete the persons, keeping what the report counts of them as anonymous tallies (inside
    the caller's transaction, so both happen or neither)."""
    from kompetanse_cli.report.tallies import anonymous_counts

    aggregates.add(conn, anonymous_counts(conn, person_ids))
    return store.delete_persons(conn, person_ids)


def delete_person(conn: Db, short_id: str, *, veileder: str | None) -> bool:
    """Remove every trace of the person; the audit trail keeps that a deletion happened, and the
    report keeps its counts (anonymous, by week). One transaction: deleted and logged, or neither."""
    person = persons.require(conn, short_id)
    with transaction(conn):
        delete_keeping_counts(conn, [person.id])
        audit.log(conn, veileder=veileder, handling="person slettet", person=person.kort_id)
    return store.scrub_file(conn)


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                31, 31, 30, 31, 30, 31][month]
    return dt.date(year, month + 1, min(day.day, last_day))


@dataclass
class RetentionPlan:
    never_interviewed: list[str]
    inactive: list[str]
    limit_not_interviewed: dt.date
    limit_inactive: dt.date
    copies: list[Path] = field(default_factory=list)  # kt's own safety copies past their time
    limit_copies: dt.date | None = None

    @property
    def total(self) -> int:
        return len(self.never_interviewed) + len(self.inactive)


def retention_months() -> tuple[int, int]:
    """(months for persons never kartlagt, months of inactivity) from the config, else the defaults."""
    return (config.number("rydd_ikke_kartlagt_mnd", DEFAULT_MONTHS_NOT_INTERVIEWED),
            config.number("rydd_inaktiv_mnd", DEFAULT_MONTHS_INACTIVE))


def safety_copies(database: Path, before: dt.date) -> list[Path]:
    """kt's own copies of `database`, beside it, taken before the given day."""
    name = re.compile(rf"{re.escape(database.stem)}\.(?:{'|'.join(_COPY_NAMES)})\.db")
    found = []
    for path in database.parent.iterdir():
        match = name.fullmatch(unicodedata.normalize("NFC", path.name))
        if match is None or path.is_symlink() or not path.is_file():
            continue
        try:
            taken = dt.datetime.strptime(next(group for group in match.groups() if group), "%Y%m%d").date()
        except ValueError:
            continue
        if taken < before:
            found.append(path)
    return sorted(found)


def remove_copies(copies: list[Path]) -> list[Path]:
    """Delete the copies (and any journal SQLite left beside them); returns those that could not be."""
    left = []
    for copy in copies:
        try:
            for path in (copy, *(copy.with_name(copy.name + end) for end in ("-wal", "-shm", "-journal"))):
                path.unlink(missing_ok=True)
        except OSError:  # open in another program (Windows), or no permission
            left.append(copy)
    return left


def copies_text(count: int) -> str:
    return f"{count} {'gammel kopi' if count == 1 else 'gamle kopier'} av databasen"


def copies_of(conn: Db, before: dt.date | None = None) -> list[Path]:
    """kt's copies of the open database taken before the given day (default: all of them), beside it
    as configured and as opened (the two differ when kt.db is a link)."""
    if conn.dialect != "sqlite":  # the team database has no copies of kt's own
        return []
    before = before or dt.date.today() + dt.timedelta(days=1)
    databases = {paths.db_path(), sqlite_file.database_path(conn)}
    return sorted({copy for database in databases if database.parent.is_dir()
                   for copy in safety_copies(database, before)})


def plan_retention(conn: Db, *, today: dt.date | None = None) -> RetentionPlan:
    today = today or dt.date.today()
    not_interviewed, inactive = retention_months()
    first, second = _months_before(today, not_interviewed), _months_before(today, inactive)
    rows = store.expired_persons(conn, never_interviewed_before=first.isoformat(),
                                 inactive_before=second.isoformat())
    copies_before = today - dt.timedelta(days=config.number("rydd_kopier_dager", DEFAULT_DAYS_COPIES))
    return RetentionPlan([short for short, grunn in rows if grunn == "aldri kartlagt"],
                         [short for short, grunn in rows if grunn != "aldri kartlagt"], first, second,
                         copies=copies_of(conn, copies_before),
                         limit_copies=copies_before)


@dataclass
class Cleaned:
    persons: int
    copies: int
    copies_left: list[Path]


def apply_retention(conn: Db, plan: RetentionPlan, *, veileder: str | None) -> Cleaned:
    shorts = plan.never_interviewed + plan.inactive
    with transaction(conn):  # deleted and logged, or neither
        deleted = delete_keeping_counts(conn, [persons.require(conn, short).id for short in shorts])
        for short in shorts:  # one entry each, as `kt slett` makes: a restore deletes them again
            audit.log(conn, veileder=veileder, handling="person slettet", person=short,
                      detaljer="lagringstiden er ute")
    left = remove_copies(plan.copies)
    removed = len(plan.copies) - len(left)
    copies = f", {copies_text(removed)}" if removed else ""
    audit.log(conn, veileder=veileder, handling="rydding", person=None,
              detaljer=f"{len(plan.never_interviewed)} aldri kartlagt, {len(plan.inactive)} inaktive slettet{copies}")
    if deleted:
        store.scrub_file(conn)
    return Cleaned(deleted, removed, left)


def scrub(conn: Db) -> bool:
    """Rewrite the database file so deleted data is not left readable in it."""
    return store.scrub_file(conn)
