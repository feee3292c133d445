"""Persons: kt's one home for them. Created (from a list, by hand), found by kt-id or by
fødselsnummer, and masked for display.

A person is known on the command line only by kt's short id (five letters/digits, easy to read
aloud); the fødselsnummer is looked up here and shown masked (`150385*****`).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

from kompetanse_cli.errors import UsageError
from kompetanse_cli.store import audit
from kompetanse_cli.store.api import Db, Row
from kompetanse_cli.store.db import now, transaction

ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read aloud and type
ID_LENGTH = 5
SQL_CHUNK = 500  # bound parameters per IN (...) query
INSERT_CHUNK = 1000  # persons per multi-row INSERT … RETURNING (7 parameters each; SQLite allows 32 766)
_ID_RE = re.compile("." * ID_LENGTH, re.DOTALL)
_ID_BYTES = bytes(ord(ID_ALPHABET[b % len(ID_ALPHABET)]) for b in range(256))  # a random byte → a letter
_SHORT_ID_RE = re.compile(r"^[a-z2-9]{5}$")
MALFORMER = {"nb": "bokmål", "nn": "nynorsk"}

PERSON_COLUMNS = ("id", "kort_id", "fnr", "navn", "fylke", "kontor", "malform", "opprettet", "arbeidsgiver",
                  "sykmeldt_fom", "kilde")


def mask_fnr(fnr: str) -> str:
    """Only the birth-date part: `150385*****`."""
    return fnr[:6] + "*****"


@dataclass(frozen=True)
class Person:
    """A stored person. The fødselsnummer and name stay out of `repr` (tracebacks, logs)."""

    id: int
    kort_id: str
    fnr: str = field(repr=False)
    navn: str | None = field(repr=False)
    fylke: str | None
    kontor: str | None
    malform: str
    opprettet: str
    arbeidsgiver: str | None = field(repr=False)
    sykmeldt_fom: str | None
    kilde: str

    @property
    def fnr_masked(self) -> str:
        return mask_fnr(self.fnr)


@dataclass
class NewPerson:
    """A person registered by hand (`kt person ny`, a kartlegging from outside the lists)."""

    fnr: str = field(repr=False)
    navn: str = field(repr=False)
    fylke: str
    kontor: str
    arbeidsgiver: str | None = field(default=None, repr=False)
    sykmeldt_fom: dt.date | None = None
    malform: str = "nb"


_SELECT = f"SELECT {', '.join(PERSON_COLUMNS)} FROM person"


def _person(row: Row | None) -> Person | None:
    return None if row is None else Person(*(row[i] for i in range(len(PERSON_COLUMNS))))


# ---------- short ids as users type them ----------

def looks_like_short_id(text: str) -> bool:
    return bool(_SHORT_ID_RE.match(text.strip().lower()))


def unknown_id(text: str) -> UsageError:
    """The error for an id that is not found; never repeats what looks like personal data."""
    typed = text.strip().lower()
    if _SHORT_ID_RE.match(typed):
        return UsageError(f"Fant ingen person med id «{typed}». Se `kt liste`, eller finn id-en fra "
                          "fødselsnummeret med `kt person finn`.")
    if sum(c.isdigit() for c in typed) >= 6:
        return UsageError("Det ser ut som et fødselsnummer. kt bruker sine egne korte id-er (fem tegn, "
                          "f.eks. k7m2x) på kommandolinjen; finn id-en med `kt person finn`.")
    return UsageError("Fant ingen person med den id-en. kt-id-er har fem tegn, f.eks. k7m2x; se `kt liste`.")


# ---------- finding ----------

def by_short_id(conn: Db, short_id: str) -> Person | None:
    return _person(conn.execute(f"{_SELECT} WHERE kort_id = ?", (short_id.strip().lower(),)).fetchone())


def by_fnr(conn: Db, fnr: str) -> Person | None:
    return _person(conn.execute(f"{_SELECT} WHERE fnr = ?", (fnr,)).fetchone())


def require(conn: Db, short_id: str) -> Person:
    """The person with this short id, or a UsageError (exit 2) that says how to find the id."""
    person = by_short_id(conn, short_id)
    if person is None:
        raise unknown_id(short_id)
    return person


def short_id(conn: Db, person_id: int) -> str:
    """The person's kt-id."""
    return str(conn.execute("SELECT kort_id FROM person WHERE id = ?", (person_id,)).fetchone()[0])


