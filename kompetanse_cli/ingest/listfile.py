"""An office list as kt understands it: which sheet, which header row, which columns, and
its rows cleaned one by one into `ListRow`s or `RowError`s."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from importlib import resources
from pathlib import Path

from kompetanse_cli.errors import InputError, UsageError
from kompetanse_cli.ingest import values
from kompetanse_cli.ingest.columns import FIELD_LABELS, ColumnMap, confirm_weak, recognise
from kompetanse_cli.ingest.readers import CSV_SUFFIXES, Sheet, open_sheets

HEADER_SEARCH_ROWS = 30
# Column names kt recognises for the required fields, as a hint when one is missing
NAME_EXAMPLES = {"fnr": "«Fødselsnr», «Personident» eller «Fnr»",
                 "sykmeldt_fom": "«Sykmeldt fom», «Fra og med» eller «Sykmeldingsstart»"}
ROWS_AT_A_TIME = 1000  # rows() cleans this many at a time
_TITLE_DATE_RE = re.compile(r"\b(\d{1,2}\.\d{1,2}\.\d{4})\b")


@dataclass
class ListRow:
    """One person's row, cleaned. `row` is the row number the spreadsheet shows."""

    sheet: str
    row: int
    fnr: str
    sykmeldt_fom: dt.date
    navn: str | None = None
    sykmeldt_tom: dt.date | None = None
    grad: int | None = None
    diagnose: str | None = None
    arbeidsgiver: str | None = None
    orgnr: str | None = None
    yrke: str | None = None
    styrk: int | None = None
    kommune: str | None = None
    kontor: str | None = None
    tidligere_tilfeller: int | None = None
    sykepengedager_5ar: int | None = None
    feil: frozenset[str] | None = None  # fields whose cell held an Excel error (#N/A …): unknown, not empty


@dataclass
class RowError:
    """A rejected row: where, which column, and why (never the cell's content)."""

    file: str
    sheet: str
    row: int
    column: str
    reason: str

    def describe(self) -> str:
        return f"{self.file}, ark «{self.sheet}», rad {self.row}, kolonne «{self.column}»: {self.reason}"


@dataclass
class CleanBatch:
    """One batch of a list cleaned column by column: the good rows as columns (in sheet order),
    and the rejected rows. Kept as columns, the rows can be screened and stored a column at a
    time, with the per-value work done once per distinct value and the rest in C (map, zip)."""

    sheet: str
    rows: list[int]  # the spreadsheet's row number of each good row
    columns: dict[str, list[Any]]  # ListRow field → one value per good row (the fields the list has)
    rejected: list[RowError]
    error_cells: int = 0  # cells holding an Excel error (#N/A …), in good and rejected rows

    @property
    def rows_read(self) -> int:
        """Rows with anything in them: the good and the rejected."""
        return len(self.rows) + len(self.rejected)

    def row(self, index: int) -> ListRow:
        """The good row at `index` as a ListRow."""
        return ListRow(sheet=self.sheet, row=self.rows[index],
                       **{name: values_[index] for name, values_ in self.columns.items()})

    def items(self) -> list[ListRow | RowError]:
        """Good and rejected rows alike, in sheet order."""
        good = [self.row(index) for index in range(len(self.rows))]
        return sorted([*good, *self.rejected], key=lambda item: item.row)


