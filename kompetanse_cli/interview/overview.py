"""`kt liste`: each person's status (stages.py: registrert → fullført) and the date of the step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]  # a person's row from store.overview.person_rows

from kompetanse_cli.fylker import FylkeChoice
from kompetanse_cli.stages import IKKE_KANDIDAT, KANDIDAT, MANUELL, label, parse_status
from kompetanse_cli.store import audit
from kompetanse_cli.store import overview as store
from kompetanse_cli.store.api import Db
from kompetanse_cli.store.persons import mask_fnr


@dataclass
class PersonStage:
    id: str
    fnr_masked: str
    navn: str | None
    fylke: str | None
    kontor: str | None
    stage: str  # a key of stages.STATUS_LABELS
    date: dt.date | None

    @property
    def stage_label(self) -> str:
        return label(self.stage)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "fnr": self.fnr_masked, "name": self.navn, "fylke": self.fylke,
                "kontor": self.kontor, "status": self.stage, "date": self.date.isoformat() if self.date else None}


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _started(row: Row, today: dt.date) -> bool:
    """As the report counts «Startet»: the planned start has come, or nivå 3 says how it went."""
    return bool((row["planlagt_start"] and row["planlagt_start"] <= today.isoformat()) or row["gjennomfort"])


def reached(row: Row, wanted: str, today: dt.date) -> bool:
    """Whether the person has reached `wanted` (a key of stages.FILTERS) as `kt rapport` counts it."""
    kartlagt = bool(row["k1_fullfort"])
    return {
        "registrert": not row["listedato"],
        "listet": bool(row["listedato"]),
        "screenet": bool(row["beslutning"]),
        KANDIDAT: row["beslutning"] == KANDIDAT,
        IKKE_KANDIDAT: row["beslutning"] == IKKE_KANDIDAT,
        MANUELL: row["beslutning"] == MANUELL,
        "under_kartlegging": bool(row["k1_endret"]) and not kartlagt,
        "kartlagt": kartlagt,
        "aktuell": kartlagt and row["aktuell"] in ("ja", "delvis"),
        "vedtak": bool(row["vedtaksdato"]),
        "startet": _started(row, today),
        "fullfort": row["gjennomfort"] == "ja",
    }[wanted]


def stage_of(row: Row, today: dt.date | None = None) -> tuple[str, dt.date | None]:
    """The furthest status reached, and the day of the step that reached it."""
    today = today or dt.date.today()
    if row["gjennomfort"] == "ja":
        return "fullfort", _day(row["k3_fullfort"] or row["k3_endret"])
    if _started(row, today):
        return "startet", _day(row["planlagt_start"] if row["planlagt_start"] and row["planlagt_start"] <= today.isoformat()
                               else row["k3_endret"])
    if row["vedtaksdato"]:
        return "vedtak", _day(row["vedtaksdato"])
    if row["k1_fullfort"]:
        # the day of the conversation, not the day it was registered (that only when it is not known)
        held = row["samtaledato"] or row["k1_fullfort"]
        if row["aktuell"] in ("ja", "delvis"):
            return "aktuell", _day(row["k2_endret"] or held)
        return "kartlagt", _day(held)
    if row["k1_endret"]:
        return "under_kartlegging", _day(row["k1_endret"])
    if row["beslutning"] in (KANDIDAT, MANUELL, IKKE_KANDIDAT):
        return row["beslutning"], _day(row["listedato"])
    if row["listedato"]:
        return "listet", _day(row["listedato"])
    return "registrert", _day(row["opprettet"])


# Who a veileder has to act on, first: candidates to call, conversations to finish, aktuelle
# without a vedtak, measures under way; then those done; those not candidates last.
RELEVANCE = ("under_kartlegging", KANDIDAT, MANUELL, "aktuell", "vedtak", "startet", "registrert", "kartlagt",
             "fullfort", "listet", IKKE_KANDIDAT)


def relevance(person: PersonStage) -> tuple[int, int]:
    """Sort key for `kt liste`: by RELEVANCE, the latest step first within each status."""
    day = person.date.toordinal() if person.date else 0
    return RELEVANCE.index(person.stage), -day


def parse_stage(text: str) -> str:
    """A `--status` word in any spelling kt prints (see stages.parse_status)."""
    return parse_status(text)


def list_persons(conn: Db, *, fylke: FylkeChoice | None = None, kontor: str | None = None,
                 stage: str | None = None, veileder: str | None = None) -> Iterator[PersonStage]:
    """Persons with their stage; the look itself is logged (without persons: it is an overview)."""
    shown = ", ".join(f"{k}={v}" for k, v in (("fylke", fylke and fylke.label), ("kontor", kontor),
                                                 ("status", stage)) if v)
    audit.log(conn, veileder=veileder, handling="oversikt vist", person=None, detaljer=shown or None)
    today = dt.date.today()
    for row in store.person_rows(conn, fylke=fylke.keys if fylke else None, kontor=kontor):
        if stage and not reached(row, stage, today):
            continue
        found, day = stage_of(row, today)
        yield PersonStage(row["kort_id"], mask_fnr(row["fnr"]), row["navn"], row["fylke"], row["kontor"], found, day)
