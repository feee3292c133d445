"""The list import on PostgreSQL: `COPY` into a staging table, then set-based
`INSERT … ON CONFLICT`, so that several veiledere importing overlapping lists at the same moment
get one person per fødselsnummer, with nothing lost or duplicated.

SQLite's path (`store/lists.py`) inserts with `executemany` in one write transaction, where no
other writer can come in between; here other importers can, and the database decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kompetanse_cli.store.persons import PersonIds
    from kompetanse_cli.store.postgres.connection import PgDb

# kriterieresultat ids are handed out by the importer (store.ResultIds) from those stored when
# its transaction began: one importer at a time numbers them (held until its commit).
RESULT_NUMBERING_LOCK = "SELECT pg_advisory_xact_lock(hashtext('kt_kriterieresultat'))"


def _raw(conn: Any) -> Any:
    return conn.raw


def resolve_persons(people: PersonIds, fnrs: Sequence[str], names: Sequence[str | None], fylker: Sequence[str],
                    offices: Sequence[str | None]) -> dict[str, int]:
    """PersonIds.resolve on PostgreSQL: {fnr: person id}, persons not stored before created from
    the first row that has them, with a fresh kt short id."""
    raw = _raw(people.conn)
    first: dict[str, int] = {}
    for row, fnr in enumerate(fnrs):
        first.setdefault(fnr, row)
    raw.execute("CREATE TEMP TABLE IF NOT EXISTS kt_person_inn"
                " (fnr text, navn text, fylke text, kontor text, kort_id text) ON COMMIT DELETE ROWS")
    raw.execute("TRUNCATE kt_person_inn")
    short_ids = people.new_short_ids(len(first))
    with raw.cursor().copy("COPY kt_person_inn (fnr, navn, fylke, kontor, kort_id) FROM STDIN") as copy:
        for (fnr, row), short_id in zip(first.items(), short_ids):
            copy.write_row((fnr, names[row], fylker[row], offices[row], short_id))
    raw.execute("INSERT INTO kontor (navn, fylke) SELECT DISTINCT ON (kontor) kontor, fylke FROM kt_person_inn"
                " WHERE kontor IS NOT NULL ORDER BY kontor ON CONFLICT (navn) DO NOTHING")
    found: dict[str, int] = {}
    created: dict[str, int] = {}
    for _attempt in range(20):
        # One statement: the persons stored before it began (its snapshot), and those it inserts.
        # A person another importer stored meanwhile is in neither (ON CONFLICT skipped them); so
        # is one whose new short id someone else took: the next round finds or retries them.
        rows = raw.execute(
            """WITH inn AS (SELECT * FROM kt_person_inn s WHERE NOT (s.fnr = ANY (%s))),
                    ny AS (INSERT INTO person (kort_id, fnr, navn, fylke, kontor)
                           SELECT kort_id, fnr, navn, fylke, kontor FROM inn
                           ON CONFLICT DO NOTHING RETURNING fnr, id)
               SELECT fnr, id, true FROM ny
               UNION ALL
               SELECT p.fnr, p.id, false FROM person p JOIN inn ON inn.fnr = p.fnr""", (list(found),)).fetchall()
        for fnr, person_id, new in rows:
            found[fnr] = person_id
            if new:
                created[fnr] = person_id
        if len(found) == len(first):
            break
        left = [fnr for fnr in first if fnr not in found]
        people._taken = None  # ids taken by others since: read them again
        raw.cursor().executemany("UPDATE kt_person_inn SET kort_id = %s WHERE fnr = %s",
                                 list(zip(people.new_short_ids(len(left)), left)))
    else:
        raise RuntimeError("could not store the persons of a list batch")
    # found: persons stored before this import (not those an earlier batch of it created)
    people.found_last = len(found) - len(created) - len(people._created.keys() & found.keys())
    people.found += people.found_last
    people._created.update(created)
    return found


def save_screened(conn: PgDb, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert list appearances with their decisions by COPY (the last column, resultater, is kt's
    `[3,17,22]` text; stored as a bigint[])."""
    raw = conn.raw
    names = ", ".join(columns)
    where = columns.index("resultater")
    kontor = columns.index("kontor")
    fylke = columns.index("fylke")
    materialised = [list(row) for row in rows]
    offices = {row[kontor]: row[fylke] for row in materialised if row[kontor] is not None}
    if offices:
        raw.cursor().executemany("INSERT INTO kontor (navn, fylke) VALUES (%s, %s) ON CONFLICT (navn) DO NOTHING",
                                 sorted(offices.items()))
    stamp = raw.execute("SELECT now()").fetchone()[0]  # type: ignore[index]  # one row, always
    with raw.cursor().copy(f"COPY listeoppforing ({names}, screenet) FROM STDIN") as copy:
        for row in materialised:
            text = row[where]
            row[where] = None if text is None else "{" + text.strip("[]") + "}"
            copy.write_row((*row, stamp))
