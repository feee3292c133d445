"""`kt rapport --per uke|maaned`: the funnel's main stages per week or month and office.

Listed and candidates count each person once per period (their latest list in it); kartlagt,
aktuell and vedtak count by samtaledato, as the rest of the report does. Deleted persons' counts
(store.aggregates) are added by their week; for months, a week belongs to the month that holds
its Thursday. The counts are suppressed together with the rest of the report: an office's
periods add up to its row in the funnel where the data say they do (kartlagt always does), so
a number hidden there cannot be worked out here, nor the other way round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kompetanse_cli.errors import UsageError
from kompetanse_cli.report.tallies import Count
from kompetanse_cli.store import aggregates
from kompetanse_cli.store import tallies as store
from kompetanse_cli.store.api import Db

PER = {"uke": "uke", "maaned": "måned", "måned": "måned", "mnd": "måned"}
TREND_STAGES = {"listed": "Listet", "candidates": "Kandidater", "kartlagt": "Kartlagt", "aktuell": "Aktuell",
                "vedtak": "Vedtak"}
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
ALL = "\x00alle"  # the sum over offices of one period


def parse_per(text: str) -> str:
    """«uke» or «maaned» (also «måned», «mnd»): the unit of the trend."""
    unit = PER.get(text.strip().lower())
    if unit is None:
        raise UsageError("--per skal være uke eller maaned.")
    return unit


@dataclass(frozen=True)
class Period:
    key: str  # 2022-W10 or 2022-03
    label: str  # «uke 10 2022», «mars 2022»
    first: dt.date
    last: dt.date


def period_of(day: dt.date, unit: str) -> Period:
    if unit == "uke":
        monday = day - dt.timedelta(days=day.weekday())
        year, week, _ = monday.isocalendar()
        return Period(f"{year}-W{week:02d}", f"uke {week} {year}", monday, monday + dt.timedelta(days=6))
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(f"{day:%Y-%m}", f"{MONTHS[day.month - 1]} {day.year}", first, following - dt.timedelta(days=1))


def periods_between(first: dt.date, last: dt.date, unit: str) -> list[Period]:
    found = []
    period = period_of(first, unit)
    while period.first <= last:
        found.append(period)
        period = period_of(period.last + dt.timedelta(days=1), unit)
    return found


@dataclass
class TrendRow:
    period: Period
    fylke: str | None
    kontor: str | None  # None with `total`: every office of the period
    total: bool
    counts: dict[str, Count]

    def as_dict(self) -> dict[str, object]:
        return {"period": self.period.key, "from": self.period.first.isoformat(), "to": self.period.last.isoformat(),
                "fylke": self.fylke, "kontor": self.kontor, "total": self.total,
                "counts": {k: c.value for k, c in self.counts.items()},
                "suppressed": {k: c.mark for k, c in self.counts.items() if c.hidden}}


@dataclass
class Trend:
    per: str
    rows: list[TrendRow]

    @property
    def offices(self) -> list[tuple[str | None, str | None]]:
        seen: dict[tuple[str | None, str | None], None] = {}
        for row in self.rows:
            if not row.total:
                seen.setdefault((row.fylke, row.kontor), None)
        return list(seen)

    def as_dict(self) -> dict[str, object]:
        return {"per": "maaned" if self.per == "måned" else self.per, "stages": TREND_STAGES,
                "rows": [r.as_dict() for r in self.rows]}


Order = tuple[list[Period], list[tuple[Period, str | None, str | None]]]


def count_trend(conn: Db, cells, scope: store.Scope, unit: str) -> Order:
    """Adds the trend's cells (inside the report's selections); returns every period (empty ones
    too: a week without lists is a finding) and (period, fylke, kontor) for each office row with
    anything in it, in order. `cells` is the report's tallies._Cells."""
    kept = _kept_by_week(conn, scope, unit)
    span = store.date_span(conn, scope)
    days = [d for d in (span or ())] + [week for week, *_ in kept]
    if not days:
        return [], []
    first, last = min(days), max(days)
    if scope.fra:
        first = max(first, scope.fra)
    if scope.til:
        last = min(last, scope.til)
    periods = periods_between(first, last, unit)
    by_key = {p.key: p for p in periods}
    raw: dict[tuple[str, str | None, str | None], dict[str, int]] = {}
    for row in store.trend_counts(conn, scope, [(p.key, p.first, p.last) for p in periods]):
        place = raw.setdefault((row["navn"], row["fylke"], row["kontor"]), {})
        for stage in TREND_STAGES:
            place[stage] = place.get(stage, 0) + row[stage]
    for week, fylke, kontor, stage, count in kept:
        period = period_of(week + dt.timedelta(days=3), unit)  # the week's Thursday
        if period.key in by_key:
            place = raw.setdefault((period.key, fylke, kontor), {})
            place[stage] = place.get(stage, 0) + count
    # without --fra/--til the trend runs from the first period with anything in it to the last
    busy = [p for p in periods if any(any(v.values()) for k, v in raw.items() if k[0] == p.key)]
    if busy:
        periods = [p for p in periods if (scope.fra or p.first >= busy[0].first)
                   and (scope.til or p.first <= busy[-1].first)]
    order = []
    for period in periods:
        # an office with nothing in the period is not a row of it (as after its persons are deleted)
        offices = sorted((k for k in raw if k[0] == period.key and any(raw[k].values())),
                         key=lambda k: ((k[1] or "\uffff"), k[2] or "\uffff"))
        for _, fylke, kontor in offices:
            order.append((period, fylke, kontor))
            for stage in TREND_STAGES:
                cells.add(("t", period.key, fylke, kontor, stage), raw[(period.key, fylke, kontor)].get(stage, 0))
        for stage in TREND_STAGES:
            parts = [("t", period.key, f, k, stage) for _, f, k in offices]
            cells.add(("t", period.key, ALL, ALL, stage), sum(cells.values[p] for p in parts))
            cells.group(("t", period.key, ALL, ALL, stage), parts)
    # an office's periods add up to its funnel row (when the data say so: a person listed in two
    # periods counts in both, but once in the funnel)
    for fylke, kontor in {(f, k) for _, f, k in order}:
        for stage in TREND_STAGES:
            parts = [("t", p.key, fylke, kontor, stage) for p, f, k in order if (f, k) == (fylke, kontor)]
            cells.link(("f", fylke, kontor, stage), parts)
    return periods, order


