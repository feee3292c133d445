"""Where everyone stands: one row per person with the facts that decide their stage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kompetanse_cli.store.api import Db, as_dict
from kompetanse_cli.store.db import like_pattern

STAGE_SQL = """
WITH siste_liste AS (
    SELECT l.person_id, l.listedato, l.fylke, l.kontor, l.beslutning,
           ROW_NUMBER() OVER (PARTITION BY l.person_id ORDER BY l.listedato DESC, l.id DESC) AS nr
    FROM listeoppforing l
)
SELECT p.id, p.kort_id, p.fnr, p.navn, p.kilde,
       COALESCE(sl.fylke, p.fylke) AS fylke, COALESCE(sl.kontor, p.kontor) AS kontor,
       sl.listedato, sl.beslutning, p.opprettet,
       k1.endret AS k1_endret, k1.fullfort AS k1_fullfort, a1.verdi AS aktuell, d1.verdi AS samtaledato,
       k2.endret AS k2_endret, k2.fullfort AS k2_fullfort,
       k3.endret AS k3_endret, k3.fullfort AS k3_fullfort, a3.verdi AS gjennomfort,
       v2.verdi AS vedtaksdato, s2.verdi AS planlagt_start
FROM person p
LEFT JOIN siste_liste sl ON sl.person_id = p.id AND sl.nr = 1
LEFT JOIN kartlegging k1 ON k1.person_id = p.id AND k1.niva = 1
LEFT JOIN svar a1 ON a1.kartlegging_id = k1.id AND a1.sporsmal = 'aktuell'
LEFT JOIN svar d1 ON d1.kartlegging_id = k1.id AND d1.sporsmal = 'samtaledato'
LEFT JOIN kartlegging k2 ON k2.person_id = p.id AND k2.niva = 2
LEFT JOIN kartlegging k3 ON k3.person_id = p.id AND k3.niva = 3
LEFT JOIN svar a3 ON a3.kartlegging_id = k3.id AND a3.sporsmal = 'gjennomfort'
LEFT JOIN svar v2 ON v2.kartlegging_id = k2.id AND v2.sporsmal = 'vedtaksdato'
LEFT JOIN svar s2 ON s2.kartlegging_id = k2.id AND s2.sporsmal = 'planlagt_start'
"""


def person_rows(conn: Db, *, fylke: tuple[str, ...] | None = None,
                kontor: str | None = None) -> Iterator[dict[str, Any]]:
    """Every person (optionally in these fylker / this office: any part of its name, in any
    case, «østre» finds «NAV Østre Agder»), oldest first, as dicts of STAGE_SQL's columns."""
    where, params = [], []
    if fylke:
        where.append(f"COALESCE(sl.fylke, p.fylke) IN ({','.join('?' * len(fylke))})")
        params += list(fylke)
    if kontor:
        where.append("kt_fold(COALESCE(sl.kontor, p.kontor)) LIKE ? ESCAPE '\\'")
        params.append(like_pattern(kontor))
    sql = STAGE_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY p.id"
    return map(as_dict, conn.execute(sql, params))
