"""The facts `kt oppgaver` decides tasks from, and marking a candidate «ikke kontaktet».

One row per person who is or was a candidate («kandidat» or «må vurderes» on their latest list),
or who has a kartlegging: where they stand at each level, with the dates the tasks count from.
The tasks themselves (which, since when, by when) are worked out in `interview.tasks`.
"""

from __future__ import annotations

from typing import Any

from kompetanse_cli.store.api import Db, as_dicts

TASK_FACTS_SQL = """
WITH siste_liste AS (
    SELECT l.person_id, l.listedato, l.fylke, l.kontor, l.beslutning, l.sykmeldt_fom, i.veileder,
           ROW_NUMBER() OVER (PARTITION BY l.person_id ORDER BY l.listedato DESC, l.id DESC) AS nr
    FROM listeoppforing l JOIN import i ON i.id = l.import_id
),
forste_kandidat AS (
    SELECT person_id, MIN(listedato) AS listedato FROM listeoppforing
    WHERE beslutning IN ('kandidat', 'manuell') GROUP BY person_id
)
SELECT p.id, p.kort_id, p.fnr, p.navn,
       COALESCE(sl.fylke, p.fylke) AS fylke, COALESCE(sl.kontor, p.kontor) AS kontor,
       COALESCE(sl.sykmeldt_fom, p.sykmeldt_fom) AS sykmeldt_fom,
       sl.beslutning, fk.listedato AS kandidat_fra, p.opprettet, p.kilde, p.ikke_kontaktet,
       COALESCE(k1.veileder, sl.veileder) AS veileder,
       k1.id AS k1_id, k1.startet AS k1_startet, k1.fullfort AS k1_fullfort,
       sd.verdi AS samtaledato, a1.verdi AS aktuell,
       k2.id AS k2_id, k2.fullfort AS k2_fullfort, ps.verdi AS planlagt_slutt,
       k3.fullfort AS k3_fullfort, k4.fullfort AS k4_fullfort, k5.fullfort AS k5_fullfort,
       (SELECT MIN(b.tidspunkt) FROM brev b WHERE b.person_id = p.id AND b.type = 'referat') AS referat
FROM person p
LEFT JOIN siste_liste sl ON sl.person_id = p.id AND sl.nr = 1
LEFT JOIN forste_kandidat fk ON fk.person_id = p.id
LEFT JOIN kartlegging k1 ON k1.person_id = p.id AND k1.niva = 1
LEFT JOIN svar sd ON sd.kartlegging_id = k1.id AND sd.sporsmal = 'samtaledato'
LEFT JOIN svar a1 ON a1.kartlegging_id = k1.id AND a1.sporsmal = 'aktuell'
LEFT JOIN kartlegging k2 ON k2.person_id = p.id AND k2.niva = 2
LEFT JOIN svar ps ON ps.kartlegging_id = k2.id AND ps.sporsmal = 'planlagt_slutt'
LEFT JOIN kartlegging k3 ON k3.person_id = p.id AND k3.niva = 3
LEFT JOIN kartlegging k4 ON k4.person_id = p.id AND k4.niva = 4
LEFT JOIN kartlegging k5 ON k5.person_id = p.id AND k5.niva = 5
WHERE k1.id IS NOT NULL OR sl.beslutning IN ('kandidat', 'manuell')
ORDER BY p.id
"""


def task_facts(conn: Db) -> list[dict[str, Any]]:
    """Every person a task may be about, with the facts (see TASK_FACTS_SQL)."""
    return as_dicts(conn.execute(TASK_FACTS_SQL))


def mark_not_contacted(conn: Db, person_id: int, *, day: str, grunn: str) -> None:
    """The veileder gave up contacting the person (on `day`, ISO), for this reason."""
    conn.execute("UPDATE person SET ikke_kontaktet = ?, ikke_kontaktet_grunn = ? WHERE id = ?",
                 (day, grunn, person_id))
