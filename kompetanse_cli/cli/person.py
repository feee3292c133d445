"""`kt person ny` and `kt liste`: persons from outside the lists, and where everyone stands."""

from __future__ import annotations

import json
import sys

import typer
from rich.table import Table

from kompetanse_cli import config
from kompetanse_cli.cli.common import console, err_console, esc, no_date, open_db, print_records, require_veileder
from kompetanse_cli.errors import KtError, UsageError
from kompetanse_cli.formats import persons as persons_text
from kompetanse_cli.fylker import FYLKER, resolve_fylke
from kompetanse_cli.ingest import values

# The interview modules are imported in the commands that use them, so other commands start without them.

app = typer.Typer(help="Personer: registrer en som ikke står på en liste, finn kt-id-en fra fødselsnummeret, se alt som er lagret, sett målform.", no_args_is_help=True)


def _ask(label: str, parse, *, optional: bool = False, default: str | None = None, hidden: bool = False):
    """Ask until `parse` accepts the answer; an empty answer is allowed when optional, and means
    `default` (a saved setting, shown in brackets) when there is one. `hidden`: what is typed is
    not shown (a fødselsnummer left on the screen is read over a shoulder)."""
    shown = f" \\[{esc(default)}]" if default else (" (valgfritt)" if optional else "")
    while True:
        text = console.input(f"{label}{shown}: ", password=hidden).strip()
        if not text and default:
            text = default
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


def _fylke_label(key: str | None) -> str | None:
    """A saved fylke as the prompt shows it («Agder»); a saved name kt no longer knows is not offered."""
    if not key:
        return None
    try:
        choice = resolve_fylke(key)
    except KtError:
        return None
    return FYLKER[choice.keys[0]] if len(choice.keys) == 1 else None


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
        saved = config.load()  # Enter at «Fylke» and «NAV-kontor» takes the saved setting
        new = persons.NewPerson(
            fnr=fnr, navn=_ask("Navn", values.parse_text),
            fylke=_ask("Fylke", _fylke, default=_fylke_label(saved.get("fylke"))),
            kontor=_ask("NAV-kontor", values.parse_text, default=saved.get("kontor")),
            arbeidsgiver=_ask("Arbeidsgiver", values.parse_text, optional=True),
            sykmeldt_fom=_ask("Sykmeldt fra og med (dd.mm.åååå)", values.parse_date, optional=True),
            malform=_ask("Målform (bokmål/nynorsk)", parse_malform, optional=True) or "nb")
        short_id = persons.register(conn, new, veileder=veileder)
    console.print(f"Registrert med id [bold]{short_id}[/]. Start samtalen med: kt kartlegg {short_id}")


@app.command("finn")
def finn(
    navn: str = typer.Option(None, "--navn", help="Del av navnet; store/små bokstaver og æøå likegyldig."),
    som_json: bool = typer.Option(False, "--json", help="Med --navn: skriv som JSON."),
) -> None:
    """Finn kt-id-en til en person fra fødselsnummeret (spørres om ved en ledetekst, aldri på kommandolinjen),
    eller med --navn: alle med det i navnet (kt-id, maskert fødselsnummer, kontor, siste listedato).

    Eksempler:

        kt person finn

        kt person finn --navn berg
    """
    from kompetanse_cli.store import persons

    if navn is not None:
        from kompetanse_cli.cli.oppgaver import find_by_name

        find_by_name(navn, som_json)
        return

    if not sys.stdin.isatty():
        raise UsageError("kt person finn trenger en terminal (fødselsnummeret skrives ved ledeteksten).")
    veileder = require_veileder()
    fnr = _ask("Fødselsnummer (11 siffer, vises ikke)", values.parse_fnr, hidden=True)
    with open_db() as conn:
        found = persons.find_by_fnr(conn, fnr, veileder=veileder)
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
def vis(
    person_id: str = typer.Argument(..., metavar="ID", help="kt-id for personen."),
    alle: bool = typer.Option(False, "--alle", help="Vis alt, med alle lister, alle kriterier, endrede svar og hele "
                              "loggen."),
) -> None:
    """Vis det kt har lagret om én person (fullt fødselsnummer; handlingen logges).

    Uten --alle vises det viktigste: personen, den nyeste listen og screeningen, svarene som
    gjelder, de nyeste brevene og logginnslagene, med hvor mange flere det er.

    Eksempler:

        kt person vis k7m2x

        kt person vis k7m2x --alle
    """
    from kompetanse_cli.personvern.innsyn import show_person

    veileder = require_veileder()
    with open_db() as conn:
        found = show_person(conn, person_id, veileder=veileder)
    if alle:
        _show_everything(found.sections)
        return
    _show_summary(found.short_id, found.sections)


