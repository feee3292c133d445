"""Anonymous tallies that outlive deletion (`anonyme_tall`).

When `kt slett` or `kt rydd` deletes persons, the counts the report made of them are kept here,
so that `kt rapport` gives the same numbers for a period afterwards. A row holds no person: the
week (its Monday), the fylke and office, which count (`celle`, a report cell's key as JSON, e.g.
`["f", "listed"]` or `["q", "aktuell", "ja"]`) and how many persons it counted. Rows of the same
week, place and count are added up, so a week with several deletions is one row per count.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Hashable, Iterable

from kompetanse_cli.store.api import Db

CellKey = tuple[Hashable, ...]


def monday(day: dt.date) -> dt.date:
    """The Monday of the day's week: the finest date an anonymous tally keeps."""
    return day - dt.timedelta(days=day.weekday())


def _text(key: CellKey) -> str:
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


def add(conn: Db, rows: Iterable[tuple[dt.date, str | None, str | None, CellKey, int]]) -> None:
    """Add counts: (any day of the week, fylke, kontor, cell key, persons). Inside the caller's
    transaction (the deletion's)."""
    conn.executemany(
        """INSERT INTO anonyme_tall (uke, fylke, kontor, celle, antall) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (uke, fylke, kontor, celle) DO UPDATE SET antall = anonyme_tall.antall + excluded.antall""",
        [(monday(day).isoformat(), fylke or "", kontor or "", _text(key), count)
         for day, fylke, kontor, key, count in rows if count])


def counts(conn: Db, *, fylker: tuple[str, ...] | None, kontorer: tuple[str, ...] | None,
           fra: dt.date | None, til: dt.date | None) -> list[tuple[str | None, str | None, CellKey, int]]:
    """(fylke, kontor, cell key, persons) in the place and period. A week belongs to the period
    that holds its Thursday (as ISO weeks belong to years): the day itself is not kept."""
    where, params = ["1 = 1"], []
    if fylker is not None:
        where.append(f"fylke IN ({','.join('?' * len(fylker))})")
        params += list(fylker)
    if kontorer is not None:
        where.append(f"kontor IN ({','.join('?' * len(kontorer))})")
        params += list(kontorer)
    if fra is not None:
        where.append("uke >= ?")
        params.append((fra - dt.timedelta(days=3)).isoformat())
    if til is not None:
        where.append("uke <= ?")
        params.append((til - dt.timedelta(days=3)).isoformat())
    rows = conn.execute(
        f"""SELECT fylke, kontor, celle, SUM(antall) FROM anonyme_tall WHERE {' AND '.join(where)}
            GROUP BY fylke, kontor, celle""", params).fetchall()
    return [(r[0] or None, r[1] or None, tuple(json.loads(r[2])), int(r[3])) for r in rows]


def weekly(conn: Db, cells: Iterable[CellKey]) -> list[tuple[str, str | None, str | None, CellKey, int]]:
    """(week's Monday, fylke, kontor, cell key, persons) for the given cells, for trends."""
    wanted = [_text(key) for key in cells]
    if not wanted:
        return []
    rows = conn.execute(
        f"""SELECT uke, fylke, kontor, celle, antall FROM anonyme_tall
            WHERE celle IN ({','.join('?' * len(wanted))})""", wanted).fetchall()
    return [(r[0], r[1] or None, r[2] or None, tuple(json.loads(r[3])), int(r[4])) for r in rows]
