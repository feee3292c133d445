"""Personvern commands: innsyn, slett, rydd, logg, backup and gjenopprett."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typer

from kompetanse_cli import backuplist, config
from kompetanse_cli.cli.common import (
    console,
    err_console,
    esc,
    no_date,
    open_db,
    parse_date_option,
    print_records,
    require_veileder,
)
from kompetanse_cli.errors import UsageError, mask_numbers
from kompetanse_cli.formats import persons as persons_text
from kompetanse_cli.store.persons import looks_like_short_id, unknown_id
from kompetanse_cli.store import privacy as store

# The personvern modules (innsyn writes Excel) are imported in the commands that use them, so `kt` starts faster.


def _confirm(question: str, yes: bool) -> bool:
    """Ask ja/nei (default nei); `--ja` answers for scripts. Accepts j, ja, y, yes."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("Dette må bekreftes. Uten terminal: legg til --ja.")
    while True:
        reply = console.input(f"{question} \\[j/N] ").strip().lower()
        if reply in ("j", "ja", "y", "yes"):
            return True
        if reply in ("", "n", "nei", "no"):
            return False
        console.print("Svar j (ja) eller n (nei).")


def innsyn_cmd(
    person_id: str = typer.Argument(..., metavar="ID", help="kt-id for personen."),
    ut: Path = typer.Option(..., "--ut", help="Filen: .json eller .xlsx."),
    overskriv: bool = typer.Option(False, "--overskriv", help="Erstatt filen hvis den finnes fra før."),
) -> None:
    """Eksporter alt kt har lagret om én person (innsyn etter personvernforordningen).

    Med: listeoppføringer, screeningbeslutninger med begrunnelser, alle svar med historikk,
    brev som er laget, og loggen over hvem som har sett eller endret opplysningene.

    Eksempler:

        kt innsyn k7m2x --ut innsyn.xlsx

        kt innsyn k7m2x --ut innsyn.json
    """
    from kompetanse_cli.files import check_output
    from kompetanse_cli.personvern import innsyn

    check_output(ut, replace=overskriv)
    veileder = require_veileder()
    with open_db() as conn:
        found = innsyn.export_innsyn(conn, person_id, ut, veileder=veileder)
    console.print(f"Skrev innsyn for {found.short_id} til {ut}.")


def slett(
    person_id: str = typer.Argument(..., metavar="ID", help="kt-id for personen."),
    ja: bool = typer.Option(False, "--ja", help="Ikke spør om bekreftelse (for skript)."),
) -> None:
    """Slett alt om én person: listeoppføringer, screening, svar med historikk og brev.

    Loggen beholder at en sletting skjedde, av hvem og når, uten personopplysninger. Det `kt rapport`
    teller om personen, beholdes som anonyme tall per uke og kontor, så rapportens tall ikke endres.

    Eksempel:

        kt slett k7m2x
    """
    from kompetanse_cli.personvern import sletting

    with open_db() as conn:
        person = sletting.find_person(conn, person_id)  # an unknown id is said before anything is asked
        who = f"{esc(person.navn)} ({person.kort_id})" if person.navn else person.kort_id
        if not _confirm(f"Slette alt om {who}? Dette kan ikke angres.", ja):
            console.print("Ingenting er slettet.")
            return
        scrubbed = sletting.delete_person(conn, person.kort_id, veileder=config.veileder())
        copies = sletting.copies_of(conn)
    console.print(f"Alt om {person.kort_id} er slettet.")
    if copies:  # a restore deletes the person again, and `kt rydd` removes the copies in time
        console.print(f"[dim]Merk: {sletting.copies_text(len(copies))} (fra før en oppgradering eller "
                      "gjenoppretting) har fortsatt personen til `kt rydd` sletter dem; gjenopprettes en av dem, "
                      "slettes personen på nytt.[/]")
    own = backuplist.existing()  # the user's own `kt backup` copies: kt does not delete those
    if own:
        console.print(f"[dim]Merk: {len(own)} {'sikkerhetskopi' if len(own) == 1 else 'sikkerhetskopier'} du har tatt "
                      "med `kt backup`, kan fortsatt ha personen. Slett dem når de ikke trengs lenger (gjenopprettes "
                      "en av dem, slettes personen på nytt):[/]")
        for path in own:
            console.print(f"  {esc(mask_numbers(str(path)))}")
    if not scrubbed:
        err_console.print("[yellow]Advarsel:[/] en annen kt brukte databasen, så de slettede dataene kan ennå ligge "
                          "i loggfilen til databasen. Kjør `kt rydd` når ingen andre bruker kt.")


