"""`kt screen` as a core function: read a list, screen every row, store everything.

The whole import is one transaction: a crash or Ctrl-C leaves either the whole list or
nothing, and running the same command again works. Rows are handled in batches and the
per-person outcomes are read back from the database on demand, so memory stays flat
however long the list is. A long list is cleaned and screened in a worker process
(`kompetanse_cli.worker`) while this one stores the batches it sends: only this process
ever writes to the database.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any

from kompetanse_cli import worker
from kompetanse_cli.computed import Computed
from kompetanse_cli.errors import InputError, Interrupted, mask_numbers
from kompetanse_cli.fylker import FylkeChoice
from kompetanse_cli.ingest.listfile import CleanBatch, ListFile, ListRow, RowError, open_list
from kompetanse_cli.screening.fylke_check import KommuneTally, check_list_fylke
from kompetanse_cli.screening.engine import IKKE_KANDIDAT, KANDIDAT, MANUELL, Screener, deciding_reasons
from kompetanse_cli.screening.rules import CRITERIA, Region, RuleSet, load_region
from kompetanse_cli.ingest.columns import normalize_header
from kompetanse_cli.store import audit, column_choices
from kompetanse_cli.store import lists as store
from kompetanse_cli.store.db import checkpoint_deferred, page_cache, transaction
from kompetanse_cli.store.api import Db
from kompetanse_cli.store.persons import PersonIds, mask_fnr

BATCH_ROWS = 2500  # rows per batch; filling the pipeline costs about one batch's cleaning, while the storing waits
WORKER_MIN_ROWS = 20_000  # shorter lists take under a second; a second process would not pay
LONG_LIST_CACHE_MB = 32  # SQLite's page cache while storing a long list (2 MB otherwise): ≈ 24 % less CPU at 200 000 rows
Progress = Callable[[int, int], None]
# Where the list date came from (stored with the import, shown in the summary)
GIVEN = "oppgitt med --listedato"
FROM_TITLE = "fra tittelraden i filen"
TODAY = "dagens dato – fant ingen dato i filen"
ASKED = "oppgitt da kt spurte"
TODAY_GIVEN = "dagens dato, oppgitt med --listedato i-dag"
MAX_DAYS_AHEAD = 7  # a list date further ahead is a typing error, and would keep the list from being deleted
AskDate = Callable[[], dt.date]


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
    tidligere: str | None = None  # e.g. "på liste 28.02.2022 (ikke kandidat)"
    kartlegging: str | None = None  # e.g. "kartlagt 10.03.2022" or "under kartlegging"

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "sheet": self.sheet, "row": self.row, "decision": self.decision,
                "reasons": self.reasons, "fnr": self.fnr_masked, "name": self.navn, "kontor": self.kontor,
                "weeks_on_leave": self.weeks, "grad": self.grad, "diagnose_chapter": self.diagnose_kapittel,
                "earlier": self.tidligere, "kartlegging": self.kartlegging}


@dataclass
class ScreenResult:
    """Everything `kt screen` reports about one list; persons are read with `outcomes()`."""

    file: str
    sheet: str
    header_row: int
    list_date: dt.date
    list_date_source: str
    fylke: FylkeChoice
    rule_sources: list[str]
    columns: dict[str, str]
    ignored_columns: list[str]
    import_id: int = 0
    digest: str = ""  # the file's SHA-256: how the audit trail names the file (never by its name)
    rows_read: int = 0
    imported: int = 0
    rejected: list[RowError] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=dict)
    already_imported_at: str | None = None
    earlier_differs: list[str] = field(default_factory=list)  # what --på-nytt would change
    replaced_earlier: bool = False
    already_listed: int = 0  # rows of an earlier version of the same list, not stored twice
    kontor: str | None = None  # the office given for rows without their own (--kontor, settings, earlier import)
    known_before: int = 0
    error_cells: int = 0  # cells holding an Excel error (#N/A, #I/T …)
    sheet_note: str | None = None  # a hidden sheet used, or passed over
    not_used: dict[str, str] = field(default_factory=dict)  # header → why it was not used
    hints: dict[str, str] = field(default_factory=dict)  # unrecognised header → the field it resembles
    by_hand: dict[str, str] = field(default_factory=dict)  # header → field, as given with --kolonne
    remembered: dict[str, str] = field(default_factory=dict)  # header → field, as remembered for the office
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)  # (sheet, first row, later row) of one person
    _first_rows: dict[int, int] = field(default_factory=dict, repr=False)  # person id → first row on this list
    # criterion results' provisional ids (store.ResultIds) the database gave another id
    renumbered: dict[str, str] = field(default_factory=dict, repr=False)

    def count(self, decision: str) -> int:
        return self.decisions.get(decision, 0)

    @property
    def imported_or_stored(self) -> int:
        """Persons on the list as stored (also when the file had been imported before)."""
        return sum(self.decisions.values())


def file_reference(result: ScreenResult) -> str:
    """How the audit trail names a list file: by its content (the start of its SHA-256), never by
    its name, which may hold a person's name or number and could never be deleted from the log."""
    head = result.digest[:16]
    # in groups of four, so that no run of digits in it can be taken for a fødselsnummer and masked
    return "fil sha256:" + "-".join(head[i:i + 4] for i in range(0, len(head), 4))


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def choose_list_date(given: dt.date | None, listfile: ListFile) -> tuple[dt.date, str]:
    if given is not None:
        day, source = given, GIVEN
    elif listfile.title_date is not None:
        day, source = listfile.title_date, FROM_TITLE
    else:
        return dt.date.today(), TODAY
    check_list_date(day, source)
    return day, source


