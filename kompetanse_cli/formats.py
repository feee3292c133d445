"""Norwegian forms of dates and numbers, for everything a person reads."""

from __future__ import annotations

import datetime as dt


def no_date(day: dt.date | None) -> str:
    """Norwegian date: 07.03.2022."""
    return day.strftime("%d.%m.%Y") if day else ""


def no_number(value: float, decimals: int = 1) -> str:
    """Norwegian decimal comma and space thousands: 1 603 and 4,2."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def no_stored(text: str | None) -> str | None:
    """A stored ISO date (2022-03-07) or timestamp (2022-03-07T10:15:00) as a person reads it."""
    if not text:
        return text
    try:
        if len(text) == 10:
            return no_date(dt.date.fromisoformat(text))
        return dt.datetime.fromisoformat(text).strftime("%d.%m.%Y kl. %H:%M")
    except ValueError:
        return text


def persons(count: int) -> str:
    """«1 person», «2 personer»."""
    return f"{no_number(count, 0)} {'person' if count == 1 else 'personer'}"
