"""Opening list files: spreadsheets through python-calamine, CSV through the csv module.

A reader gives sheet names and, per sheet, an iterator of rows (lists of cells) that
starts at the sheet's first row, so that row numbers are the ones the spreadsheet shows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any
from dataclasses import dataclass
from pathlib import Path

from kompetanse_cli.errors import InputError
from kompetanse_cli.ingest import ahead
from kompetanse_cli.ingest.columns import header_score

SPREADSHEET_SUFFIXES = set(ahead.SPREADSHEET_SUFFIXES)
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
CSV_DELIMITERS = (";", ",", "\t")
CSV_FIELD_LIMIT = 1 << 20  # a cell of a million characters is garbage, but garbage gets a clear error
SAMPLE_LINES = 40


@dataclass
class Sheet:
    """One sheet: its name, an estimate of its row count and a way to iterate its rows."""

    name: str
    height: int
    _rows: Any  # the rows, or a function that gives them (calamine's iter_rows)

    def rows(self) -> Iterator[list[object]]:
        return iter(self._rows() if callable(self._rows) else self._rows)


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
        except Exception:  # calamine raises its own error types for corrupt files
            raise InputError(
                f"{path.name}: filen kan ikke leses som regneark (skadet, passordbeskyttet eller feil filtype).",
                hint="Åpne filen i Excel og lagre den på nytt som .xlsx.",
            ) from None
    return [Sheet(name=name, height=sheet.total_height + 1, _rows=sheet.iter_rows)
            for name, sheet in loaded[1] if sheet is not None]


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