def check_list_date(day: dt.date, source: str) -> None:
    """A list date more than a few days ahead is refused: a typing error, and a list dated in the
    future would be kept past the time its data must be deleted."""
    if day > dt.date.today() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise InputError(f"Listedatoen {day:%d.%m.%Y} ({source}) ligger fram i tid.",
                         hint="Oppgi datoen listen ble tatt ut med --listedato dd.mm.åååå.")


def screen_file(conn: Db, path: Path, *, fylke: FylkeChoice, sheet: str | None = None,
                list_date: dt.date | None = None, kontor: str | None = None, veileder: str | None = None,
                progress: Progress | None = None, again: bool = False,
                in_worker: bool | None = None, other_fylke: bool = False, ask_date: AskDate | None = None,
                columns: dict[str, str] | None = None, today: bool = False) -> ScreenResult:
    """Read, screen and store one list file.

    Re-importing the same file adds nothing (and says what differs from the earlier import);
    with `again`, the earlier import of this file is replaced, e.g. to use another list date.
    Rows are cleaned and screened in a worker process when `in_worker`, which by default
    (None) is so for lists of WORKER_MIN_ROWS or more. A list whose rows mostly lie in another
    fylke is refused (nothing stored) unless `other_fylke`. When no list date is given or found in the
    file, `ask_date` is asked (before anything is stored; it may raise to refuse). `columns` maps
    headers to fields by hand (header → field); such mappings are remembered for the office.
    `today`: the list is from today (`--listedato i-dag`), whatever the file says.
    """
    kontor = kontor or None  # an office set to "" is no office, as for a row without one
    region = load_region(fylke)
    remembered = column_choices.load(conn, kontor)
    given = {normalize_header(header): name for header, name in (columns or {}).items()}
    listfile = open_list(path, sheet=sheet, by_hand={**remembered, **given})
    digest = file_digest(path)
    asked = False
    if list_date is None and not today and listfile.title_date is None and ask_date is not None:
        if store.find_import(conn, digest, listfile.sheet.name) is None:  # an earlier screening keeps its date
            list_date, asked = ask_date(), True
            check_list_date(list_date, ASKED)
    if today:
        list_date = dt.date.today()
    day, source = choose_list_date(list_date, listfile)
    if asked or today:
        source = ASKED if asked else TODAY_GIVEN
    result = ScreenResult(
        # a file may be named after the person on it: the number is never shown or stored
        file=mask_numbers(path.name), sheet=listfile.sheet.name, header_row=listfile.header_row, list_date=day,
        list_date_source=source, fylke=fylke, rule_sources=[s for r in region.rulesets for s in r.sources],
        columns=dict(listfile.columns.headers), ignored_columns=list(listfile.columns.ignored),
        sheet_note=listfile.sheet_note, not_used=dict(listfile.columns.not_used), hints=dict(listfile.columns.hints))
    result.digest = digest
    for header, name in listfile.columns.by_hand.items():
        (result.by_hand if normalize_header(header) in given else result.remembered)[header] = name
    present = frozenset(listfile.columns.fields)
    try:
        # the commit leaves the checkpoint to the caller (`checkpoint_meanwhile`) or to closing the database
        with checkpoint_deferred(conn), transaction(conn):
            # looked up inside the write transaction, so two kt's importing the same file at once
            # cannot both miss the other's import
            earlier = store.find_import(conn, digest, listfile.sheet.name)
            listed_before: list[int] = []
            if earlier is not None and again:
                # What the earlier screening was told and the new command does not say again is kept.
                if kontor is None:
                    kontor = store.import_office(conn, earlier.id)
                if list_date is None and not earlier.listedato_kilde.startswith(FROM_TITLE):
                    # a date given then, or the day it was first screened: ages and weeks stay as they were
                    day = dt.date.fromisoformat(earlier.listedato)
                    source = (f"{GIVEN if earlier.listedato_kilde.startswith(GIVEN) else ASKED} forrige gang"
                              if earlier.listedato_kilde.startswith((GIVEN, ASKED))
                              else "dagen listen først ble screenet – fant ingen dato i filen")
                    result.list_date, result.list_date_source = day, source
                # The persons stay, with their kt-id and settings; only the list rows and decisions go.
                listed_before = store.delete_import(conn, earlier.id)
                audit.log(conn, veileder=veileder, handling="liste fjernet for ny screening", person=None,
                          detaljer=file_reference(result))
                earlier, result.replaced_earlier = None, True
            if earlier is None:
                result.kontor = kontor
                _import_rows(conn, listfile, result, region=region, day=day, source=source, digest=digest,
                             present=present, kontor=kontor, veileder=veileder, progress=progress, fylke=fylke,
                             other_fylke=other_fylke, in_worker=listfile.estimated_rows >= WORKER_MIN_ROWS if in_worker is None else in_worker)
                if result.rows_read == 0:  # rolls the import back: nothing to keep
                    raise InputError(f"{result.file}, ark «{result.sheet}»: listen har ingen rader under "
                                     f"overskriften (rad {result.header_row}).")
                store.forget_unlisted_persons(conn, listed_before)  # on the earlier screening, not on this one
                store.refresh_listed_persons(conn, listed_before)
            if given:
                column_choices.save(conn, kontor, given, veileder=veileder)
    except KeyboardInterrupt:  # the import is one transaction: rolled back, nothing of the list kept
        raise Interrupted("Avbrutt. Ingenting fra listen er lagret; kjør kommandoen på nytt.") from None
    if earlier is not None:
        _fill_from_earlier(conn, result, earlier)
        if earlier.listedato != day.isoformat() and list_date is not None:
            result.earlier_differs.append(f"listedato {day:%d.%m.%Y} (før: {result.list_date:%d.%m.%Y})")
        if earlier.fylke != "+".join(fylke.keys):
            result.earlier_differs.append(f"fylke {fylke.label}")
        audit.log(conn, veileder=veileder, handling="liste vist på nytt", person=None, detaljer=file_reference(result))
    return result


