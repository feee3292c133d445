"""`kt rapport`: the evaluation's tables and figures, counted from the store and suppressed.

The report has four parts, modelled on the evaluation (Oslo Economics 2022):

- the funnel per fylke and office (Tabell 4-1, Figur 4-5): listed → screened → candidates, and
  kartlagt → aktuell → vedtak → started → finished;
- every question of the registreringsskjema (Figur 4-1 to 7-3), with «Ubesvart»;
- the measures (kapittel 6): type, weeks from conversation to start, planned duration, and how
  many are planned past the sykepengeperiode;
- the screening: decisions, and why persons were not candidates.

Every person counts once per table. Every count passes `suppression.suppress` together with
the sums that tie the tables together, so a hidden count cannot be worked out from another
table either. Nothing here prints; aggregate numbers only, never a person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kompetanse_cli.errors import UsageError
from kompetanse_cli.fylker import FYLKER, FylkeChoice
from kompetanse_cli.interview.template import DEFAULT_TEMPLATE, Question, Template, load_template
from kompetanse_cli.report.suppression import DEFAULT_THRESHOLD, Group, suppress
from kompetanse_cli.screening.engine import DECISION_LABELS, IKKE_KANDIDAT, KANDIDAT, MANUELL
from kompetanse_cli.screening.rules import CRITERIA, NOT_MET
from kompetanse_cli.stages import FUNNEL_LABELS
from kompetanse_cli.interview.template import FOLLOW_UP_LEVELS
from kompetanse_cli.store import aggregates
from kompetanse_cli.store import tallies as store
from kompetanse_cli.store.api import Db

if TYPE_CHECKING:
    from kompetanse_cli.report.trends import Trend

Kept = dict[tuple[Hashable, ...], int]  # counts of deleted persons, by report cell (store.aggregates)
LISTE, SAMTALE = "liste", "samtale"  # the report's two parts: counted by list date, by samtaledato

MIN_THRESHOLD = 3  # below this, single persons in small offices can be recognised

STAGES: dict[str, str] = dict(FUNNEL_LABELS)  # the words `kt liste --status` takes too
STAGE_HELP: dict[str, str] = {
    "listed": "personer på en liste i perioden",
    "screened": "av dem: med en screeningbeslutning",
    "candidates": "av dem: siste beslutning «kandidat»",
    "kartlagt": "nivå 1 fullført (dato for samtalen i perioden)",
    "aktuell": "av de kartlagte: aktuell ja eller delvis",
    "vedtak": "nivå 2 med dato for vedtak",
    "started": "planlagt oppstart passert, eller status registrert på nivå 3",
    "finished": "nivå 3: gjennomført = ja",
}
# The count each stage's share is taken of (as the evaluation: «andel vurdert som aktuelle» of
# those listed, and vedtak of those kartlagt).
SHARE_OF: dict[str, str] = {
    "screened": "listed", "candidates": "listed",
    "aktuell": "kartlagt", "vedtak": "kartlagt", "started": "kartlagt", "finished": "kartlagt",
}
UBESVART, BESVART = "ubesvart", "besvart"
UBESVART_LABEL, BESVART_LABEL = "Ubesvart", "Besvart"
UNKNOWN_FYLKE, UNKNOWN_KONTOR = "Ukjent fylke", "Ukjent kontor"

WEEKS_TO_START = (("0_3", "0–3 uker", 3), ("4_8", "4–8 uker", 8), ("9_12", "9–12 uker", 12),
                  ("over_12", "Over 12 uker", None))
DURATION = (("1_8", "1–8 uker", 8), ("9_16", "9–16 uker", 16), ("17_24", "17–24 uker", 24),
            ("25_48", "25–48 uker", 48), ("over_48", "Over 48 uker", None))
PAST, WITHIN, MISSING = "ja", "nei", "ukjent"
PAST_LABELS = {PAST: "Går ut over sykepengeperioden", WITHIN: "Innenfor sykepengeperioden",
               MISSING: "Ukjent (mangler sluttdato eller sykmeldingsdato)"}

_ALL = "\x00alle"  # the key of a sum row: no office or fylke can be called this


@dataclass(frozen=True)
class Count:
    """One published number: `value` is None when suppressed; `share` in percent, one decimal."""

    value: int | None
    mark: str | None = None  # None, suppression.PRIMARY or SECONDARY
    share: float | None = None

    @property
    def hidden(self) -> bool:
        return self.mark is not None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: Count
    missing: bool = False  # «Ubesvart» or a missing date: not an answer anyone gave


@dataclass
class Distribution:
    """How n persons are spread over answers or bins; with `additive`, the rows add up to n."""

    id: str
    title: str
    n: Count
    rows: list[Row]
    niva: int | None = None
    additive: bool = True
    condition: str | None = None
    # what the HTML needs to say it in words: the answer kind, and the condition as (question id, answer keys)
    choices: bool = True
    shown_when: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def as_dict(self) -> dict[str, object]:
        suppressed = {r.key: r.count.mark for r in self.rows if r.count.hidden}
        if self.n.hidden:
            suppressed = {"n": self.n.mark, **suppressed}
        return {"title": self.title, "niva": self.niva, "n": self.n.value,
                "counts": {r.key: r.count.value for r in self.rows},
                "shares": {r.key: r.count.share for r in self.rows},
                "labels": {r.key: r.label for r in self.rows},
                "suppressed": suppressed, "adds_up": self.additive, "shown_when": self.condition}


@dataclass
class FunnelRow:
    level: str  # "kontor", "fylke" or "total"
    fylke: str | None
    fylke_name: str
    kontor: str | None
    counts: dict[str, Count]

    @property
    def label(self) -> str:
        if self.level == "total":
            return "Totalt"
        if self.level == "fylke":
            return f"Sum {self.fylke_name}"
        return self.kontor or UNKNOWN_KONTOR

    def as_dict(self) -> dict[str, object]:
        return {"level": self.level, "fylke": self.fylke, "fylke_name": self.fylke_name, "kontor": self.kontor,
                "counts": {k: c.value for k, c in self.counts.items()},
                "shares": {k: c.share for k, c in self.counts.items() if k in SHARE_OF},
                "suppressed": {k: c.mark for k, c in self.counts.items() if c.hidden}}


@dataclass
class Funnel:
    rows: list[FunnelRow]  # offices of a fylke, then the fylke's sum; the total last

    @property
    def total(self) -> FunnelRow:
        return self.rows[-1]

    @property
    def fylke_count(self) -> int:
        return sum(1 for r in self.rows if r.level == "fylke")

    def offices_in(self, fylke: str | None) -> int:
        return sum(1 for r in self.rows if r.level == "kontor" and r.fylke == fylke)

    def display_rows(self) -> list[tuple[FunnelRow, str, str | None]]:
        """(row, style, heading) for a table without repeated rows: a fylke's sum only when it has
        several offices, the total only when there are several fylker. Style is «kontor», «sum» or
        «total»; heading is the fylke's name before its first office when there are several fylker."""
        several = self.fylke_count > 1
        shown: list[tuple[FunnelRow, str, str | None]] = []
        previous: str | None = None
        for row in self.rows:
            if row.level == "kontor":
                heading = row.fylke_name if several and row.fylke_name != previous else None
                previous = row.fylke_name
                shown.append((row, "kontor", heading))
            elif row.level == "fylke" and self.offices_in(row.fylke) > 1:
                shown.append((row, "sum" if several else "total", None))
            elif row.level == "total" and several:
                shown.append((row, "total", None))
        return shown

    def as_dict(self) -> dict[str, object]:
        return {"stages": STAGES, "share_of": SHARE_OF,
                "rows": [r.as_dict() for r in self.rows[:-1]], "total": self.total.as_dict()}