def rydd(
    vis: bool = typer.Option(False, "--vis", help="Vis hva som ville blitt slettet, uten å slette."),
    ja: bool = typer.Option(False, "--ja", help="Ikke spør om bekreftelse (for skript)."),
) -> None:
    """Slett det som har passert lagringstiden.

    Standard: personer som stod på en liste men aldri ble kartlagt, 3 måneder etter siste liste;
    alt om en person 12 måneder etter siste aktivitet; kopiene kt selv tar av databasen før en
    oppgradering eller gjenoppretting, etter 30 dager. Endres med `kt config set rydd_ikke_kartlagt_mnd N`,
    `kt config set rydd_inaktiv_mnd N` og `kt config set rydd_kopier_dager N`.
    Det `kt rapport` teller om de slettede, beholdes som anonyme tall per uke og kontor.

    Eksempler:

        kt rydd --vis

        kt rydd
    """
    from kompetanse_cli.personvern import sletting

    with open_db() as conn:
        plan = sletting.plan_retention(conn)
        console.print(f"Aldri kartlagt, siste liste før {no_date(plan.limit_not_interviewed)}: "
                      f"{persons_text(len(plan.never_interviewed))}")
        console.print(f"Ingen aktivitet siden før {no_date(plan.limit_inactive)}: {persons_text(len(plan.inactive))}")
        console.print(f"Kopier kt tok av databasen før en oppgradering eller gjenoppretting, fra før "
                      f"{no_date(plan.limit_copies)}: {len(plan.copies)}")
        for copy in plan.copies:
            console.print(f"  {esc(copy.name)}")
        if vis:
            console.print("[dim]Ingenting er slettet (--vis).[/]")
            return
        if plan.total == 0 and not plan.copies:
            sletting.scrub(conn)  # also finishes a `kt slett` that another kt's reading held back
            return
        what = " og ".join(part for part in (persons_text(plan.total) if plan.total else "",
                                             sletting.copies_text(len(plan.copies)) if plan.copies else "") if part)
        if not _confirm(f"Slette {what} for godt?", ja):
            console.print("Ingenting er slettet.")
            return
        done = sletting.apply_retention(conn, plan, veileder=config.veileder())
    gone = [persons_text(done.persons)] if plan.total or not done.copies else []
    console.print("Slettet " + " og ".join(gone + ([sletting.copies_text(done.copies)] if done.copies else [])) + ".")
    for copy in done.copies_left:
        err_console.print(f"[yellow]Advarsel:[/] kunne ikke slette {esc(str(copy))} (åpen i et annet program?). "
                          "Kjør `kt rydd` igjen senere.")


