"""What the staff overview shows, gathered in one call to the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.storage import statistics as stats

LOCAL = ZoneInfo("Europe/Stockholm")
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


def local_day_start(now: datetime) -> datetime:
    """Midnight today in Swedish time, as a UTC time (staff think in local days)."""
    local = now.astimezone(LOCAL)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def build_overview(db: sqlite_utils.Database, now: datetime | None = None) -> Overview:
    now = now or datetime.now(timezone.utc)
    today = local_day_start(now)
    week = today - timedelta(days=today.astimezone(LOCAL).weekday())
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


def rising_methods(weekly: list[dict], now: datetime, weeks: int, *, at_least: int = 3, factor: float = 2.0) -> list[Wave]:
    """Methods residents report clearly more this week than before: a wave worth a warning.

    `weekly` holds rows with week ('%Y-%W', as SQLite's strftime), method and n. A method counts
    as rising with at least `at_least` reports this week and `factor` times its earlier weekly average.
    """
    current = now.strftime("%Y-%W")
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