def _show_everything(sections: dict[str, list[dict[str, object]]]) -> None:
    from kompetanse_cli.personvern.innsyn import SECTION_TITLES, TITLES

    for name, rows in sections.items():
        console.print(f"\n[bold]{SECTION_TITLES.get(name, name)}[/] ({len(rows)})")
        for row in rows:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="dim")
            grid.add_column(overflow="fold")
            for key, value in row.items():
                grid.add_row(TITLES.get(key, key), "" if value is None else esc(str(value)))
            console.print(grid)
            console.print()


# How many of the newest rows `kt person vis` shows without --alle, per section.
SUMMARY_ROWS = {"listeoppforinger": 3, "brev": 3, "logg": 5}


def _show_summary(short_id: str, sections: dict[str, list[dict[str, object]]]) -> None:
    """The most relevant first: who, the newest list and decision, the answers that hold, the
    newest letters and log entries; how many more there are, and how to see them."""
    from kompetanse_cli.personvern.innsyn import SECTION_TITLES, TITLES

    def text(value: object) -> str:
        return "" if value is None else esc(str(value))

    def heading(name: str, shown: int) -> None:
        total = len(sections.get(name, []))
        more = f", viser de {shown} nyeste" if shown < total else ""
        console.print(f"\n[bold]{SECTION_TITLES.get(name, name)}[/] ({total}{more})")

    own = [(TITLES.get(key, key), text(value)) for key, value in sections["person"][0].items() if value not in (None, "")]
    width = max(len(title) for title, _ in own)
    console.print(f"[bold]{SECTION_TITLES['person']}[/]")
    for title, value in own:  # lines, not a grid: nothing padded with spaces at the end
        console.print(f"  [dim]{title:<{width}}[/]  {value}")

    for name, fields in (("listeoppforinger", ("kontor", "filnavn", "rad", "grad", "diagnose", "arbeidsgiver")),):
        rows = sections.get(name, [])[::-1][:SUMMARY_ROWS[name]]
        heading(name, len(rows))
        for row in rows:
            facts = " · ".join({"rad": f"rad {text(row.get(k))}", "grad": f"{text(row.get(k))}\u00a0%"}.get(k, text(row.get(k)))
                               for k in fields if row.get(k) not in (None, ""))
            console.print(f"  {text(row.get('listedato'))}  {facts}")

    decisions = sections.get("screeninger", [])
    if decisions:
        heading("screeninger", 1)
        newest = decisions[-1]
        console.print(f"  {text(newest.get('listedato'))}  [bold]{text(newest.get('beslutning'))}[/] · "
                      f"{text(newest.get('uker_sykmeldt'))} uker sykmeldt · {text(newest.get('alder'))} år")
        for reason in str(newest.get("resultater") or "").split("; "):
            if reason and not reason.startswith("oppfylt:"):
                console.print(f"    {esc(reason)}")
        console.print(f"    [dim]Alle kriterier: kt forklar {short_id}[/]")

    levels = sections.get("kartlegginger", [])
    answers = sections.get("svar", [])
    if levels:
        heading("kartlegginger", len(levels))
        for level in levels:
            done = f"fullført {text(level.get('fullfort'))}" if level.get("fullfort") else "ikke fullført"
            console.print(f"  Nivå {text(level.get('niva'))}: startet {text(level.get('startet'))}, {done}"
                          f" ({text(level.get('veileder'))})")
    if answers:
        heading("svar", len(answers))
        for answer in answers:
            console.print(f"  [dim]{text(answer.get('sporsmal'))}:[/] {text(answer.get('verdi'))}")
    changed = len(sections.get("svarhistorikk", []))
    if changed:
        console.print(f"\n[bold]{SECTION_TITLES['svarhistorikk']}[/] ({changed}): de tidligere svarene vises med --alle")

    for name, columns in (("brev", ("type", "format", "veileder")), ("logg", ("veileder", "handling", "detaljer"))):
        rows = sections.get(name, [])[::-1][:SUMMARY_ROWS[name]]
        heading(name, len(rows))
        for row in rows:
            facts = " · ".join(text(row.get(k)) for k in columns if row.get(k) not in (None, ""))
            console.print(f"  {text(row.get('tidspunkt'))}  {facts}")
    console.print(f"\n[dim]Viser det viktigste. Alt, med endrede svar og hele loggen: kt person vis {short_id} --alle "
                  f"(til personen: kt innsyn {short_id} --ut innsyn.xlsx).[/]")


