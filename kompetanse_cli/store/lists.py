"""Storing imported lists: persons, list appearances with their screening decisions, rejected rows."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat

from kompetanse_cli.store.db import now, transaction
from kompetanse_cli.store.api import Db, Row

ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read aloud and type
ID_LENGTH = 5
SQL_CHUNK = 500  # bound parameters per IN (...) query
NO_LIMIT = 2**62  # LIMIT for "all": SQLite takes -1 for it, PostgreSQL NULL; this number both
_ID_RE = re.compile("." * ID_LENGTH, re.DOTALL)
_ID_BYTES = bytes(ord(ID_ALPHABET[b % len(ID_ALPHABET)]) for b in range(256))  # a random byte → a letter


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


def find_import(conn: Db, sha256: str, ark: str) -> StoredImport | None:
    row = conn.execute(
        "SELECT id, filnavn, ark, listedato, listedato_kilde, fylke, importert, rader_lest, importerte, avviste"
        " FROM import WHERE sha256 = ? AND ark = ?", (sha256, ark)).fetchone()
    return StoredImport(**dict(row)) if row else None


def create_import(conn: Db, *, sha256: str, ark: str, filnavn: str, listedato: str,
                  listedato_kilde: str, fylke: str, veileder: str | None, kontor: str | None = None) -> int:
    cursor = conn.execute(
        "INSERT INTO import (sha256, ark, filnavn, listedato, listedato_kilde, fylke, importert, veileder, kontor)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (sha256, ark, filnavn, listedato, listedato_kilde, fylke, now(), veileder, kontor))
    return int(cursor.fetchone()[0])


def finish_import(conn: Db, import_id: int, *, rader_lest: int, importerte: int, avviste: int) -> None:
    conn.execute("UPDATE import SET rader_lest = ?, importerte = ?, avviste = ? WHERE id = ?",
                 (rader_lest, importerte, avviste, import_id))


def save_rejected(conn: Db, import_id: int, rejected: Iterable[tuple[str, int, str, str]]) -> None:
    """Rejected rows by sheet, row, column and reason: no personal data is stored for them."""
    conn.executemany("INSERT INTO import_avvist (import_id, ark, rad, kolonne, arsak) VALUES (?, ?, ?, ?, ?)",
                     [(import_id, *r) for r in rejected])


def rejected_rows(conn: Db, import_id: int) -> list[Row]:
    return conn.execute("SELECT ark, rad, kolonne, arsak FROM import_avvist WHERE import_id = ? ORDER BY rad",
                        (import_id,)).fetchall()


class PersonIds:
    """Finds or creates persons by fødselsnummer, handing out kt's short ids."""

    def __init__(self, conn: Db) -> None:
        self.conn = conn
        self._taken: set[str] | None = None
        self._stored_before: bool | None = None  # whether any person was stored before this import
        self._created: dict[str, int] = {}  # persons created by this import
        self.found = 0  # how many times resolve() found a person who was already stored
        self.found_last = 0  # … in its last call

    def new_short_id(self) -> str:
        """A short id no person has yet: five letters/digits, easy to read aloud."""
        return self.new_short_ids(1)[0]

    def new_short_ids(self, count: int) -> list[str]:
        """`count` short ids that no person has yet, drawn from `secrets` a few thousand at a time."""
        if self._taken is None:
            self._taken = {r[0] for r in self.conn.execute("SELECT kort_id FROM person")}
        found: list[str] = []
        while len(found) < count:
            wanted = count - len(found)
            drawn = wanted + wanted // 50 + 8  # a few spare, for ids drawn twice or already taken
            letters = secrets.token_bytes(ID_LENGTH * drawn).translate(_ID_BYTES).decode("ascii")
            fresh = list(dict.fromkeys(_ID_RE.findall(letters)))  # each id once, in the order drawn
            if not self._taken.isdisjoint(fresh):
                fresh = [candidate for candidate in fresh if candidate not in self._taken]
            fresh = fresh[:wanted]
            self._taken.update(fresh)
            found += fresh
        return found

    def resolve(self, fnrs: Sequence[str], names: Sequence[str | None], fylker: Sequence[str],
                offices: Sequence[str | None]) -> dict[str, int]:
        """Persons as columns (fødselsnummer, name, fylke, office) → {fnr: person id}, creating
        the persons not seen before (from the first row that has them)."""
        if self.conn.dialect == "postgres":  # COPY and INSERT … ON CONFLICT: safe beside other importers
            from kompetanse_cli.store.postgres.imports import resolve_persons

            return resolve_persons(self, fnrs, names, fylker, offices)
        if self._stored_before is None:
            self._stored_before = self.conn.execute("SELECT EXISTS (SELECT 1 FROM person)").fetchone()[0]
        distinct = list(dict.fromkeys(fnrs))
        found: dict[str, int] = {}
        if self._stored_before:
            for start in range(0, len(distinct), SQL_CHUNK):
                chunk = distinct[start:start + SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(self.conn.execute(f"SELECT fnr, id FROM person WHERE fnr IN ({marks})", chunk))
        else:  # a first import: only this import's own persons can be met again
            found = {fnr: self._created[fnr] for fnr in self._created.keys() & set(distinct)}
        self.found_last = len(found) - len(self._created.keys() & found.keys())
        self.found += self.found_last
        new = [fnr for fnr in distinct if fnr not in found] if found else distinct
        if not new:
            return found
        first_id = _next_id(self.conn, "person")
        created = now()
        if len(new) == len(fnrs):  # every row a new person: the columns as they are
            rows = zip(self.new_short_ids(len(new)), fnrs, names, fylker, offices, repeat(created))
        else:
            first_row = dict(zip(reversed(fnrs), range(len(fnrs) - 1, -1, -1)))
            rows = ((short_id, fnr, names[row], fylker[row], offices[row], created)
                    for short_id, fnr, row in zip(self.new_short_ids(len(new)), new, map(first_row.__getitem__, new)))
        self.conn.executemany(
            "INSERT INTO person (kort_id, fnr, navn, fylke, kontor, opprettet) VALUES (?, ?, ?, ?, ?, ?)", rows)
        made = dict(zip(new, range(first_id, first_id + len(new))))
        self._created.update(made)
        found.update(made)
        return found


def _next_id(conn: Db, table: str) -> int:
    """The rowid the next insert gets. Only valid inside a write transaction (BEGIN IMMEDIATE),
    where no other writer can insert between this read and the caller's executemany."""
    return conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]


