"""`kt oppgaver`: what is due for each person, oldest first, and the same list as a calendar.

A task has a kind (TASKS), the day it arose (`siden`) and the day it is due (`frist`):

- kontakt: «kandidat» or «må vurderes» on the latest list and no kartlegging begun; since the
  first list that said so, due `oppgave_kontakt_dager` later. Gone when the conversation begins, or
  when the veileder marks the person «ikke kontaktet» (`kt person avslutt ID --grunn …`).
- samtale: level 1 begun, not finished; since it was begun, due at once.
- niva2: aktuell ja/delvis and no level 2 `oppgave_niva2_dager` after the conversation; due then.
- niva3: level 2's planlagt_slutt passed and no finished level 3; due on planlagt_slutt.
- referat: kartlagt (level 1 finished) and no referat rendered; due on the samtaledato.
- oppfolging6 / oppfolging12: 6 / 12 months after samtaledato, the follow-up not finished.
- sykepenger: in a measure (level 2, no finished level 3) planned to end after the last
  sykepengedag, within `oppgave_sykepenger_uker` weeks before that day: the income question
  the evaluation flags. Due on the last sykepengedag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompetanse_cli import config
from kompetanse_cli.errors import UsageError
from kompetanse_cli.fylker import FylkeChoice
from kompetanse_cli.folding import fold
from kompetanse_cli.store import audit, persons
from kompetanse_cli.store import tasks as store
from kompetanse_cli.store.api import Db
from kompetanse_cli.store.persons import mask_fnr
from kompetanse_cli.store.db import transaction
from kompetanse_cli.sykepenger import sykepenger_end

Row = Mapping[str, Any]  # a person's facts from store.tasks.task_facts

TASKS = {
    "kontakt": "Ta kontakt",
    "samtale": "Fullfør samtalen",
    "niva2": "Registrer planlagt tiltak (nivå 2)",
    "niva3": "Registrer status etter tiltaket (nivå 3)",
    "referat": "Send referat",
    "oppfolging6": "Oppfølging 6 måneder",
    "oppfolging12": "Oppfølging 12 måneder",
    "sykepenger": "Inntekt etter sykepengeperioden",
}
# What to run for each task (shown in the calendar event, with the kt-id only).
COMMANDS = {
    "kontakt": "kt kartlegg {id}", "samtale": "kt kartlegg {id}", "niva2": "kt kartlegg {id} --niva 2",
    "niva3": "kt kartlegg {id} --niva 3", "referat": "kt referat {id}",
    "oppfolging6": "kt kartlegg {id} --oppfolging 6", "oppfolging12": "kt kartlegg {id} --oppfolging 12",
    "sykepenger": "kt person vis {id}",
}
DEFAULT_CONTACT_DAYS = 7
DEFAULT_LEVEL2_DAYS = 14
DEFAULT_SYKEPENGER_WEEKS = 8
MAX_REASON = 200


@dataclass(frozen=True)
class Task:
    id: str
    oppgave: str
    siden: dt.date
    frist: dt.date
    fnr_masked: str
    navn: str | None
    fylke: str | None
    kontor: str | None

    @property
    def label(self) -> str:
        return TASKS[self.oppgave]

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "oppgave": self.oppgave, "frist": self.frist.isoformat(), "kontor": self.kontor,
                "siden": self.siden.isoformat()}


@dataclass(frozen=True)
class Limits:
    contact_days: int = DEFAULT_CONTACT_DAYS
    level2_days: int = DEFAULT_LEVEL2_DAYS
    sykepenger_weeks: int = DEFAULT_SYKEPENGER_WEEKS

    @classmethod
    def from_config(cls) -> Limits:
        return cls(config.number("oppgave_kontakt_dager", DEFAULT_CONTACT_DAYS),
                   config.number("oppgave_niva2_dager", DEFAULT_LEVEL2_DAYS),
                   config.number("oppgave_sykepenger_uker", DEFAULT_SYKEPENGER_WEEKS))


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _months_after(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def tasks_of(row: Any, today: dt.date, limits: Limits) -> list[tuple[str, dt.date, dt.date]]:
    """(task, since, due) for one person's facts (store.tasks.TASK_FACTS_SQL)."""
    found: list[tuple[str, dt.date, dt.date]] = []
    listed = _day(row["kandidat_fra"])
    if row["k1_id"] is None:
        if row["beslutning"] in ("kandidat", "manuell") and listed and not row["ikke_kontaktet"]:
            found.append(("kontakt", listed, listed + dt.timedelta(days=limits.contact_days)))
        return found
    if row["k1_fullfort"] is None:
        begun = _day(row["k1_startet"]) or today
        found.append(("samtale", begun, begun))
        return found
    talk = _day(row["samtaledato"]) or _day(row["k1_fullfort"]) or today
    if row["referat"] is None:
        found.append(("referat", talk, talk))
    if row["aktuell"] in ("ja", "delvis") and row["k2_id"] is None:
        due = talk + dt.timedelta(days=limits.level2_days)
        if due <= today:
            found.append(("niva2", talk, due))
    end = _day(row["planlagt_slutt"])
    if row["k2_fullfort"] and end and end < today and row["k3_fullfort"] is None:
        found.append(("niva3", end, end))
    for months, task, done in ((6, "oppfolging6", row["k4_fullfort"]), (12, "oppfolging12", row["k5_fullfort"])):
        due = _months_after(talk, months)
        if due <= today and done is None:
            found.append((task, due, due))
    start = _day(row["sykmeldt_fom"])
    if row["k2_id"] is not None and row["k3_fullfort"] is None and end and start:
        last = sykepenger_end(start)
        warn_from = last - dt.timedelta(weeks=limits.sykepenger_weeks)
        if end > last and warn_from <= today <= last:
            found.append(("sykepenger", warn_from, last))
    return found


