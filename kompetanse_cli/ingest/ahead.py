"""Loading a spreadsheet in a background thread while kt starts (`kt screen` on a long list).

python-calamine releases the GIL while it parses a sheet, so the load (the longest single step
of `kt screen` on a long list) overlaps kt's own start-up: imports, the command line, opening
the database. This module is imported before anything else of kt, so it imports nothing but the
standard library and the reader: every millisecond spent here is spent before the load starts.
`readers.open_sheets` takes what was loaded; any other file, or one that changed meanwhile, is
read as usual.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Any
import zipfile
from xml.etree import ElementTree

import python_calamine

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
THREAD_NAME = "kt-les-på-forhånd"

# A workbook, its parsed sheets: (name, sheet), the sheet None where it has no cells (a chart), and
# each xlsx sheet's error cells: (row, column) counted from 0 → the error as Excel shows it (#N/A …)
Loaded = tuple[python_calamine.CalamineWorkbook, list[tuple[str, "python_calamine.CalamineSheet | None"]],
               dict[str, dict[tuple[int, int], str]]]

# calamine holds a sheet as a rectangle of 32-byte cells from A1 to its last row and column: a single
# cell at XFD1048576 asks for 512 GB and aborts the process. Checked in the file before calamine reads it.
MAX_CELLS = 20_000_000
MAX_PART_BYTES = 512 << 20  # a sheet's XML, unpacked
MAX_STRINGS_BYTES = 64 << 20  # the workbook's shared texts, unpacked: a list of names is a few MB
# A sheet or its texts unpacking to more than this, from a file packed far tighter than a list packs
# (a 200 000-row list packs about 8:1), is text repeated to fill memory: refused.
PACKED_BYTES = 16 << 20
MAX_PACKING = 50
_CHUNK = 1 << 20
_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension ref=\"(?:[A-Z]{1,3}\d+:)?([A-Z]{1,3})(\d{1,7})\"")
_ROW_RE = re.compile(rb"<row [^>]*?\br=\"(\d+)\"")
_FAR_ROW_RE = re.compile(rb" r=\"[A-Z]{0,3}(\d{7,})\"")  # a row or cell past row 999 999
_WIDE_CELL_RE = re.compile(rb" r=\"([A-Z]{2,3})\d")
_ERROR_CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?\bt=\"e\"[^>]*)>")
_REF_RE = re.compile(rb"\br=\"([A-Z]{1,3})(\d{1,7})\"")
_VALUE_RE = re.compile(rb"<(?:\w+:)?v>([^<]{1,20})<")


class Unsafe(Exception):
    """A workbook kt will not hand to the reader: `message` says why, in Norwegian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def column_number(letters: str) -> int:
    """`A` → 1, `AD` → 30, `XFD` → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def inspect_xlsx(path: str) -> dict[str, str]:
    """Check an xlsx workbook's sheets before calamine loads them: raises Unsafe for a sheet that
    would take more memory than a list can need (from the size the sheet states at its head, or
    failing that from its cells). Returns sheet name → the sheet's XML part, for `scan_errors`."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return {}  # not a zip (an old .xls saved as .xlsx): calamine says what it is
    with archive:
        try:
            parts = _sheet_parts(archive)
        except (KeyError, ElementTree.ParseError, ValueError):
            return {}
        for info in archive.infolist():
            texts = info.filename.endswith("sharedStrings.xml")
            if (texts and info.file_size > MAX_STRINGS_BYTES or info.filename.startswith("xl/")
                    and info.file_size > PACKED_BYTES and info.file_size > MAX_PACKING * max(info.compress_size, 1)):
                raise Unsafe(f"arbeidsboken pakker seg ut til {info.file_size >> 20} MB tekst fra "
                             f"{max(info.compress_size >> 10, 1)} kB; en ukeliste er langt mindre og pakker seg ikke "
                             "slik (er det samme tekst gjentatt?)")
        scans: dict[str, str] = {}
        for name, part in parts.items():
            try:
                info = archive.getinfo(part)
            except KeyError:
                continue
            if info.file_size > MAX_PART_BYTES:
                raise Unsafe(f"arket «{name}» er {info.file_size >> 20} MB pakket ut "
                             f"(grensen er {MAX_PART_BYTES >> 20} MB)")
            if not _dimension_fits(archive, part, name):
                _scan_sheet(archive, part, name)  # no size in the sheet's head: every cell looked at first
            scans[name] = part
    return scans


def _dimension_fits(archive: zipfile.ZipFile, part: str, name: str) -> bool:
    """Whether the sheet states its size (`<dimension ref="A1:L5003"/>`, at its head); raises Unsafe
    when that size is too large to load."""
    with archive.open(part) as stream:
        head = stream.read(8192)
    found = _DIMENSION_RE.search(head)
    if found is None:
        return False
    column, row = column_number(found.group(1).decode()), int(found.group(2))
    _check_size(name, row, column)
    return True


