"""`kt person ny` and `kt liste`: persons from outside the lists, and where everyone stands."""

from __future__ import annotations

import json
import sys

import typer
from rich.table import Table

from kompetanse_cli import config
from kompetanse_cli.cli.common import console, err_console, esc, no_date, open_db
from kompetanse_cli.errors import KtError, UsageError
from kompetanse_cli.formats import persons as persons_text
from kompetanse_cli.fylker import FYLKER, resolve_fylke
from kompetanse_cli.ingest import values

# The interview modules are imported in the commands that use them, so other commands start without them.

app = typer.Typer(help="Personer: registrer en som ikke står på en liste, finn kt-id-en fra fødselsnummeret, se alt som er lagret, sett målform.", no_args_is_help=True)


def _ask(label: str, parse, *, optional: bool = False):
    """Ask until `parse` accepts the answer; an empty answer is allowed when optional."""
    while True:
        text = console.input(f"{label}{' (valgfritt)' if optional else ''}: ").strip()
        if not text and optional:
            return None
        try:
            value = parse(text)
        except (values.ValueProblem, KtError) as problem:
            err_console.print(f"[red]{getattr(problem, 'reason', None) or getattr(problem, 'message', problem)}[/]")
            continue
        if value is None and not optional:
            err_console.print("[red]Feltet må fylles ut.[/]")
            continue
        return value


def _fylke(text: str) -> str:
    choice = resolve_fylke(text)
    if len(choice.keys) > 1:
        raise UsageError(f"{choice.note} Skriv ett av dem.")
    if choice.note:
        console.print(f"[cyan]Merk:[/] {choice.note}")
    return choice.keys[0]


@app.command("ny")
def ny() -> None:
    """Registrer en kandidat som ikke står på en liste (henvist av sykmelder, arbeidsgiver eller seg selv).

    Fødselsnummer og navn spørres om ved en ledetekst, aldri på kommandolinjen.

    Eksempel:

        kt person ny
    """
    from kompetanse_cli.interview.persons import parse_malform
    from kompetanse_cli.store import persons

    if not sys.stdin.isatty():
        raise UsageError("kt person ny trenger en terminal (fødselsnummer skrives ved ledeteksten).")
    veileder = config.veileder()
    fnr = _ask("Fødselsnummer (11 siffer)", values.parse_fnr)
    with open_db() as conn:
        known = persons.known_short_id(conn, fnr)
        if known is not None:
            console.print(f"Personen finnes allerede med id [bold]{known}[/].")
            return
        new = persons.NewPerson(
            fnr=fnr, navn=_ask("Navn", values.parse_text), fylke=_ask("Fylke", _fylke),
            kontor=_ask("NAV-kontor", values.parse_text),
            arbeidsgiver=_ask("Arbeidsgiver", values.parse_text, optional=True),
            sykmeldt_fom=_ask("Sykmeldt fra og med (dd.mm.åååå)", values.parse_date, optional=True),
            malform=_ask("Målform (bokmål/nynorsk)", parse_malform, optional=True) or "nb")
        short_id = persons.register(conn, new, veileder=veileder)
    console.print(f"Registrert med id [bold]{short_id}[/]. Start samtalen med: kt kartlegg {short_id}")


@app.command("finn")
def finn() -> None:
    """Finn kt-id-en til en person fra fødselsnummeret (spørres om ved en ledetekst, aldri på kommandolinjen).

    Eksempel:

        kt person finn
    """
    from kompetanse_cli.store import persons

    if not sys.stdin.isatty():
        raise UsageError("kt person finn trenger en terminal (fødselsnummeret skrives ved ledeteksten).")
    fnr = _ask("Fødselsnummer (11 siffer)", values.parse_fnr)
    with open_db() as conn:
        found = persons.find_by_fnr(conn, fnr, veileder=config.veileder())
    if found is None:
        console.print("Fant ingen person med det fødselsnummeret i kt. Registrer personen med `kt person ny`.")
        return
    short_id, navn = found
    console.print(f"[bold]{short_id}[/]  {esc(navn or '')}  (se `kt person vis {short_id}` eller `kt kartlegg {short_id}`)")


@app.command("malform")
def malform(
    person_id: str = typer.Argument(..., metavar="ID", help="kt-id for personen."),
    verdi: str = typer.Argument(..., metavar="MÅLFORM", help="bokmål (nb) eller nynorsk (nn)."),
) -> None:
    """Sett personens målform; referatet skrives på den (bokmål er standard).

    Eksempel:

        kt person malform k7m2x nynorsk
    """
    from kompetanse_cli.interview.persons import MALFORMER, parse_malform
    from kompetanse_cli.store import persons

    chosen = parse_malform(verdi)
    with open_db() as conn:
        short_id = persons.record_malform(conn, person_id, chosen, veileder=config.veileder())
    console.print(f"Målform for {short_id}: {MALFORMER[chosen]}.")


@app.command("vis")
def vis(person_id: str = typer.Argument(..., metavar="ID", help="kt-id for personen.")) -> None:
    """Vis alt kt har lagret om én person (fullt fødselsnummer; handlingen logges).

    Eksempel:

        kt person vis k7m2x
    """
    from kompetanse_cli.personvern.innsyn import SECTION_TITLES, TITLES, show_person

    with open_db() as conn:
        found = show_person(conn, person_id, veileder=config.veileder())
    for name, rows in found.sections.items():
        console.print(f"\n[bold]{SECTION_TITLES.get(name, name)}[/] ({len(rows)})")
        for row in rows:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="dim")
            grid.add_column(overflow="fold")
            for key, value in row.items():
                grid.add_row(TITLES.get(key, key), "" if value is None else esc(str(value)))
            console.print(grid)
            console.print()


def liste(
    fylke: str = typer.Option(None, "--fylke", "-f", help="Bare dette fylket."),
    kontor: str = typer.Option(None, "--kontor", help="Bare kontorer som inneholder denne teksten."),
    status: str = typer.Option(None, "--status", "-s", help="Bare denne statusen, f.eks. kartlagt eller aktuell."),
    som_json: bool = typer.Option(False, "--json", help="Skriv som JSON."),
) -> None:
    """Vis hvor alle står: listet, kandidat, kartlagt, aktuell, tiltak planlagt, gjennomført.

    Eksempler:

        kt liste --fylke agder

        kt liste --status aktuell --json
    """
    from kompetanse_cli.interview.overview import list_persons, parse_stage

    choice = resolve_fylke(fylke) if fylke else None
    stage = parse_stage(status) if status else None
    with open_db() as conn:
        rows = list(list_persons(conn, fylke=choice, kontor=kontor, stage=stage, veileder=config.veileder()))
    if som_json:
        sys.stdout.write(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        console.print("Ingen personer passer.")
        return
    table = Table(title=persons_text(len(rows)), title_justify="left")
    table.add_column("ID", no_wrap=True)
    table.add_column("Fødselsnr", no_wrap=True)
    table.add_column("Navn", ratio=2, overflow="fold")
    table.add_column("Fylke", ratio=1)
    table.add_column("Kontor", ratio=1, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Dato", no_wrap=True)
    for row in rows:
        table.add_row(row.id, row.fnr_masked, esc(row.navn or ""), FYLKER.get(row.fylke or "", row.fylke or ""),
                      esc(row.kontor or ""), row.stage, no_date(row.date))
    console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="person")
    root.command("liste")(liste)