@dataclass
class Measures:
    type: Distribution
    weeks_to_start: Distribution
    duration: Distribution
    past_sykepengeperiode: Distribution
    share_past: float | None  # of those with a known end and sick-leave start
    share_past_hidden: bool = False  # None above because a count behind it is suppressed, not for want of data

    def as_dict(self) -> dict[str, object]:
        return {"type": self.type.as_dict(), "weeks_to_start": self.weeks_to_start.as_dict(),
                "duration": self.duration.as_dict(),
                "past_sykepengeperiode": {**self.past_sykepengeperiode.as_dict(), "share_past": self.share_past,
                                          "share_past_suppressed": self.share_past_hidden}}


@dataclass
class Screening:
    decisions: Distribution
    reasons: Distribution

    def as_dict(self) -> dict[str, object]:
        return {"decisions": self.decisions.as_dict(), "reasons": self.reasons.as_dict()}


@dataclass
class ReportMeta:
    fylker: tuple[str, ...] | None
    fylke_name: str
    fylke_note: str | None
    kontor: str | None
    offices: tuple[str, ...] | None
    fra: dt.date | None
    til: dt.date | None
    threshold: int
    data_date: dt.date | None
    created: dt.date
    template: str
    with_deleted: bool = False  # anonymous counts of deleted persons are included (store.aggregates)

    @property
    def period_text(self) -> str:
        if self.fra and self.til:
            return f"{self.fra:%d.%m.%Y}–{self.til:%d.%m.%Y}"
        if self.fra:
            return f"fra {self.fra:%d.%m.%Y}"
        if self.til:
            return f"til og med {self.til:%d.%m.%Y}"
        return "hele perioden"

    def as_dict(self) -> dict[str, object]:
        return {"fylke": list(self.fylker) if self.fylker else None, "fylke_name": self.fylke_name,
                "fylke_note": self.fylke_note, "kontor": self.kontor,
                "offices": list(self.offices) if self.offices is not None else None,
                "period": {"from": _iso(self.fra), "to": _iso(self.til), "text": self.period_text},
                "threshold": self.threshold, "data_date": _iso(self.data_date), "created": _iso(self.created),
                "template": self.template, "with_deleted": self.with_deleted}


