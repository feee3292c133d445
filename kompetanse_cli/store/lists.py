"""Storing imported lists: persons, list appearances, rejected rows and screening decisions."""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kompetanse_cli.store.db import now

ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read aloud and type
ID_LENGTH = 5
SQL_CHUNK = 500  # bound parameters per IN (...) query


@dataclass(frozen=True)
class PreviousStatus:
    """What kt already knew about a person before this list."""

    listedato: str
    beslutning: str | None


@dataclass
class StoredImport:
    id: int
    filnavn: str
    ark: str
    listedato: str
    listedato_kilde: str
    fylke: str
    importert: str
    rader_lest: int
    importerte: int
    avviste: int


def find_import(conn: sqlite3.Connection, sha256: str, ark: str) -> StoredImport | None:
    row = conn.execute(
        "SELECT id, filnavn, ark, listedato, listedato_kilde, fylke, importert, rader_lest, importerte, avviste"
        " FROM import WHERE sha256 = ? AND ark = ?", (sha256, ark)).fetchone()
    return StoredImport(**dict(row)) if row else None


def create_import(conn: sqlite3.Connection, *, sha256: str, ark: str, filnavn: str, listedato: str,
                  listedato_kilde: str, fylke: str, veileder: str | None) -> int:
    cursor = conn.execute(
        "INSERT INTO import (sha256, ark, filnavn, listedato, listedato_kilde, fylke, importert, veileder)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (sha256, ark, filnavn, listedato, listedato_kilde, fylke, now(), veileder))
    return int(cursor.lastrowid)


def finish_import(conn: sqlite3.Connection, import_id: int, *, rader_lest: int, importerte: int, avviste: int) -> None:
    conn.execute("UPDATE import SET rader_lest = ?, importerte = ?, avviste = ? WHERE id = ?",
                 (rader_lest, importerte, avviste, import_id))


def save_rejected(conn: sqlite3.Connection, import_id: int, rejected: Iterable[tuple[str, int, str, str]]) -> None:
    """Rejected rows by sheet, row, column and reason: no personal data is stored for them."""
    conn.executemany("INSERT INTO import_avvist (import_id, ark, rad, kolonne, arsak) VALUES (?, ?, ?, ?, ?)",
                     [(import_id, *r) for r in rejected])


def rejected_rows(conn: sqlite3.Connection, import_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT ark, rad, kolonne, arsak FROM import_avvist WHERE import_id = ? ORDER BY rad",
                        (import_id,)).fetchall()


class PersonIds:
    """Finds or creates persons by fødselsnummer, handing out kt's short ids."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._taken: set[str] | None = None

    def _new_short_id(self) -> str:
        if self._taken is None:
            self._taken = {r[0] for r in self.conn.execute("SELECT kort_id FROM person")}
        while True:
            candidate = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate

    def resolve(self, people: Sequence[tuple[str, str | None, str, str | None]]) -> dict[str, tuple[int, str, bool]]:
        """(fnr, navn, fylke, kontor) → {fnr: (person id, short id, created now)}."""
        found: dict[str, tuple[int, str, bool]] = {}
        fnrs = list({p[0] for p in people})
        for start in range(0, len(fnrs), SQL_CHUNK):
            chunk = fnrs[start:start + SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT id, kort_id, fnr FROM person WHERE fnr IN ({marks})", chunk):
                found[row["fnr"]] = (row["id"], row["kort_id"], False)
        created = now()
        new_rows = []
        for fnr, navn, fylke, kontor in people:
            if fnr not in found:
                short = self._new_short_id()
                found[fnr] = (-1, short, True)
                new_rows.append((short, fnr, navn, fylke, kontor, created))
        self.conn.executemany(
            "INSERT INTO person (kort_id, fnr, navn, fylke, kontor, opprettet) VALUES (?, ?, ?, ?, ?, ?)", new_rows)
        if new_rows:
            shorts = [r[0] for r in new_rows]
            for start in range(0, len(shorts), SQL_CHUNK):
                chunk = shorts[start:start + SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in self.conn.execute(f"SELECT id, kort_id, fnr FROM person WHERE kort_id IN ({marks})", chunk):
                    found[row["fnr"]] = (row["id"], row["kort_id"], True)
        return found


def previous_status(conn: sqlite3.Connection, person_ids: Sequence[int], before_import: int) -> dict[int, PreviousStatus]:
    """The latest earlier appearance (and its decision) of each person, from earlier imports."""
    result: dict[int, PreviousStatus] = {}
    ids = list(set(person_ids))
    for start in range(0, len(ids), SQL_CHUNK):
        chunk = ids[start:start + SQL_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"""SELECT l.person_id, l.listedato, s.beslutning
                FROM listeoppforing l LEFT JOIN screening s ON s.oppforing_id = l.id
                WHERE l.person_id IN ({marks}) AND l.import_id != ?
                ORDER BY l.listedato, l.id""", [*chunk, before_import])
        for row in rows:
            result[row["person_id"]] = PreviousStatus(row["listedato"], row["beslutning"])
    return result


APPEARANCE_COLUMNS = ("person_id", "import_id", "ark", "rad", "listedato", "fylke", "kontor", "sykmeldt_fom",
                      "sykmeldt_tom", "grad", "diagnose", "arbeidsgiver", "orgnr", "yrke", "styrk", "kommune",
                      "tidligere_tilfeller", "sykepengedager_5ar")


def save_appearances(conn: sqlite3.Connection, rows: Sequence[tuple]) -> list[int]:
    """Insert list appearances (tuples in APPEARANCE_COLUMNS order); returns their ids in order."""
    marks = ",".join("?" * len(APPEARANCE_COLUMNS))
    sql = f"INSERT INTO listeoppforing ({', '.join(APPEARANCE_COLUMNS)}) VALUES ({marks}) RETURNING id"
    return [conn.execute(sql, row).fetchone()[0] for row in rows]


def save_decisions(conn: sqlite3.Connection, rows: Sequence[tuple]) -> None:
    """(oppforing_id, person_id, fylke, regelversjon, beslutning, uker, alder, resultater) per decision."""
    stamp = now()
    conn.executemany(
        "INSERT INTO screening (oppforing_id, person_id, fylke, regelversjon, beslutning, uker_sykmeldt, alder,"
        " resultater, tidspunkt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, stamp) for row in rows])


def import_outcomes(conn: sqlite3.Connection, import_id: int) -> list[sqlite3.Row]:
    """Everyone on a stored import, with their decision, in row order."""
    return conn.execute(
        """SELECT p.kort_id, p.fnr, p.navn, l.ark, l.rad, l.kontor, l.grad, l.diagnose, l.fylke, l.listedato,
                  l.sykmeldt_fom, l.sykmeldt_tom, l.arbeidsgiver, l.orgnr, l.yrke, l.kommune, s.beslutning, s.uker_sykmeldt, s.resultater
           FROM listeoppforing l JOIN person p ON p.id = l.person_id
           JOIN screening s ON s.oppforing_id = l.id
           WHERE l.import_id = ? ORDER BY l.ark, l.rad""", (import_id,)).fetchall()


def person_by_short_id(conn: sqlite3.Connection, short_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM person WHERE kort_id = ?", (short_id.strip().lower(),)).fetchone()


def latest_screening(conn: sqlite3.Connection, person_id: int) -> sqlite3.Row | None:
    """The person's newest decision, with the list appearance it was made on."""
    return conn.execute(
        """SELECT s.*, l.listedato, l.kontor, l.grad, l.diagnose, l.sykmeldt_fom, l.ark, l.rad, i.filnavn
           FROM screening s JOIN listeoppforing l ON l.id = s.oppforing_id JOIN import i ON i.id = l.import_id
           WHERE s.person_id = ? ORDER BY l.listedato DESC, s.id DESC LIMIT 1""", (person_id,)).fetchone()


def decode_results(text: str) -> list[dict[str, str]]:
    return json.loads(text)


def count_appearances(conn: sqlite3.Connection, person_id: int) -> int:
    return conn.execute("SELECT COUNT(*) FROM listeoppforing WHERE person_id = ?", (person_id,)).fetchone()[0]
