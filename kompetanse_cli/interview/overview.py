"""`kt liste`: each person's stage (listet → gjennomført) and the date of the last step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kompetanse_cli.errors import UsageError
from kompetanse_cli.fylker import FylkeChoice, normalize_name
from kompetanse_cli.store import audit
from kompetanse_cli.store import overview as store
from kompetanse_cli.store.api import Db
from kompetanse_cli.store.persons import mask_fnr

# In order: a person's stage is the furthest one reached.
STAGES = ("listet", "må vurderes", "kandidat", "registrert", "under kartlegging", "kartlagt", "aktuell",
          "tiltak planlagt", "gjennomført")


@dataclass
class PersonStage:
    id: str
    fnr_masked: str
    navn: str | None
    fylke: str | None
    kontor: str | None
    stage: str
    date: dt.date | None

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "fnr": self.fnr_masked, "navn": self.navn, "fylke": self.fylke,
                "kontor": self.kontor, "status": self.stage, "dato": self.date.isoformat() if self.date else None}


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def stage_of(row: Mapping[str, Any]) -> tuple[str, dt.date | None]:
    if row["k3_fullfort"] and row["gjennomfort"] == "ja":
        return "gjennomført", _day(row["k3_fullfort"])
    if row["k2_fullfort"]:
        return "tiltak planlagt", _day(row["k3_endret"] or row["k2_fullfort"])
    if row["k1_fullfort"]:
        if row["aktuell"] in ("ja", "delvis"):
            return "aktuell", _day(row["k2_endret"] or row["k1_fullfort"])
        return "kartlagt", _day(row["k1_fullfort"])
    if row["k1_endret"]:
        return "under kartlegging", _day(row["k1_endret"])
    if row["beslutning"] == "kandidat":
        return "kandidat", _day(row["listedato"])
    if row["beslutning"] == "manuell":
        return "må vurderes", _day(row["listedato"])
    if row["listedato"]:
        return "listet", _day(row["listedato"])
    return "registrert", _day(row["opprettet"])


def parse_stage(text: str) -> str:
    wanted = normalize_name(text)
    for stage in STAGES:
        if normalize_name(stage) == wanted:
            return stage
    raise UsageError(f"Ukjent status «{text}». Gyldige: {', '.join(STAGES)}.")


def list_persons(conn: Db, *, fylke: FylkeChoice | None = None, kontor: str | None = None,
                 stage: str | None = None, veileder: str | None = None) -> Iterator[PersonStage]:
    """Persons with their stage; the look itself is logged (without persons: it is an overview)."""
    shown = ", ".join(f"{k}={v}" for k, v in (("fylke", fylke and fylke.label), ("kontor", kontor),
                                                 ("status", stage)) if v)
    audit.log(conn, veileder=veileder, handling="oversikt vist", person=None, detaljer=shown or None)
    for row in store.person_rows(conn, fylke=fylke.keys if fylke else None, kontor=kontor):
        found, day = stage_of(row)
        if stage and found != stage:
            continue
        yield PersonStage(row["kort_id"], mask_fnr(row["fnr"]), row["navn"], row["fylke"], row["kontor"], found, day)