# What a veileder has to act on comes first in `kt liste`; the rest after (see RELEVANCE).
LIST_LIMIT = 50  # rows shown at a terminal without --alle


def liste(
    fylke: str = typer.Option(None, "--fylke", "-f", help="Bare dette fylket."),
    kontor: str = typer.Option(None, "--kontor", help="Bare kontorer som inneholder denne teksten."),
    status: str = typer.Option(None, "--status", "-s", help="Bare de som har nådd denne statusen, som rapporten teller "
                               "dem (aktuell: også de som har fått vedtak), f.eks. «ikke kandidat», kartlagt, aktuell."),
    alle: bool = typer.Option(False, "--alle", help=f"Vis alle i terminalen, ikke bare de {LIST_LIMIT} første."),
    som_json: bool = typer.Option(False, "--json", help="Skriv som JSON."),
) -> None:
    """Vis hvor alle står: ikke kandidat, må vurderes, kandidat, under kartlegging, kartlagt, aktuell, vedtak,
    startet, fullført (de samme ordene som i `kt screen` og `kt rapport`).

    De du har noe å gjøre med, kommer først: kandidater og de som må vurderes, samtaler som ikke er
    fullført, aktuelle uten vedtak, tiltak som er i gang. I terminalen vises de 50 første (`--alle` for
    alle); til en fil eller et rør skrives alle, én linje per person.

    Eksempler:

        kt liste --fylke agder

        kt liste --status "ikke kandidat" --alle

        kt liste --status aktuell --json
    """
    from kompetanse_cli.interview.overview import list_persons, parse_stage, relevance

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
    rows.sort(key=relevance)
    shown = rows if alle or not console.is_terminal else rows[:LIST_LIMIT]
    print_records(persons_text(len(rows)), ["ID", "Fødselsnr", "Navn", "Fylke", "Kontor", "Status", "Dato"],
                  [[row.id, row.fnr_masked, esc(row.navn or ""), FYLKER.get(row.fylke or "", row.fylke or ""),
                    esc(row.kontor or ""), row.stage_label, no_date(row.date)] for row in shown],
                  lead=3, no_wrap=(0, 1, 3, 5, 6))
    if len(shown) < len(rows):
        console.print(f"[yellow]Viser de {len(shown)} første av {persons_text(len(rows))}[/] (de du har noe å gjøre "
                      "med først). Alle: `kt liste --alle`, eller avgrens med --status, --fylke eller --kontor.")


def register(root: typer.Typer) -> None:
    from kompetanse_cli.cli import oppgaver

    oppgaver.register(root, app)
    root.add_typer(app, name="person")
    root.command("liste")(liste)
