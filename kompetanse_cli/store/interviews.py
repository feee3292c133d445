"""Storing interviews: one row per person and level, answers committed one by one, history kept."""

from __future__ import annotations

from dataclasses import dataclass

from kompetanse_cli.errors import InputError
from kompetanse_cli.store.audit import log  # noqa: F401 - re-exported for callers of this module
from kompetanse_cli.store.db import now, transaction
from kompetanse_cli.store.api import Db, Row


@dataclass
class Level:
    """One person's interview at one level."""

    id: int
    person_id: int
    niva: int
    mal_id: str
    mal_versjon: str
    startet: str
    endret: str
    fullfort: str | None

    @property
    def complete(self) -> bool:
        return self.fullfort is not None


def _level(row: Row | None) -> Level | None:
    if row is None:
        return None
    return Level(**{k: row[k] for k in ("id", "person_id", "niva", "mal_id", "mal_versjon", "startet", "endret",
                                         "fullfort")})


def get_level(conn: Db, person_id: int, niva: int) -> Level | None:
    return _level(conn.execute("SELECT * FROM kartlegging WHERE person_id = ? AND niva = ?",
                               (person_id, niva)).fetchone())


PERSON_GONE = ("Personen er slettet i mellomtiden (med `kt slett` eller `kt rydd`); svaret er ikke lagret, "
               "og samtalen kan ikke fortsette.")


def _require_person(conn: Db, person_id: int) -> None:
    """A person deleted by another kt while an interview was open: said, instead of the
    database's foreign-key error (the answer would otherwise point at nobody)."""
    if conn.execute("SELECT 1 FROM person WHERE id = ?", (person_id,)).fetchone() is None:
        raise InputError(PERSON_GONE)


def _require_level(conn: Db, level_id: int) -> None:
    if conn.execute("SELECT 1 FROM kartlegging WHERE id = ?", (level_id,)).fetchone() is None:
        raise InputError(PERSON_GONE)


def start_level(conn: Db, person_id: int, niva: int, *, mal_id: str, mal_versjon: str,
                veileder: str | None) -> Level:
    """The person's interview at this level, created if it does not exist yet."""
    existing = get_level(conn, person_id, niva)
    if existing is not None:
        return existing
    stamp = now()
    with transaction(conn):
        _require_person(conn, person_id)
        conn.execute("INSERT INTO kartlegging (person_id, niva, mal_id, mal_versjon, veileder, startet, endret)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)", (person_id, niva, mal_id, mal_versjon, veileder, stamp, stamp))
    level = get_level(conn, person_id, niva)
    assert level is not None
    return level


def answers(conn: Db, level_id: int) -> dict[str, str | None]:
    """Stored answers of a level: question id → value (None = skipped, «Ubesvart»)."""
    return {row[0]: row[1] for row in conn.execute(
        "SELECT sporsmal, verdi FROM svar WHERE kartlegging_id = ? ORDER BY id", (level_id,))}


def save_answer(conn: Db, level_id: int, question: str, value: str | None, *,
                mal_id: str, mal_versjon: str, veileder: str | None) -> bool:
    """Store one answer at once (its own transaction). A changed answer keeps the earlier value,
    who gave it and when, in `svar_historikk`. Returns False when nothing changed."""
    with transaction(conn):
        _require_level(conn, level_id)
        old = conn.execute("SELECT verdi, veileder, tidspunkt FROM svar WHERE kartlegging_id = ? AND sporsmal = ?",
                           (level_id, question)).fetchone()
        if old is not None and old["verdi"] == value:
            return False
        stamp = now()
        if old is not None:
            conn.execute("INSERT INTO svar_historikk (kartlegging_id, sporsmal, verdi, veileder, tidspunkt, endret_av,"
                         " endret) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (level_id, question, old["verdi"], old["veileder"], old["tidspunkt"], veileder, stamp))
        conn.execute(
            """INSERT INTO svar (kartlegging_id, sporsmal, verdi, mal_id, mal_versjon, veileder, tidspunkt)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (kartlegging_id, sporsmal) DO UPDATE SET verdi = excluded.verdi,
                   mal_id = excluded.mal_id, mal_versjon = excluded.mal_versjon,
                   veileder = excluded.veileder, tidspunkt = excluded.tidspunkt""",
            (level_id, question, value, mal_id, mal_versjon, veileder, stamp))
        conn.execute("UPDATE kartlegging SET endret = ? WHERE id = ?", (stamp, level_id))
    return True


def remove_answer(conn: Db, level_id: int, question: str, *, veileder: str | None) -> None:
    """Drop an answer to a question no longer shown (its condition changed); history keeps it."""
    with transaction(conn):
        old = conn.execute("SELECT verdi, veileder, tidspunkt FROM svar WHERE kartlegging_id = ? AND sporsmal = ?",
                           (level_id, question)).fetchone()
        if old is None:
            return
        conn.execute("INSERT INTO svar_historikk (kartlegging_id, sporsmal, verdi, veileder, tidspunkt, endret_av,"
                     " endret) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (level_id, question, old["verdi"], old["veileder"], old["tidspunkt"], veileder, now()))
        conn.execute("DELETE FROM svar WHERE kartlegging_id = ? AND sporsmal = ?", (level_id, question))


def complete_level(conn: Db, level_id: int) -> None:
    stamp = now()
    _require_level(conn, level_id)
    conn.execute("UPDATE kartlegging SET fullfort = ?, endret = ? WHERE id = ? AND fullfort IS NULL",
                 (stamp, stamp, level_id))


def reopen_level(conn: Db, level_id: int) -> None:
    conn.execute("UPDATE kartlegging SET fullfort = NULL, endret = ? WHERE id = ? AND fullfort IS NOT NULL",
                 (now(), level_id))


@dataclass
class Appearance:
    """What a person's newest list row says about them."""

    listedato: str
    fylke: str
    kontor: str | None
    arbeidsgiver: str | None
    sykmeldt_fom: str | None
    uker_sykmeldt: int | None
    beslutning: str | None


def latest_appearance(conn: Db, person_id: int) -> Appearance | None:
    """The person's newest list appearance with its decision (employer, sick-leave start, ...)."""
    row = conn.execute(
        """SELECT listedato, fylke, kontor, arbeidsgiver, sykmeldt_fom, uker_sykmeldt, beslutning FROM listeoppforing
           WHERE person_id = ? ORDER BY listedato DESC, id DESC LIMIT 1""", (person_id,)).fetchone()
    return Appearance(*row) if row is not None else None
