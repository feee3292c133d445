"""`kt rapport --xlsx`: the report as a workbook, one sheet per table, set up for printing.

Counts are numbers and shares are percentages (numbers a spreadsheet can sum and chart); a
suppressed count is the text «<5» (small) or «x» (hidden to protect a small one), and its share is
left empty. The first sheet says what the numbers cover; every printed page says it in its header.
"""

from __future__ import annotations

from pathlib import Path

from kompetanse_cli.report.html import format_count
from kompetanse_cli.report.tallies import SHARE_OF, STAGE_HELP, STAGES, Count, Distribution, Report
from kompetanse_cli.report.workbook import Column, SheetSpec, write_workbook


def _count(count: Count, threshold: int) -> int | str:
    return count.value if count.value is not None else format_count(count, threshold)


def _share(count: Count) -> float | None:
    """A share as a fraction, shown as a percentage («58,3 %»)."""
    return None if count.share is None else round(count.share / 100, 4)


def _about(report: Report) -> SheetSpec:
    meta = report.meta
    rows: list[tuple[str, str]] = [
        ("Rapport", "Kompetansetiltak for sykmeldte"),
        ("Fylke", meta.fylke_name),
        ("Kontor", ", ".join(meta.offices) if meta.offices else "Alle"),
        ("Periode", meta.period_text),
        ("Terskel for prikking", str(meta.threshold)),
        ("Data per", meta.data_date.strftime("%d.%m.%Y") if meta.data_date else "ukjent"),
        ("Laget", meta.created.strftime("%d.%m.%Y")),
        ("Mal", meta.template),
        (f"<{meta.threshold}", f"1–{meta.threshold - 1} personer; tallet og andelen vises ikke"),
        ("x", "skjult for at et tall under terskelen ikke skal kunne regnes ut av summer eller andre tall"),
        ("Periode for listene", "listedato (siste liste per person i perioden)"),
        ("Periode for kartleggingen", "samtaledato (ellers dagen registreringen ble startet)"),
    ]
    if meta.fylke_note:
        rows.insert(2, ("Merk", meta.fylke_note))
    rows += [(label, STAGE_HELP[key]) for key, label in STAGES.items()]
    return SheetSpec("Om rapporten", [Column("Felt", width=26), Column("Verdi", width=90)], rows)


def _funnel(report: Report) -> SheetSpec:
    columns = [Column("Fylke"), Column("Kontor")]
    for key, label in STAGES.items():
        columns.append(Column(label, "int"))
        if key in SHARE_OF:
            columns.append(Column(f"{label}, andel av {STAGES[SHARE_OF[key]].lower()}", "percent"))
    rows = []
    for row in report.funnel.rows:
        values: list[object] = [row.fylke_name, row.label if row.level != "kontor" else row.kontor or "Ukjent kontor"]
        for key in STAGES:
            values.append(_count(row.counts[key], report.meta.threshold))
            if key in SHARE_OF:
                values.append(_share(row.counts[key]))
        rows.append(values)
    return SheetSpec("Trakt", columns, rows)


_DIST_COLUMNS = (Column("Id"), Column("Spørsmål / tabell", width=60), Column("Svar", width=50),
                 Column("Antall", "int"), Column("Andel", "percent"), Column("n", "int"))


def _dist_rows(dist: Distribution, threshold: int) -> list[list[object]]:
    n = _count(dist.n, threshold)
    return [[dist.id, dist.title, row.label, _count(row.count, threshold), _share(row.count), n] for row in dist.rows]


def _sheet(title: str, dists: list[Distribution], threshold: int) -> SheetSpec:
    rows: list[list[object]] = []
    for dist in dists:
        rows += _dist_rows(dist, threshold)
    return SheetSpec(title, _DIST_COLUMNS, rows)


def _trend(report: Report) -> SheetSpec:
    """`--per`: one row per period and office (and the period's sum), as in the terminal."""
    from kompetanse_cli.report.trends import TREND_STAGES

    trend = report.trend
    assert trend is not None
    columns = [Column("Periode", width=16), Column("Fra", width=12), Column("Kontor", width=30),
               *(Column(label, "int") for label in TREND_STAGES.values())]
    rows = [[row.period.label, row.period.first.strftime("%d.%m.%Y"), "Alle" if row.total else row.kontor or "Ukjent kontor",
             *(_count(row.counts[s], report.meta.threshold) for s in TREND_STAGES)]
            for row in trend.rows]
    return SheetSpec(f"Per {trend.per}", columns, rows)


def write_report_workbook(report: Report, path: Path) -> None:
    """One sheet per table: about, funnel, nivå 1–3, the measures, the screening."""
    t = report.meta.threshold
    m, s = report.measures, report.screening
    past = _sheet("Sykepengeperioden", [m.past_sykepengeperiode], t)
    if m.share_past is not None:
        past.rows = list(past.rows) + [["", "Andel planlagt ut over sykepengeperioden (av dem med kjent dato)", "",
                                        None, round(m.share_past / 100, 4), None]]
    sheets = [
        _about(report), _funnel(report),
        *[_sheet(f"Nivå {niva}", [q for q in report.questions if q.niva == niva], t) for niva in (1, 2, 3)],
        _sheet("Tiltakstype", [m.type], t),
        _sheet("Uker til oppstart", [m.weeks_to_start], t),
        _sheet("Varighet", [m.duration], t),
        past,
        _sheet("Screening", [s.decisions], t),
        _sheet("Årsaker ikke kandidat", [s.reasons], t),
        _sheet("Oppfølging", report.outcomes, t),
        *([_trend(report)] if report.trend is not None else []),
    ]
    meta = report.meta
    header = f"Kompetansetiltak for sykmeldte – {meta.fylke_name}, {meta.period_text}"
    for sheet in sheets:
        sheet.print_header = header
    write_workbook(path, sheets)