# The cleaned values of a list row stored as they are (ListRow's fields of the same names)
ROW_VALUE_COLUMNS = ("sykmeldt_fom", "sykmeldt_tom", "grad", "diagnose", "arbeidsgiver", "orgnr", "yrke", "styrk",
                     "kommune", "tidligere_tilfeller", "sykepengedager_5ar")
APPEARANCE_COLUMNS = ("person_id", "import_id", "ark", "rad", "listedato", "fylke", "kontor", *ROW_VALUE_COLUMNS)


# A list row with its decision: the appearance, then regelversjon … resultater (the criteria's
# results as CriterionResults.encode gives them).
SCREENED_COLUMNS = APPEARANCE_COLUMNS + ("regelversjon", "beslutning", "uker_sykmeldt", "alder", "resultater")


def save_screened(conn: Db, rows: Iterable[tuple]) -> None:
    """Insert list appearances with their decisions (tuples in SCREENED_COLUMNS order; any
    iterable, read once). The time of screening is the same for the whole call, so it is written
    into the statement (our own ISO text, no quotes in it) instead of added to every row."""
    if conn.dialect == "postgres":  # COPY
        from kompetanse_cli.store.postgres.imports import save_screened as copy_screened

        copy_screened(conn, SCREENED_COLUMNS, rows)  # type: ignore[arg-type]
        return
    stamp = now()
    marks = ",".join("?" * len(SCREENED_COLUMNS))
    conn.executemany(f"INSERT INTO listeoppforing ({', '.join(SCREENED_COLUMNS)}, screenet)"
                     f" VALUES ({marks}, '{stamp}')", rows)