def _import_rows(conn: Db, listfile: ListFile, result: ScreenResult, *, region: Region,
                 day: dt.date, source: str, digest: str, present: frozenset[str], kontor: str | None,
                 veileder: str | None, progress: Progress | None, fylke: FylkeChoice, in_worker: bool,
                 other_fylke: bool = False) -> None:
    result.import_id = store.create_import(
        conn, sha256=digest, ark=listfile.sheet.name, filnavn=result.file, listedato=day.isoformat(),
        listedato_kilde=source, fylke="+".join(fylke.keys), veileder=veileder, kontor=kontor)
    people = PersonIds(conn)
    # the worker numbers the criterion results, from those stored now (see store.ResultIds)
    numbering = store.CriterionResults(conn).numbering()
    total = listfile.estimated_rows
    screener = Screener(day, present)
    kommuner = KommuneTally()
    # Rows, decisions and cleaned values make no reference cycles; without the cyclic collector
    # walking every new object, a long list takes ≈ 3 % less CPU time (200 000 rows, 3.12.2026).
    collecting = gc.isenabled()
    gc.disable()
    try:
        # a long list is cleaned and screened in a worker process while this one stores
        with page_cache(conn, LONG_LIST_CACHE_MB if total >= WORKER_MIN_ROWS else 2):
            batches = worker.stream(partial(_screen_rows, listfile, region, screener, batch_sizes(total), numbering),
                                    forked=in_worker)
            with closing(batches):  # on an error or Ctrl-C here, the worker is stopped at once
                for batch in batches:
                    kommuner.add(batch[0].columns.get("kommune", ()))
                    _store_batch(conn, people, batch, day, kontor, result)
                    if progress:
                        progress(result.rows_read, total)
    finally:
        if collecting:
            gc.enable()
    if not other_fylke:  # raised inside the import's transaction: nothing of the list is kept
        check_list_fylke(kommuner, fylke, where=f"{result.file}, ark «{result.sheet}»")
    result.decisions = dict(sorted(result.decisions.items()))  # counted as stored, in the order SQL gives
    if result.already_listed:  # results met only on rows not stored (they may quote a person's own figures)
        store.forget_unused_results(conn)
    # Only persons stored before can have been on an earlier list: none, on a first import.
    result.known_before = store.count_known_before(conn, result.import_id) if people.found else 0
    store.save_rejected(conn, result.import_id, [(e.sheet, e.row, e.column, e.reason) for e in result.rejected])
    store.finish_import(conn, result.import_id, rader_lest=result.rows_read, importerte=result.imported,
                        avviste=len(result.rejected))
    audit.log(conn, veileder=veileder, handling="liste importert og screenet", person=None,
              detaljer=f"{file_reference(result)}: {result.imported} importert, {len(result.rejected)} avvist")


