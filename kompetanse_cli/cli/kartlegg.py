"""`kt kartlegg`: the kartleggingssamtale in a terminal, from a file, or imported in bulk."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.rule import Rule
from rich.table import Table

from kompetanse_cli import config
from kompetanse_cli.cli.common import console, err_console, esc, no_date, open_db, print_records, require_veileder
from kompetanse_cli.cli.prompt import NOTE_HINT, LineReader
from kompetanse_cli.errors import EXIT_INTERRUPTED, UsageError
from kompetanse_cli.fylker import FYLKER
from kompetanse_cli.screening.engine import DECISION_LABELS

# The interview modules are imported in the functions that use them, so other commands start without them.
if TYPE_CHECKING:
    from kompetanse_cli.interview.runner import Move, Prompt, Summary
    from kompetanse_cli.interview.session import LevelSession

HINTS = {
    "valg": "Nummer eller nøkkel", "skala": "Nummer eller nøkkel", "dato": "Dato (dd.mm.åååå)",
    "tekst": "Skriv fritt", "tall": "Et tall",
}
MOVES_HINT = "< tilbake · - hopp over · ? hjelp · q avslutt"


def kartlegg(
    person_id: str = typer.Argument(..., metavar="ID",
                                    help="kt-id fra `kt screen`/`kt liste`, eller «importer» eller «mal»."),
    fil: Path = typer.Argument(None, metavar="[FIL]",
                               help="Med «importer»: regnearket med registreringer. "
                                    "Med «mal»: regnearket som lages."),
    niva: str = typer.Option("1", "--niva", "-n", metavar="1|2|3",
                             help="1 kartlegging, 2 planlagt tiltak, 3 status etter tiltaket."),
    oppfolging: str = typer.Option(None, "--oppfolging", metavar="6|12",
                                   help="Oppfølgingen 6 eller 12 måneder etter samtalen (situasjon, sykmeldt nå)."),
    svar: Path = typer.Option(None, "--svar", help="Sett svarene fra en fil (.toml eller .json) i stedet for å spørre."),
    overskriv: bool = typer.Option(False, "--overskriv", help="Med «mal»: erstatt filen hvis den finnes fra før."),
) -> None:
    """Gjennomfør kartleggingssamtalen for én person, spørsmål for spørsmål.

    Hvert svar lagres i det øyeblikket det gis: Ctrl-C eller et lukket vindu mister ingenting,
    og neste `kt kartlegg ID` fortsetter der du slapp. Til slutt vises alle svar, og du kan endre dem.

    «kt kartlegg importer FIL» leser registreringer fra et regneark (.xlsx, .xls, .ods, .csv):
    én rad per person. Påkrevde kolonner: fnr, fylke, kontor (navn kan være med), og én kolonne
    per spørsmåls-id fra malen, f.eks. samtaledato, samtaleform, aktuell. «kt kartlegg mal FIL.xlsx»
    lager et tomt regneark med alle kolonnene, nedtrekkslister med svarene der svarene er faste
    (importen godtar teksten i listen og nøkkelen), og et ark som forklarer kolonnene.

    Eksempler:

        kt kartlegg k7m2x

        kt kartlegg k7m2x --niva 2

        kt kartlegg k7m2x --oppfolging 6

        kt kartlegg k7m2x --svar svar.toml

        kt kartlegg mal registreringer.xlsx

        kt kartlegg importer registreringer.xlsx
    """
    from kompetanse_cli.interview.session import level_card, open_level

    level = _niva(niva)
    if oppfolging is not None:
        from kompetanse_cli.interview.session import follow_up_level

        if niva != "1":
            raise UsageError("Bruk enten --niva eller --oppfolging, ikke begge.")
        level = follow_up_level(oppfolging)
    if person_id == "importer":
        _import(fil)
        return
    if person_id == "mal":
        _blank_workbook(fil, overskriv)
        return
    if fil is not None:
        raise UsageError("Bare «kt kartlegg importer FIL» og «kt kartlegg mal FIL» tar en fil; "
                         "for svar fra fil, bruk --svar FIL.")
    interactive = svar is None
    with open_db() as conn:
        # an unknown id or a level not open yet is said before anything about the terminal or the ident
        level_card(conn, person_id, level)
        if interactive and not sys.stdin.isatty():
            raise UsageError("kt kartlegg trenger en terminal for å stille spørsmål. "
                             "Uten terminal: bruk --svar FIL.")
        veileder = _veileder(interactive)
        session = open_level(conn, person_id, level, veileder=veileder)
        if svar is not None:
            _from_file(session, svar)
            return
        _show_card(session)
        _interview(session)


def _niva(text: str) -> int:
    """--niva as a number, checked here so that «--niva to» is answered in Norwegian
    (the parser's own message for a non-number is English)."""
    from kompetanse_cli.interview.session import NIVA_PROBLEM

    if text.strip() not in ("1", "2", "3"):
        raise UsageError(NIVA_PROBLEM)
    return int(text)


def _label(niva: int) -> str:
    """«Nivå 2», «Oppfølging 6 mnd»."""
    from kompetanse_cli.interview.session import level_text

    text = level_text(niva)
    return text[0].upper() + text[1:]


def _flag(niva: int) -> str:
    """The option that opens this level again: «», « --niva 2», « --oppfolging 6»."""
    from kompetanse_cli.interview.template import FOLLOW_UP_LEVELS

    months = {level: m for m, level in FOLLOW_UP_LEVELS.items()}
    if niva in months:
        return f" --oppfolging {months[niva]}"
    return f" --niva {niva}" if niva > 1 else ""


def _veileder(interactive: bool) -> str:
    return require_veileder(ask=interactive)


def _show_card(session: LevelSession) -> None:
    card = session.card
    table = Table.grid(padding=(0, 2))
    table.add_row("Person", f"[bold]{card.short_id}[/]  {card.fnr_masked}  {esc(card.navn or '')}")
    table.add_row("Arbeidsgiver", esc(card.arbeidsgiver or "ukjent"))
    table.add_row("Kontor", f"{esc(card.kontor or 'ukjent')} ({FYLKER.get(card.fylke or '', 'ukjent fylke')})")
    if card.sykmeldt_fom:
        when = f"på listen {no_date(card.list_date)}" if card.list_date else "i dag"
        table.add_row("Sykmeldt", f"fra {no_date(card.sykmeldt_fom)} ({card.weeks_on_leave} uker {when})")
    if card.decision:
        decision = DECISION_LABELS.get(card.decision, card.decision)
        if card.decision == "ikke_kandidat":
            decision = f"[yellow]{decision}[/] (se `kt forklar {card.short_id}`)"
        table.add_row("Screening", decision)
    table.add_row("Nivå", f"{session.niva}: {session.template.level_name(session.niva)} "
                           f"(mal {session.template.id} v{session.template.versjon})")
    console.print(table)


def _interview(session: LevelSession) -> None:
    from kompetanse_cli.interview.diagnoses import diagnosis_warning
    from kompetanse_cli.interview.runner import first_open, run_level
    from kompetanse_cli.interview.template import shown_questions

    template, niva = session.template, session.niva
    reader = LineReader()  # line editing, and this interview's answers as history
    start = None
    if session.complete_already and session.level is not None:
        console.print(f"{_label(niva)} ble fullført {no_date(_day(session.level.fullfort))}.")
        if reader.ask("Vil du se gjennom og endre svar? [j/N] ", remember=False).strip().lower() not in ("j", "ja", "y"):
            return
        start = len(shown_questions(template, niva, session.answers))
    elif session.answers:
        done = first_open(template, niva, session.answers)
        console.print(f"[cyan]Fortsetter der du slapp:[/] {len(session.answers)} svar er lagret; "
                      f"neste er spørsmål {done + 1}.")

    def save(qid: str, value: str | None) -> None:
        session.save(qid, value)
        question = template.question(qid)
        warning = diagnosis_warning(question, value) if question is not None else None
        if warning:
            console.print(f"[bold yellow]Advarsel:[/] {esc(warning)} Endre svaret fra oppsummeringen.")
        if qid == "planlagt_slutt" and value:
            _warn_sykepenger(session, {**session.answers, qid: value})

    try:
        outcome = run_level(template, niva, session.answers, ask=lambda prompt: _ask(prompt, reader),
                            review=lambda summary: _review(summary, reader), save=save,
                            remove=session.remove, start=start, known=session.known_dates())
    except (KeyboardInterrupt, EOFError):
        console.print(f"\n{len(session.answers)} svar er lagret. "
                      f"Fortsett med: kt kartlegg {session.card.short_id}" + _flag(niva))
        raise typer.Exit(EXIT_INTERRUPTED) from None  # kt's main says «Avbrutt.»
    if not outcome.complete:
        console.print(f"Avsluttet. {len(session.answers)} svar er lagret. "
                      f"Fortsett med: kt kartlegg {session.card.short_id}" + _flag(niva))
        return
    session.complete()
    console.print(f"[green]{_label(niva)} er fullført og lagret[/] for {session.card.short_id}.")
    if niva == 2:
        _show_measure(session)
    _next_step(session)


def _next_step(session: LevelSession) -> None:
    short = session.card.short_id
    if session.niva == 1:
        if session.answers.get("aktuell") in ("ja", "delvis"):
            console.print(f"Neste: referatet med `kt referat {short}`, og planlagt tiltak med "
                          f"`kt kartlegg {short} --niva 2`.")
        else:
            console.print(f"Neste: referatet med `kt referat {short}`.")
    elif session.niva == 2:
        console.print(f"Neste: oppdatert referat med `kt referat {short}`; status etter tiltaket senere med "
                      f"`kt kartlegg {short} --niva 3`.")


def _day(text: str | None):
    import datetime as dt

    return dt.date.fromisoformat(text[:10]) if text else None


def _ask(prompt: Prompt, reader: LineReader) -> str | Move:
    from kompetanse_cli.interview.runner import Move
    from kompetanse_cli.interview.template import show_value

    moves = {"<": Move.BACK, "tilbake": Move.BACK, "-": Move.SKIP, "hopp": Move.SKIP, "q": Move.QUIT,
             "avslutt": Move.QUIT, "": Move.KEEP}
    question = prompt.question
    console.print(Rule(f"Spørsmål {prompt.number} av {prompt.total}", align="left", style="dim"))
    console.print(f"[bold]{esc(question.tekst)}[/]")
    if question.has_choices:
        for number, (key, label) in enumerate(question.valg.items(), start=1):
            console.print(f"  {number:>2}  {esc(label)} [dim]({esc(key)})[/]")
    elif question.type == "dato":
        console.print("  [dim]Dato som dd.mm.åååå, eller «i dag», «i går»[/]")
    if prompt.answered:
        console.print(f"  Nå: [cyan]{esc(show_value(question, prompt.current))}[/]")
    if prompt.error:
        console.print(f"  [red]{prompt.error}[/]")
    today = _enter_means_today(prompt)
    keep = " · Enter = behold" if prompt.answered else (f" · Enter = i dag ({today})" if today else "")
    console.print(f"[dim]{HINTS.get(question.type, 'Svar')}{keep} · {MOVES_HINT}[/]")
    note = question.type == "tekst"
    if note and reader.available():
        console.print(f"[dim]{NOTE_HINT}[/]")
    while True:
        reply = reader.ask("> ", multiline=note)
        if not reply.strip() and today:
            return today
        key = reply.strip().lower()
        if key == "?":
            console.print(esc(question.hjelp or "Ingen ekstra hjelp til dette spørsmålet."))
            continue
        if key in moves:
            return moves[key]
        return reply


def _enter_means_today(prompt: Prompt) -> str | None:
    """Today's date (dd.mm.åååå) when Enter may answer with it: an unanswered date that cannot be
    in the future, such as the day of the conversation (often held today)."""
    import datetime as dt

    question = prompt.question
    if question.type != "dato" or prompt.answered or not question.ikke_i_fremtiden:
        return None
    return dt.date.today().strftime("%d.%m.%Y")


def _review(summary: Summary, reader: LineReader) -> int | None:
    from kompetanse_cli.interview.template import show_value

    console.print(Rule("Oppsummering", align="left"))
    print_records(None, ["#", "Spørsmål", "Svar"],
                  [[str(number), esc(question.tekst), esc(show_value(question, summary.answers.get(question.id)))]
                   for number, question in enumerate(summary.questions, start=1)], lead=2, no_wrap=(0,), wrap=(1, 2))
    while True:
        reply = reader.ask("Nummeret på et svar du vil endre, eller Enter for å fullføre: ", remember=False).strip()
        if not reply:
            return None
        if reply.isdigit() and 1 <= int(reply) <= len(summary.questions):
            return int(reply)
        console.print(f"[red]Skriv et nummer fra 1 til {len(summary.questions)}, eller trykk Enter.[/]")


def _warn_sykepenger(session: LevelSession, answers: dict[str, str | None]) -> None:
    from kompetanse_cli.interview.derived import measure_facts
    from kompetanse_cli.interview.session import answers_at

    facts = measure_facts(answers_at(session.conn, session.card.person_id, 1), answers, session.card.sykmeldt_fom)
    if facts.past_sykepengeperiode:
        console.print(f"[bold yellow]Advarsel:[/] tiltaket slutter etter sykepengeperioden "
                      f"(siste sykepengedag {no_date(facts.sykepenger_end)}). Inntekt etter det er ikke sikret; "
                      "sørg for at brukeren er informert.")


def _show_measure(session: LevelSession) -> None:
    facts = session.measure()
    if facts.weeks_to_start is not None:
        console.print(f"Uker fra samtale til planlagt oppstart: {facts.weeks_to_start}")
    if facts.duration_weeks is not None:
        console.print(f"Planlagt varighet: {facts.duration_weeks} uker")
    if facts.sykepenger_end is not None:
        past = "[yellow]ja[/]" if facts.past_sykepengeperiode else "nei"
        console.print(f"Siste sykepengedag: {no_date(facts.sykepenger_end)}; går tiltaket utover: {past}")


def _from_file(session: LevelSession, path: Path) -> None:
    from kompetanse_cli.interview.session import apply_answer_file

    result = apply_answer_file(session, path)
    console.print(f"Lagret {result.stored} svar for {session.card.short_id}, {_label(session.niva).lower()}.")
    for warning in result.warnings:
        err_console.print(f"[bold yellow]Advarsel:[/] {esc(warning)}")
    if result.complete:
        console.print(f"[green]{_label(session.niva)} er fullført.[/]")
        if session.niva == 2:
            _show_measure(session)
    else:
        console.print(f"[yellow]Nivået er ikke fullført;[/] disse mangler: {', '.join(result.missing)}.")


def _blank_workbook(path: Path | None, replace: bool) -> None:
    from kompetanse_cli.files import check_output
    from kompetanse_cli.interview.bulk import write_blank_workbook

    if path is None:
        raise UsageError("Oppgi filen som skal lages: kt kartlegg mal registreringer.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path.name}: malen lages som Excel-fil; gi filen endelsen .xlsx.")
    target = check_output(path, replace=replace)
    header = write_blank_workbook(target)
    console.print(f"Skrev {esc(str(target))}: overskriftsraden har {len(header)} kolonner (fnr, fylke, kontor, "
                  f"navn og ett spørsmål per kolonne; arket «Forklaring» sier hva de tar). Kolonner med faste "
                  f"svar har nedtrekkslister. Fyll inn én rad per person, og les inn med "
                  f"`kt kartlegg importer {esc(target.name)}`.")


def _import(path: Path | None) -> None:
    from kompetanse_cli.interview.bulk import import_registrations

    if path is None:
        raise UsageError("Oppgi filen: kt kartlegg importer registreringer.xlsx")
    veileder = config.veileder()
    with open_db() as conn:
        result = import_registrations(conn, path, veileder=veileder)
    console.print(f"[bold]{result.file}[/], ark «{result.sheet}»: {result.rows_read} rader lest, "
                  f"{result.persons_created} {'ny person' if result.persons_created == 1 else 'nye personer'}, {result.answers_stored} svar lagret, "
                  f"{result.unchanged_rows} uendret, {len(result.rejected)} avvist.")
    if result.ignored_columns:
        console.print(f"Kolonner ikke brukt: {', '.join(result.ignored_columns)}.")
    for error in result.rejected:
        console.print(f"  ark «{esc(error.sheet)}», rad {error.row}, kolonne «{esc(error.column)}»: {esc(error.reason)}")
    for warning in result.warnings:
        err_console.print(f"[bold yellow]Advarsel:[/] ark «{esc(warning.sheet)}», rad {warning.row}, "
                          f"kolonne «{esc(warning.column)}»: {esc(warning.reason)}.")


def register(app: typer.Typer) -> None:
    app.command("kartlegg")(kartlegg)
