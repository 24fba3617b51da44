"""Quarters in Vietnam's calendar: the facility-change window opens on the first day of each quarter."""

from __future__ import annotations

import datetime as dt

VIETNAM = dt.timezone(dt.timedelta(hours=7))


def today_in_vietnam(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(VIETNAM).date()


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter_start(day: dt.date) -> dt.date:
    start = quarter_start(day)
    return dt.date(start.year + 1, 1, 1) if start.month == 10 else dt.date(start.year, start.month + 3, 1)


def in_window(day: dt.date, window_days: int) -> bool:
    """Whether `day` is within the first `window_days` days of its quarter (0: never)."""
    return (day - quarter_start(day)).days < window_days
