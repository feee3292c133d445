"""Values computed from answers, never asked (REGISTRERINGSSKJEMA.md, «Derived»)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kompetanse_cli.sykepenger import sykepenger_end


@dataclass(frozen=True)
class MeasureFacts:
    weeks_to_start: int | None
    duration_weeks: int | None
    sykepenger_end: dt.date | None
    past_sykepengeperiode: bool | None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def measure_facts(answers_1: dict[str, str | None], answers_2: dict[str, str | None],
                  sykmeldt_fom: dt.date | None) -> MeasureFacts:
    """Weeks from conversation to start, planned duration, and whether it ends after sykepengene."""
    talk, start, end = _date(answers_1.get("samtaledato")), _date(answers_2.get("planlagt_start")), \
        _date(answers_2.get("planlagt_slutt"))
    weeks_to_start = (start - talk).days // 7 if talk and start else None
    duration = -(-((end - start).days + 1) // 7) if start and end else None
    last_day = sykepenger_end(sykmeldt_fom) if sykmeldt_fom else None
    past = (end > last_day) if end and last_day else None
    return MeasureFacts(weeks_to_start, duration, last_day, past)
