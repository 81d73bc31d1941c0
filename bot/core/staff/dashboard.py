"""What the staff overview shows, gathered in one call to the database, and reported scams by week.

Days and weeks are local (the service's time zone, `alerts.timezone`): staff think in Swedish
days and ISO weeks, while the database keeps UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.core.region import current as current_region
from bot.storage import statistics as stats

UNANSWERED_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Overview:
    questions_today: int
    questions_week: int
    top_topics: list[tuple[str, int]]  # this week
    unanswered_share: float | None  # last 30 days; None when no questions
    questions_30_days: int
    subscribers: dict[str, int]
    alerts_in_flight: dict[str, int]
    outbox_waiting: int
    open_unanswered: int


def local_day_start(now: datetime, zone: ZoneInfo | None = None) -> datetime:
    """Midnight today in local time, as a UTC time (staff think in local days)."""
    local = now.astimezone(zone or current_region().zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def iso_week(at: datetime, zone: ZoneInfo | None = None) -> str:
    """The ISO week `at` falls in, in local time: '2026-W49' for 1 December 2026."""
    year, week, _ = at.astimezone(zone or current_region().zone).isocalendar()
    return f"{year}-W{week:02d}"


def week_label(week: str) -> str:
    """'2026-W49' as staff read it: 'vecka 49, 2026'."""
    year, number = week.split("-W")
    return f"vecka {int(number)}, {year}"


def build_overview(db: sqlite_utils.Database, now: datetime | None = None, zone: ZoneInfo | None = None) -> Overview:
    now = now or datetime.now(timezone.utc)
    today = local_day_start(now, zone)
    week = today - timedelta(days=today.astimezone(zone or current_region().zone).weekday())
    month_ago = now - timedelta(days=UNANSWERED_WINDOW_DAYS)
    statuses = stats.status_counts(db, month_ago, now + timedelta(seconds=1))
    total = sum(statuses.values())
    return Overview(
        questions_today=stats.count_questions(db, today),
        questions_week=stats.count_questions(db, week),
        top_topics=stats.top_topics(db, week, now + timedelta(seconds=1), limit=5),
        unanswered_share=statuses.get("fallback", 0) / total if total else None,
        questions_30_days=total,
        subscribers=stats.subscribers_per_municipality(db),
        alerts_in_flight=stats.alerts_in_flight(db),
        outbox_waiting=stats.outbox_waiting(db),
        open_unanswered=len(stats.unanswered_questions(db)),
    )


@dataclass(frozen=True)
class Wave:
    method: str
    this_week: int
    weekly_before: float  # average over the earlier weeks of the window


def reported_by_week(db: sqlite_utils.Database, since: datetime, zone: ZoneInfo | None = None) -> list[dict[str, Any]]:
    """What residents passed on since `since`, counted by local ISO week, method and municipality.

    Rows are {week: '2026-W49', label: 'vecka 49, 2026', method, municipality, n}, newest week first.
    """
    counts: dict[tuple[str, str, str], int] = {}
    for row in stats.reported_scams_between(db, since):
        key = (iso_week(datetime.fromisoformat(row["at"]), zone), row["method"], row["municipality"])
        counts[key] = counts.get(key, 0) + 1
    rows: list[dict[str, Any]] = [{"week": w, "label": week_label(w), "method": m, "municipality": p, "n": n} for (w, m, p), n in counts.items()]
    rows.sort(key=lambda r: (r["n"], r["method"], r["municipality"]), reverse=True)
    rows.sort(key=lambda r: r["week"], reverse=True)
    return rows


def rising_methods(weekly: list[dict[str, Any]], now: datetime, weeks: int, *, zone: ZoneInfo | None = None, at_least: int = 3,
                   factor: float = 2.0) -> list[Wave]:
    """Methods residents report clearly more this week than before: a wave worth a warning.

    `weekly` holds rows with week (local ISO week, as `reported_by_week` gives), method and n. A
    method counts as rising with at least `at_least` reports this week and `factor` times its
    earlier weekly average.
    """
    current = iso_week(now, zone)
    this_week: dict[str, int] = {}
    before: dict[str, int] = {}
    for row in weekly:
        target = this_week if row["week"] == current else before
        target[row["method"]] = target.get(row["method"], 0) + row["n"]
    waves = []
    for method, n in this_week.items():
        average = before.get(method, 0) / max(weeks - 1, 1)
        if n >= at_least and n >= factor * average:
            waves.append(Wave(method, n, average))
    return sorted(waves, key=lambda w: -w.this_week)
