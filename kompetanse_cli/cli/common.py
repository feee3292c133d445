"""What every command shares: consoles, opening the database, parsing option values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape as esc  # noqa: F401 - user data must never be read as markup

from kompetanse_cli import config
from kompetanse_cli.errors import UsageError
from kompetanse_cli.formats import no_date, no_number  # noqa: F401 - re-exported for the commands
from kompetanse_cli.ingest.values import ValueProblem, parse_date
from kompetanse_cli.store import backend
from kompetanse_cli.store.api import Db

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


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