@dataclass
class ListFile:
    """An opened list: the chosen sheet, where its header is, and what its columns mean."""

    path: Path
    sheet: Sheet
    header_row: int
    columns: ColumnMap
    title_date: dt.date | None
    other_sheets: list[str] = field(default_factory=list)
    sheet_note: str | None = None  # e.g. that the list is on a hidden sheet, or that a hidden one was passed over

    @property
    def estimated_rows(self) -> int:
        return max(self.sheet.height - self.header_row, 0)

    def has(self, name: str) -> bool:
        """Does the list have a column for this field?"""
        if name == "navn":
            return any(n in self.columns.fields for n in ("navn", "fornavn", "etternavn"))
        return name in self.columns.fields

    def batches(self, sizes: int | Iterable[int]) -> Iterator[CleanBatch]:
        """The list cleaned a batch at a time: batches of `sizes` sheet rows (one size for all, or
        one per batch; blank rows count, so that the batches are the same whatever the rows hold)."""
        cleaner = _ColumnCleaner(self)
        rows = itertools.islice(self.sheet.rows(), self.header_row, None)
        number = self.header_row
        for size in itertools.repeat(sizes) if isinstance(sizes, int) else sizes:
            chunk = list(itertools.islice(rows, size))
            if not chunk:
                return
            yield cleaner.clean(number + 1, chunk)
            number += len(chunk)

    def row_batches(self, sizes: int | Iterable[int]) -> Iterator[list[ListRow | RowError]]:
        """`batches`, each as its good and rejected rows in sheet order."""
        for batch in self.batches(sizes):
            yield batch.items()

    def rows(self) -> Iterator[ListRow | RowError]:
        """Clean every data row under the header; blank rows are skipped silently."""
        for batch in self.row_batches(ROWS_AT_A_TIME):
            yield from batch


def open_list(path: Path, *, sheet: str | None = None, by_hand: dict[str, str] | None = None) -> ListFile:
    """Open a list file and find the sheet and header row that hold the list. `by_hand` maps
    headers (as `normalize_header` leaves them) to fields, before recognition; a visible sheet
    is chosen over a hidden one."""
    sheets = open_sheets(path)
    if sheet is not None:
        chosen = [s for s in sheets if s.name.casefold() == sheet.casefold()]
        if not chosen:
            names = ", ".join(f"«{s.name}»" for s in sheets) or "(ingen)"
            raise UsageError(f"{path.name} har ikke noe ark som heter «{sheet}». Arkene er: {names}.")
        sheets_to_try = chosen
    else:
        sheets_to_try = sheets
    best: ListFile | None = None
    best_score = 0
    hidden_best: ListFile | None = None
    for candidate in sheets_to_try:
        found = _find_header(path, candidate, by_hand)
        if found is None:
            continue
        score = len(found.columns.fields)
        if candidate.hidden and sheet is None:
            if score > (len(hidden_best.columns.fields) if hidden_best else 0):
                hidden_best = found
            continue
        if score > best_score:
            best, best_score = found, score
    note = None
    if hidden_best is not None and len(hidden_best.columns.fields) >= 2:
        if best is None or best_score < 2 or best.columns.missing_required and not hidden_best.columns.missing_required:
            best, best_score = hidden_best, len(hidden_best.columns.fields)
            note = f"listen står på et skjult ark («{best.sheet.name}»); sjekk at det er riktig liste"
        else:
            note = (f"det skjulte arket «{hidden_best.sheet.name}» ser også ut som en liste, men er ikke brukt "
                    "(velg det med --ark)")
    if best is None or best_score < 2:
        where = f"arket «{sheets_to_try[0].name}»" if sheet else "noen av arkene"
        if not sheets or all(s.height <= 1 and _sheet_is_empty(s) for s in sheets_to_try):
            raise InputError(f"{path.name}: filen er tom.")
        hint = "Listen må ha en rad med kolonnenavn, f.eks. «Fødselsnr», «Sykmeldt fom», «Grad»."
        if path.suffix.lower() in CSV_SUFFIXES:
            hint += (" I en CSV-fil kan også skilletegnet være feil: kt leser semikolon, komma og tabulator. "
                     "Lagre filen fra Excel som «CSV (semikolondelt)».")
        raise InputError(f"{path.name}: fant ingen overskriftsrad med kjente kolonnenavn i {where}.", hint=hint)
    best.other_sheets = [s.name for s in sheets if s.name != best.sheet.name]
    best.sheet_note = note
    missing = best.columns.missing_required
    if missing:
        wanted = " og ".join(f"«{FIELD_LABELS[m]}»" for m in missing)
        found_names = ", ".join(f"«{h}»" for h in [*best.columns.headers.values(), *best.columns.ignored])
        raise InputError(
            f"{path.name}, ark «{best.sheet.name}»: mangler kolonne for {wanted}. "
            f"Fant kolonnene: {found_names}.",
            hint="Gi kolonnen et navn kt kjenner: " + "; ".join(f"for {FIELD_LABELS[m]} f.eks. {NAME_EXAMPLES[m]}"
                                                              for m in missing) + ".",
        )
    return best


