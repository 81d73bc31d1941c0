"""Dates and times as people read them: local time, month names in words ("1 december 2026").

The database keeps UTC; everything shown to residents and staff goes through here, in the service's
time zone (`alerts.timezone`).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def local(at: datetime | str, zone: ZoneInfo) -> datetime:
    """`at` (aware, or an ISO string with its offset) in the local zone."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment.astimezone(zone)


def format_date(day: date | datetime | str, zone: ZoneInfo | None = None, lang: str = "sv") -> str:
    """'1 december 2026' (or '1 December 2026'); a datetime is first moved to `zone`."""
    if isinstance(day, (str, datetime)):
        day = local(day, zone).date() if zone else (datetime.fromisoformat(day) if isinstance(day, str) else day).date()
    months = MONTHS.get(lang, MONTHS["sv"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


def format_datetime(at: datetime | str, zone: ZoneInfo, lang: str = "sv") -> str:
    """'1 december 2026 kl. 14.05' in Swedish, '1 December 2026, 14:05' in English (local time)."""
    moment = local(at, zone)
    if lang == "en":
        return f"{format_date(moment, lang='en')}, {moment:%H:%M}"
    return f"{format_date(moment)} kl. {moment:%H.%M}"


def format_month(month: int, lang: str = "sv") -> str:
    return MONTHS.get(lang, MONTHS["sv"])[month - 1]
