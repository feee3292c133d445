"""Rendered letters (referat to the candidate, notice to the NAV-kontor): which, when, by whom.

Only the fact that a letter was made is stored, never its text or where it was saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from kompetanse_cli.store.db import now, transaction
from kompetanse_cli.store.interviews import log
from kompetanse_cli.store.api import Db


LETTER_NAMES = {"referat": "referat", "melding_kontor": "melding til NAV-kontoret"}  # type → as the log says it


@dataclass(frozen=True)
class LetterRecord:
    """One row of the `brev` table."""

    id: int
    person_id: int
    type: str
    mal: str
    format: str
    veileder: str | None
    tidspunkt: str


def interview_veileder(conn: Db, person_id: int, niva: int) -> str | None:
    """The ident of the veileder who registered the person's interview at this level."""
    row = conn.execute("SELECT veileder FROM kartlegging WHERE person_id = ? AND niva = ?",
                       (person_id, niva)).fetchone()
    return row["veileder"] if row else None


def record_letter(conn: Db, *, person_id: int, short_id: str, type: str, mal: str, format: str,
                  veileder: str | None, detaljer: str) -> int:
    """Record a rendered letter in `brev` and in the audit log (short id only), in one transaction."""
    with transaction(conn):
        letter_id = int(conn.execute(
            "INSERT INTO brev (person_id, type, mal, format, veileder, tidspunkt) VALUES (?, ?, ?, ?, ?, ?)"
            " RETURNING id", (person_id, type, mal, format, veileder, now())).fetchone()[0])
        log(conn, veileder=veileder, handling=f"{LETTER_NAMES.get(type, type)} laget", person=short_id,
            detaljer=detaljer)
    return letter_id


def letters_for_person(conn: Db, person_id: int) -> list[LetterRecord]:
    """Every letter made for a person, oldest first."""
    return [LetterRecord(**{k: row[k] for k in ("id", "person_id", "type", "mal", "format", "veileder", "tidspunkt")})
            for row in conn.execute("SELECT * FROM brev WHERE person_id = ? ORDER BY id", (person_id,))]
