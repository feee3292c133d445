"""`kt screen` and `kt forklar`: screen a list, and explain one person's decision."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from kompetanse_cli import config
from kompetanse_cli.cli.common import (
    console,
    err_console,
    esc,
    fylke_name,
    no_date,
    open_db,
    parse_date_option,
    print_records,
    require_veileder,
)
from kompetanse_cli.errors import UsageError
from kompetanse_cli.files import check_output
from kompetanse_cli.computed import Computed
from kompetanse_cli.formats import no_number
from kompetanse_cli.formats import persons as persons_text
from kompetanse_cli.fylker import FylkeChoice, resolve_fylke
from kompetanse_cli.ingest.columns import FIELD_LABELS
from kompetanse_cli.screening.engine import (
    DECISION_LABELS,
    IKKE_KANDIDAT,
    KANDIDAT,
    MANUELL,
)
from kompetanse_cli.screening.rules import CRITERIA
from kompetanse_cli.store.db import checkpoint_meanwhile

# What only one command needs is imported inside it, so `kt` starts without the Excel export and the rest.
if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from kompetanse_cli.screening.run import PersonOutcome, ScreenResult

PROGRESS_MIN_ROWS = 5000
_REQUIREMENT_RE = re.compile(r" \((?:krav|grense)[^)]*\)")  # the table is short; `kt forklar` shows the requirements
MAX_TABLE_ROWS = 200
MAX_REJECTED_SHOWN = 50  # a list with thousands of bad rows needs fixing at the source, not a long scroll
_string = json.encoder.encode_basestring  # a str as a JSON string, non-ASCII kept (C, as json.dumps uses)
WIDE_TABLE = 110  # narrower terminals get two lines a person instead of a table  # a longer table is unreadable in a terminal; --eksport has everyone
STATUS_STYLE = {"oppfylt": "green", "ikke_oppfylt": "red", "ukjent": "yellow"}
STATUS_TEXT = {"oppfylt": "oppfylt", "ikke_oppfylt": "ikke oppfylt", "ukjent": "ukjent"}


def choose_fylke(given: str | None) -> FylkeChoice:
    """`--fylke`, else the configured default; an unknown name lists the valid ones."""
    name, hint = fylke_name(given)
    if not name:
        raise UsageError("Oppgi fylke med --fylke, f.eks. --fylke agder (eller `kt config set fylke agder`).")
    try:
        return resolve_fylke(name)
    except UsageError as error:
        raise UsageError(error.message, hint=hint) from None


def screen(
    fil: Path = typer.Argument(..., help="Listen: .xlsx, .xls, .ods eller .csv.", show_default=False),
    fylke: str = typer.Option(None, "--fylke", "-f", help="Fylket hvis regler skal brukes, f.eks. agder."),
    ark: str = typer.Option(None, "--ark", help="Arket listen står på (ellers finnes det automatisk)."),
    listedato: str = typer.Option(None, "--listedato", help="Datoen listen gjelder, dd.mm.åååå, eller i-dag "
                                  "(ellers fra tittelraden; finnes ingen, spør kt)."),
    kontor: str = typer.Option(None, "--kontor", help="NAV-kontor for listen, når den ikke har en kontorkolonne."),
    alle: bool = typer.Option(False, "--alle", help="Vis (og eksporter) alle, ikke bare kandidater og de som må vurderes."),
    som_json: bool = typer.Option(False, "--json", help="Skriv resultatet som JSON (for skript)."),
    eksport: Path = typer.Option(None, "--eksport", help="Skriv en Excel-arbeidsbok med kandidatene (med --alle: alle) "
                                 "og et ark med avviste rader."),
    overskriv: bool = typer.Option(False, "--overskriv", help="Erstatt --eksport-filen hvis den finnes fra før."),
    pa_nytt: bool = typer.Option(False, "--på-nytt", "--pa-nytt",
                                 help="Screen en fil som er importert før på nytt (f.eks. med en annen listedato)."),
    likevel: bool = typer.Option(False, "--likevel",
                                 help="Screen listen selv om de fleste kommunene på den ligger i et annet fylke."),
    kolonne: list[str] = typer.Option(None, "--kolonne", metavar="«KOLONNE=FELT»",
                                      help="Si hva en kolonne betyr, f.eks. \"Tidl. sykefravær=tidligere sykefravær\" "
                                           "(FELT - for en kolonne som ikke skal brukes). Huskes for kontoret."),
) -> None:
    """Les en ukeliste over sykmeldte, screen alle etter fylkets regler, og lagre resultatet.

    Hver person får en beslutning (kandidat, ikke kandidat, må vurderes) med begrunnelse.
    Samme fil to ganger legger ikke til noe nytt. En liste der de fleste radene er fra
    kommuner i et annet fylke enn --fylke, blir ikke lagret (med mindre du legger til --likevel).

    Eksempler:

        kt screen uke10.xlsx --fylke agder

        kt screen uke8.csv --fylke innlandet --listedato 28.02.2022 --kontor "NAV Hamar"

        kt screen uke10.xlsx --fylke agder --alle --eksport kandidater.xlsx

        kt screen uke11.xlsx --fylke agder --kolonne "Tidl. sykefravær=tidligere sykefravær"
    """
    from kompetanse_cli.screening.run import outcomes, screen_file

    choice = choose_fylke(fylke)
    today = listedato is not None and listedato.strip().lower().replace(" ", "-") in ("i-dag", "idag")
    day = None if today else parse_date_option(listedato, "--listedato")
    mapped = _column_options(kolonne or [])
    veileder = require_veileder()  # a list is personal data: the log says who read it
    if eksport is not None and eksport.suffix.lower() != ".xlsx":
        raise UsageError("--eksport skriver en Excel-fil; gi filen endelsen .xlsx.")
    if eksport is not None:
        check_output(eksport, replace=overskriv)  # before the list is read, not after
    with open_db() as conn:
        with _progress(quiet=som_json) as report:
            result = screen_file(conn, fil, fylke=choice, sheet=ark, list_date=day,
                                 kontor=kontor or config.load().get("kontor"), veileder=veileder,
                                 progress=report, again=pa_nytt, other_fylke=likevel, ask_date=_ask_list_date,
                                 columns=mapped, today=today)
        # the import's pages are folded into the database file while the result is written out
        with checkpoint_meanwhile(conn):
            if eksport is not None:
                from kompetanse_cli.report.export import export_screening

                written = export_screening(conn, result, eksport, everyone=alle, veileder=veileder)
            # the persons are read with an open cursor: closed before the database is, whatever happens
            if som_json:
                with closing(outcomes(conn, result.import_id, candidates_first=False,
                                      known_before=result.known_before > 0)) as persons:
                    _write_json(result, persons)
                return
            with closing(outcomes(conn, result.import_id, everyone=alle, limit=MAX_TABLE_ROWS,
                                      known_before=result.known_before > 0)) as persons:
                _render(result, persons, everyone=alle, exported=eksport)
    if eksport is not None:
        console.print(f"Skrev {persons_text(written)} til {esc(str(eksport))}.")


def _column_options(given: list[str]) -> dict[str, str]:
    """`--kolonne "Tidl. sykefravær=tidligere sykefravær"` → header → field."""
    from kompetanse_cli.ingest.columns import FIELD_LABELS, field_for

    mapped = {}
    for option in given:
        header, _, wanted = option.rpartition("=")
        name = field_for(wanted) if header.strip() else None
        if name is None:
            fields = ", ".join(sorted(set(FIELD_LABELS.values())))
            raise UsageError(f"--kolonne «{option}»: skriv KOLONNE=FELT, der FELT er ett av: {fields} "
                             "(eller - for en kolonne som ikke skal brukes).")
        mapped[header.strip()] = name
    return mapped


def _ask_list_date() -> dt.date:
    """No list date given or found in the file: asked at a terminal (Enter: today), refused in a script."""
    if not sys.stdin.isatty():
        raise UsageError("Fant ingen listedato i filen, og ingen er oppgitt.",
                         hint="Oppgi datoen listen ble tatt ut med --listedato dd.mm.åååå, eller --listedato i-dag "
                              "hvis listen er fra i dag. Alder, uker sykmeldt og friskmelding regnes fra den.")
    today = dt.date.today()
    while True:
        answer = typer.prompt(f"Fant ingen listedato i filen. Hvilken dato ble listen tatt ut? "
                              f"(dd.mm.åååå, Enter = i dag {today:%d.%m.%Y})", default="", show_default=False,
                              err=True)
        if not answer.strip() or answer.strip().lower() in ("i dag", "i-dag", "idag"):
            return today
        try:
            given = parse_date_option(answer.strip(), "Listedato")
        except UsageError as error:
            err_console.print(esc(error.message))
            continue
        if given is not None:  # always, for text that is not empty
            return given


class _progress:
    """A progress bar that appears only for lists large enough to take a moment."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self):
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.quiet or total < PROGRESS_MIN_ROWS:
            return
        if self.bar is None or self.task is None:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("Leser og screener"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=err_console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("screen", total=total)
        self.bar.update(self.task, completed=min(done, total))

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _write_json(result: ScreenResult, persons: Iterator[PersonOutcome]) -> None:
    """The result as JSON, persons streamed one by one so a long list needs little memory."""
    head = {
        "file": result.file, "sheet": result.sheet, "header_row": result.header_row,
        "list_date": result.list_date.isoformat(), "list_date_source": result.list_date_source,
        "fylke": list(result.fylke.keys), "fylke_note": result.fylke.note,
        "already_imported": result.already_imported_at, "replaced_earlier": result.replaced_earlier,
        "earlier_differs": result.earlier_differs, "already_listed": result.already_listed,
        "columns": result.columns, "ignored_columns": result.ignored_columns,
        "rows_read": result.rows_read, "imported": result.imported if not result.already_imported_at else 0,
        "rejected": [{"sheet": e.sheet, "row": e.row, "column": e.column, "reason": e.reason} for e in result.rejected],
        "candidates": result.count(KANDIDAT), "manual": result.count(MANUELL),
        "not_candidates": result.count(IKKE_KANDIDAT), "known_before": result.known_before,
        "error_cells": result.error_cells, "sheet_note": result.sheet_note, "columns_not_used": result.not_used,
        "columns_unrecognised": {h: FIELD_LABELS[f] for h, f in result.hints.items()},
        "columns_by_hand": result.by_hand, "columns_remembered": result.remembered,
        "duplicates": [{"sheet": sheet, "row": first, "again_row": again} for sheet, first, again in result.duplicates],
    }
    out = sys.stdout
    out.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "persons": [')
    write = out.write
    separator = "\n    "
    for line in map(_PersonJson().line, persons):
        write(separator)
        write(line)
        separator = ",\n    "
    out.write("\n  ]\n}\n")


class _PersonJson:
    """A person as one line of JSON, as `json.dumps(person.as_dict(), ensure_ascii=False)` writes
    it, but made with one f-string: the values most persons share (sheet, office, decision,
    reasons, …) are encoded once each, names and ids by the json module's C encoder."""

    def __init__(self) -> None:
        self.texts = Computed(lambda text: "null" if text is None else _string(text))
        self.lists = Computed(lambda texts: "[" + ", ".join(map(_string, texts)) + "]")

    def line(self, p: PersonOutcome) -> str:
        texts = self.texts
        return (f'{{"id": {_string(p.id)}, "sheet": {texts[p.sheet]}, "row": {p.row}, '
                f'"decision": {texts[p.decision]}, "reasons": {self.lists[tuple(p.reasons)]}, '
                f'"fnr": {_string(p.fnr_masked)}, "name": {"null" if p.navn is None else _string(p.navn)}, '
                f'"kontor": {texts[p.kontor]}, "weeks_on_leave": {p.weeks}, '
                f'"grad": {"null" if p.grad is None else p.grad}, "diagnose_chapter": {texts[p.diagnose_kapittel]}, '
                f'"earlier": {texts[p.tidligere]}, "kartlegging": {texts[p.kartlegging]}}}')


def _render(result: ScreenResult, persons: Iterator[PersonOutcome], *, everyone: bool,
            exported: Path | None = None) -> None:
    from kompetanse_cli.screening.run import TODAY

    if result.fylke.note:
        console.print(f"[cyan]Merk:[/] {result.fylke.note}")
    where = "" if result.sheet == result.file else f", ark «{esc(result.sheet)}»"
    console.print(f"[bold]{esc(result.file)}[/]{where}, overskrift på rad {result.header_row}. "
                  f"Listedato {no_date(result.list_date)} ({result.list_date_source}).")
    if result.sheet_note:
        console.print(f"[bold yellow]Merk:[/] {esc(result.sheet_note)}.")
    recognised = ", ".join(f"{esc(h)} → {FIELD_LABELS[f]}" for f, h in result.columns.items())
    console.print(f"Kolonner gjenkjent: {recognised}.")
    if result.by_hand:
        console.print("Kolonner valgt med --kolonne (huskes for kontoret): " + ", ".join(
            f"{esc(h)} → {_field_text(f)}" for h, f in result.by_hand.items()) + ".")
    if result.remembered:
        console.print("[cyan]Brukte lagrede kolonnevalg for kontoret:[/] " + ", ".join(
            f"{esc(h)} → {_field_text(f)}" for h, f in result.remembered.items()) + ".")
    plain = [h for h in result.ignored_columns if h not in result.not_used and h not in result.hints]
    if plain:
        console.print(f"Kolonner ikke brukt: {esc(', '.join(plain))}.")
    for header, why in result.not_used.items():
        console.print(f"Kolonnen «{esc(header)}» er ikke brukt: {esc(why)}.")
    for header, name in result.hints.items():
        console.print(f"[yellow]Kolonnen «{esc(header)}» er ikke gjenkjent[/] (nærmest: {FIELD_LABELS[name]}). "
                      f"Betyr den det, kjør på nytt med --kolonne \"{esc(header)}={FIELD_LABELS[name]}\" --på-nytt.")
    if result.error_cells:
        cells = "1 celle" if result.error_cells == 1 else f"{no_number(result.error_cells, 0)} celler"
        console.print(f"[bold yellow]Advarsel:[/] {cells} har en feilverdi fra "
                      "Excel (#I/T, #REF! …). I påkrevde kolonner er raden avvist; ellers regnes verdien som ukjent "
                      "(beslutningen blir «må vurderes»).")
    if result.duplicates:
        pairs = "; ".join(f"rad {first} og {again}" for _, first, again in result.duplicates[:10])
        more = f" (og {len(result.duplicates) - 10} til)" if len(result.duplicates) > 10 else ""
        console.print(f"[yellow]Samme fødselsnummer står flere ganger på listen:[/] {pairs}{more}. "
                      "Bare den første raden er lagt inn.")
    if result.list_date_source == TODAY and not result.already_imported_at:
        console.print("[bold yellow]Advarsel:[/] fant ingen listedato i filen, så dagens dato er brukt. Alder, uker "
                      "sykmeldt og «allerede friskmeldt» regnes fra den. Er listen eldre, kjør på nytt med "
                      "--listedato dd.mm.åååå --på-nytt.")
    if result.already_imported_at:
        when = dt.datetime.fromisoformat(result.already_imported_at)
        console.print(f"[yellow]Filen er allerede importert {when:%d.%m.%Y kl. %H:%M}; ingenting nytt er lagt til.[/] "
                      "Viser resultatet fra den gangen.")
        if result.earlier_differs:
            console.print(f"[yellow]Du ba om {', '.join(result.earlier_differs)}.[/] Legg til --på-nytt for å "
                          "screene filen på nytt med de nye valgene.")
    if result.replaced_earlier:
        console.print("[cyan]Filen var importert før; den forrige screeningen er erstattet.[/]")
    if not result.already_imported_at and "kontor" not in result.columns and not result.kontor:
        console.print("[bold yellow]Advarsel:[/] listen har ingen kolonne for NAV-kontor, og ikke noe kontor er "
                      "oppgitt, så personene står under «ukjent kontor» i rapporten. Kjør på nytt med "
                      "--kontor \"NAV …\" --på-nytt, eller sett et fast kontor med `kt config set kontor \"NAV …\"`.")
    if result.already_listed:
        console.print(f"{result.already_listed} rader stod allerede på en liste med samme listedato (en tidligere "
                      "versjon av listen) og er ikke lagt inn på nytt.")
    summary = Table.grid(padding=(0, 2))
    for label, count in (("Rader lest", result.rows_read),
                         ("Importert", 0 if result.already_imported_at else result.imported),
                         ("Avvist", len(result.rejected)), ("Kjent fra før", result.known_before),
                         ("[green]Kandidater[/]", result.count(KANDIDAT)),
                         ("[yellow]Må vurderes[/]", result.count(MANUELL)),
                         ("Ikke kandidat", result.count(IKKE_KANDIDAT))):
        summary.add_row(label, Text(no_number(count, 0), justify="right"))
    console.print(summary)
    if result.rejected and not result.imported and not result.already_imported_at:
        console.print("[bold yellow]Advarsel:[/] alle radene ble avvist. Da er det som oftest noe med hele filen: "
                      "feil skilletegn i en CSV-fil, eller kolonner som har fått feil navn. Se avvisningene under.")
    if result.rejected:
        console.print("\n[bold red]Avviste rader[/] (rettes i filen, så kan den importeres på nytt):")
        for error in result.rejected[:MAX_REJECTED_SHOWN]:
            console.print(f"  ark «{esc(error.sheet)}», rad {error.row}, kolonne «{esc(error.column)}»: {error.reason}")
        if len(result.rejected) > MAX_REJECTED_SHOWN:
            where = (f"på arket «Avviste rader» i {esc(str(exported))}" if exported
                     else "på arket «Avviste rader» med --eksport FIL.xlsx, og i --json")
            console.print(f"[yellow]Viser de første {MAX_REJECTED_SHOWN} av {no_number(len(result.rejected), 0)} "
                          f"avviste rader.[/] Alle står {where}.")
    shown = list(itertools.islice(persons, MAX_TABLE_ROWS))
    wanted = result.imported_or_stored if everyone else result.count(KANDIDAT) + result.count(MANUELL)
    if not shown:
        console.print("\nIngen kandidater på denne listen.")
        return
    title = "Alle på listen" if everyone else "Kandidater og personer som må vurderes"
    offices = {p.kontor for p in shown}
    one_office = len(offices) == 1
    if one_office and None not in offices:
        title += f" – {esc(next(iter(offices)) or '')}"
    if not console.is_terminal or console.width < WIDE_TABLE:  # a file or a pipe gets whole lines, for grep
        _render_narrow(title, shown, one_office)
    else:
        _render_table(title, shown, one_office)
    if wanted > len(shown):
        whole = f"Hele listen står i {esc(str(exported))}." if exported else "Bruk --eksport FIL.xlsx for hele listen."
        console.print(f"[yellow]Viser de første {no_number(len(shown), 0)} av {no_number(wanted, 0)}.[/] {whole}")
    console.print("[dim]Se alle kriterier for én person: kt forklar ID[/]")


def _field_text(name: str) -> str:
    return "ikke brukt" if name == "-" else FIELD_LABELS[name]


def _reasons_text(p: PersonOutcome) -> str:
    reasons = esc("; ".join(_REQUIREMENT_RE.sub("", r) for r in p.reasons))
    if p.tidligere:
        reasons += f" [dim](tidligere {p.tidligere})[/]"
    if p.kartlegging:
        reasons += f" [cyan]({p.kartlegging})[/]"
    return reasons


def _decision_text(p: PersonOutcome) -> str:
    style = {KANDIDAT: "green", MANUELL: "yellow", IKKE_KANDIDAT: "dim"}[p.decision]
    return f"[{style}]{DECISION_LABELS[p.decision]}[/]"


def _render_table(title: str, shown: list[PersonOutcome], one_office: bool) -> None:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("ID", no_wrap=True)
    table.add_column("Fødselsnr", no_wrap=True)
    table.add_column("Navn", max_width=24)
    if not one_office:
        table.add_column("Kontor", max_width=16)
    table.add_column("Uker", justify="right")
    table.add_column("Grad", no_wrap=True, justify="right")
    table.add_column("Diagn.")
    table.add_column("Beslutning", no_wrap=True)
    table.add_column("Begrunnelse", ratio=1)
    for p in shown:
        cells = [p.id, p.fnr_masked, esc(p.navn or "")] + ([] if one_office else [esc(p.kontor or "")])
        table.add_row(*cells, str(p.weeks), f"{p.grad} %" if p.grad is not None else "",
                      p.diagnose_kapittel or "", _decision_text(p), _reasons_text(p))
    console.print(table)


def _render_narrow(title: str, shown: list[PersonOutcome], one_office: bool) -> None:
    """Two lines a person, for terminals too narrow for the table: facts, then the reasons."""
    lines: list[str | Padding] = [f"\n[bold]{title}[/]"]
    for p in shown:
        grade = f"{p.grad}\u00a0%" if p.grad is not None else "grad ukjent"
        office = "" if one_office else f" · {esc(p.kontor or 'ukjent kontor')}"
        who = f"[bold]{p.id}[/]  {p.fnr_masked}  {esc(p.navn or '')}"
        facts = f"{office.removeprefix(' · ')}{' · ' if office else ''}{p.weeks} uker · {grade} · " \
                f"{p.diagnose_kapittel or '–'} · {_decision_text(p)}"
        if not console.is_terminal:
            lines += [f"{who} · {facts}", f"      {_reasons_text(p)}"]
            continue
        # at a terminal: what does not fit on the first line goes on indented lines, never under the id
        if Text.from_markup(f"{who} · {facts}").cell_len <= console.width:
            lines.append(f"{who} · {facts}")
        else:
            lines += [who, Padding(Text.from_markup(facts), (0, 0, 0, 6), expand=False)]
        lines.append(Padding(Text.from_markup(_reasons_text(p)), (0, 0, 0, 6), expand=False))
    if not console.is_terminal:
        # Written to a file or a pipe, each line is kept whole (one person's facts on one line, for grep).
        console.print("\n".join(line for line in lines if isinstance(line, str)))  # all of them, here
        return
    for line in lines:
        console.print(line)


def forklar(
    person_id: str = typer.Argument(..., metavar="ID", help="kt-id fra `kt screen`, f.eks. k7m2x."),
    som_json: bool = typer.Option(False, "--json", help="Skriv som JSON."),
) -> None:
    """Vis hvert kriterium for én person: oppfylt, ikke oppfylt eller ukjent, med begrunnelse.

    Eksempel:

        kt forklar k7m2x
    """
    from kompetanse_cli.screening.explain import explain_person

    veileder = require_veileder()
    with open_db() as conn:
        explanation = explain_person(conn, person_id, veileder=veileder)
    if som_json:
        sys.stdout.write(json.dumps(explanation.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    console.print(f"[bold]{explanation.id}[/]  {explanation.fnr_masked}  {esc(explanation.navn or '')}")
    console.print(f"Liste {no_date(explanation.list_date)} ({esc(explanation.file)}, rad {explanation.row}), "
                  f"{esc(explanation.kontor or 'ukjent kontor')}, {explanation.weeks} uker sykmeldt. "
                  f"Regler: {explanation.fylke} ({explanation.rule_version}).")
    print_records(None, ["Kriterium", "Status", "Begrunnelse"],
                  [[CRITERIA.get(item["kriterium"], item["kriterium"]),
                    f"[{STATUS_STYLE[item['status']]}]{STATUS_TEXT[item['status']]}[/]", esc(item["begrunnelse"])]
                   for item in explanation.results], lead=2, no_wrap=(1,), wrap=(2,))
    console.print(f"Beslutning: [bold]{DECISION_LABELS[explanation.decision]}[/]")
    if explanation.appearances > 1:
        console.print(f"[dim]Personen har stått på {explanation.appearances} lister; dette er den nyeste.[/]")


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)
    app.command("forklar")(forklar)
