"""`kt oppgaver` (what is due), `kt person avslutt` (a candidate not to be contacted) and
`kt person finn --navn` (persons by name): the veileder's week."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typer

from kompetanse_cli import config
from kompetanse_cli.cli.common import console, esc, no_date, open_db, print_records
from kompetanse_cli.errors import UsageError
from kompetanse_cli.fylker import FYLKER, resolve_fylke


def oppgaver(
    kontor: str = typer.Option(None, "--kontor", help="Bare kontorer med dette i navnet (store/små bokstaver og æøå likegyldig)."),
    fylke: str = typer.Option(None, "--fylke", "-f", help="Bare dette fylket."),
    veileder: str = typer.Option(None, "--veileder", help="Bare personer denne NAV-identen har kartlagt eller screenet."),
    som_json: bool = typer.Option(False, "--json", help="Skriv som JSON: {\"oppgaver\": [{id, oppgave, frist, kontor, siden}]}."),
    ics: Path = typer.Option(None, "--ics", metavar="FIL", help="Skriv oppgavene som kalenderfil (.ics) med én hendelse per oppgave på fristen."),
    overskriv: bool = typer.Option(False, "--overskriv", help="Erstatt --ics-filen hvis den finnes fra før."),
) -> None:
    """Hva som skal gjøres, eldste frist først: én linje per person og oppgave.

    Oppgaver: kontakt (kandidat eller «må vurderes», ikke kartlagt), samtale (nivå 1 påbegynt),
    niva2 (aktuell, uten nivå 2 etter 14 dager), niva3 (planlagt slutt passert, uten nivå 3),
    referat (kartlagt, uten referat), oppfolging6 og oppfolging12 (måneder etter samtalen) og
    sykepenger (tiltaket varer lenger enn sykepengeperioden, som slutter innen 8 uker).
    Grensene endres med `kt config set oppgave_niva2_dager N` og `kt config set oppgave_sykepenger_uker N`.
    Kalenderfilen har bare kt-id og oppgave, aldri navn eller fødselsnummer.

    Eksempler:

        kt oppgaver

        kt oppgaver --kontor lister --veileder A123456

        kt oppgaver --ics oppgaver.ics

        kt oppgaver --json
    """
    from kompetanse_cli.interview.tasks import TASKS, due_tasks, write_calendar

    choice = resolve_fylke(fylke) if fylke else None
    if ics is not None:
        from kompetanse_cli.files import check_output

        if ics.suffix.lower() != ".ics":
            raise UsageError("--ics skriver en kalenderfil; gi filen endelsen .ics.")
        check_output(ics, replace=overskriv)
    with open_db() as conn:
        tasks = due_tasks(conn, fylke=choice, kontor=kontor, veileder_filter=veileder, veileder=config.veileder())
    if ics is not None:
        write_calendar(ics, tasks)
    if som_json:
        sys.stdout.write(json.dumps({"oppgaver": [t.as_dict() for t in tasks]}, ensure_ascii=False, indent=2) + "\n")
        return
    if ics is not None:
        console.print(f"Skrev {len(tasks)} {'oppgave' if len(tasks) == 1 else 'oppgaver'} til {esc(str(ics))}.")
        return
    if not tasks:
        console.print("Ingen oppgaver nå.")
        return
    today = dt.date.today()
    late = sum(1 for t in tasks if t.frist < today)
    title = f"{len(tasks)} {'oppgave' if len(tasks) == 1 else 'oppgaver'}" + (f", {late} over fristen" if late else "")
    rows = []
    for task in tasks:
        due = no_date(task.frist)
        rows.append([f"[red]{due}[/]" if task.frist < today else due, task.oppgave, task.id, task.fnr_masked,
                     esc(task.navn or ""), esc(task.kontor or ""), f"fra {no_date(task.siden)}{_days(task.siden, today)}"])
    print_records(title, ["Frist", "Oppgave", "ID", "Fødselsnr", "Navn", "Kontor", "Siden"], rows, lead=4,
                  no_wrap=(0, 1, 2, 3))
    console.print("[dim]" + " · ".join(f"{key}: {label.lower()}" for key, label in TASKS.items()
                                       if any(t.oppgave == key for t in tasks)) + "[/]")


def _days(since: dt.date, today: dt.date) -> str:
    days = (today - since).days
    return f" ({days} {'dag' if days == 1 else 'dager'})" if days > 0 else ""


def avslutt(
    person_id: str = typer.Argument(..., metavar="ID", help="kt-id for personen."),
    grunn: str = typer.Option(..., "--grunn", help="Hvorfor personen ikke blir kontaktet (ingen helseopplysninger)."),
) -> None:
    """Merk en kandidat som «ikke kontaktet», med en grunn: kontakt-oppgaven forsvinner fra `kt oppgaver`.

    Eksempel:

        kt person avslutt k7m2x --grunn "nådde ikke fram etter tre forsøk"
    """
    from kompetanse_cli.interview.tasks import close_contact

    with open_db() as conn:
        short_id = close_contact(conn, person_id, grunn=grunn, veileder=config.veileder())
    console.print(f"{short_id} er merket «ikke kontaktet»; kontakt-oppgaven er borte fra `kt oppgaver`.")


def find_by_name(navn: str, som_json: bool) -> None:
    """`kt person finn --navn TEKST`: matching persons with kt-id, masked number, office, last list date."""
    from kompetanse_cli.interview.finding import find_by_name as find

    with open_db() as conn:
        found = find(conn, navn, veileder=config.veileder())
    if som_json:
        sys.stdout.write(json.dumps({"persons": [p.as_dict() for p in found]}, ensure_ascii=False, indent=2) + "\n")
        return
    if not found:
        console.print("Fant ingen person med det i navnet.")
        return
    rows = [[person.id, person.fnr_masked, esc(person.navn or ""), esc(person.kontor or FYLKER.get(person.fylke or "", "")),
             no_date(person.last_list)] for person in found]
    print_records(f"{len(found)} {'person' if len(found) == 1 else 'personer'}",
                  ["ID", "Fødselsnr", "Navn", "Kontor", "Siste liste"], rows, lead=3, no_wrap=(0, 1))


def register(app: typer.Typer, person_app: typer.Typer) -> None:
    app.command("oppgaver")(oppgaver)
    person_app.command("avslutt")(avslutt)