def known_short_id(conn: Db, fnr: str) -> str | None:
    """The short id of a person already in kt, looked up by fødselsnummer (asked at a prompt)."""
    person = by_fnr(conn, fnr)
    return person.kort_id if person else None


def find_by_fnr(conn: Db, fnr: str, *, veileder: str | None) -> tuple[str, str | None] | None:
    """(short id, name) of the person with this fødselsnummer, or None; the look-up is logged."""
    person = by_fnr(conn, fnr)
    if person is None:  # a search is a look at personal data whatever it finds (never the number itself)
        audit.log(conn, veileder=veileder, handling="person søkt opp, ikke funnet", person=None)
        return None
    audit.log(conn, veileder=veileder, handling="person søkt opp", person=person.kort_id)
    return person.kort_id, person.navn


# ---------- creating and changing ----------

def create(conn: Db, *, kort_id: str, fnr: str, navn: str | None, fylke: str, kontor: str | None,
           arbeidsgiver: str | None, sykmeldt_fom: str | None, malform: str, kilde: str = "manuell") -> int:
    """Store one person; returns the new person's id."""
    row = conn.execute(
        "INSERT INTO person (kort_id, fnr, navn, fylke, kontor, arbeidsgiver, sykmeldt_fom, malform, kilde, opprettet)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (kort_id, fnr, navn, fylke, kontor, arbeidsgiver, sykmeldt_fom, malform, kilde, now())).fetchone()
    return int(row[0])


def register(conn: Db, person: NewPerson, *, veileder: str | None) -> str:
    """Create the person (with the audit entry, in one transaction); returns kt's short id."""
    with transaction(conn):
        short_id = PersonIds(conn).new_short_id()
        create(conn, kort_id=short_id, fnr=person.fnr, navn=person.navn, fylke=person.fylke,
               kontor=person.kontor, arbeidsgiver=person.arbeidsgiver,
               sykmeldt_fom=person.sykmeldt_fom.isoformat() if person.sykmeldt_fom else None,
               malform=person.malform)
        audit.log(conn, veileder=veileder, handling="person registrert", person=short_id)
    return short_id


def set_malform(conn: Db, person_id: int, malform: str) -> None:
    conn.execute("UPDATE person SET malform = ? WHERE id = ?", (malform, person_id))


def record_malform(conn: Db, short_id: str, malform: str, *, veileder: str | None) -> str:
    """Record the person's målform, with its audit entry; returns the short id."""
    person = require(conn, short_id)
    with transaction(conn):
        set_malform(conn, person.id, malform)
        audit.log(conn, veileder=veileder, handling=f"målform satt til {MALFORMER.get(malform, malform)}",
                  person=person.kort_id)
    return person.kort_id


def set_source(conn: Db, person_id: int, kilde: str) -> None:
    """Where the person came into kt from: liste, manuell or import."""
    conn.execute("UPDATE person SET kilde = ? WHERE id = ?", (kilde, person_id))


class PersonIds:
    """Finds or creates persons by fødselsnummer, handing out kt's short ids (the list import)."""

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
            self._stored_before = bool(self.conn.execute("SELECT EXISTS (SELECT 1 FROM person)").fetchone()[0])
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
        created = now()
        values: list[object]
        if len(new) == len(fnrs):  # every row a new person: the columns as they are
            values = [value for row in zip(self.new_short_ids(len(new)), fnrs, names, fylker, offices, repeat(created))
                      for value in row]
        else:
            first_row = dict(zip(reversed(fnrs), range(len(fnrs) - 1, -1, -1)))
            values = [value for short_id, fnr, row in zip(self.new_short_ids(len(new)), new,
                                                           map(first_row.__getitem__, new))
                      for value in (short_id, fnr, names[row], fylker[row], offices[row], created)]
        # Each new person's id comes back with its fødselsnummer (RETURNING), a thousand persons per
        # statement: no id is predicted, so another writer inserting meanwhile changes nothing.
        made: dict[str, int] = {}
        width = 6
        for start in range(0, len(new), INSERT_CHUNK):
            part = values[start * width:(start + INSERT_CHUNK) * width]
            rows = ",".join(["(?,?,?,?,?,?)"] * (len(part) // width))
            made.update(self.conn.execute(
                f"INSERT INTO person (kort_id, fnr, navn, fylke, kontor, opprettet) VALUES {rows} RETURNING fnr, id",
                part))
        self._created.update(made)
        found.update(made)
        return found
