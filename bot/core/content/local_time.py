"""Dates and times as people read them: local time, month names in words ("1 december 2026").

The database keeps UTC; everything shown to residents and staff goes through here, in the service's
time zone (`alerts.timezone`).
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import UnknownLocaleError
from babel.dates import get_month_names


@functools.lru_cache(maxsize=16)
def month_names(lang: str) -> tuple[str, ...]:
    """January to December in `lang`, from Babel's CLDR data (Swedish for a language it does not know),
    so a new language of the catalogues gets its dates without a list of its own."""
    try:
        names = get_month_names("wide", locale=lang)
    except (UnknownLocaleError, ValueError):
        names = get_month_names("wide", locale="sv")
    return tuple(str(names[m]) for m in range(1, 13))


def local(at: datetime | str, zone: ZoneInfo) -> datetime:
    """`at` (aware, or an ISO string with its offset) in the local zone."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment.astimezone(zone)


def format_date(day: date | datetime | str, zone: ZoneInfo | None = None, lang: str = "sv") -> str:
    """'1 december 2026' (or '1 December 2026'); a datetime is first moved to `zone`."""
    if isinstance(day, (str, datetime)):
        day = local(day, zone).date() if zone else (datetime.fromisoformat(day) if isinstance(day, str) else day).date()
    months = month_names(lang)
    return f"{day.day} {months[day.month - 1]} {day.year}"


def format_datetime(at: datetime | str, zone: ZoneInfo, lang: str = "sv") -> str:
    """'1 december 2026 kl. 14.05' in Swedish, '1 December 2026, 14:05' in English (local time)."""
    moment = local(at, zone)
    if lang == "en":
        return f"{format_date(moment, lang='en')}, {moment:%H:%M}"
    return f"{format_date(moment)} kl. {moment:%H.%M}"


def format_month(month: int, lang: str = "sv") -> str:
    return month_names(lang)[month - 1]
