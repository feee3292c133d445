"""Opening list files: spreadsheets through python-calamine, CSV through the csv module.

A reader gives sheet names and, per sheet, an iterator of rows (lists of cells) that
starts at the sheet's first row, so that row numbers are the ones the spreadsheet shows.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from kompetanse_cli.errors import InputError
from kompetanse_cli.ingest.columns import header_score

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
CSV_DELIMITERS = (";", ",", "\t")
CSV_FIELD_LIMIT = 1 << 20  # a cell of a million characters is garbage, but garbage gets a clear error
SAMPLE_LINES = 40


@dataclass
class Sheet:
    """One sheet: its name, an estimate of its row count and a way to iterate its rows."""

    name: str
    height: int
    _rows: object

    def rows(self) -> Iterator[list[object]]:
        return iter(self._rows() if callable(self._rows) else self._rows)


def open_sheets(path: Path) -> list[Sheet]:
    """All sheets of a list file. Raises InputError if the file cannot be read at all."""
    read_early = _take_read_ahead(path)
    if read_early is not None:
        return read_early
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


class _ReadAhead:
    """A spreadsheet being loaded in a background thread, and what came of it."""

    def __init__(self, path: Path) -> None:
        self.identity = _identity(path)
        self.sheets: list[Sheet] | None = None
        self.thread = threading.Thread(target=self._load, args=(path,), name="kt-les-på-forhånd", daemon=True)

    def _load(self, path: Path) -> None:
        try:
            self.sheets = _spreadsheet_sheets(path)
        except Exception:  # noqa: BLE001 - open_sheets() reads the file again and reports the error
            self.sheets = None


_read_ahead: _ReadAhead | None = None


def read_ahead(path: Path) -> None:
    """Start loading a spreadsheet in a background thread; `open_sheets(path)` takes the result.

    python-calamine releases the GIL while it parses a sheet, so the load (the longest single
    step of `kt screen` on a long list) overlaps kt's own start-up: imports, the command line,
    opening the database. Any other file, or one that changed meanwhile, is read as usual.
    """
    global _read_ahead
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES or not path.is_file():
        return
    _read_ahead = _ReadAhead(path)
    _read_ahead.thread.start()


def _take_read_ahead(path: Path) -> list[Sheet] | None:
    """The sheets read ahead for `path`, if that is the file that was read ahead. Always waits for
    the thread first: `kt screen` forks a worker later, and no thread may be running then."""
    global _read_ahead
    ahead, _read_ahead = _read_ahead, None
    if ahead is None:
        return None
    ahead.thread.join()
    if ahead.sheets is None or ahead.identity != _identity(path):
        return None
    return ahead.sheets


def _identity(path: Path) -> tuple[object, ...] | None:
    """Which file, and which version of it: a file changed or replaced after it was read ahead is
    read again (the inode and change time catch a copy that kept the old modification time)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (os.path.realpath(path), status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size)


def _spreadsheet_sheets(path: Path) -> list[Sheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception:  # calamine raises its own error types for corrupt files
        raise InputError(
            f"{path.name}: filen kan ikke leses som regneark (skadet, passordbeskyttet eller feil filtype).",
            hint="Åpne filen i Excel og lagre den på nytt som .xlsx.",
        ) from None
    sheets = []
    for name in names:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception:
            continue  # chart sheets and the like have no cells
        sheets.append(Sheet(name=name, height=sheet.total_height + 1, _rows=sheet.iter_rows))
    return sheets


def _csv_sheet(path: Path) -> Sheet:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    raw = path.read_bytes()
    text = _decode(raw)
    delimiter = _sniff_delimiter(text)
    height = text.count("\n") + 1

    def rows() -> Iterator[list[object]]:
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
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's «Unicode-tekst»), else cp1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
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
