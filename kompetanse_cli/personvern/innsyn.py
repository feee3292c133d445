"""Innsyn: everything kt stores about one person, shown or exported for the person to read."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kompetanse_cli.errors import UsageError
from kompetanse_cli.files import write_private
from kompetanse_cli.personid import require_person
from kompetanse_cli.report.workbook import Column, SheetSpec, write_workbook
from kompetanse_cli.store import audit, lists
from kompetanse_cli.store import privacy as store

# Column titles a non-programmer can read, per table and database column.
TITLES = {
    "kort_id": "kt-id", "fnr": "Fødselsnummer", "navn": "Navn", "malform": "Målform", "opprettet": "Opprettet",
    "kilde": "Kilde",
    "listedato": "Listedato", "filnavn": "Fil", "ark": "Ark", "rad": "Rad", "fylke": "Fylke", "kontor": "NAV-kontor",
    "sykmeldt_fom": "Sykmeldt fra og med", "sykmeldt_tom": "Sykmeldt til og med", "grad": "Grad (%)",
    "diagnose": "Diagnose (ICPC-2)", "arbeidsgiver": "Arbeidsgiver", "orgnr": "Orgnr", "yrke": "Yrke",
    "styrk": "STYRK-hovedgruppe", "kommune": "Kommune", "tidligere_tilfeller": "Tidligere sykefravær",
    "sykepengedager_5ar": "Sykepengedager siste 5 år", "beslutning": "Beslutning", "regelversjon": "Regelversjon",
    "uker_sykmeldt": "Uker sykmeldt", "alder": "Alder", "resultater": "Begrunnelser", "tidspunkt": "Tidspunkt",
    "niva": "Nivå", "mal_id": "Mal", "mal_versjon": "Malversjon", "veileder": "Veileder", "startet": "Startet",
    "endret": "Endret", "fullfort": "Fullført", "sporsmal": "Spørsmål", "verdi": "Svar", "endret_av": "Endret av",
    "type": "Type", "mal": "Mal", "format": "Format", "handling": "Handling", "person": "Person", "detaljer": "Detaljer",
}
HIDDEN = {"id", "person_id", "import_id", "oppforing_id", "kartlegging_id"}
SECTION_TITLES = {"person": "Person", "listeoppforinger": "Lister", "screeninger": "Screening",
                  "kartlegginger": "Kartlegging", "svar": "Svar", "svarhistorikk": "Endrede svar",
                  "brev": "Brev", "logg": "Logg"}


@dataclass
class Innsyn:
    short_id: str
    sections: dict[str, list[dict[str, object]]]

    def as_dict(self) -> dict[str, object]:
        return {"id": self.short_id, "laget": dt.datetime.now().replace(microsecond=0).isoformat(), **self.sections}


def collect(conn: sqlite3.Connection, short_id: str, *, veileder: str | None, handling: str) -> Innsyn:
    """Every stored row about the person, readable: reasons unpacked, internal ids left out.

    The look itself is logged first (`handling`, e.g. «person vist»), so it shows in its own innsyn.
    """
    person = require_person(conn, short_id)
    audit.log(conn, veileder=veileder, handling=handling, person=person["kort_id"])
    sections: dict[str, list[dict[str, object]]] = {
        "person": [{k: person[k] for k in person.keys() if k not in HIDDEN}]}
    for name, rows in store.person_data(conn, person["id"]).items():
        for row in rows:
            if "resultater" in row and isinstance(row["resultater"], str):
                row["resultater"] = "; ".join(f"{status}: {reason}" for _, status, reason
                                              in lists.decode_results(row["resultater"]))
        sections[name] = [{k: v for k, v in row.items() if k not in HIDDEN} for row in rows]
    sections["logg"] = [{k: row[k] for k in row.keys() if k not in HIDDEN}
                        for row in store.audit_rows(conn, person=person["kort_id"])]
    return Innsyn(person["kort_id"], sections)


def export(innsyn: Innsyn, path: Path) -> None:
    """Write the innsyn as .json or .xlsx (one sheet per section), chosen by the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = json.dumps(innsyn.as_dict(), ensure_ascii=False, indent=2, default=str)
        write_private(path, text.encode("utf-8"))
    elif suffix == ".xlsx":
        sheets = []
        for name, rows in innsyn.sections.items():
            keys = list(rows[0]) if rows else ["(ingen)"]
            columns = [Column(TITLES.get(k, k.capitalize())) for k in keys]
            sheets.append(SheetSpec(SECTION_TITLES.get(name, name), columns,
                                    [[_cell(row.get(k)) for k in keys] for row in rows]))
        write_workbook(path, sheets)
    else:
        raise UsageError("Innsyn kan skrives som .json eller .xlsx.")


def _cell(value: object) -> object:
    return value if value is None or isinstance(value, (int, str)) else str(value)
