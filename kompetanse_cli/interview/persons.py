"""Persons from outside the lists (`kt person ny`) and their målform (`kt person malform`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kompetanse_cli.errors import UsageError
from kompetanse_cli.personid import require_person
from kompetanse_cli.store import audit, lists
from kompetanse_cli.store import interviews as store
from kompetanse_cli.store.db import transaction
from kompetanse_cli.store.api import Db

MALFORMER = {"nb": "bokmål", "nn": "nynorsk"}


def parse_malform(text: str) -> str:
    """`bokmål`/`nb` → nb, `nynorsk`/`nn` → nn (empty: bokmål, as NAV's letters default to)."""
    folded = text.strip().lower()
    if folded in ("", "nb", "bokmål", "bokmal", "b"):
        return "nb"
    if folded in ("nn", "nynorsk", "n"):
        return "nn"
    raise UsageError("Skriv bokmål eller nynorsk.")


def known_short_id(conn: Db, fnr: str) -> str | None:
    """The short id of a person already in kt, looked up by fødselsnummer (asked at a prompt)."""
    person = store.person_by_fnr(conn, fnr)
    return person["kort_id"] if person else None


def find_by_fnr(conn: Db, fnr: str, *, veileder: str | None) -> tuple[str, str | None] | None:
    """(short id, name) of the person with this fødselsnummer, or None; the look-up is logged."""
    person = store.person_by_fnr(conn, fnr)
    if person is None:  # a search is a look at personal data whatever it finds (never the number itself)
        audit.log(conn, veileder=veileder, handling="person søkt opp, ikke funnet", person=None)
        return None
    audit.log(conn, veileder=veileder, handling="person søkt opp", person=person["kort_id"])
    return person["kort_id"], person["navn"]


@dataclass
class NewPerson:
    fnr: str
    navn: str
    fylke: str
    kontor: str
    arbeidsgiver: str | None = None
    sykmeldt_fom: dt.date | None = None
    malform: str = "nb"


def register_person(conn: Db, person: NewPerson, *, veileder: str | None) -> str:
    """Create the person (with the audit entry, in one transaction); returns kt's short id."""
    with transaction(conn):
        short_id = lists.PersonIds(conn).new_short_id()
        store.create_person(conn, kort_id=short_id, fnr=person.fnr, navn=person.navn, fylke=person.fylke,
                            kontor=person.kontor, arbeidsgiver=person.arbeidsgiver,
                            sykmeldt_fom=person.sykmeldt_fom.isoformat() if person.sykmeldt_fom else None,
                            malform=person.malform)
        audit.log(conn, veileder=veileder, handling="person registrert", person=short_id)
    return short_id


def set_malform(conn: Db, short_id: str, malform: str, *, veileder: str | None) -> str:
    """Record the person's målform; returns the short id."""
    person = require_person(conn, short_id)
    with transaction(conn):
        store.set_malform(conn, person["id"], malform)
        audit.log(conn, veileder=veileder, handling=f"målform satt til {MALFORMER.get(malform, malform)}", person=person["kort_id"])
    return person["kort_id"]