@dataclass
class Report:
    meta: ReportMeta
    funnel: Funnel
    questions: list[Distribution]
    measures: Measures
    screening: Screening
    levels: dict[int, str] = field(default_factory=dict)
    outcomes: list[Distribution] = field(default_factory=list)  # situation at 6 and 12 months
    trend: Trend | None = None  # with --per

    def question(self, qid: str) -> Distribution:
        return next(q for q in self.questions if q.id == qid)

    def as_dict(self) -> dict[str, object]:
        return {"metadata": self.meta.as_dict(), "funnel": self.funnel.as_dict(),
                "questions": {q.id: q.as_dict() for q in self.questions},
                "measures": self.measures.as_dict(), "screening": self.screening.as_dict(),
                "outcomes": {d.id: d.as_dict() for d in self.outcomes},
                **({"trend": self.trend.as_dict()} if self.trend is not None else {})}


def percent(part: int, whole: int) -> float:
    """part of whole in percent, one decimal, halves rounded up as in published statistics."""
    exact = Decimal(100 * part) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class _Cells:
    """The report's raw counts by key, and the sums that tie them together, before suppression."""

    def __init__(self) -> None:
        self.values: dict[Hashable, int] = {}
        self.groups: list[Group] = []
        self.marks: dict[Hashable, str | None] = {}

    def add(self, key: Hashable, value: int) -> Hashable:
        self.values[key] = int(value)
        return key

    def group(self, total: Hashable, parts: Sequence[Hashable]) -> None:
        self.groups.append(Group(total, tuple(parts)))

    def link(self, total: Hashable, parts: Sequence[Hashable]) -> None:
        """A sum across tables, used only when it holds in the data (it does by definition
        unless answers were left behind by a changed condition)."""
        if total not in self.values or any(p not in self.values for p in parts):
            return
        if sum(self.values[p] for p in parts) == self.values[total]:
            self.group(total, parts)

    def suppress(self, threshold: int) -> None:
        self.marks = suppress(self.values, self.groups, threshold)

    def count(self, key: Hashable, share_of: Hashable | None = None) -> Count:
        mark = self.marks[key]
        share = None
        if share_of is not None and mark is None and self.marks[share_of] is None and self.values[share_of] > 0:
            share = percent(self.values[key], self.values[share_of])
        return Count(None if mark else self.values[key], mark, share)


