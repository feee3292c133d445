"""The audit trail: an append-only table of who did what to which person, and when."""

from __future__ import annotations


from kompetanse_cli.errors import mask_numbers
from kompetanse_cli.store.db import now
from kompetanse_cli.store.api import Db


def log(conn: Db, *, veileder: str | None, handling: str, person: str | None,
        detaljer: str | None = None) -> None:
    """Append one entry. `person` is kt's short id only; `detaljer` never holds personal data
    (any run of digits that could be a fødselsnummer is masked, as a second line of defence).

    A database on a write-protected disk takes no entry: it is opened for reading only, and
    `connect` has said that what is shown there is not logged."""
    if getattr(conn, "read_only", False):
        return
    if detaljer is not None:
        detaljer = mask_numbers(detaljer)
    conn.execute("INSERT INTO logg (tidspunkt, veileder, handling, person, detaljer) VALUES (?, ?, ?, ?, ?)",
                 (now(), veileder, handling, person, detaljer))
