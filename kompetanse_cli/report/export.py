"""`kt screen --eksport`: the screened list as a workbook a veileder can work in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kompetanse_cli.report.workbook import Column, SheetSpec, write_workbook
from kompetanse_cli.screening.engine import DECISION_LABELS, IKKE_KANDIDAT, KANDIDAT, MANUELL, deciding_reasons
from kompetanse_cli.screening.run import ScreenResult, file_reference
from kompetanse_cli.store import audit
from kompetanse_cli.store import lists as store
from kompetanse_cli.store.api import Db

COLUMNS = (
    Column("ID"), Column("Fødselsnummer"), Column("Navn"), Column("NAV-kontor"), Column("Listedato", "date"),
    Column("Sykmeldt fra og med", "date"), Column("Sykmeldt til og med", "date"), Column("Uker sykmeldt", "int"),
    Column("Grad (%)", "int"), Column("Diagnose"), Column("Arbeidsgiver"), Column("Orgnr"), Column("Yrke"),
    Column("Kommune"), Column("Beslutning"), Column("Begrunnelse", width=70), Column("Rad i listen", "int"),
    Column("Veileders notat", width=40),
)

REJECTED_COLUMNS = (Column("Ark"), Column("Rad", "int"), Column("Kolonne"), Column("Hva er galt", width=70))


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def export_screening(conn: Db, result: ScreenResult, path: Path, *, everyone: bool,
                     veileder: str | None = None) -> int:
    """Write candidates and persons to assess (everyone with `everyone`), and the rejected rows on a
    sheet of their own; returns how many persons were written."""
    decisions = (KANDIDAT, MANUELL, IKKE_KANDIDAT) if everyone else (KANDIDAT, MANUELL)
    rows = []
    criteria = store.CriterionResults(conn)
    for row in store.import_outcomes(conn, result.import_id, decisions):
        reasons = "; ".join(deciding_reasons(row.beslutning, criteria.decode(row.resultater)))
        rows.append((row.kort_id, row.fnr, row.navn, row.kontor, _date(row.listedato),
                     _date(row.sykmeldt_fom), _date(row.sykmeldt_tom), row.uker_sykmeldt, row.grad,
                     row.diagnose, row.arbeidsgiver, row.orgnr, row.yrke, row.kommune,
                     DECISION_LABELS[row.beslutning], reasons, row.rad, None))
    title = "Alle" if everyone else "Kandidater"
    sheets = [SheetSpec(title, COLUMNS, rows)]
    if result.rejected:  # where the list needs correcting before it is imported again
        sheets.append(SheetSpec("Avviste rader", REJECTED_COLUMNS,
                                [(e.sheet, e.row, e.column, e.reason) for e in result.rejected]))
    write_workbook(path, sheets)
    audit.log(conn, veileder=veileder, handling="screening eksportert", person=None,
              detaljer=f"{file_reference(result)}: {len(rows)} personer til arbeidsbok")
    return len(rows)
