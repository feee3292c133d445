"""`kt screen` as a core function: read a list, screen every row, store everything.

The whole import is one transaction: a crash or Ctrl-C leaves either the whole list or
nothing, and running the same command again works.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kompetanse_cli.fylker import FylkeChoice
from kompetanse_cli.ingest.listfile import ListFile, ListRow, RowError, open_list
from kompetanse_cli.screening.engine import Decision, Facts, deciding_reasons, screen_person
from kompetanse_cli.screening.rules import Region, load_region
from kompetanse_cli.store import lists as store
from kompetanse_cli.store.db import transaction

BATCH_ROWS = 2000
Progress = Callable[[int, int], None]


def mask_fnr(fnr: str) -> str:
    """Only the birth-date part: `150385*****`."""
    return fnr[:6] + "*****"


@dataclass
class PersonOutcome:
    """One screened row, as the summary table and `--json` show it."""

    id: str
    sheet: str
    row: int
    decision: str
    reasons: list[str]
    fnr_masked: str
    navn: str | None
    kontor: str | None
    weeks: int
    grad: int | None
    diagnose_kapittel: str | None
    tidligere: str | None = None  # e.g. "på liste 28.02.2022 (ikke_kandidat)"

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "sheet": self.sheet, "row": self.row, "decision": self.decision,
                "reasons": self.reasons, "fnr": self.fnr_masked, "navn": self.navn, "kontor": self.kontor,
                "uker_sykmeldt": self.weeks, "grad": self.grad, "diagnosekapittel": self.diagnose_kapittel,
                "tidligere": self.tidligere}


@dataclass
class ScreenResult:
    """Everything `kt screen` reports about one list."""

    file: str
    sheet: str
    header_row: int
    list_date: dt.date
    list_date_source: str
    fylke: FylkeChoice
    rule_sources: list[str]
    columns: dict[str, str]
    ignored_columns: list[str]
    rows_read: int = 0
    imported: int = 0
    rejected: list[RowError] = field(default_factory=list)
    persons: list[PersonOutcome] = field(default_factory=list)
    already_imported_at: str | None = None
    known_before: int = 0
    import_id: int | None = None

    def count(self, decision: str) -> int:
        return sum(1 for p in self.persons if p.decision == decision)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def choose_list_date(given: dt.date | None, listfile: ListFile) -> tuple[dt.date, str]:
    if given is not None:
        return given, "oppgitt med --listedato"
    if listfile.title_date is not None:
        return listfile.title_date, "fra tittelraden i filen"
    return dt.date.today(), "dagens dato (fant ingen dato i filen; bruk --listedato)"


def screen_file(conn: sqlite3.Connection, path: Path, *, fylke: FylkeChoice, sheet: str | None = None,
                list_date: dt.date | None = None, kontor: str | None = None, veileder: str | None = None,
                progress: Progress | None = None) -> ScreenResult:
    """Read, screen and store one list file. Re-importing the same file adds nothing."""
    region = load_region(fylke)
    listfile = open_list(path, sheet=sheet)
    day, source = choose_list_date(list_date, listfile)
    result = ScreenResult(
        file=path.name, sheet=listfile.sheet.name, header_row=listfile.header_row, list_date=day,
        list_date_source=source, fylke=fylke, rule_sources=[s for r in region.rulesets for s in r.sources],
        columns=dict(listfile.columns.headers), ignored_columns=list(listfile.columns.ignored))
    digest = file_digest(path)
    earlier = store.find_import(conn, digest, listfile.sheet.name)
    if earlier is not None:
        _fill_from_earlier(conn, result, earlier)
        return result
    present = frozenset(name for name in listfile.columns.fields)
    with transaction(conn):
        import_id = store.create_import(
            conn, sha256=digest, ark=listfile.sheet.name, filnavn=path.name, listedato=day.isoformat(),
            listedato_kilde=source, fylke="+".join(fylke.keys), veileder=veileder)
        result.import_id = import_id
        people = store.PersonIds(conn)
        total = listfile.estimated_rows
        for batch in _batches(listfile.rows()):
            good = [r for r in batch if isinstance(r, ListRow)]
            result.rejected += [r for r in batch if isinstance(r, RowError)]
            result.rows_read += len(batch)
            _store_batch(conn, people, region, good, day, present, kontor, import_id, result)
            if progress:
                progress(result.rows_read, total)
        store.save_rejected(conn, import_id, [(e.sheet, e.row, e.column, e.reason) for e in result.rejected])
        store.finish_import(conn, import_id, rader_lest=result.rows_read, importerte=result.imported,
                            avviste=len(result.rejected))
    return result


def _batches(rows: Iterator[ListRow | RowError]) -> Iterator[list[ListRow | RowError]]:
    batch: list[ListRow | RowError] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _store_batch(conn: sqlite3.Connection, people: store.PersonIds, region: Region, rows: list[ListRow],
                 day: dt.date, present: frozenset[str], kontor: str | None, import_id: int,
                 result: ScreenResult) -> None:
    decided: list[tuple[ListRow, Decision, str]] = []
    for row in rows:
        rules = region.for_kommune(row.kommune)
        decision = screen_person(Facts(row, day, present), rules)
        decided.append((row, decision, rules.version))
    ids = people.resolve([(r.fnr, r.navn, d.fylke, r.kontor or kontor) for r, d, _ in decided])
    previous = store.previous_status(conn, [ids[r.fnr][0] for r, _, _ in decided if not ids[r.fnr][2]], import_id)
    appearance_ids = store.save_appearances(conn, [
        (ids[r.fnr][0], import_id, r.sheet, r.row, day.isoformat(), d.fylke, r.kontor or kontor,
         r.sykmeldt_fom.isoformat(), r.sykmeldt_tom.isoformat() if r.sykmeldt_tom else None, r.grad, r.diagnose,
         r.arbeidsgiver, r.orgnr, r.yrke, r.styrk, r.kommune, r.tidligere_tilfeller, r.sykepengedager_5ar)
        for r, d, _ in decided])
    store.save_decisions(conn, [
        (appearance_id, ids[r.fnr][0], d.fylke, version, d.decision, d.weeks_on_leave, d.age,
         json.dumps([c.as_dict() for c in d.results], ensure_ascii=False))
        for appearance_id, (r, d, version) in zip(appearance_ids, decided)])
    result.imported += len(decided)
    for r, d, _ in decided:
        person_id, short_id, _created = ids[r.fnr]
        before = previous.get(person_id)
        if before is not None:
            result.known_before += 1
        result.persons.append(PersonOutcome(
            id=short_id, sheet=r.sheet, row=r.row, decision=d.decision, reasons=d.reasons,
            fnr_masked=mask_fnr(r.fnr), navn=r.navn, kontor=r.kontor or kontor, weeks=d.weeks_on_leave,
            grad=r.grad, diagnose_kapittel=r.diagnose[0] if r.diagnose else None,
            tidligere=_describe_previous(before)))


def _describe_previous(before: store.PreviousStatus | None) -> str | None:
    if before is None:
        return None
    day = dt.date.fromisoformat(before.listedato).strftime("%d.%m.%Y")
    return f"på liste {day}" + (f" ({before.beslutning.replace('_', ' ')})" if before.beslutning else "")


def _fill_from_earlier(conn: sqlite3.Connection, result: ScreenResult, earlier: store.StoredImport) -> None:
    """Show what the earlier import of the very same file found; nothing new is stored."""
    result.already_imported_at = earlier.importert
    result.import_id = earlier.id
    result.list_date = dt.date.fromisoformat(earlier.listedato)
    result.list_date_source = earlier.listedato_kilde
    result.rows_read = earlier.rader_lest
    result.rejected = [RowError(result.file, r["ark"], r["rad"], r["kolonne"], r["arsak"])
                       for r in store.rejected_rows(conn, earlier.id)]
    for row in store.import_outcomes(conn, earlier.id):
        reasons = deciding_reasons(row["beslutning"], [(c["kriterium"], c["status"], c["begrunnelse"])
                                                      for c in store.decode_results(row["resultater"])])
        result.persons.append(PersonOutcome(
            id=row["kort_id"], sheet=row["ark"], row=row["rad"], decision=row["beslutning"], reasons=reasons,
            fnr_masked=mask_fnr(row["fnr"]), navn=row["navn"], kontor=row["kontor"], weeks=row["uker_sykmeldt"],
            grad=row["grad"], diagnose_kapittel=row["diagnose"][0] if row["diagnose"] else None))
