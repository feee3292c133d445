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
import threading

import python_calamine

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
THREAD_NAME = "kt-les-på-forhånd"

# A workbook and its parsed sheets: (name, sheet), the sheet None where it has no cells (a chart)
Loaded = tuple[python_calamine.CalamineWorkbook, list[tuple[str, "python_calamine.CalamineSheet | None"]]]


def load(path: str) -> Loaded:
    """Open a workbook and parse every sheet. Raises calamine's own errors for a file it cannot read."""
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    sheets: list[tuple[str, python_calamine.CalamineSheet | None]] = []
    for name in list(workbook.sheet_names):
        try:
            sheets.append((name, workbook.get_sheet_by_name(name)))
        except Exception:  # noqa: BLE001 - chart sheets and the like have no cells
            sheets.append((name, None))
    return workbook, sheets


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
