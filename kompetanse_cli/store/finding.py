"""Persons by name (`kt person finn --navn`): the candidates the name is matched against."""

from __future__ import annotations

from kompetanse_cli.store.api import Db, Row

NAMED_PERSONS_SQL = """
SELECT p.id, p.kort_id, p.fnr, p.navn,
       COALESCE(sl.fylke, p.fylke) AS fylke, COALESCE(sl.kontor, p.kontor) AS kontor, sl.listedato
FROM person p
LEFT JOIN listeoppforing sl ON sl.id = (
    SELECT l.id FROM listeoppforing l WHERE l.person_id = p.id ORDER BY l.listedato DESC, l.id DESC LIMIT 1)
WHERE p.navn IS NOT NULL
ORDER BY p.navn, p.id
"""


def named_persons(conn: Db) -> list[Row]:
    """Every person with a name, with office and last list date. Names are folded and matched in
    Python (interview.finding) until the store has a folding function on both backends."""
    return conn.execute(NAMED_PERSONS_SQL).fetchall()
