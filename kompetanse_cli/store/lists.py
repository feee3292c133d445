"""Storing imported lists: persons, list appearances with their screening decisions, rejected rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

from kompetanse_cli.store.db import now, transaction
from kompetanse_cli.store.api import Db

SQL_CHUNK = 500  # bound parameters per IN (...) query


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
    row = conn.execute(
        "INSERT INTO import (sha256, ark, filnavn, listedato, listedato_kilde, fylke, importert, veileder, kontor)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (sha256, ark, filnavn, listedato, listedato_kilde, fylke, now(), veileder, kontor)).fetchone()
    return int(row[0])


def finish_import(conn: Db, import_id: int, *, rader_lest: int, importerte: int, avviste: int) -> None:
    conn.execute("UPDATE import SET rader_lest = ?, importerte = ?, avviste = ? WHERE id = ?",
                 (rader_lest, importerte, avviste, import_id))


def save_rejected(conn: Db, import_id: int, rejected: Iterable[tuple[str, int, str, str]]) -> None:
    """Rejected rows by sheet, row, column and reason: no personal data is stored for them."""
    conn.executemany("INSERT INTO import_avvist (import_id, ark, rad, kolonne, arsak) VALUES (?, ?, ?, ?, ?)",
                     [(import_id, *r) for r in rejected])


def rejected_rows(conn: Db, import_id: int) -> list[tuple[str, int, str, str]]:
    """An import's rejected rows: (sheet, row, column, reason)."""
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(
        "SELECT ark, rad, kolonne, arsak FROM import_avvist WHERE import_id = ? ORDER BY rad", (import_id,))]


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


class Outcome(NamedTuple):
    """A person on a stored import with the decision, as `import_outcomes` gives them."""

    kort_id: str
    fnr: str
    navn: str | None
    ark: str
    rad: int
    kontor: str | None
    grad: int | None
    diagnose: str | None
    fylke: str
    listedato: str
    sykmeldt_fom: str
    sykmeldt_tom: str | None
    arbeidsgiver: str | None
    orgnr: str | None
    yrke: str | None
    kommune: str | None
    beslutning: str
    uker_sykmeldt: int
    resultater: str  # as stored: CriterionResults.decode gives the results
    tidligere_dato: str | None  # the person's latest appearance on an earlier import
    tidligere_beslutning: str | None
    kartlagt: str | None  # level 1 completed
    kartlegging_endret: str | None
    samtaledato: str | None  # the day of the conversation (level 1), when answered

    def __repr__(self) -> str:  # never the fødselsnummer or name (tracebacks, logs)
        return f"Outcome(kort_id={self.kort_id!r}, ark={self.ark!r}, rad={self.rad})"


def import_outcomes(conn: Db, import_id: int, decisions: Sequence[str], *, candidates_first: bool = True,
                    limit: int | None = None, details: bool = True, earlier: bool = True) -> Iterator[Outcome]:
    """Everyone on a stored import with the given decisions, candidates first (or in row order),
    the first `limit` of them (None: all); with the person's latest appearance on an earlier
    import (`tidligere_*`). Without `details`, the list row's dates, employer, job and kommune are
    None (not read: what a summary does not show); without `earlier` (no one on the import was
    on an earlier one), so are `tidligere_*`."""
    marks = ",".join("?" * len(decisions))
    order = ("CASE l.beslutning WHEN 'kandidat' THEN 0 WHEN 'manuell' THEN 1 ELSE 2 END, " if candidates_first
             else "") + "l.ark, l.rad"
    row_details = ("l.fylke, l.listedato, l.sykmeldt_fom, l.sykmeldt_tom, l.arbeidsgiver, l.orgnr, l.yrke, l.kommune"
                   if details else ", ".join(["NULL"] * 8))
    # The rows to show are picked from the list rows alone, and only they are joined with the
    # person, the earlier lists and the interview: a long list shows its first couple of hundred.
    params: list[object] = [import_id, *decisions]
    if limit is not None:
        params.append(limit)
    if earlier:
        params.append(import_id)
        earlier_columns = "e.listedato AS tidligere_dato, e.beslutning AS tidligere_beslutning"
        earlier_join = """LEFT JOIN (
               SELECT l2.person_id, l2.listedato, l2.beslutning,
                      ROW_NUMBER() OVER (PARTITION BY l2.person_id ORDER BY l2.listedato DESC, l2.id DESC) AS nr
               FROM listeoppforing l2
               WHERE l2.import_id < ? AND l2.person_id IN (SELECT person_id FROM shown)
           ) e ON e.person_id = l.person_id AND e.nr = 1"""
    else:
        earlier_columns, earlier_join = "NULL AS tidligere_dato, NULL AS tidligere_beslutning", ""
    return map(Outcome._make, conn.execute(
        f"""WITH shown AS (
               SELECT * FROM listeoppforing l WHERE l.import_id = ? AND l.beslutning IN ({marks})
               ORDER BY {order}{"" if limit is None else " LIMIT ?"})
           SELECT p.kort_id, p.fnr, p.navn, l.ark, l.rad, l.kontor, l.grad, l.diagnose, {row_details},
                  l.beslutning, l.uker_sykmeldt, l.resultater, {earlier_columns},
                  k.fullfort AS kartlagt, k.endret AS kartlegging_endret, sd.verdi AS samtaledato
           FROM shown l JOIN person p ON p.id = l.person_id
           {earlier_join}
           LEFT JOIN kartlegging k ON k.person_id = l.person_id AND k.niva = 1
           LEFT JOIN svar sd ON sd.kartlegging_id = k.id AND sd.sporsmal = 'samtaledato'
           ORDER BY {order}""", params))


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