def _sheet_is_empty(sheet: Sheet) -> bool:
    return all(all(values.is_blank(c) for c in row) for row in itertools.islice(sheet.rows(), 50))


def _find_header(path: Path, sheet: Sheet, by_hand: dict[str, str] | None = None) -> ListFile | None:
    """The row among the first ones that maps most fields; the rows above it are titles."""
    try:
        head = list(itertools.islice(sheet.rows(), HEADER_SEARCH_ROWS))
    except csv.Error:
        raise InputError(f"{path.name}: CSV-filen kan ikke leses (ødelagt sitering eller feil tegnsett).") from None
    best_index, best_map = -1, ColumnMap()
    for index, cells in enumerate(head):
        mapped = recognise(cells, by_hand)
        if len(mapped.fields) > len(best_map.fields):
            best_index, best_map = index, mapped
    if best_index < 0:
        return None
    below = head[best_index + 1:]
    confirm_weak(best_map, lambda column: [row[column] for row in below
                                           if column < len(row) and not values.is_blank(row[column])][:20])
    return ListFile(path=path, sheet=sheet, header_row=best_index + 1, columns=best_map,
                    title_date=_title_date(head[:best_index]))


def _title_date(title_rows: list[list[object]]) -> dt.date | None:
    """A date written in the title rows, e.g. «Uttak 07.03.2022»."""
    for cells in title_rows:
        for cell in cells:
            if isinstance(cell, dt.date):
                return cell.date() if isinstance(cell, dt.datetime) else cell
            match = _TITLE_DATE_RE.search(str(cell))
            if match:
                day, month, year = map(int, match.group(1).split("."))
                try:  # not values.parse_date: a date far ahead is found, so that it can be refused
                    return dt.date(year, month, day)
                except ValueError:
                    continue
    return None


