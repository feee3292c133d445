"""`kt rapport --html`: the report as one self-contained HTML file, for the screen and for paper.

Rendered from `templates/rapport/rapport.html.j2` with jinja2 (autoescape on, StrictUndefined).
Inline CSS, bar charts as inline SVG: no scripts, fonts or images from anywhere else, so the
file can be mailed, archived and printed as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from kompetanse_cli.files import write_private
from kompetanse_cli.report.suppression import PRIMARY
from kompetanse_cli.report.tallies import SHARE_OF, STAGE_HELP, STAGES, Count, Distribution, Report

TEMPLATE = "rapport.html.j2"
WEEK_TEMPLATE = "uka.html.j2"  # follow-up and trends, included by the report
# The funnel as two figures, each scaled to its own largest count: with 1 600 listed and 70
# kartlagt, one figure scaled to «Listet» leaves the stages after the candidates invisible.
LIST_STAGES = ("listed", "screened", "candidates")
CANDIDATE_STAGES = ("candidates", "kartlagt", "aktuell", "vedtak", "started", "finished")


def format_number(value: float, decimals: int = 0) -> str:
    """Norwegian: a space between thousands, decimal comma (1 603; 58,3)."""
    return f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


def format_share(share: float | None) -> str:
    return "" if share is None else f"{format_number(share, 1)}\u00a0%"


def format_count(count: Count, threshold: int) -> str:
    """A count as published: the number, «<5» for a small one, «x» for one hidden to protect it."""
    if count.mark == PRIMARY:
        return f"<{threshold}"
    if count.hidden:
        return "x"
    return format_number(count.value or 0)


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # what is written after the bar
    width: float | None  # 0–100; None when hidden


def funnel_bars(report: Report, stages: tuple[str, ...] = tuple(STAGES)) -> list[Bar]:
    """The total row's `stages` as bars scaled to the largest shown count among them (Figur 4-5)."""
    total = report.funnel.total.counts
    largest = max((value for s in stages if (value := total[s].value)), default=0)
    bars = []
    for stage in stages:
        label = STAGES[stage]
        count = total[stage]
        text = format_count(count, report.meta.threshold)
        if count.share is not None:
            text += f" ({format_share(count.share)} av {STAGES[SHARE_OF[stage]].lower()})"
        width = None if count.value is None else (100 * count.value / largest if largest else 0)
        bars.append(Bar(label, text, width))
    return bars


def condition_text(dist: Distribution, report: Report) -> str | None:
    """When a question is asked, in words: «Stilles når «Ønsker bruker annet arbeid …?» er Ja eller Delvis»."""
    if not dist.shown_when:
        return None
    by_id = {q.id: q for q in report.questions}
    parts = []
    for other, keys in dist.shown_when:
        question = by_id.get(other)
        labels = {row.key: row.label for row in question.rows} if question else {}
        answers = [labels.get(k, k) for k in keys]
        said = " eller ".join([", ".join(answers[:-1]), answers[-1]] if len(answers) > 1 else answers)
        parts.append(f"«{question.title if question else other}» er {said}")
    return "Stilles når " + " og ".join(parts)


def _environment() -> jinja2.Environment:
    folder = resources.files("kompetanse_cli.templates.rapport")
    sources = {name: folder.joinpath(name).read_text(encoding="utf-8") for name in (TEMPLATE, WEEK_TEMPLATE)}
    env = jinja2.Environment(loader=jinja2.DictLoader(sources), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = format_number
    env.filters["share"] = format_share
    env.filters["date"] = lambda day: day.strftime("%d.%m.%Y") if day else "ukjent"
    return env


def render_html(report: Report) -> str:
    """The whole report as one HTML document."""
    from kompetanse_cli.report.trends import TREND_STAGES, charts

    threshold = report.meta.threshold
    return _environment().get_template(TEMPLATE).render(
        trend_charts=charts(report.trend) if report.trend is not None else [],
        trend_stages=TREND_STAGES,
        report=report, meta=report.meta, stages=STAGES, stage_help=STAGE_HELP, share_of=SHARE_OF,
        list_bars=funnel_bars(report, LIST_STAGES), candidate_bars=funnel_bars(report, CANDIDATE_STAGES),
        count=lambda c: format_count(c, threshold), condition=lambda d: condition_text(d, report),
        # free text and dates have no distribution to draw; the dates are in the measures' figures
        questions_at=lambda niva: [q for q in report.questions if q.niva == niva and q.choices],
        not_charted=lambda niva: [q for q in report.questions if q.niva == niva and not q.choices])


def write_html(path: Path, text: str) -> None:
    """Write atomically (a temp file renamed into place), readable by the owner only."""
    write_private(path, text.encode("utf-8"))
