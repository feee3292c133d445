"""Column mappings given by hand, remembered per office (`kt screen --kolonne`)."""

from __future__ import annotations

from kompetanse_cli.store.api import Db
from kompetanse_cli.store.db import now


def office_key(kontor: str | None) -> str:
    """The office a mapping is remembered for: '' for lists screened without one."""
    return (kontor or "").strip().casefold()


def load(conn: Db, kontor: str | None) -> dict[str, str]:
    """The office's remembered mappings: normalised header → field."""
    rows = conn.execute("SELECT overskrift, felt FROM kolonnevalg WHERE kontor = :kontor",
                        {"kontor": office_key(kontor)}).fetchall()
    return {row[0]: row[1] for row in rows}


def save(conn: Db, kontor: str | None, choices: dict[str, str], *, veileder: str | None) -> None:
    """Remember `choices` (normalised header → field) for the office, replacing earlier ones."""
    conn.executemany(
        "INSERT INTO kolonnevalg (kontor, overskrift, felt, lagret, veileder) "
        "VALUES (:kontor, :overskrift, :felt, :lagret, :veileder) "
        "ON CONFLICT (kontor, overskrift) DO UPDATE SET felt = excluded.felt, lagret = excluded.lagret, "
        "veileder = excluded.veileder",
        [{"kontor": office_key(kontor), "overskrift": header, "felt": name, "lagret": now(), "veileder": veileder}
         for header, name in choices.items()])