def _check_size(name: str, last_row: int, last_column: int) -> None:
    if last_row * last_column > MAX_CELLS:
        where = f"{_letters(last_column)}{last_row}"
        raise Unsafe(f"arket «{name}» har en celle helt ned i {where}: det ville krevd "
                     f"{max(last_row * last_column * 32 >> 30, 1)} GB minne å lese. Slett de tomme radene "
                     "og kolonnene under og til høyre for listen og lagre filen på nytt")


def scan_errors(path: str, parts: dict[str, str]) -> dict[str, dict[tuple[int, int], str]]:
    """Each sheet's error cells (calamine reads them as empty), checking the cells' positions too."""
    with zipfile.ZipFile(path) as archive:
        return {name: _scan_sheet(archive, part, name) for name, part in parts.items()}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the sheet's XML part, from the workbook and its relations."""
    namespace = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in workbook.iterfind("m:sheets/m:sheet", namespace):
        target = targets.get(sheet.get(relation), "")
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return parts


def _scan_sheet(archive: zipfile.ZipFile, part: str, name: str) -> dict[tuple[int, int], str]:
    last_row, last_column = 0, 26  # the column bound when no cell beyond Z is found
    errors: dict[tuple[int, int], str] = {}
    tail = b""
    with archive.open(part) as stream:
        while True:
            block = stream.read(_CHUNK)
            if not block:
                break
            text = tail + block
            tail = text[-2048:]
            # rows come in order: the chunk's last row tag, and any cell a million rows down
            start = text.rfind(b"<row ")
            found = _ROW_RE.search(text, start) if start >= 0 else None
            if found:
                last_row = max(last_row, int(found.group(1)))
            far = _FAR_ROW_RE.findall(text)
            if far:
                last_row = max(last_row, *map(int, far))
            if _WIDE_CELL_RE.search(text):
                last_column = max(last_column, *(column_number(c.decode()) for c in set(_WIDE_CELL_RE.findall(text))))
            _check_size(name, last_row, last_column)
            if b't="e"' in text:
                for match in _ERROR_CELL_RE.finditer(text):
                    ref = _REF_RE.search(match.group(1))
                    if ref is None:
                        continue
                    value = _VALUE_RE.search(text, match.end(), match.end() + 4096)
                    shown = value.group(1).decode("ascii", "replace") if value else "#FEIL"
                    errors[int(ref.group(2)) - 1, column_number(ref.group(1).decode()) - 1] = shown
    return errors


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def load(path: str) -> Loaded:
    """Open a workbook and parse every sheet. Raises Unsafe for a workbook too large to load, and
    calamine's own errors for a file it cannot read."""
    parts = inspect_xlsx(path) if path.lower().endswith((".xlsx", ".xlsm")) else {}
    # the error cells are looked for while calamine parses (both mostly outside the GIL: unzipping, Rust)
    scan: dict[str, Any] = {}
    scanner = threading.Thread(target=_scan_into, args=(path, parts, scan), name=THREAD_NAME + "-feil", daemon=True)
    if parts:
        scanner.start()
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        sheets: list[tuple[str, python_calamine.CalamineSheet | None]] = []
        for name in list(workbook.sheet_names):
            try:
                sheets.append((name, workbook.get_sheet_by_name(name)))
            except Exception:  # noqa: BLE001 - chart sheets and the like have no cells
                sheets.append((name, None))
    finally:
        if parts:
            scanner.join()
    if isinstance(scan.get("error"), Unsafe):
        raise scan["error"]
    return workbook, sheets, scan.get("found", {})


def _scan_into(path: str, parts: dict[str, str], into: dict[str, Any]) -> None:
    try:
        into["found"] = scan_errors(path, parts)
    except Unsafe as error:
        into["error"] = error
    except Exception:  # noqa: BLE001 - a damaged part: calamine says what is wrong with the file
        into["found"] = {}


def identity(path: str) -> tuple[object, ...] | None:
    """Which file, and which version of it: a file changed or replaced after it was read ahead is
    read again (the inode and change time catch a copy that kept the old modification time)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size)


class _Pending:
    """A spreadsheet being loaded in a background thread, and what came of it."""

    def __init__(self, path: str) -> None:
        self.identity = identity(path)
        self.loaded: Loaded | None = None
        self.thread = threading.Thread(target=self._load, args=(path,), name=THREAD_NAME, daemon=True)

    def _load(self, path: str) -> None:
        try:
            self.loaded = load(path)
        except Exception:  # noqa: BLE001 - open_sheets() reads the file again and reports the error
            self.loaded = None


_pending: _Pending | None = None


def start(path: str) -> None:
    """Start loading a spreadsheet in a background thread (not a CSV file, nor a missing one)."""
    global _pending
    if not path.lower().endswith(SPREADSHEET_SUFFIXES) or not os.path.isfile(path):
        return
    _pending = _Pending(path)
    _pending.thread.start()


def take(path: str) -> Loaded | None:
    """What was loaded for `path`, if that is the file that was read ahead. Always waits for the
    thread first: `kt screen` forks a worker later, and no thread may be running then."""
    global _pending
    pending, _pending = _pending, None
    if pending is None:
        return None
    pending.thread.join()
    if pending.loaded is None or pending.identity != identity(path):
        return None
    return pending.loaded
