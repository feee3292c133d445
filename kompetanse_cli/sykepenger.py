"""The sykepengeperiode: at most 248 sykepengedager (Monday–Friday), about 52 weeks.

One definition, used by the screening (weeks left at the list date), the interview and the
report (whether a planned measure ends after the last sykepengedag).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

SYKEPENGEDAGER = 248


@lru_cache(maxsize=4096)  # a list's start dates cluster in a few weeks: each is counted once
def sykepenger_end(sykmeldt_fom: dt.date) -> dt.date:
    """The last sykepengedag: the 248th weekday counted from the first day of sick leave."""
    day, counted = sykmeldt_fom, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == SYKEPENGEDAGER:
                return day
        day += dt.timedelta(days=1)


def weeks_left(sykmeldt_fom: dt.date, on: dt.date) -> int:
    """Whole weeks from `on` to the last sykepengedag (0 when it has passed)."""
    return max((sykepenger_end(sykmeldt_fom) - on).days, 0) // 7