@lru_cache(maxsize=1)
def styrk_titles() -> dict[str, int]:
    """Common job titles → STYRK-08 major group, from the table shipped with kt."""
    text = resources.files("kompetanse_cli.data").joinpath("styrk_titler.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines(), delimiter=";")
    return {row["tittel"].strip().lower(): int(row["hovedgruppe"]) for row in reader if row.get("tittel")}


class _ColumnCleaner:
    """Cleans a batch of rows a column at a time into a CleanBatch; a row with a bad cell is
    rejected, naming the first bad column.

    Offices repeat most values (dates, grades, codes, kommuner) thousands of times in a list,
    so every column but the fødselsnummer is cleaned once per distinct value, and a column of
    cells becomes a column of values through dictionary look-ups done in C.
    """

    # field → parser; fields not listed here are plain text
    PARSERS: dict[str, Callable[[Any], Any]] = {
        "fnr": values.parse_fnr,
        "sykmeldt_fom": values.parse_date,
        "sykmeldt_tom": values.parse_end_date,
        "grad": values.parse_grade,
        "diagnose": values.parse_icpc,
        "tidligere_tilfeller": values.parse_earlier,
        "sykepengedager_5ar": values.parse_count,
    }
    MEMO_LIMIT = 4096  # distinct values remembered per column; names and the like are mostly unique

    def __init__(self, listfile: ListFile) -> None:
        self.file = listfile.path.name
        self.sheet = listfile.sheet.name
        self.headers = listfile.columns.headers
        self.plan = [(name, index, self.PARSERS.get(name, values.parse_text))
                     for name, index in listfile.columns.fields.items()]
        self.parsers: dict[str, Callable[[Any], Any]] = {name: parse for name, _, parse in self.plan}
        self.fields = listfile.columns.fields
        self.memos: dict[tuple[str, type], _Memo] = {}  # (field, the type of its cells) → cell → value
        self.unique_texts: set[str] = set()  # text fields whose values mostly differ, row by row
        self.width = max((index for _, index, _ in self.plan), default=-1) + 1
        titles = styrk_titles()
        self.styrk = _Memo(lambda job: values.parse_styrk(job, titles))

    def clean(self, first_number: int, chunk: list[list[object]]) -> CleanBatch:
        """The rows of `chunk`, the first of which is row `first_number` of the sheet."""
        numbers, rows = [], []
        for number, cells in enumerate(chunk, start=first_number):
            if not _is_blank_row(cells):
                numbers.append(number)
                rows.append(cells)
        if rows and min(map(len, rows)) < self.width:  # a short CSV line
            rows = [[*cells, *([None] * (self.width - len(cells)))] for cells in rows]
        columns: dict[str, list[Any]] = {}
        bad: dict[int, tuple[str, str]] = {}  # row index → (field, reason): the first bad column
        unknown: dict[int, set[str]] = {}  # row index → fields whose cell held an Excel error
        error_cells = 0
        for name, index, parse in self.plan:
            cells = list(map(itemgetter(index), rows))
            if name == "fnr":
                found = self._fnr_column(cells, bad)
                if not values.ERROR_CELLS.isdisjoint(cells):
                    error_cells += sum(map(values.ERROR_CELLS.__contains__, cells))
            else:
                found = self._memo_column(name, cells, bad, unknown)
            columns[name] = found
        if unknown:
            error_cells += sum(map(len, unknown.values()))
            for index, names in unknown.items():
                if "sykmeldt_fom" in names:
                    bad.setdefault(index, ("sykmeldt_fom", values.error_reason(rows[index][self.fields["sykmeldt_fom"]])))
            columns["feil"] = [frozenset(unknown[index]) if index in unknown else None for index in range(len(rows))]
        fom = columns.get("sykmeldt_fom") or [None] * len(rows)
        if None in fom:
            for index, value in enumerate(fom):
                if value is None:
                    bad.setdefault(index, ("sykmeldt_fom", "dato for sykmeldingsstart mangler"))
        first, last = columns.pop("fornavn", None), columns.pop("etternavn", None)
        if first is not None or last is not None:
            first = first or [None] * len(rows)
            last = last or [None] * len(rows)
            columns["navn"] = [name if name is not None or not (given or family)
                               else " ".join(part for part in (given, family) if part)
                               for name, given, family in zip(columns.get("navn") or [None] * len(rows), first, last)]
        if "yrke" in columns:
            columns["styrk"] = list(map(self.styrk.__getitem__, columns["yrke"]))
            self.styrk.bound(self.MEMO_LIMIT)
        rejected = [RowError(self.file, self.sheet, numbers[index], self.headers[name], reason)
                    for index, (name, reason) in sorted(bad.items())]
        if bad:
            keep = [index for index in range(len(rows)) if index not in bad]
            numbers = [numbers[index] for index in keep]
            columns = {name: [column[index] for index in keep] for name, column in columns.items()}
        return CleanBatch(self.sheet, numbers, columns, rejected, error_cells)

    @staticmethod
    def _fnr_column(cells: list[object], bad: dict[int, tuple[str, str]]) -> list[object]:
        """Every fødselsnummer validated on its own: they are all different."""
        found: list[object] = []
        parse, today = values.parse_fnr, dt.date.today()
        for cell in cells:
            try:
                found.append(parse(cell, today))
            except values.ValueProblem as problem:
                bad.setdefault(len(found), ("fnr", problem.reason))
                found.append(None)
        return found

    def _memo_column(self, name: str, cells: list[Any], bad: dict[int, tuple[str, str]],
                     unknown: dict[int, set[str]]) -> list[Any]:
        # 1, 1.0 and True are equal as dictionary keys, but not the same cell: numbers of each
        # type are remembered apart, and a column mixing them is looked up by (type, cell).
        types = set(map(type, cells))
        kinds = types - _UNMIXED
        kind = kinds.pop() if len(kinds) == 1 else str if not kinds else tuple
        if name in self.unique_texts and values.ERROR_CELLS.isdisjoint(cells):
            found = _texts(cells, types)
            if found is not None:
                return found
        memo = self.memos.get((name, kind))
        if memo is None:
            memo = self.memos[name, kind] = _Memo(self.parsers[name])
        before = len(memo)
        found = list(map(memo.__getitem__, zip(map(type, cells), cells) if kind is tuple else cells))
        if self.parsers[name] is values.parse_text and len(memo) - before > len(cells) // 2:
            self.unique_texts.add(name)  # names and the like: cleaned directly from the next batch on
        if memo.rejected:
            for index, value in enumerate(found):
                if value.__class__ is _Rejected:
                    bad.setdefault(index, (name, str(value)))
                    found[index] = None
                elif value.__class__ is _ErrorCell:
                    unknown.setdefault(index, set()).add(name)
                    found[index] = None
        memo.bound(self.MEMO_LIMIT)
        return found


class _ErrorCell(str):
    """A remembered cell that held an Excel error (#N/A …): the error, as text."""


def _texts(cells: list[Any], types: set[type]) -> list[Any] | None:
    """`values.parse_text` of every cell, done in C, for a column of text (and empty cells) or of
    whole numbers (None for other columns): for columns whose values mostly differ, where
    remembering them would not pay."""
    if types <= _UNMIXED:
        if type(None) in types:
            cells = [cell if cell is not None else "" for cell in cells]
        if max(map(len, cells), default=0) > values.MAX_TEXT:
            return None  # cleaned one by one, so that the overlong cell's row is rejected
        found = list(map(" ".join, map(str.split, cells)))
        return [text or None for text in found] if "" in found else found
    if types == {float} and all(map(float.is_integer, cells)):
        return list(map(str, map(int, cells)))
    if types == {int}:
        return list(map(str, cells))
    return None


# Cell types that never equal one another as dictionary keys, whatever else a column holds.
_UNMIXED = frozenset({str, type(None)})


class _Memo(dict):
    """Cell → cleaned value, computing each new one once; a cell that cannot be used is
    remembered as a `_Rejected` reason. Keys are cells, or (type, cell)."""

    def __init__(self, parse: Callable[[Any], object]) -> None:
        super().__init__()
        self.parse = parse
        self.rejected = False  # whether any cell seen was rejected

    def __missing__(self, key: Any) -> object:
        value: object
        cell = key[1] if key.__class__ is tuple else key
        if cell.__class__ is str and cell in values.ERROR_CELLS:
            value = _ErrorCell(cell)
            self.rejected = True  # looked for with the rejected cells
            self[key] = value
            return value
        try:
            value = self.parse(cell)
        except values.ValueProblem as problem:
            value = _Rejected(problem.reason)
            self.rejected = True
        self[key] = value
        return value

    def bound(self, limit: int) -> None:
        """Forget everything once more than `limit` values are remembered (a column of names)."""
        if len(self) > limit:
            self.clear()
            self.rejected = False


class _Rejected(str):
    """A remembered cell that could not be used: the reason, as text. (Not the ValueProblem
    itself: through its traceback it would keep the row alive, and the import runs without the
    cyclic garbage collector.)"""


def _is_blank_row(cells: list[object]) -> bool:
    for cell in cells:  # a plain loop: this runs for every row, and stops at the first cell
        if not values.is_blank(cell):
            return False
    return True