@dataclass
class Screened:
    """A batch of good rows with their decisions, as columns (dates as ISO text): cheap to pass
    from the worker process, and stored a column at a time."""

    sheet: str
    rows: list[int]  # the spreadsheet's row numbers
    columns: dict[str, list]  # ListRow field → one value per row (the fields the list has)
    fylke: list[str]
    version: list[str]
    decision: list[str]
    weeks: list[int]
    age: list[int]
    resultater: list[str]  # each decision's criterion results as stored (store.ResultIds)
    new_results: list[tuple[int, str, str, str]]  # results first met in this batch, with their new ids
    error_cells: int = 0  # cells of the batch holding an Excel error


def batch_sizes(total: int, size: int = BATCH_ROWS) -> Iterator[int]:
    """How many sheet rows each batch takes, for a list of about `total` rows: `size`, but
    smaller first and last. The worker cleans while this process stores, at about the same
    pace: this process waits for the worker's first batch, and the worker is done while this
    process stores the last one, so those two are small."""
    first, last = [size // 5, size * 2 // 5], [size // 2, size // 5]
    left = total - sum(first)
    yield from first
    while left > size + sum(last):
        yield size
        left -= size
    if left > sum(last):
        yield left - sum(last)
    yield from last
    yield from repeat(size)  # the sheet's height is an estimate: any rows beyond it


def _screen_rows(listfile: ListFile, region: Region, screener: Screener, sizes: Iterable[int],
                 numbering: store.ResultIds) -> Iterator[tuple[Screened, list[RowError]]]:
    """Clean and screen the list a batch at a time, batches of `sizes` sheet rows: (the good
    rows screened, the rejected rows)."""
    rules_for = Computed(region.for_kommune)
    iso = Computed(lambda day: day.isoformat() if day is not None else None)  # one text per date, shared
    for batch in listfile.batches(sizes):
        columns = batch.columns
        fylker, versions, decisions, results, weeks, ages = _screen_batch(
            batch, list(map(rules_for.__getitem__, columns.get("kommune") or [None] * len(batch.rows))), screener)
        for name in ("sykmeldt_fom", "sykmeldt_tom"):
            if name in columns:
                columns[name] = list(map(iso.__getitem__, columns[name]))
        stored = numbering.encode_numbers(list(results.values()), screener.results, len(batch.rows))
        columns.pop("feil", None)  # used in screening; not stored
        yield Screened(batch.sheet, batch.rows, columns, fylker, versions, decisions, weeks, ages,
                       stored, numbering.take_new(), batch.error_cells), batch.rejected


def _screen_batch(batch: CleanBatch, rulesets: list[RuleSet], screener: Screener) -> tuple:
    """Each row under its own rules, as columns: fylke, rule version, decision, results
    (criterion → one per row, None where the row's rules do not have it), weeks and age."""
    groups = {id(rules): rules for rules in rulesets}
    count = len(rulesets)
    if len(groups) <= 1:  # the usual case: the whole batch under one fylke's rules
        if not rulesets:
            return [], [], [], {}, [], []
        rules = rulesets[0]
        return [rules.fylke] * count, [rules.version] * count, *screener.screen_columns(batch.columns, rules, batch.row)
    # An old fylke's successors: each one's rows screened apart and put back in place.
    fylker: list[Any] = [None] * count
    versions: list[Any] = [None] * count
    decisions: list[Any] = [None] * count
    weeks: list[Any] = [None] * count
    ages: list[Any] = [None] * count
    results: dict[str, list] = {}
    for rules in groups.values():
        where = [index for index, other in enumerate(rulesets) if other is rules]
        part = {name: [column[index] for index in where] for name, column in batch.columns.items()}
        found = screener.screen_columns(part, rules, partial(_row_at, batch, where))
        for index, decision, week, age in zip(where, found[0], found[2], found[3]):
            fylker[index], versions[index], decisions[index], weeks[index], ages[index] = (
                rules.fylke, rules.version, decision, week, age)
        for name, column in found[1].items():
            target = results.setdefault(name, [None] * count)
            for index, result in zip(where, column):
                target[index] = result
    return fylker, versions, decisions, {name: results[name] for name in CRITERIA if name in results}, weeks, ages


def _row_at(batch: CleanBatch, where: list[int], index: int) -> ListRow:
    return batch.row(where[index])


def _store_batch(conn: Db, people: PersonIds, batch: tuple[Screened, list[RowError]],
                 day: dt.date, kontor: str | None, result: ScreenResult) -> None:
    screened, rejected = batch
    result.rejected += rejected
    result.rows_read += len(screened.rows) + len(rejected)
    result.error_cells += screened.error_cells
    changed = store.save_results(conn, screened.new_results)
    if changed:  # ids another writer took meanwhile: from now on, every batch may use them
        result.renumbered.update(changed)
    if not screened.rows:
        return
    columns = screened.columns
    count = len(screened.rows)
    listedato = day.isoformat()
    offices = columns.get("kontor") or [None] * count
    if kontor:
        offices = [own or kontor for own in offices]
    fnrs = columns["fnr"]
    ids = people.resolve(fnrs, columns.get("navn") or [None] * count, screened.fylke, offices)
    person_ids = list(map(ids.__getitem__, fnrs))
    seen = result._first_rows
    if not seen.keys().isdisjoint(person_ids) or len(set(person_ids)) != count:
        # the same person twice on this list: one appearance, the first; the summary names both rows
        keep = []
        for index, person in enumerate(person_ids):
            first = seen.get(person)
            if first is None:
                seen[person] = screened.rows[index]
                keep.append(index)
            else:
                result.duplicates.append((screened.sheet, first, screened.rows[index]))
        screened = _only(screened, keep)
        columns, count, offices = screened.columns, len(keep), [offices[index] for index in keep]
        person_ids = [person_ids[index] for index in keep]
        if not count:
            return
    else:
        seen.update(zip(person_ids, screened.rows))
    rows: Iterable[tuple[Any, ...]] = zip(person_ids, repeat(result.import_id), repeat(screened.sheet), screened.rows, repeat(listedato),
               screened.fylke, offices, *(columns.get(name, repeat(None)) for name in store.ROW_VALUE_COLUMNS),
               screened.version, screened.decision, screened.weeks, screened.age,
               store.renumber(screened.resultater, result.renumbered) if result.renumbered else screened.resultater)
    decisions = screened.decision
    if people.found_last:  # persons stored before: an earlier version of this list may have them
        listed = store.already_listed(conn, person_ids, listedato, result.import_id)
        if listed:
            rows = [row for row, person in zip(rows, person_ids) if person not in listed]
            decisions = [decision for decision, person in zip(decisions, person_ids) if person not in listed]
            result.already_listed += count - len(decisions)
    store.save_screened(conn, rows)
    result.imported += len(decisions)
    for decision, number in Counter(decisions).items():
        result.decisions[decision] = result.decisions.get(decision, 0) + number


def _only(screened: Screened, keep: list[int]) -> Screened:
    """The rows `keep` of a screened batch."""
    def pick(column: list) -> list:
        return [column[index] for index in keep]

    return Screened(screened.sheet, pick(screened.rows), {name: pick(column) for name, column in screened.columns.items()},
                    pick(screened.fylke), pick(screened.version), pick(screened.decision), pick(screened.weeks),
                    pick(screened.age), pick(screened.resultater), [], screened.error_cells)


def _fill_counts(conn: Db, result: ScreenResult) -> None:
    result.decisions = store.decision_counts(conn, result.import_id)
    result.known_before = store.count_known_before(conn, result.import_id)


def _fill_from_earlier(conn: Db, result: ScreenResult, earlier: store.StoredImport) -> None:
    """Report what the earlier import of the very same file found; nothing new is stored."""
    result.already_imported_at = earlier.importert
    result.import_id = earlier.id
    result.list_date = dt.date.fromisoformat(earlier.listedato)
    result.list_date_source = earlier.listedato_kilde
    result.rows_read = earlier.rader_lest
    result.imported = 0
    result.rejected = [RowError(result.file, *rejected) for rejected in store.rejected_rows(conn, earlier.id)]
    _fill_counts(conn, result)


def outcomes(conn: Db, import_id: int, *, everyone: bool = True, candidates_first: bool = True,
             limit: int | None = None, known_before: bool = True) -> Generator[PersonOutcome, None, None]:
    """Everyone on an import (or only candidates and persons to assess), candidates first or by
    row; the first `limit` of them (None: all). Without `known_before` (no one on the import was
    on an earlier one: `ScreenResult.known_before`), earlier lists are not looked for."""
    decisions = (KANDIDAT, MANUELL, IKKE_KANDIDAT) if everyone else (KANDIDAT, MANUELL)
    criteria = store.CriterionResults(conn)
    # Almost every person has a set of results of their own (some quote the person's figures), but
    # a long list has only a few hundred distinct results: whether each one is a reason for each
    # decision is worked out once, and a person's reasons are looked up from the stored ids as text.
    reason_for = {decision: Computed(partial(_deciding_reason, criteria, decision)) for decision in decisions}
    earlier = Computed(_earlier_text)
    interviewed = Computed(_interview_text)
    for row in store.import_outcomes(conn, import_id, decisions, candidates_first=candidates_first, limit=limit,
                                     details=False, earlier=known_before):
        reasons = [reason for reason in map(reason_for[row.beslutning].__getitem__, row.resultater[1:-1].split(","))
                   if reason is not None]
        yield PersonOutcome(
            row.kort_id, row.ark, row.rad, row.beslutning, reasons,
            mask_fnr(row.fnr), row.navn, row.kontor, row.uker_sykmeldt, row.grad,
            row.diagnose[0] if row.diagnose else None,
            earlier[row.tidligere_dato, row.tidligere_beslutning] if row.tidligere_dato else None,
            interviewed[row.kartlagt, row.samtaledato] if row.kartlegging_endret else None)


def _deciding_reason(criteria: store.CriterionResults, decision: str, number: str) -> str | None:
    """The reason a stored result (its id as text) gives for `decision`, or None if it gives none."""
    if not number.strip():
        return None  # "[]": a decision without results
    found = deciding_reasons(decision, [criteria.result(int(number))])
    return found[0] if found else None


def _earlier_text(key: tuple[str, str | None]) -> str:
    """«på liste 28.02.2022 (ikke kandidat)»: the person's latest earlier list."""
    day, decision = key
    verdict = f" ({decision.replace('_', ' ')})" if decision else ""
    return f"på liste {dt.date.fromisoformat(day):%d.%m.%Y}{verdict}"


def _interview_text(key: tuple[str | None, str | None]) -> str:
    """«kartlagt 10.03.2022» (level 1 completed: the day of the conversation, the day it was
    registered only when that is not known) or «under kartlegging»."""
    completed, held = key
    if not completed:
        return "under kartlegging"
    return f"kartlagt {dt.date.fromisoformat((held or completed)[:10]):%d.%m.%Y}"
