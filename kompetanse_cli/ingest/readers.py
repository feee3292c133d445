"""Opening list files: spreadsheets through python-calamine, CSV through the csv module.

A reader gives sheet names and, per sheet, an iterator of rows (lists of cells) that
starts at the sheet's first row, so that row numbers are the ones the spreadsheet shows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

from kompetanse_cli.errors import InputError
from kompetanse_cli.ingest import ahead
from kompetanse_cli.ingest.columns import header_score

SPREADSHEET_SUFFIXES = set(ahead.SPREADSHEET_SUFFIXES)
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
CSV_DELIMITERS = (";", ",", "\t")
CSV_FIELD_LIMIT = 1 << 20  # a cell of a million characters is garbage, but garbage gets a clear error
SAMPLE_LINES = 40


MAX_MERGED_ROWS = 100_000  # a merged range taller than any list: refused rather than filled


@dataclass
class Sheet:
    """One sheet: its name, an estimate of its row count and a way to iterate its rows.

    `errors` holds the cells that hold an Excel error (row, column from 0 → `#N/A` …), which
    calamine reads as empty; `merged` the merged ranges ((row, column), (row, column)), whose
    value calamine gives only the first cell. Both are put in place as the rows are read."""

    name: str
    height: int
    _rows: Any  # the rows, or a function that gives them (calamine's iter_rows)
    hidden: bool = False
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def rows(self) -> Iterator[list[object]]:
        rows = iter(self._rows() if callable(self._rows) else self._rows)
        if not self.errors and not self.merged:
            return rows
        return self._filled(rows)

    def _filled(self, rows: Iterator[list[object]]) -> Iterator[list[object]]:
        """The rows with error cells as Excel shows them, and each merged range's value in every cell."""
        by_row: dict[int, list[tuple[int, int, int]]] = {}  # row → (first column, last column, first row)
        for (top, left), (bottom, right) in self.merged:
            for number in range(top, bottom + 1):
                by_row.setdefault(number, []).append((left, right, top))
        errors_by_row: dict[int, list[tuple[int, str]]] = {}
        for (number, column), shown in self.errors.items():
            errors_by_row.setdefault(number, []).append((column, shown))
        seen: dict[tuple[int, int], object] = {}  # a merged range's first cell → its value
        for number, cells in enumerate(rows):
            if number in errors_by_row or number in by_row:
                cells = list(cells)
                for column, shown in errors_by_row.get(number, ()):
                    if column < len(cells) and cells[column] in ("", None):
                        cells[column] = shown
                for left, right, top in by_row.get(number, ()):
                    if number == top:
                        seen[top, left] = cells[left] if left < len(cells) else None
                    value = seen.get((top, left))
                    for column in range(left, min(right + 1, len(cells))):
                        if number != top or column != left:
                            cells[column] = value
            yield cells


def open_sheets(path: Path) -> list[Sheet]:
    """All sheets of a list file. Raises InputError if the file cannot be read at all."""
    loaded = ahead.take(str(path))
    if loaded is not None:
        return _spreadsheet_sheets(path, loaded)
    if not path.exists():
        raise InputError(f"Fant ikke filen {path}.")
    if path.is_dir():
        raise InputError(f"{path} er en mappe, ikke en fil.")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _spreadsheet_sheets(path)
    if suffix in CSV_SUFFIXES:
        return [_csv_sheet(path)]
    raise InputError(
        f"{path.name}: ukjent filtype «{path.suffix or '(ingen)'}».",
        hint="kt leser .xlsx, .xls, .ods og .csv.",
    )


def _spreadsheet_sheets(path: Path, loaded: ahead.Loaded | None = None) -> list[Sheet]:
    """The sheets of a spreadsheet: as loaded ahead, or loaded now."""
    if loaded is None:
        try:
            loaded = ahead.load(str(path))
        except ahead.Unsafe as error:
            raise InputError(f"{path.name}: {error.message}.") from None
        except Exception:  # calamine raises its own error types for corrupt files
            raise InputError(
                f"{path.name}: filen kan ikke leses som regneark (skadet, passordbeskyttet eller feil filtype).",
                hint="Åpne filen i Excel og lagre den på nytt som .xlsx.",
            ) from None
    workbook, parsed, errors = loaded
    try:
        hidden = {meta.name for meta in workbook.sheets_metadata if not str(meta.visible).endswith(".Visible")}
    except Exception:  # noqa: BLE001 - a format without sheet states
        hidden = set()
    sheets = []
    for name, sheet in parsed:
        if sheet is None:
            continue
        first_column = sheet.start[1] if sheet.start else 0
        merged = [((top, left - first_column), (bottom, right - first_column))
                  for (top, left), (bottom, right) in (sheet.merged_cell_ranges or [])
                  if bottom > top]  # several rows; a title merged across columns needs nothing
        for (top, left), (bottom, _) in merged:
            if bottom - top > MAX_MERGED_ROWS:
                raise InputError(f"{path.name}, ark «{name}»: cellene {_ref(top, left + first_column)}:"
                                 f"{_ref(bottom, left + first_column)} er slått sammen over {bottom - top + 1} rader.",
                                 hint="Opphev sammenslåingen i Excel og fyll inn verdien på hver rad.")
        sheet_errors = {(row, column - first_column): shown
                        for (row, column), shown in errors.get(name, {}).items() if column >= first_column}
        sheets.append(Sheet(name=name, height=sheet.total_height + 1, _rows=sheet.iter_rows, hidden=name in hidden,
                            errors=sheet_errors, merged=merged))
    return sheets


def _ref(row: int, column: int) -> str:
    """A cell's name as Excel shows it: (0, 0) → A1."""
    letters, number = "", column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _csv_sheet(path: Path) -> Sheet:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    raw = path.read_bytes()
    text = _decode(raw)
    delimiter = _sniff_delimiter(text)
    height = text.count("\n") + 1

    def rows() -> Iterator[list[Any]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        while True:
            try:
                yield next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise InputError(f"{path.name}: CSV-filen kan ikke leses fra rad {reader.line_num} "
                                 "(en celle er altfor lang, eller sitering er ødelagt).") from None

    return Sheet(name=path.name, height=height, _rows=rows)


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with or without BOM (Excel's «Unicode-tekst»), else cp1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    head = raw[:4096]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # every other byte NUL: UTF-16 without its mark
        zeros_even = head[0::2].count(0)
        zeros_odd = head[1::2].count(0)
        return raw.decode("utf-16-be" if zeros_even > zeros_odd else "utf-16-le", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str) -> str:
    """The delimiter under which some line of the first lines reads best as a header."""
    sample = "\n".join(text.splitlines()[:SAMPLE_LINES])
    best, best_score = CSV_DELIMITERS[0], -1
    for delimiter in CSV_DELIMITERS:
        rows = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            score = max((header_score(row) for row in rows), default=0)
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = delimiter, score
    return best