def import_outcomes(conn: Db, import_id: int, decisions: Sequence[str], *,
                    candidates_first: bool = True, limit: int | None = None) -> Iterator[Row]:
    """Everyone on a stored import with the given decisions, candidates first (or in row order),
    the first `limit` of them (None: all); with the person's latest appearance on an earlier
    import (`tidligere_*`)."""
    marks = ",".join("?" * len(decisions))
    order = ("CASE l.beslutning WHEN 'kandidat' THEN 0 WHEN 'manuell' THEN 1 ELSE 2 END, " if candidates_first
             else "") + "l.ark, l.rad"
    # The rows to show are picked from the list rows alone, and only they are joined with the
    # person, the earlier lists and the interview: a long list shows its first couple of hundred.
    return conn.execute(
        f"""WITH shown AS (
               SELECT * FROM listeoppforing l WHERE l.import_id = ? AND l.beslutning IN ({marks})
               ORDER BY {order} LIMIT ?)
           SELECT p.kort_id, p.fnr, p.navn, l.ark, l.rad, l.kontor, l.grad, l.diagnose, l.fylke, l.listedato,
                  l.sykmeldt_fom, l.sykmeldt_tom, l.arbeidsgiver, l.orgnr, l.yrke, l.kommune, l.beslutning,
                  l.uker_sykmeldt, l.resultater, e.listedato AS tidligere_dato, e.beslutning AS tidligere_beslutning,
                  k.fullfort AS kartlagt, k.endret AS kartlegging_endret
           FROM shown l JOIN person p ON p.id = l.person_id
           LEFT JOIN (
               SELECT l2.person_id, l2.listedato, l2.beslutning,
                      ROW_NUMBER() OVER (PARTITION BY l2.person_id ORDER BY l2.listedato DESC, l2.id DESC) AS nr
               FROM listeoppforing l2
               WHERE l2.import_id < ? AND l2.person_id IN (SELECT person_id FROM shown)
           ) e ON e.person_id = l.person_id AND e.nr = 1
           LEFT JOIN kartlegging k ON k.person_id = l.person_id AND k.niva = 1
           ORDER BY {order}""",
        (import_id, *decisions, NO_LIMIT if limit is None else limit, import_id))


def decision_counts(conn: Db, import_id: int) -> dict[str, int]:
    return {row[0]: row[1] for row in conn.execute(
        "SELECT beslutning, COUNT(*) FROM listeoppforing WHERE import_id = ? AND beslutning IS NOT NULL GROUP BY 1",
        (import_id,))}


def count_known_before(conn: Db, import_id: int) -> int:
    """Persons on this import who were on an earlier import too."""
    return conn.execute(
        """SELECT COUNT(DISTINCT l.person_id) FROM listeoppforing l
           WHERE l.import_id = ? AND EXISTS (SELECT 1 FROM listeoppforing e
                                             WHERE e.person_id = l.person_id AND e.import_id < l.import_id)""",
        (import_id,)).fetchone()[0]


def person_by_short_id(conn: Db, short_id: str) -> Row | None:
    return conn.execute("SELECT * FROM person WHERE kort_id = ?", (short_id.strip().lower(),)).fetchone()


def latest_screening(conn: Db, person_id: int) -> Row | None:
    """The person's newest decision, with the list appearance it was made on."""
    return conn.execute(
        """SELECT l.id, l.id AS oppforing_id, l.person_id, l.fylke, l.regelversjon, l.beslutning, l.uker_sykmeldt,
                  l.alder, l.resultater, l.screenet AS tidspunkt, l.listedato, l.kontor, l.grad, l.diagnose,
                  l.sykmeldt_fom, l.ark, l.rad, i.filnavn
           FROM listeoppforing l JOIN import i ON i.id = l.import_id
           WHERE l.person_id = ? AND l.beslutning IS NOT NULL ORDER BY l.listedato DESC, l.id DESC LIMIT 1""",
        (person_id,)).fetchone()