def resolve_offices(conn: Db, kontor: str | None,
                    fylker: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The office names that contain what was typed (any case); an unknown office lists the known ones."""
    if not kontor:
        return None
    names = store.office_names(conn, fylker)
    wanted = kontor.strip().casefold()
    found = tuple(sorted(n for n in names if wanted in n.casefold()))
    if not found:
        known = ", ".join(sorted(names)) or "(ingen)"
        raise UsageError(f"Fant ikke kontoret «{kontor}» i dataene. Kjente kontorer: {known}.")
    return found


def build_report(conn: Db, *, fylke: FylkeChoice | None, kontor: str | None = None,
                 fra: dt.date | None = None, til: dt.date | None = None,
                 threshold: int = DEFAULT_THRESHOLD, today: dt.date | None = None,
                 template: Template | None = None, per: str | None = None) -> Report:
    """Count everything for the report, then suppress small counts. `per` («uke» or «måned»)
    adds the trend (report.trends).

    `fylke` None means every fylke. The funnel's list stages use the list date, everything about
    interviews the samtaledato (or, where none is given, the day the registration was started).
    """
    if threshold < MIN_THRESHOLD:
        raise UsageError(f"--terskel må være minst {MIN_THRESHOLD}; mindre tall kan peke ut enkeltpersoner.")
    if fra and til and fra > til:
        raise UsageError("--fra kan ikke være etter --til.")
    today = today or dt.date.today()
    template = template or load_template(DEFAULT_TEMPLATE)
    fylker = fylke.keys if fylke else None
    offices = resolve_offices(conn, kontor, fylker)
    scope = store.Scope(fylker=fylker, kontorer=offices, fra=fra, til=til)
    cells = _Cells()
    kept = _kept_counts(conn, scope)
    with store.selections(conn, scope):
        funnel_keys = _count_funnel(conn, cells, today, kept)
        questions = _count_questions(conn, cells, template, kept)
        measures = _count_measures(conn, cells, kept)
        reasons = _count_reasons(conn, cells, kept)
        outcomes = _count_outcomes(conn, cells, template, kept)
        trend_order = None
        if per is not None:
            from kompetanse_cli.report import trends

            trend_order = trends.count_trend(conn, cells, scope, per)
        stamp = store.data_date(conn)
    _link_tables(cells, template)
    cells.suppress(threshold)
    meta = ReportMeta(
        fylker=fylker, fylke_name=fylke.label if fylke else "Alle fylker", fylke_note=fylke.note if fylke else None,
        kontor=kontor, offices=offices, fra=fra, til=til, threshold=threshold, data_date=stamp, created=today,
        template=f"{template.id} v{template.versjon}", with_deleted=bool(kept))
    return Report(
        meta=meta, funnel=_funnel(cells, funnel_keys),
        questions=[_distribution(cells, *q) for q in questions],
        measures=_measures(cells, questions, measures), screening=_screening(cells, reasons),
        levels=dict(template.nivaer), outcomes=_outcomes(cells, outcomes),
        trend=None if trend_order is None or per is None else trends.Trend(per, trends.trend_rows(cells, trend_order)))


# ---------- the funnel ----------

_LIST_FIELDS = ("listed", "screened", "candidates", MANUELL, IKKE_KANDIDAT)
_INTERVIEW_FIELDS = ("kartlagt", "aktuell", "vedtak", "started", "finished")
_FIELDS = _LIST_FIELDS + _INTERVIEW_FIELDS


def _place_order(fylke: str | None) -> tuple[int, str]:
    return (1, "") if fylke is None else (0, FYLKER.get(fylke, fylke))


def _office_order(kontor: str | None) -> tuple[bool, list[object]]:
    """Offices by name, numbers in them as numbers (NAV Oslo 2 before NAV Oslo 10), unknown last."""
    parts = re.split(r"(\d+)", (kontor or "").casefold())
    return kontor is None, [(0, int(p)) if p.isdigit() else (1, p) for p in parts]


def _count_funnel(conn: Db, cells: _Cells, today: dt.date, kept: Kept,
                  which: tuple[str, ...] = (LISTE, SAMTALE)) -> list[tuple[str, str | None, str | None]]:
    """Adds the funnel's cells; returns the row keys in display order: (level, fylke, kontor)."""
    raw: dict[tuple[str | None, str | None], dict[str, int]] = {}
    if LISTE in which:
        for row in store.funnel_lists(conn):
            raw.setdefault((row["fylke"], row["kontor"]), {}).update({f: row[f] for f in _LIST_FIELDS})
    if SAMTALE in which:
        for row in store.funnel_interviews(conn, today):
            raw.setdefault((row["fylke"], row["kontor"]), {}).update({f: row[f] for f in _INTERVIEW_FIELDS})
    for key, value in kept.items():
        if key[0] == "f":
            office = (None if key[1] is None else str(key[1]), None if key[2] is None else str(key[2]))
            place = raw.setdefault(office, {})
            place[str(key[3])] = place.get(str(key[3]), 0) + value
    order: list[tuple[str, str | None, str | None]] = []
    by_fylke: dict[str | None, list[str | None]] = {}
    for fylke, kontor in sorted(raw, key=lambda k: (_place_order(k[0]), _office_order(k[1]))):
        by_fylke.setdefault(fylke, []).append(kontor)
    for fylke, offices in by_fylke.items():
        for kontor in offices:
            order.append(("kontor", fylke, kontor))
            for f in _FIELDS:
                cells.add(("f", fylke, kontor, f), raw[(fylke, kontor)].get(f, 0))
        order.append(("fylke", fylke, _ALL))
        for f in _FIELDS:
            parts = [("f", fylke, k, f) for k in offices]
            cells.add(("f", fylke, _ALL, f), sum(cells.values[p] for p in parts))
            cells.group(("f", fylke, _ALL, f), parts)
    order.append(("total", _ALL, _ALL))
    for f in _FIELDS:
        parts = [("f", fylke, _ALL, f) for fylke in by_fylke]
        cells.add(("f", _ALL, _ALL, f), sum(cells.values[p] for p in parts))
        cells.group(("f", _ALL, _ALL, f), parts)
    total = ("f", _ALL, _ALL)
    # every screened person got one of the three decisions
    cells.group((*total, "screened"), [(*total, "candidates"), (*total, MANUELL), (*total, IKKE_KANDIDAT)])
    return order


def _funnel(cells: _Cells, order: list[tuple[str, str | None, str | None]]) -> Funnel:
    rows = []
    for level, fylke, kontor in order:
        counts = {stage: cells.count(("f", fylke, kontor, stage),
                                     ("f", fylke, kontor, SHARE_OF[stage]) if stage in SHARE_OF else None)
                  for stage in STAGES}
        real_fylke = None if fylke in (None, _ALL) else fylke
        name = "Alle" if fylke == _ALL else FYLKER.get(fylke, fylke) if fylke else UNKNOWN_FYLKE
        rows.append(FunnelRow(level, real_fylke, name, None if kontor in (None, _ALL) else kontor, counts))
    return Funnel(rows)


# ---------- the questions ----------

def _answer_keys(question: Question) -> list[tuple[str, str]]:
    if question.has_choices:
        return list(question.valg.items())
    return [(BESVART, BESVART_LABEL)]


def _count_questions(conn: Db, cells: _Cells, template: Template, kept: Kept) -> list[tuple]:
    """Adds every question's cells; returns (question, n key, [(answer key, label)]) per question."""
    sizes = store.level_sizes(conn)
    kept_answers: dict[str, dict[str, int]] = {}
    for key, value in kept.items():
        if key[0] == "q":
            kept_answers.setdefault(str(key[1]), {})[str(key[2])] = value
    found = []
    for niva in (1, 2, 3):
        level_n = cells.add(("n", niva), sizes[niva] + kept.get(("n", niva), 0))
        plain = [q for q in template.level(niva) if not q.vis_naar]
        counted = store.answer_counts(conn, niva, [q.id for q in plain if q.has_choices],
                                      [q.id for q in plain if not q.has_choices])
        for question in template.level(niva):
            if question.vis_naar:
                conditions = [(asked.niva, other, keys) for other, keys in question.vis_naar.items()
                              if (asked := template.question(other)) is not None]
                raw = store.conditional_counts(conn, niva, question.id, choices=question.has_choices,
                                               conditions=conditions)
                n_key = cells.add(("qn", question.id), sum(raw.values()) + kept.get(("qn", question.id), 0))
                answered = {k: v for k, v in raw.items() if k is not None}
            else:
                n_key = level_n
                answered = dict(counted.get(question.id, {}))
            for k, v in kept_answers.get(question.id, {}).items():
                answered[k] = answered.get(k, 0) + v
            keys = _answer_keys(question)
            keys += [(k, k) for k in sorted(answered) if k not in dict(keys)]  # keys the template no longer has
            parts = [cells.add(("q", question.id, k), answered.get(k, 0)) for k, _ in keys]
            parts.append(cells.add(("q", question.id, UBESVART), cells.values[n_key] - sum(answered.values())))
            cells.group(n_key, parts)
            found.append((question, n_key, keys + [(UBESVART, UBESVART_LABEL)]))
    return found


def _distribution(cells: _Cells, question: Question, n_key: Hashable, keys: list[tuple[str, str]]) -> Distribution:
    condition = "; ".join(f"{other} = {' / '.join(values)}" for other, values in question.vis_naar.items()) or None
    return Distribution(
        id=question.id, title=question.tekst, niva=question.niva, n=cells.count(n_key), condition=condition,
        choices=question.has_choices,
        shown_when=tuple((other, tuple(values)) for other, values in question.vis_naar.items()),
        rows=[Row(k, label, cells.count(("q", question.id, k), n_key), missing=k == UBESVART) for k, label in keys])


# ---------- the measures ----------

def _count_measures(conn: Db, cells: _Cells, kept: Kept) -> dict[str, list[tuple[str, str]]]:
    """Adds the measures' cells (persons with nivå 2); returns each table's (key, label) rows."""
    counted = store.measure_counts(
        conn, weeks=[store.Bin(key, high) for key, _, high in WEEKS_TO_START],
        duration=[store.Bin(key, high) for key, _, high in DURATION], missing=UBESVART,
        past=PAST, within=WITHIN, unknown=MISSING)
    found: dict[str, list[tuple[str, str]]] = {
        "weeks": [(key, label) for key, label, _ in WEEKS_TO_START] + [(UBESVART, "Mangler dato")],
        "duration": [(key, label) for key, label, _ in DURATION] + [(UBESVART, "Mangler dato")],
        "past": list(PAST_LABELS.items()),
    }
    for name, keys in found.items():
        cells.group(("n", 2), [cells.add(("m", name, k), counted[name].get(k, 0) + kept.get(("m", name, k), 0))
                               for k, _ in keys])
    return found


def _measures(cells: _Cells, questions: list[tuple], tables: dict[str, list[tuple[str, str]]]) -> Measures:
    n = cells.count(("n", 2))
    type_question = next((q for q in questions if q[0].id == "tiltakstype"), None)
    measure_type = (_distribution(cells, *type_question) if type_question
                    else Distribution("tiltakstype", "Type kompetansetiltak", n, [], niva=2))

    def table(name: str, ident: str, title: str) -> Distribution:
        return Distribution(ident, title, n, [Row(k, label, cells.count(("m", name, k), ("n", 2)),
                                                  missing=k in (UBESVART, MISSING)) for k, label in tables[name]],
                            niva=2)

    past, within = ("m", "past", PAST), ("m", "past", WITHIN)
    known = cells.values[past] + cells.values[within]
    share_past = None
    hidden = bool(known) and (cells.marks[past] is not None or cells.marks[within] is not None)
    if known and not hidden:
        share_past = percent(cells.values[past], known)
    return Measures(
        type=measure_type,
        weeks_to_start=table("weeks", "uker_til_oppstart", "Uker fra kartleggingssamtale til planlagt oppstart"),
        duration=table("duration", "planlagt_varighet", "Planlagt varighet på kompetansetiltaket"),
        past_sykepengeperiode=table("past", "ut_over_sykepengeperioden",
                                    "Går tiltaket ut over sykepengeperioden (248 sykepengedager)?"),
        share_past=share_past, share_past_hidden=hidden)


# ---------- the screening ----------

def _count_reasons(conn: Db, cells: _Cells, kept: Kept) -> list[tuple[str, str]]:
    counted = store.screening_reasons(conn)
    for cell, value in kept.items():
        if cell[0] == "s":
            counted[str(cell[1])] = counted.get(str(cell[1]), 0) + value
    # labelled by what was wrong («Covid-19»), not by what the criterion requires («Ikke covid-19»)
    keys = [(k, NOT_MET.get(k, label)) for k, label in CRITERIA.items()] + [(k, k) for k in sorted(counted) if k not in CRITERIA]
    for key, _ in keys:
        cells.add(("s", key), counted.get(key, 0))  # overlapping (one person, several reasons): no sum
    return keys


def _screening(cells: _Cells, reasons: list[tuple[str, str]]) -> Screening:
    total = ("f", _ALL, _ALL)
    screened = (*total, "screened")
    decisions = Distribution(
        "beslutninger", "Screeningbeslutninger (siste beslutning per person)", cells.count(screened),
        [Row(d, DECISION_LABELS[d], cells.count((*total, "candidates" if d == KANDIDAT else d), screened))
         for d in (KANDIDAT, MANUELL, IKKE_KANDIDAT)])
    not_candidates = (*total, IKKE_KANDIDAT)
    reason_rows = Distribution(
        "arsaker", "Hvorfor personer ikke var kandidater (kriterier ikke oppfylt)", cells.count(not_candidates),
        [Row(k, label, cells.count(("s", k), not_candidates)) for k, label in reasons], additive=False)
    return Screening(decisions, reason_rows)


# ---------- follow-up 6 and 12 months after the conversation ----------

OUTCOME_QUESTIONS = ("situasjon", "sykmeldt_na")
OUTCOME_GROUPS = {"tiltak": "med planlagt tiltak", "samtale": "bare kartleggingssamtale"}


def _count_outcomes(conn: Db, cells: _Cells, template: Template, kept: Kept) -> list[tuple]:
    """Adds the follow-ups' cells: per months (6, 12) and group (with a planned measure, or the
    conversation only) the persons followed up and their answers. Returns (id, title, n key,
    question, [(key, label)]) per table."""
    found = []
    for months, level in FOLLOW_UP_LEVELS.items():
        sizes, answers = store.outcome_counts(conn, level, OUTCOME_QUESTIONS)
        for group, group_label in OUTCOME_GROUPS.items():
            n_key = cells.add(("o", months, group, "n"), sizes.get(group, 0) + kept.get(("o", months, group, "n"), 0))
            for qid in OUTCOME_QUESTIONS:
                question = template.question(qid)
                keys = list(question.valg.items()) if question else []
                given = {value: count for (g, q, value), count in answers.items() if g == group and q == qid}
                for key, value in kept.items():
                    if key[:4] == ("o", months, group, qid):
                        given[str(key[4])] = given.get(str(key[4]), 0) + value
                keys += [(k, k) for k in sorted(given) if k not in dict(keys)]
                parts = [cells.add(("o", months, group, qid, k), given.get(k, 0)) for k, _ in keys]
                parts.append(cells.add(("o", months, group, qid, UBESVART), cells.values[n_key] - sum(given.values())))
                cells.group(n_key, parts)
                title = (f"{question.tekst if question else qid} – {months} måneder etter samtalen, {group_label}")
                found.append((f"oppfolging{months}_{group}_{qid}", title, n_key, qid,
                              keys + [(UBESVART, UBESVART_LABEL)]))
    return found


def _outcomes(cells: _Cells, tables: list[tuple]) -> list[Distribution]:
    return [Distribution(ident, title, cells.count(n_key),
                         [Row(k, label, cells.count((*n_key[:3], qid, k), n_key), missing=k == UBESVART)
                          for k, label in keys], niva=4)
            for ident, title, n_key, qid, keys in tables]


# ---------- counts that outlive deletion ----------

def _kept_counts(conn: Db, scope: store.Scope) -> Kept:
    """The anonymous counts of deleted persons in the report's place and period (store.aggregates):
    funnel cells by office, every other cell summed."""
    kept: Kept = {}
    for fylke, kontor, key, count in aggregates.counts(conn, fylker=scope.fylker, kontorer=scope.kontorer,
                                                       fra=scope.fra, til=scope.til):
        full = ("f", fylke, kontor, key[1]) if key[0] == "f" else key
        kept[full] = kept.get(full, 0) + count
    return kept


def _kept_key(key: Hashable, part: str) -> tuple[Hashable, ...] | None:
    """The key under which a deleted person's cell is kept, or None for cells the report works out
    from others (sums, «Ubesvart») or that belong to the other part."""
    assert isinstance(key, tuple)
    kind = key[0]
    if kind == "f":
        if key[1] == _ALL or key[2] == _ALL:
            return None
        fields = _LIST_FIELDS if part == LISTE else _INTERVIEW_FIELDS
        return ("f", key[3]) if key[3] in fields else None
    if part == LISTE:
        return key if kind == "s" else None
    if kind in ("q", "o") and key[-1] == UBESVART:
        return None
    return key if kind in ("n", "qn", "q", "m", "o") else None


def anonymous_counts(conn: Db, person_ids: Sequence[int], *, today: dt.date | None = None,
                     template: Template | None = None) -> list[tuple[dt.date, str | None, str | None,
                                                                    tuple[Hashable, ...], int]]:
    """What the report counts of these persons, without them: (day in the week, fylke, kontor,
    cell key, persons). The list part is counted by the week of the person's latest list date, the
    interviews by the week of the samtaledato, each at the place the report gives it."""
    if not person_ids:
        return []
    today = today or dt.date.today()
    template = template or load_template(DEFAULT_TEMPLATE)
    with store.selections(conn, store.Scope(persons=tuple(person_ids))):
        days = store.selected_days(conn)
    groups: dict[tuple[str, dt.date, str | None, str | None], list[int]] = {}
    for part, person_id, day, fylke, kontor in days:
        week = aggregates.monday(dt.date.fromisoformat(day[:10]))
        groups.setdefault((part, week, fylke, kontor), []).append(person_id)
    found = []
    for (part, week, fylke, kontor), ids in groups.items():
        cells = _Cells()
        with store.selections(conn, store.Scope(persons=tuple(ids))):
            if part == LISTE:
                _count_funnel(conn, cells, today, {}, which=(LISTE,))
                _count_reasons(conn, cells, {})
            else:
                _count_funnel(conn, cells, today, {}, which=(SAMTALE,))
                _count_questions(conn, cells, template, {})
                _count_measures(conn, cells, {})
                _count_outcomes(conn, cells, template, {})
        for key, value in cells.values.items():
            kept = _kept_key(key, part)
            if kept is not None and value:
                found.append((week, fylke, kontor, kept, value))
    return found + _listed_by_period(conn, person_ids)


def _listed_by_period(conn: Db, person_ids: Sequence[int]) -> list[tuple[dt.date, str | None, str | None,
                                                                         tuple[Hashable, ...], int]]:
    """For the trend (report.trends): listed and candidates per week («wu») and per month («wm»),
    each person once per period by their latest appearance in it, kept under that appearance's week."""
    latest: dict[tuple[str, int, str], Any] = {}  # store rows
    for row in store.appearances_of(conn, person_ids):  # oldest first: the last one of a period wins
        day = dt.date.fromisoformat(row["listedato"])
        latest[("wu", row["person_id"], aggregates.monday(day).isoformat())] = row
        latest[("wm", row["person_id"], f"{day:%Y-%m}")] = row
    counted: dict[tuple[dt.date, str | None, str | None, tuple[Hashable, ...]], int] = {}
    for (kind, _, _), row in latest.items():
        place = (dt.date.fromisoformat(row["listedato"]), row["fylke"], row["kontor"])
        for stage, hit in (("listed", True), ("candidates", row["beslutning"] == KANDIDAT)):
            if hit:
                key = (*place, (kind, stage))
                counted[key] = counted.get(key, 0) + 1
    return [(*key[:3], key[3], count) for key, count in counted.items()]


# ---------- sums across tables ----------

def _link_tables(cells: _Cells, template: Template) -> None:
    """Sums that hold between tables, so that one table cannot undo another's suppression."""
    total = ("f", _ALL, _ALL)
    for question in template.questions:
        if len(question.vis_naar) != 1:
            continue
        (other, keys), = question.vis_naar.items()
        parent = template.question(other)
        if parent is not None and parent.niva == question.niva:
            # the persons a follow-up question was shown to are those who gave the answers that open it
            cells.link(("qn", question.id), [("q", other, k) for k in keys])
    cells.link((*total, "aktuell"), [("q", "aktuell", "ja"), ("q", "aktuell", "delvis")])
    cells.link((*total, "vedtak"), [("q", "vedtaksdato", BESVART)])
    cells.link((*total, "finished"), [("q", "gjennomfort", "ja")])