@dataclass
class Decision:
    """A decision with the list row it was made on."""

    listedato: str
    filnavn: str
    rad: int
    kontor: str | None
    uker_sykmeldt: int
    fylke: str
    regelversjon: str
    beslutning: str
    resultater: str  # as stored: CriterionResults.decode gives the results


def latest_screening(conn: Db, person_id: int) -> Decision | None:
    """The person's newest decision, with the list appearance it was made on."""
    row = conn.execute(
        """SELECT l.listedato, i.filnavn, l.rad, l.kontor, l.uker_sykmeldt, l.fylke, l.regelversjon, l.beslutning,
                  l.resultater
           FROM listeoppforing l JOIN import i ON i.id = l.import_id
           WHERE l.person_id = ? AND l.beslutning IS NOT NULL ORDER BY l.listedato DESC, l.id DESC LIMIT 1""",
        (person_id,)).fetchone()
    return Decision(*row) if row is not None else None


class ResultIds:
    """The ids of criterion results in `kriterieresultat`, handed out without the database: the
    results stored when an import began (`CriterionResults.numbering`), and, for results met
    since, provisional ids after the highest. Pure Python: the worker process that screens a
    long list gives each decision its stored form (`[3,17,22]`) here, and this process only
    inserts. `save_results` then stores the new results and says which provisional ids the
    database gave another id (another writer took it meanwhile: never on SQLite, where the
    import holds the only write lock and the database gives the same ids; possible on a shared
    server), and `renumber` corrects the decisions that use them."""

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
        used = cast("set[int]", set().union(*columns) - {None})
        for result in sorted({results[number] for number in used} - self._ids.keys()):
            self._ids[result] = str(self._next)
            self._new.append((self._next, *result))
            self._next += 1
        ids = [self._ids.get(result, "") for result in results]  # "": a result no decision here has
        if any(None in column for column in columns):
            return ["[" + ",".join(ids[n] for n in row if n is not None) + "]" for row in zip(*columns)]
        numbers = cast("Sequence[Sequence[int]]", columns)  # no None in them (checked above)
        if len(numbers) == 1:
            return list(map([f"[{number}]" for number in ids].__getitem__, numbers[0]))
        # the brackets go on the first and last numbers: one join per decision, nothing more
        first, last = [f"[{number}" for number in ids], [f"{number}]" for number in ids]
        return list(map(",".join, zip(map(first.__getitem__, numbers[0]),
                                      *(map(ids.__getitem__, column) for column in numbers[1:-1]),
                                      map(last.__getitem__, numbers[-1]))))


def save_results(conn: Db, results: Iterable[tuple[int, str, str, str]]) -> dict[str, str]:
    """Store new criterion results (as `ResultIds.take_new` gives them). Returns the provisional
    ids the database gave another id, as text: {provisional: stored}, usually empty. A result
    another writer stored meanwhile keeps that writer's id."""
    changed: dict[str, str] = {}
    for provisional, *result in results:
        stored = conn.execute(
            "INSERT INTO kriterieresultat (kriterium, status, begrunnelse) VALUES (?, ?, ?)"
            " ON CONFLICT (kriterium, status, begrunnelse) DO UPDATE SET kriterium = excluded.kriterium"
            " RETURNING id", result).fetchone()[0]
        if stored != provisional:
            changed[str(provisional)] = str(stored)
    return changed


def renumber(encoded: Sequence[str], changed: dict[str, str]) -> list[str]:
    """Decisions' stored results (`[3,17,22]`) with provisional ids replaced by the stored ones."""
    return ["[" + ",".join(changed.get(number, number) for number in text[1:-1].split(",") if number) + "]"
            for text in encoded]


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
        return ResultIds(self._ids, max(self._results, default=0) + 1)

    def encode(self, results: Sequence[tuple[str, str, str]]) -> str:
        """What a decision stores for these results; results not stored before are added."""
        with transaction(self.conn):  # the ids are handed out and saved by one writer
            numbering = self.numbering()
            stored = numbering.encode_numbers([[number] for number in range(len(results))],
                                              [(result[0], result[1], result[2]) for result in results], 1)
            changed = save_results(self.conn, numbering.take_new())
        return renumber(stored, changed)[0] if changed else stored[0]

    def result(self, number: int) -> tuple[str, str, str]:
        """One stored result by its id."""
        if number not in self._results:
            self._load()
        return self._results[number]

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
