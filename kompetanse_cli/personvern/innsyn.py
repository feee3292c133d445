"""Innsyn: everything kt stores about one person, shown or exported for the person to read."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from kompetanse_cli.errors import UsageError
from kompetanse_cli.files import write_private
from kompetanse_cli.formats import no_stored
from kompetanse_cli.fylker import FYLKER
from kompetanse_cli.interview.template import Template, show_value, template_for_reading
from kompetanse_cli.report.workbook import Column, SheetSpec, write_workbook
from kompetanse_cli.store import audit, persons
from kompetanse_cli.store import privacy as store
from kompetanse_cli.store.api import Db

# Column titles a non-programmer can read, per table and database column.
TITLES = {
    "kort_id": "kt-id", "fnr": "Fødselsnummer", "navn": "Navn", "malform": "Målform", "opprettet": "Opprettet",
    "kilde": "Kilde", "ikke_kontaktet": "Merket «ikke kontaktet»", "ikke_kontaktet_grunn": "Grunn til ikke kontaktet",
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


DATE_KEYS = {"listedato", "sykmeldt_fom", "sykmeldt_tom", "opprettet", "tidspunkt", "startet", "endret",
             "fullfort"}
DECISIONS = {"kandidat": "Kandidat", "ikke_kandidat": "Ikke kandidat", "manuell": "Må vurderes"}
STATUSES = {"oppfylt": "oppfylt", "ikke_oppfylt": "ikke oppfylt", "ukjent": "ukjent"}


def collect(conn: Db, short_id: str) -> Innsyn:
    """Every stored row about the person, as a person reads it: Norwegian dates, questions and
    answers in words (a skipped answer is «Ubesvart»), reasons unpacked, internal ids left out."""
    person = persons.require(conn, short_id)
    template = template_for_reading(person.fylke)
    sections: dict[str, list[dict[str, object]]] = {"person": [_readable(asdict(person), template)]}
    for name, rows in store.person_data(conn, person.id).items():
        sections[name] = [_readable(row, template) for row in rows]
    sections["logg"] = [_readable(row, template) for row in store.audit_rows(conn, person=person.kort_id)]
    return Innsyn(person.kort_id, sections)


def _readable(row: dict[str, object], template: Template) -> dict[str, object]:
    shown: dict[str, object] = {}
    question = template.question(str(row["sporsmal"])) if "sporsmal" in row else None
    for key, value in row.items():
        if key in HIDDEN:
            continue
        if key in DATE_KEYS and isinstance(value, str):
            value = no_stored(value)
        elif key == "resultater" and isinstance(value, list):
            value = "; ".join(f"{STATUSES.get(status, status)}: {reason}" for _, status, reason in value)
        elif key == "beslutning" and isinstance(value, str):
            value = DECISIONS.get(value, value)
        elif key == "fylke" and isinstance(value, str):
            value = FYLKER.get(value, value)
        elif key == "malform":
            value = "nynorsk" if value == "nn" else "bokmål"
        elif key == "sporsmal" and question is not None:
            value = question.tekst
        elif key == "verdi" and "sporsmal" in row:
            value = show_value(question, value if isinstance(value, str) else None) if question is not None else ("Ubesvart" if value is None else value)
        shown[key] = value
    return shown


def show_person(conn: Db, short_id: str, *, veileder: str | None) -> Innsyn:
    """Everything about the person for the screen; the look is logged («person vist»)."""
    found = collect(conn, short_id)
    audit.log(conn, veileder=veileder, handling="person vist", person=found.short_id)
    return found


def export_innsyn(conn: Db, short_id: str, path: Path, *, veileder: str | None) -> Innsyn:
    """Write the innsyn file. The export is logged («innsyn eksportert») only once the file is
    written, and the file already lists that entry, so the innsyn shows its own export."""
    found = collect(conn, short_id)
    stamp = dt.datetime.now().replace(microsecond=0).isoformat()
    found.sections["logg"].append(_readable({"tidspunkt": stamp, "veileder": veileder, "handling": "innsyn eksportert",
                                             "person": found.short_id, "detaljer": None}, template_for_reading(None)))
    export(found, path)
    audit.log(conn, veileder=veileder, handling="innsyn eksportert", person=found.short_id)
    return found


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
            columns = [Column(TITLES.get(k, k.capitalize()),
                              "int" if rows and all(isinstance(r.get(k), int) or r.get(k) is None for r in rows)
                              else "text") for k in keys]
            sheets.append(SheetSpec(SECTION_TITLES.get(name, name), columns,
                                    [[_cell(row.get(k)) for k in keys] for row in rows]))
        write_workbook(path, sheets)
    else:
        raise UsageError("Innsyn kan skrives som .json eller .xlsx.")


def _cell(value: object) -> object:
    return value if value is None or isinstance(value, (int, str)) else str(value)
