"""`kt rapport`: tallies per fylke and office, with small counts suppressed, as text, JSON, Excel or HTML."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich import box
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from kompetanse_cli.cli.common import console, err_console, fylke_name, no_date, no_number, open_db, parse_date_option
from kompetanse_cli.errors import UsageError
from kompetanse_cli.files import check_output
from kompetanse_cli.fylker import FylkeChoice, normalize_name, resolve_fylke
from kompetanse_cli.report.suppression import DEFAULT_THRESHOLD, PRIMARY

# The tallies and the HTML and Excel writers (jinja2, openpyxl) are imported when the report is made,
# so other commands start without them; suppression is pure and small, and --help shows its default.
if TYPE_CHECKING:
    from kompetanse_cli.report.tallies import Count, Distribution, Report

ALL_FYLKER = ("alle", "allefylker", "helelandet", "landet")
LIST_STAGES = ("listed", "screened", "candidates")
INTERVIEW_STAGES = ("kartlagt", "aktuell", "vedtak", "started", "finished")


def _choose_fylke(given: str | None) -> FylkeChoice | None:
    """`--fylke`, else the configured default; «alle» means every fylke (None)."""
    name, hint = fylke_name(given)
    if not name:
        raise UsageError("Oppgi fylke med --fylke, f.eks. --fylke agder, eller --fylke alle for alle fylker.")
    if normalize_name(name) in ALL_FYLKER:
        return None
    try:
        return resolve_fylke(name)
    except UsageError as error:
        raise UsageError(error.message, hint=hint) from None


def rapport(
    fylke: str = typer.Option(None, "--fylke", "-f", help="Fylket rapporten gjelder, eller «alle»."),
    kontor: str = typer.Option(None, "--kontor", help="Bare kontorer med dette i navnet, f.eks. Lister."),
    fra: str = typer.Option(None, "--fra", help="Fra og med dato, dd.mm.åååå (listedato for listene, samtaledato for kartleggingen)."),
    til: str = typer.Option(None, "--til", help="Til og med dato, dd.mm.åååå."),
    per: str = typer.Option(None, "--per", metavar="uke|maaned",
                            help="Også listet, kandidater, kartlagt, aktuell og vedtak per uke eller måned og kontor."),
    terskel: int = typer.Option(DEFAULT_THRESHOLD, "--terskel", help="Tall fra 1 til terskel − 1 skjules (prikkes)."),
    som_json: bool = typer.Option(False, "--json", help="Skriv tallene som JSON (skjulte tall er null)."),
    xlsx: Path = typer.Option(None, "--xlsx", help="Skriv rapporten som Excel-arbeidsbok, ett ark per tabell."),
    html: Path = typer.Option(None, "--html", help="Skriv rapporten som én HTML-fil med figurer (kan skrives ut)."),
    overskriv: bool = typer.Option(False, "--overskriv", help="Erstatt --xlsx- og --html-filene hvis de finnes fra før."),
) -> None:
    """Tall for kompetansetiltak: fra liste til tiltak, svarene i registreringsskjemaet, tiltakene og screeningen.

    Bare tall, aldri personer: tall fra 1 til 4 vises som «<5», og andre tall skjules («x») der et
    lite tall ellers kunne regnes ut. Listene telles etter listedato, kartleggingen etter samtaledato.

    Eksempler:

        kt rapport --fylke agder

        kt rapport --fylke agder --kontor Lister --fra 01.01.2022 --til 30.04.2022

        kt rapport --fylke alle --html rapport.html --xlsx rapport.xlsx

        kt rapport --fylke troms-og-finnmark --json

        kt rapport --fylke agder --per maaned --html rapport.html
    """
    from kompetanse_cli.report.tallies import build_report

    choice = _choose_fylke(fylke)
    unit = None
    if per is not None:
        from kompetanse_cli.report.trends import parse_per

        unit = parse_per(per)
    start, end = parse_date_option(fra, "--fra"), parse_date_option(til, "--til")
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise UsageError("--xlsx skriver en Excel-fil; gi filen endelsen .xlsx.")
    if html is not None and html.suffix.lower() not in (".html", ".htm"):
        raise UsageError("--html skriver en HTML-fil; gi filen endelsen .html.")
    for target in (xlsx, html):
        if target is not None:
            check_output(target, replace=overskriv)
    with open_db() as conn:
        report = build_report(conn, fylke=choice, kontor=kontor, fra=start, til=end, threshold=terskel, per=unit)
    written = []
    if xlsx is not None:
        from kompetanse_cli.report.rapport_xlsx import write_report_workbook

        write_report_workbook(report, xlsx)
        written.append(str(xlsx))
    if html is not None:
        from kompetanse_cli.report.html import render_html, write_html

        write_html(html, render_html(report))
        written.append(str(html))
    if som_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    elif not written:  # with --xlsx/--html the file is the report; the terminal just says where it went
        _render(report)
    for name in written:
        (err_console if som_json else console).print(f"Skrev {name}.")


# ---------- the terminal ----------

def _count(count: Count, threshold: int) -> str:
    if count.mark == PRIMARY:
        return f"<{threshold}"
    if count.hidden:
        return "x"
    return no_number(count.value or 0, 0)


def _share(share: float | None) -> str:
    return "" if share is None else f"{no_number(share, 1)} %"


def _render(report: Report) -> None:
    meta = report.meta
    if meta.fylke_note:
        console.print(f"[cyan]Merk:[/] {escape(meta.fylke_note)}")
    console.print(f"[bold]Kompetansetiltak for sykmeldte: {meta.fylke_name}[/]"
                  + escape(f", {', '.join(meta.offices)}" if meta.offices else ""))
    if not report.funnel.display_rows():  # nothing to count: no empty tables, but what to do
        console.print(f"Periode: {meta.period_text}.\n\nIngen personer i utvalget. Er ingen liste importert ennå, "
                      "begynn med `kt screen FIL --fylke FYLKE`; ellers prøv et annet fylke, kontor eller en annen "
                      "periode.")
        return
    console.print(f"Periode: {meta.period_text}. Data per {no_date(meta.data_date) or 'ukjent'}. "
                  f"Terskel {meta.threshold}: tall under {meta.threshold} vises som «<{meta.threshold}».")
    if meta.with_deleted:
        console.print("[dim]Med anonyme tall for personer som er slettet (kt slett, kt rydd), så tallene for "
                      "perioden er de samme som før slettingen.[/]")
    _render_funnel(report)
    m = report.measures
    for niva in (1, 2, 3):
        console.rule(f"Nivå {niva}: {report.levels.get(niva, '')}")
        if niva == 2:
            for dist in (m.weeks_to_start, m.duration, m.past_sykepengeperiode):
                _render_distribution(dist, meta.threshold)
            past = _share(m.share_past) or ("skjult (lite tall)" if m.share_past_hidden else "ingen med kjent dato")
            console.print(f"Andel planlagt ut over sykepengeperioden (av dem med kjent dato): [bold]{past}[/]\n")
        for dist in report.questions:
            if dist.niva == niva:
                _render_distribution(dist, meta.threshold)
    if report.trend is not None:
        _render_trend(report)
    if any(d.n.value != 0 for d in report.outcomes):
        console.rule("Oppfølging 6 og 12 måneder etter samtalen")
        _render_outcomes(report)
    console.rule("Screening")
    _render_distribution(report.screening.decisions, meta.threshold)
    _render_distribution(report.screening.reasons, meta.threshold)
    console.print(f"[dim]<{meta.threshold} = 1–{meta.threshold - 1} personer. x = skjult for at et lite tall ikke "
                  "skal kunne regnes ut. Andeler vises ikke for skjulte tall. Hver person telles én gang per tabell.[/]")


def _render_funnel(report: Report) -> None:
    """Two tables that fit a terminal: the lists (as Tabell 4-1) and the interviews (as Figur 4-5)."""
    from kompetanse_cli.report.tallies import STAGES

    rows = report.funnel.display_rows()
    threshold = report.meta.threshold
    for title, stages, caption in (
            ("Listene", LIST_STAGES, "Andeler av listet. Listedato i perioden; siste liste per person."),
            ("Kartlegging og tiltak", INTERVIEW_STAGES,
             "Andeler av kartlagt. Samtaledato i perioden; også personer som ikke kom fra en liste.")):
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
        table.add_column("Kontor")
        for stage in stages:
            table.add_column(STAGES[stage], justify="right", no_wrap=True)
        for row, style, heading in rows:
            if heading:
                table.add_row(f"[bold]{escape(heading)}[/]")
            cells = []
            for stage in stages:
                count = row.counts[stage]
                share = f"\n[dim]{_share(count.share)}[/]" if count.share is not None else ""
                cells.append(_count(count, threshold) + share)
            table.add_row(escape(row.label), *cells, style="bold" if style != "kontor" else None,
                          end_section=style == "sum")
        _print_table(table, caption)


def _render_trend(report: Report) -> None:
    """One table: each period's offices, then (with several offices) the period's sum."""
    from kompetanse_cli.report.trends import TREND_STAGES

    trend = report.trend
    assert trend is not None
    several = len(trend.offices) > 1
    table = Table(title=f"Per {trend.per}", title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True,
                  pad_edge=False)
    table.add_column("Periode", no_wrap=True)
    table.add_column("Kontor")
    for label in TREND_STAGES.values():
        table.add_column(label, justify="right", no_wrap=True)
    previous = None
    for row in trend.rows:
        if row.total and not several and any(r.period.key == row.period.key and not r.total for r in trend.rows):
            continue
        name = ("Sum" if several else "Alle") if row.total else (row.kontor or "Ukjent kontor")
        first = row.period.label if row.period.key != previous else ""
        previous = row.period.key
        table.add_row(first, escape(name), *(_count(row.counts[s], report.meta.threshold) for s in TREND_STAGES),
                      style="bold" if row.total else None, end_section=row.total)
    _print_table(table, "Listet og kandidater etter listedato, resten etter samtaledato.")


def _render_outcomes(report: Report) -> None:
    """The evaluation's outcome table: one per question, a column per follow-up and group."""
    from kompetanse_cli.report.tallies import OUTCOME_GROUPS, OUTCOME_QUESTIONS

    threshold = report.meta.threshold
    by_id = {d.id: d for d in report.outcomes}
    columns = [(months, group) for months in (6, 12) for group in OUTCOME_GROUPS]
    for qid in OUTCOME_QUESTIONS:
        tables = [by_id.get(f"oppfolging{months}_{group}_{qid}") for months, group in columns]
        if not all(tables):
            continue
        first = tables[0]
        assert first is not None
        console.print(f"[bold]{escape(first.title.split(' – ')[0])}[/] [dim](oppfolging*_{qid})[/]")
        table = Table(show_edge=False, box=None, padding=(0, 1))
        table.add_column("Svar")
        for months, group in columns:
            table.add_column(f"{months} mnd {'T' if group == 'tiltak' else 'S'}", justify="right", no_wrap=True)
        for index, row in enumerate(first.rows):
            cells = []
            for dist in tables:
                assert dist is not None
                count = dist.rows[index].count
                share = f" ({no_number(count.share, 0)} %)" if count.share is not None and count.value else ""
                cells.append(_count(count, threshold) + share)
            label = f"[dim]{escape(row.label)}[/]" if row.missing else escape(row.label)
            table.add_row(label, *cells)
        table.add_row("[bold]n[/]", *(f"[bold]{_count(d.n, threshold)}[/]" for d in tables if d is not None))
        _print_table(table, "T = med planlagt tiltak (nivå 2), S = bare kartleggingssamtale. Antall, andel i parentes.")