def logg(
    person: str = typer.Option(None, "--person", help="Bare oppføringer om denne kt-id-en."),
    fra: str = typer.Option(None, "--fra", help="Fra og med dato (dd.mm.åååå)."),
    til: str = typer.Option(None, "--til", help="Til og med dato (dd.mm.åååå)."),
    som_json: bool = typer.Option(False, "--json", help="Skriv som JSON."),
) -> None:
    """Vis loggen: hvem som har sett, eksportert, endret eller slettet opplysninger, og når.

    Eksempler:

        kt logg --person k7m2x

        kt logg --fra 01.03.2022 --til 31.03.2022
    """
    start = parse_date_option(fra, "--fra")
    end = parse_date_option(til, "--til")
    if person is not None and not looks_like_short_id(person):
        raise unknown_id(person)  # e.g. a fødselsnummer: said, never repeated
    with open_db() as conn:
        rows = store.audit_rows(conn, person=person.strip().lower() if person else None, fra=start.isoformat() if start else None,
                                til=(end + dt.timedelta(days=1)).isoformat() if end and end < dt.date.max else None)
    # entries written before kt kept free text out of the log may still hold a number: shown masked
    masked = [{**dict(r), "detaljer": mask_numbers(r["detaljer"]) if r["detaljer"] else r["detaljer"]} for r in rows]
    if som_json:
        entries = [{"id": r["id"], "time": r["tidspunkt"], "veileder": r["veileder"], "action": r["handling"],
                    "person": r["person"], "details": r["detaljer"]} for r in masked]
        sys.stdout.write(json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
        return
    print_records(f"{len(rows)} logginnslag", ["Tidspunkt", "Veileder", "Handling", "Person", "Detaljer"],
                  [[dt.datetime.fromisoformat(row["tidspunkt"]).strftime("%d.%m.%Y %H:%M"), row["veileder"] or "",
                    row["handling"], row["person"] or "", esc(row["detaljer"] or "")] for row in masked],
                  lead=2, no_wrap=(0, 1, 3), wrap=(4,))


def backup_cmd(
    fil: Path = typer.Argument(None, help="Filen for sikkerhetskopien (standard: kt-backup-ÅÅÅÅ-MM-DD.db i mappen "
                               "du står i).", show_default=False),
    overskriv: bool = typer.Option(False, "--overskriv", help="Erstatt filen hvis den finnes fra før."),
) -> None:
    """Ta en sikker kopi av databasen (kan kjøres mens kt er i bruk).

    Kopien inneholder helseopplysninger: oppbevar den like trygt som databasen.

    Eksempler:

        kt backup

        kt backup ~/sikker-mappe/kt-2022-03-07.db
    """
    from kompetanse_cli.personvern import backup

    backup.refuse_on_postgres("backup")
    veileder = require_veileder()  # a copy holds everyone: the log says who took it
    with open_db() as conn:
        written = backup.take_backup(conn, fil or backup.default_backup_name(), veileder=veileder,
                                     replace=overskriv)
    console.print(f"Sikkerhetskopi skrevet til {esc(str(written))}.", soft_wrap=True)


def gjenopprett(
    fil: Path = typer.Argument(..., help="Sikkerhetskopien.", show_default=False),
    ja: bool = typer.Option(False, "--ja", help="Ikke spør om bekreftelse (for skript)."),
) -> None:
    """Erstatt databasen med en sikkerhetskopi (etter bekreftelse).

    Eksempel:

        kt gjenopprett ~/sikker-mappe/kt-2022-03-07.db
    """
    from kompetanse_cli.personvern import backup

    backup.refuse_on_postgres("gjenopprett")
    backup.check_backup(fil)
    if not _confirm("Erstatte alt i databasen med sikkerhetskopien?", ja):
        console.print("Ingenting er endret.")
        return
    with backup.open_for_restore() as (conn, warnings):  # a damaged database is set aside first
        for warning in warnings:
            err_console.print(f"[yellow]Advarsel:[/] {esc(warning)}")
        again = backup.restore_backup(conn, fil, veileder=config.veileder())
    console.print(f"Databasen er gjenopprettet fra {esc(str(fil))}. Det som var der før, ligger i en kopi ved "
                  "siden av databasen (kt.før-gjenoppretting.*.db).")
    if again:
        console.print(f"{again} personer som var slettet etter at kopien ble tatt, er slettet på nytt.")


def register(app: typer.Typer) -> None:
    app.command("innsyn")(innsyn_cmd)
    app.command("slett")(slett)
    app.command("rydd")(rydd)
    app.command("logg")(logg)
    app.command("backup")(backup_cmd)
    app.command("gjenopprett")(gjenopprett)
