"""`kt forklar`: one person's latest screening decision, criterion by criterion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kompetanse_cli.errors import UsageError
from kompetanse_cli.store import audit, persons
from kompetanse_cli.store import lists as store
from kompetanse_cli.store.api import Db


@dataclass
class Explanation:
    id: str
    fnr_masked: str
    navn: str | None
    list_date: dt.date
    file: str
    row: int
    kontor: str | None
    weeks: int
    fylke: str
    rule_version: str
    decision: str
    results: list[dict[str, str]]
    appearances: int

    def as_dict(self) -> dict[str, object]:
        """The JSON of `kt forklar --json` (keys as README «JSON for skript» says)."""
        return {"id": self.id, "fnr": self.fnr_masked, "name": self.navn, "list_date": self.list_date.isoformat(),
                "file": self.file, "row": self.row, "kontor": self.kontor, "weeks_on_leave": self.weeks,
                "fylke": self.fylke, "rule_version": self.rule_version, "decision": self.decision,
                "criteria": [{"criterion": r["kriterium"], "status": r["status"], "reason": r["begrunnelse"]}
                             for r in self.results],
                "appearances": self.appearances}


def explain_person(conn: Db, short_id: str, *, veileder: str | None = None) -> Explanation:
    person = persons.require(conn, short_id)
    latest = store.latest_screening(conn, person.id)
    audit.log(conn, veileder=veileder, handling="screening forklart", person=person.kort_id)
    if latest is None:
        raise UsageError(f"Person {person.kort_id} er ikke screenet ennå.")
    return Explanation(
        id=person.kort_id, fnr_masked=person.fnr_masked, navn=person.navn,
        list_date=dt.date.fromisoformat(latest.listedato), file=latest.filnavn, row=latest.rad,
        kontor=latest.kontor, weeks=latest.uker_sykmeldt, fylke=latest.fylke,
        rule_version=latest.regelversjon, decision=latest.beslutning,
        results=[{"kriterium": c, "status": st, "begrunnelse": r}
                 for c, st, r in store.CriterionResults(conn).decode(latest.resultater)],
        appearances=store.count_appearances(conn, person.id))
