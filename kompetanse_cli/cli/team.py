"""`kt team`: setting up and upgrading the shared PostgreSQL database (its owner runs these)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from kompetanse_cli.cli.common import console
from kompetanse_cli.errors import InputError, UsageError

if TYPE_CHECKING:
    from kompetanse_cli.store.postgres import Target

team_app = typer.Typer(help="Team: felles PostgreSQL-database (eieren setter den opp).", no_args_is_help=True)


def _owner_connection() -> tuple[Any, Target]:
    """The raw connection and target, refused unless kt uses PostgreSQL and the caller owns the database."""
    from kompetanse_cli.store import backend, postgres

    url = backend.database_url()
    if url is None:
        raise UsageError("kt team gjelder bare en felles PostgreSQL-database; kt bruker nå SQLite.",
                         hint="Sett KT_DATABASE_URL (f.eks. service=kt-agder) eller `kt config set database …`.")
    raw = postgres.open_raw(url)
    owner = postgres.database_owner(raw)
    me = raw.execute("SELECT current_user").fetchone()[0]
    if me != owner:
        raw.close()
        raise InputError(f"Bare eieren av databasen ({owner}) kan sette opp og oppgradere kt sitt skjema; "
                         f"du er logget inn som {me}.",
                         hint=f"Be {owner} kjøre kommandoen.")
    return raw, postgres.target(url)


@team_app.command("opprett")
def opprett() -> None:
    """Sett opp kt sitt skjema i en tom PostgreSQL-database (første gang; bare databasens eier).

    Eksempel:

        KT_DATABASE_URL=service=kt-agder kt team opprett
    """
    from kompetanse_cli.store.postgres import schema

    raw, where = _owner_connection()
    try:
        version = schema.installed_version(raw)
        if version is not None:
            raise InputError(f"{where.sentence()} er allerede satt opp for kt (skjema {version}).",
                             hint="Bruk `kt team oppgrader` for å ta i bruk et nyere skjema.")
        run = schema.migrate(raw)
    finally:
        raw.close()
    console.print(f"Satt opp kt i {where.describe()}: skjema {run[-1].number} ({len(run)} migrering(er)).")


@team_app.command("oppgrader")
def oppgrader() -> None:
    """Ta i bruk et nyere kt-skjema i den felles databasen (bare databasens eier).

    Eksempel:

        kt team oppgrader
    """
    from kompetanse_cli.store.postgres import schema

    raw, where = _owner_connection()
    try:
        version = schema.installed_version(raw)
        if version is None:
            raise InputError(f"{where.sentence()} er ikke satt opp for kt.",
                             hint="Kjør `kt team opprett` først.")
        if version > schema.schema_version():
            raise InputError(f"Databasen har kt-skjema {version}, nyere enn denne kt kjenner "
                             f"({schema.schema_version()}).", hint="Oppdater kt.")
        run = schema.migrate(raw)
    finally:
        raw.close()
    if not run:
        console.print(f"Skjemaet er allerede oppdatert (skjema {version}).")
    else:
        console.print(f"Oppgradert fra skjema {version} til {run[-1].number}: "
                      + ", ".join(m.name for m in run) + ".")


def register(root: typer.Typer) -> None:
    root.add_typer(team_app, name="team")