class ResultIds:
    """The ids of criterion results in `kriterieresultat`, handed out without the database: the
    results stored when an import began (`CriterionResults.numbering`), and new ids after the
    highest for results met since. Made inside the import's write transaction, where no other
    writer can take an id meanwhile. Pure Python: the worker process that screens a long list
    gives each decision its stored form (`[3,17,22]`) here, and this process only inserts."""

    def __init__(self, stored: dict[tuple[str, str, str], str], next_id: int) -> None:
        self._ids = dict(stored)  # result → its id, as text
        self._next = next_id
        self._new: list[tuple[int, str, str, str]] = []

    def take_new(self) -> list[tuple[int, str, str, str]]:
        """The results given an id since the last call, as (id, criterion, status, reason): the
        rows `save_results` inserts."""
        new, self._new = self._new, []
        return new

    def encode_numbers(self, columns: Sequence[Sequence[int | None]], results: Sequence[tuple[str, str, str]],
                       count: int) -> list[str]:
        """What `count` decisions store, given as columns: each criterion's results, one per
        decision in checking order, as numbers into `results` (None where a decision's rules do
        not have the criterion). Results without an id get one (see `take_new`)."""
        if not columns:
            return ["[]"] * count
        used = set().union(*columns)
        used.discard(None)
        for result in sorted({results[number] for number in used} - self._ids.keys()):
            self._ids[result] = str(self._next)
            self._new.append((self._next, *result))
            self._next += 1
        ids = [self._ids.get(result, "") for result in results]  # "": a result no decision here has
        if any(None in column for column in columns):
            return ["[" + ",".join(ids[n] for n in row if n is not None) + "]" for row in zip(*columns)]
        if len(columns) == 1:
            return list(map([f"[{number}]" for number in ids].__getitem__, columns[0]))
        # the brackets go on the first and last numbers: one join per decision, nothing more
        first, last = [f"[{number}" for number in ids], [f"{number}]" for number in ids]
        return list(map(",".join, zip(map(first.__getitem__, columns[0]),
                                      *(map(ids.__getitem__, column) for column in columns[1:-1]),
                                      map(last.__getitem__, columns[-1]))))


def save_results(conn: Db, results: Iterable[tuple[int, str, str, str]]) -> None:
    """Insert criterion results with the ids `ResultIds` gave them."""
    conn.executemany("INSERT INTO kriterieresultat (id, kriterium, status, begrunnelse) VALUES (?, ?, ?, ?)", results)


class CriterionResults:
    """Criterion results, (criterion, status, reason), each stored once in `kriterieresultat`;
    a decision stores the list of its results' ids, e.g. `[3,17,22]`."""

    def __init__(self, conn: Db) -> None:
        self.conn = conn
        self._ids: dict[tuple[str, str, str], str] = {}  # result → its id, as text
        self._results: dict[int, tuple[str, str, str]] = {}

    def _load(self) -> None:
        self._ids.clear()  # results removed meanwhile (forget_unused_results) must not keep their ids
        self._results.clear()
        for number, *result in self.conn.execute("SELECT id, kriterium, status, begrunnelse FROM kriterieresultat"):
            self._results[number] = tuple(result)
            self._ids[tuple(result)] = str(number)

    def numbering(self) -> ResultIds:
        """The results stored now, to number more without the database. Only inside a write
        transaction, which lasts until the new results are saved (`save_results`)."""
        if self.conn.dialect == "postgres":  # other importers may be numbering too: one at a time
            from kompetanse_cli.store.postgres.imports import RESULT_NUMBERING_LOCK

            self.conn.execute(RESULT_NUMBERING_LOCK)
        self._load()
        return ResultIds(self._ids, _next_id(self.conn, "kriterieresultat"))

    def encode(self, results: Sequence[tuple[str, str, str]]) -> str:
        """What a decision stores for these results; results not stored before are added."""
        with transaction(self.conn):  # the ids are handed out and saved by one writer
            numbering = self.numbering()
            stored = numbering.encode_numbers([[number] for number in range(len(results))],
                                              [tuple(result) for result in results], 1)[0]
            save_results(self.conn, numbering.take_new())
        return stored

    def decode(self, stored: str) -> list[tuple[str, str, str]]:
        """A decision's stored results: (criterion, status, reason) triples, in checking order."""
        numbers = [int(number) for number in stored.strip("[] ").split(",") if number.strip()]
        try:
            return [self._results[number] for number in numbers]
        except KeyError:
            self._load()
            return [self._results[number] for number in numbers]


