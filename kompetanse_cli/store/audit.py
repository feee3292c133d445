"""The audit trail: an append-only table of who did what to which person, and when."""

from __future__ import annotations


from kompetanse_cli.store.db import now
from kompetanse_cli.store.api import Db


def log(conn: Db, *, veileder: str | None, handling: str, person: str | None,
        detaljer: str | None = None) -> None:
    """Append one entry. `person` is kt's short id only; `detaljer` never holds personal data."""
    conn.execute("INSERT INTO logg (tidspunkt, veileder, handling, person, detaljer) VALUES (?, ?, ?, ?, ?)",
                 (now(), veileder, handling, person, detaljer))