def due_tasks(conn: Db, *, today: dt.date | None = None, fylke: FylkeChoice | None = None,
              kontor: str | None = None, veileder_filter: str | None = None,
              limits: Limits | None = None, veileder: str | None = None) -> list[Task]:
    """Every task, oldest due first; the look is logged (as an overview, without persons)."""
    today = today or dt.date.today()
    limits = limits or Limits.from_config()
    wanted_office = fold(kontor) if kontor else None
    wanted_ident = veileder_filter.strip().upper() if veileder_filter else None
    found = []
    for row in store.task_facts(conn):
        if fylke is not None and row["fylke"] not in fylke.keys:
            continue
        if wanted_office is not None and wanted_office not in fold(row["kontor"] or ""):
            continue
        if wanted_ident is not None and (row["veileder"] or "").upper() != wanted_ident:
            continue
        for task, since, due in tasks_of(row, today, limits):
            found.append(Task(row["kort_id"], task, since, due, mask_fnr(row["fnr"]), row["navn"], row["fylke"],
                              row["kontor"]))
    shown = ", ".join(f"{k}={v}" for k, v in (("fylke", fylke and fylke.label), ("kontor", kontor),
                                                 ("veileder", wanted_ident)) if v)
    audit.log(conn, veileder=veileder, handling="oppgaver vist", person=None, detaljer=shown or None)
    return sorted(found, key=lambda t: (t.frist, t.siden, list(TASKS).index(t.oppgave), t.id))


def calendar(tasks: list[Task], *, stamp: dt.datetime | None = None) -> bytes:
    """The tasks as an iCalendar file (RFC 5545): one all-day event per task on its due day,
    with the kt-id and the task only, never a name or a fødselsnummer."""
    from icalendar import Calendar, Event

    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//kt kompetanse-cli//oppgaver//NO")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "kt-oppgaver")
    for task in tasks:
        event = Event()
        event.add("uid", f"{task.id}-{task.oppgave}-{task.frist:%Y%m%d}@kt")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.frist)
        event.add("dtend", task.frist + dt.timedelta(days=1))
        event.add("summary", f"kt {task.id}: {task.label}")
        event.add("description", f"Oppgave «{task.oppgave}» for {task.id} siden {task.siden:%d.%m.%Y}. "
                                 f"Kjør: {COMMANDS[task.oppgave].format(id=task.id)}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def write_calendar(path: Path, tasks: list[Task]) -> None:
    from kompetanse_cli.files import write_private

    write_private(path, calendar(tasks))


def close_contact(conn: Db, short_id: str, *, grunn: str, veileder: str | None,
                  today: dt.date | None = None) -> str:
    """Mark a candidate «ikke kontaktet» with a reason: the kontakt task is gone. Returns the kt-id."""
    grunn = " ".join(grunn.split())
    if not grunn:
        raise UsageError("Oppgi hvorfor personen ikke blir kontaktet med --grunn, f.eks. --grunn \"nådde ikke fram\".")
    if len(grunn) > MAX_REASON:
        raise UsageError(f"--grunn kan være høyst {MAX_REASON} tegn (skriv ingen helseopplysninger).")
    person = persons.require(conn, short_id)
    with transaction(conn):
        store.mark_not_contacted(conn, person.id, day=(today or dt.date.today()).isoformat(), grunn=grunn)
        audit.log(conn, veileder=veileder, handling="markert ikke kontaktet", person=person.kort_id)
    return str(person.kort_id)
