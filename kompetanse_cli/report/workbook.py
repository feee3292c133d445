"""Writing workbooks a veileder can work in (openpyxl).

Ids and fødselsnummer are text, dates are real dates, the header is frozen, and any cell text
a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, and tab/CR tricks) is neutralised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kompetanse_cli.files import write_private

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
MAX_WIDTH = 60


def neutralise(text: str) -> str:
    """Text safe to put in a cell: no control characters a workbook cannot hold, and text that a
    spreadsheet would treat as a formula gets a leading `'`.

    openpyxl stores strings as strings, but Excel re-evaluates `=…` when a user edits the cell,
    and CSV round-trips lose the type, so a leading `'` is added as OWASP recommends.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass
class Column:
    title: str
    kind: str = "text"  # text | date | int | percent (a fraction, 0.583 shown as 58,3 %)
    width: int | None = None


@dataclass
class SheetSpec:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    print_header: str | None = None  # printed at the top of every page, e.g. fylke and period


def write_workbook(path: Path, sheets: Sequence[SheetSpec]) -> None:
    """Write the sheets to `path` atomically (a temp file renamed into place)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        _write_sheet(workbook.create_sheet(spec.title[:31]), spec)
    write_private(path, workbook.save)


def _write_sheet(sheet, spec: SheetSpec) -> None:
    sheet.append([c.title for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(c.title) + 2 for c in spec.columns]
    for row_number, values in enumerate(spec.rows, start=2):
        for col_number, (column, value) in enumerate(zip(spec.columns, values), start=1):
            cell = sheet.cell(row=row_number, column=col_number)
            if value is None or value == "":
                continue
            if column.kind == "date" and isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "DD.MM.YYYY"
                shown = 10
            elif column.kind == "int" and isinstance(value, int):
                cell.value = value
                shown = len(str(value))
            elif column.kind == "percent" and isinstance(value, float):
                cell.value = value
                cell.number_format = "0.0 %"  # the decimal comma comes from the reader's locale
                shown = 7
            else:
                text = neutralise(str(value))
                cell.value = text
                cell.number_format = "@"
                shown = len(text)
            widths[col_number - 1] = max(widths[col_number - 1], min(shown + 2, MAX_WIDTH))
    for index, (column, width) in enumerate(zip(spec.columns, widths), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width or width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if spec.print_header:
        sheet.oddHeader.center.text = spec.print_header.replace("&", "&&")  # & starts a header code
        sheet.oddFooter.right.text = "Side &P av &N"
