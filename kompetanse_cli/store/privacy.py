"""SQL for innsyn, sletting, retention and the audit trail."""

from __future__ import annotations

from typing import Any

from kompetanse_cli.store.api import Db, as_dict, as_dicts
from kompetanse_cli.store.db import transaction
from kompetanse_cli.store.lists import APPEARANCE_COLUMNS, CriterionResults, forget_unused_results

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


# Tables that hold personal data (the person, list rows, answers, letters; criterion results may
# quote a person's own figures).
PERSONAL_TABLES = ("person", "listeoppforing", "kartlegging", "svar", "svar_historikk", "brev", "kriterieresultat")


def person_data(conn: Db, person_id: int) -> dict[str, list[dict[str, object]]]:
    """Every row stored about one person, table by table; a decision's results as
    (criterion, status, reason) triples."""
    found = {name: [as_dict(row) for row in conn.execute(sql, (person_id,))] for name, sql in PERSON_TABLES.items()}
    criteria = CriterionResults(conn)
    for decision in found["screeninger"]:
        decision["resultater"] = criteria.decode(decision["resultater"])
    return found


def audit_rows(conn: Db, *, person: str | None = None, fra: str | None = None,
               til: str | None = None) -> list[dict[str, Any]]:
    """Audit entries (id, tidspunkt, veileder, handling, person, detaljer), oldest first."""
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
    return as_dicts(conn.execute(sql, params))


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


def scrub_file(conn: Db) -> bool:
    """Make deleted data unreadable in the file: fold the WAL back in and rebuild the database.

    `secure_delete` already zeroes deleted content in the pages; the checkpoint empties the WAL
    (which holds old page images) and VACUUM rewrites the file without free pages.

    PostgreSQL: VACUUM on the tables that hold personal data, so the deleted rows' space is
    reclaimed now instead of whenever autovacuum comes by. Only the tables' owner may; for any
    other role the server skips them with a warning (README: what PostgreSQL keeps after DELETE).
    """
    if conn.dialect != "sqlite":
        for table in PERSONAL_TABLES:
            conn.execute(f"VACUUM {table}")
        return True
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return busy == 0  # 1: another process held the database, the WAL could not be emptied


def expired_persons(conn: Db, *, never_interviewed_before: str,
                    inactive_before: str) -> list[tuple[str, str]]:
    """Persons past their time: listed but never kartlagt with the last list date before the first
    limit, and anyone whose last activity (list, interview, letter) is before the second: (short
    id, `aldri kartlagt` or `inaktiv`), in the order they were stored."""
    rows = conn.execute(
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
              -- the last activity before the limit: each kind either missing or before it
              OR ((siste_liste IS NULL OR siste_liste < :inaktiv)
                  AND (siste_kartlegging IS NULL OR siste_kartlegging < :inaktiv)
                  AND (siste_brev IS NULL OR siste_brev < :inaktiv)
                  AND (siste_liste IS NOT NULL OR opprettet < :inaktiv))
           ORDER BY id""",
        {"ikke_kartlagt": never_interviewed_before, "inaktiv": inactive_before})
    return [(row["kort_id"], row["grunn"]) for row in rows]
