"""What every command shares: consoles, opening the database, parsing option values."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape as esc  # noqa: F401 - user data must never be read as markup

from kompetanse_cli import config
from kompetanse_cli.errors import UsageError
from kompetanse_cli.formats import no_date, no_number  # noqa: F401 - re-exported for the commands
from kompetanse_cli.ingest.values import ValueProblem, parse_date
from kompetanse_cli.store import db
from kompetanse_cli.store.api import Db

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@contextmanager
def open_db() -> Iterator[Db]:
    """The user's database, with any permission warnings shown on stderr."""
    conn, warnings = db.connect()
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