def _render_distribution(dist: Distribution, threshold: int) -> None:
    console.print(f"[bold]{escape(dist.title)}[/] [dim]({dist.id})[/]")
    table = Table(show_edge=False, box=None, padding=(0, 2))
    table.add_column("Svar")
    table.add_column("Antall", justify="right")
    table.add_column("Andel", justify="right")
    for row in dist.rows:
        label = f"[dim]{escape(row.label)}[/]" if row.missing else escape(row.label)
        table.add_row(label, _count(row.count, threshold), _share(row.count.share))
    _print_table(table, f"n = {_count(dist.n, threshold)}"
                 + ("; en person kan telle under flere kriterier" if not dist.additive else ""))


def _print_table(table: Table, caption: str) -> None:
    """The table, then its caption as a line of its own (a caption in the table would be broken at
    the table's width, also in a file or a pipe)."""
    if console.is_terminal and console.measure(table, options=console.options.update_width(10_000)).maximum > console.width:
        _print_blocks(table)
    else:
        console.print(table)
    console.print(f"[dim]{caption}[/]")
    console.print()


def _print_blocks(table: Table) -> None:
    """A table too wide for the terminal as one block per row: the row's label, then each column's
    heading and value on an indented line (a table squeezed to fit breaks office names apart)."""
    if table.title:
        console.print(f"[bold]{table.title}[/]")
    headers = [str(column.header) for column in table.columns]
    for row in zip(*(list(column.cells) for column in table.columns)):
        label, values = str(row[0]), [" ".join(str(cell).split()) for cell in row[1:]]
        if not label.strip() and not any(values):
            continue
        console.print(label or "")
        shown = [f"{header} {value}" for header, value in zip(headers[1:], values) if value]
        if shown:
            console.print(Padding(Text.from_markup(" · ".join(shown)), (0, 0, 0, 4), expand=False))


def register(app: typer.Typer) -> None:
    app.command("rapport")(rapport)