def forget_unused_results(conn: Db) -> None:
    """Remove criterion results no decision refers to any more. Some quote one person's own
    figures (e.g. «0 tidligere sykefravær, 12 sykepengedager siste 5 år»), so they go with the
    person's decisions."""
    conn.execute("DELETE FROM kriterieresultat WHERE id NOT IN"
                 " (SELECT j.value FROM listeoppforing l, json_each(l.resultater) j)")


def count_appearances(conn: Db, person_id: int) -> int:
    return conn.execute("SELECT COUNT(*) FROM listeoppforing WHERE person_id = ?", (person_id,)).fetchone()[0]


def delete_import(conn: Db, import_id: int) -> list[int]:
    """Remove an import with its list rows and decisions. Returns the persons who were on it: they
    stay (a list screened again keeps its persons' kt-ids and settings) until the caller has them
    go with `forget_unlisted_persons`."""
    person_ids = [r[0] for r in conn.execute(
        "SELECT DISTINCT person_id FROM listeoppforing WHERE import_id = ?", (import_id,))]
    conn.execute("DELETE FROM import WHERE id = ?", (import_id,))
    forget_unused_results(conn)
    return person_ids


def forget_unlisted_persons(conn: Db, person_ids: Sequence[int]) -> int:
    """Remove those of these persons who are on no list any more and came only from lists (never
    kartlagt, never registered by hand). Returns how many went."""
    removed = 0
    for start in range(0, len(person_ids), SQL_CHUNK):
        chunk = person_ids[start:start + SQL_CHUNK]
        marks = ",".join("?" * len(chunk))
        removed += conn.execute(
            f"""DELETE FROM person WHERE id IN ({marks}) AND kilde = 'liste'
                AND NOT EXISTS (SELECT 1 FROM listeoppforing WHERE person_id = person.id)
                AND NOT EXISTS (SELECT 1 FROM kartlegging WHERE person_id = person.id)""", chunk).rowcount
    return removed


def import_office(conn: Db, import_id: int) -> str | None:
    """The NAV office an import was given for rows without their own. (Imports from before kt
    stored it: the office of all its rows, when they all had the same one.)"""
    given = conn.execute("SELECT kontor FROM import WHERE id = ?", (import_id,)).fetchone()
    if given is not None and given[0]:
        return given[0]
    offices = conn.execute("SELECT DISTINCT kontor FROM listeoppforing WHERE import_id = ? LIMIT 2",
                           (import_id,)).fetchall()
    return offices[0][0] if len(offices) == 1 else None


def refresh_listed_persons(conn: Db, person_ids: Sequence[int]) -> None:
    """Give persons who came from lists the fylke and office of their newest list row, as a person
    made by that list would have (after the list is screened again, e.g. with another --fylke)."""
    for start in range(0, len(person_ids), SQL_CHUNK):
        chunk = person_ids[start:start + SQL_CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"""UPDATE person SET (fylke, kontor) = (
                    SELECT l.fylke, l.kontor FROM listeoppforing l WHERE l.person_id = person.id
                    ORDER BY l.listedato DESC, l.id DESC LIMIT 1)
                WHERE id IN ({marks}) AND kilde = 'liste'
                AND EXISTS (SELECT 1 FROM listeoppforing WHERE person_id = person.id)""", chunk)


def already_listed(conn: Db, person_ids: Sequence[int], listedato: str, import_id: int) -> set[int]:
    """Persons already stored on a list with this list date from another import (an earlier
    version of the same list, e.g. before rejected rows were corrected)."""
    found: set[int] = set()
    ids = list(set(person_ids))
    for start in range(0, len(ids), SQL_CHUNK):
        chunk = ids[start:start + SQL_CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(r[0] for r in conn.execute(
            f"SELECT person_id FROM listeoppforing WHERE person_id IN ({marks}) AND listedato = ? AND import_id != ?",
            [*chunk, listedato, import_id]))
    return found