LIST_STAGES = ("listed", "candidates")


def _kept_by_week(conn: Db, scope: store.Scope, unit: str) -> list[tuple[dt.date, str | None, str | None, str, int]]:
    """Deleted persons' counts for the trend's stages: (Monday, fylke, kontor, stage, count). The
    list stages from the tallies kept per week («wu») or month («wm»), so that a person listed in
    several periods counts in each, as before the deletion; the others from the funnel's."""
    kind = "wu" if unit == "uke" else "wm"
    wanted = [(kind, s) for s in LIST_STAGES] + [("f", s) for s in TREND_STAGES if s not in LIST_STAGES]
    found = []
    for week, fylke, kontor, key, count in aggregates.weekly(conn, wanted):
        monday = dt.date.fromisoformat(week)
        thursday = monday + dt.timedelta(days=3)
        if scope.fylker is not None and fylke not in scope.fylker:
            continue
        if scope.kontorer is not None and kontor not in scope.kontorer:
            continue
        if (scope.fra and thursday < scope.fra) or (scope.til and thursday > scope.til):
            continue
        found.append((monday, fylke, kontor, str(key[1]), count))
    return found


def trend_rows(cells, found: Order) -> list[TrendRow]:
    periods, order = found
    rows = []
    for period, fylke, kontor in order:
        rows.append(TrendRow(period, fylke, kontor, False,
                             {s: cells.count(("t", period.key, fylke, kontor, s)) for s in TREND_STAGES}))
    for period in periods:
        total = ("t", period.key, ALL, ALL)
        rows.append(TrendRow(period, None, None, True, {s: cells.count((*total, s)) for s in TREND_STAGES}))
    rows.sort(key=lambda r: (r.period.first, r.total))
    return rows


# ---------- the chart in the HTML report (inline SVG, drawn by the template) ----------

COLORS = {"listed": "#3e5f8a", "candidates": "#c77c02", "kartlagt": "#2e7d32", "aktuell": "#7b1fa2",
          "vedtak": "#b71c1c"}
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 640, 180, 40, 30


@dataclass(frozen=True)
class Series:
    stage: str
    label: str
    color: str
    segments: list[str]  # SVG polyline points, «x,y x,y …»; a hidden count breaks the line
    dots: list[tuple[float, float]]


@dataclass(frozen=True)
class Chart:
    title: str
    series: list[Series]
    ticks: list[tuple[float, str]]  # x, period label (a selection of them when there are many)
    top: int  # the largest shown count, the y axis' top
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT
    bottom: int = CHART_BOTTOM


def charts(trend: Trend) -> list[Chart]:
    """One line chart for all offices together, and one per office when there are several."""
    periods: dict[str, Period] = {}
    for row in trend.rows:
        periods.setdefault(row.period.key, row.period)
    keys = list(periods)
    wanted: list[tuple[str, bool, str | None, str | None]] = [("Alle kontorer", True, None, None)]
    if len(trend.offices) > 1:
        wanted += [(kontor or "Ukjent kontor", False, fylke, kontor) for fylke, kontor in trend.offices]
    found = []
    for title, total, fylke, kontor in wanted:
        rows = {r.period.key: r for r in trend.rows
                if r.total == total and (total or (r.fylke, r.kontor) == (fylke, kontor))}
        values = {stage: [_value(rows.get(key), stage) for key in keys] for stage in TREND_STAGES}
        top = max([v for series in values.values() for v in series if v is not None] + [1])
        found.append(Chart(title, [_series(stage, values[stage], top, len(keys)) for stage in TREND_STAGES],
                           _ticks([periods[k] for k in keys]), top))
    return found


def _value(row: TrendRow | None, stage: str) -> int | None:
    if row is None:
        return 0  # nothing in this office in the period
    count = row.counts[stage]
    return None if count.hidden else count.value


def _x(index: int, count: int) -> float:
    span = CHART_WIDTH - CHART_LEFT - 10
    return CHART_LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: int, top: int) -> float:
    return 10 + (CHART_HEIGHT - CHART_BOTTOM - 10) * (1 - value / top)


def _series(stage: str, values: list[int | None], top: int, count: int) -> Series:
    segments: list[str] = []
    current: list[str] = []
    dots: list[tuple[float, float]] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        x, y = _x(index, count), _y(value, top)
        current.append(f"{x:.1f},{y:.1f}")
        dots.append((round(x, 1), round(y, 1)))
    if current:
        segments.append(" ".join(current))
    return Series(stage, TREND_STAGES[stage], COLORS[stage], segments, dots)


def _ticks(periods: list[Period]) -> list[tuple[float, str]]:
    """At most eight labels, short («uke 10», «mar. 22»), the year with the first and at a new year."""
    step = max(1, -(-len(periods) // 8))
    found, year = [], None
    for i, period in enumerate(periods):
        if i % step:
            continue
        short = period.label.rsplit(" ", 1)[0] if period.key[5] == "W" else f"{period.label[:3]}."
        found.append((_x(i, len(periods)), short if period.first.year == year else f"{short} {period.first:%y}"))
        year = period.first.year
    return found
