"""What every command shares: consoles, opening the database, parsing option values."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from typing import Any
from contextlib import contextmanager

from rich.console import Console, ConsoleDimensions
from rich.cells import cell_len
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from rich.markup import escape as esc  # noqa: F401 - user data must never be read as markup

from kompetanse_cli import config
from kompetanse_cli.errors import UsageError
from kompetanse_cli.formats import no_date, no_number  # noqa: F401 - re-exported for the commands
from kompetanse_cli.ingest.values import ValueProblem, parse_date
from kompetanse_cli.store import backend
from kompetanse_cli.store.api import Db

NARROW = 80  # below this many columns a table becomes one block per record
WRAPPED_MIN = 24  # the least width a wrapping column of free text gets in a table
UNWRAPPED = 100_000  # the "width" of a file or a pipe: lines are as long as they are


class _Console(Console):
    """rich's console, except that output to a file or a pipe is never wrapped: rich would break
    it at 80 columns (or $COLUMNS), mid-word and with trailing spaces, which grep and editors hate."""

    @property
    def size(self) -> ConsoleDimensions:
        found = Console.size.fget(self)  # type: ignore[attr-defined]
        if not self.is_terminal:
            return ConsoleDimensions(UNWRAPPED, found.height)
        return found

    @size.setter
    def size(self, new: tuple[int, int]) -> None:
        Console.size.fset(self, new)  # type: ignore[attr-defined]

    def rule(self, title: Any = "", *, characters: str = "─", style: Any = "rule.line", align: Any = "center") -> None:
        """A heading line; in a file or a pipe a short one (rich draws it as wide as the console)."""
        if self.is_terminal:
            super().rule(title, characters=characters, style=style, align=align)
        else:
            self.print(f"{characters * 2} {title} {characters * 2}" if title else characters * 40)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        """In a file or a pipe, lines end where their text ends: rich pads table cells with spaces."""
        text = super()._render_buffer(buffer)
        if self.is_terminal:
            return text
        return "\n".join(line.rstrip(" ") for line in text.split("\n"))


console = _Console(highlight=False)
err_console = _Console(stderr=True, highlight=False)


@contextmanager
def open_db() -> Iterator[Db]:
    """The user's database, with any permission warnings shown on stderr."""
    conn, warnings = backend.connect()
    for warning in warnings:
        err_console.print(f"[yellow]Advarsel:[/] {warning}")
    try:
        yield conn
    finally:
        conn.close()


NO_IDENT = ("Hvem er veilederen? Sett NAV-identen din med `kt config set veileder A123456` "
            "(eller miljøvariabelen KT_VEILEDER).")


def require_veileder(*, ask: bool | None = None) -> str:
    """The veileder's NAV ident, needed wherever personal data is read or changed (the audit trail
    says who). Not set: asked for (and saved) at a terminal; refused in a script. `ask` overrides
    whether a terminal is there (kt kartlegg --svar never asks)."""
    ident = config.veileder()
    if ident:
        return ident
    if not (sys.stdin.isatty() if ask is None else ask):
        raise UsageError(NO_IDENT)
    while True:
        answer = console.input("Din NAV-ident (lagres, f.eks. A123456): ").strip()
        try:
            config.set_value("veileder", answer)
            return config.veileder() or answer
        except UsageError as error:
            err_console.print(f"[red]{esc(error.message)}[/]")


def parse_date_option(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        day = parse_date(text)
    except ValueProblem:
        day = None
    if day is None:
        raise UsageError(f"{option}: «{text}» er ikke en dato. Skriv datoen som dd.mm.åååå, f.eks. 07.03.2022.")
    return day


def fylke_name(given: str | None) -> tuple[str | None, str | None]:
    """The fylke a command was given, else the one in the settings: (name, hint for a bad name).
    A bad name from the settings says where it came from: the user did not type it just now."""
    if given:
        return given, None
    return config.load().get("fylke"), "Fylket er hentet fra innstillingene; endre det med `kt config set fylke agder`."



def is_narrow() -> bool:
    """A terminal too narrow for a table (a file or a pipe is not narrow: it gets whole lines)."""
    return console.is_terminal and console.width < NARROW


def print_records(title: str | None, headers: list[str], rows: list[list[str]], *, lead: int = 1,
                  no_wrap: tuple[int, ...] = (), wrap: tuple[int, ...] = ()) -> None:
    """Rows as a table in a terminal wide enough, else as lines that read well: in a narrow
    terminal a block per record (the first `lead` fields, then the rest on an indented line); in a
    file or a pipe one whole line per record, for grep. Cells are rich markup (escape user data).

    A table is used only when every cell fits on one line, except in the columns `wrap` (free
    text such as a reason), which may wrap between words."""
    if console.is_terminal and _fits(headers, rows, wrap):
        table = Table(title=title, title_justify="left")
        for number, header in enumerate(headers):
            table.add_column(header, no_wrap=number in no_wrap, ratio=1 if number in wrap else None)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    if title:
        console.print(f"[bold]{title}[/]")
    for row in rows:
        if console.is_terminal:  # a block: what identifies the record, then the rest indented (also when it wraps)
            head = "  ".join(cell for cell in row[:lead] if cell)
            if Text.from_markup(head).cell_len > console.width and lead > 1:  # e.g. a long question: under its number
                console.print(row[0])
                head = "  ".join(cell for cell in row[1:lead] if cell)
                console.print(Padding(Text.from_markup(head), (0, 0, 0, 4), expand=False))
            else:
                console.print(head)
            if row[lead:]:
                console.print(Padding(Text.from_markup(" · ".join(cell or "–" for cell in row[lead:])), (0, 0, 0, 4),
                                      expand=False))
        else:  # one whole line, for grep
            cells = [cell.replace("\n", " · ") for cell in row]
            rest = " · ".join(cell or "–" for cell in cells[lead:])
            console.print("  ".join(cell for cell in cells[:lead] if cell) + (f"  {rest}" if rest else ""))


def _fits(headers: list[str], rows: list[list[str]], wrap: tuple[int, ...]) -> bool:
    """Whether a bordered table of these cells fits the terminal with no cell broken (but `wrap`)."""
    if console.width < NARROW:
        return False
    widths = []
    for number, header in enumerate(headers):
        texts = [Text.from_markup(row[number]).plain for row in rows] + [header]
        lines = [line for text in texts for line in text.splitlines() or [""]]
        if number in wrap:
            longest_word = max((cell_len(word) for line in lines for word in line.split()), default=0)
            widths.append(max(longest_word, min(WRAPPED_MIN, max(map(cell_len, lines)))))
        else:
            widths.append(max(map(cell_len, lines)))
    return sum(widths) + 3 * len(widths) + 1 <= console.width  # «│ » before each cell and « » after, «│» at the end
