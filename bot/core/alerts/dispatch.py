"""Deciding when an approved warning goes out and to whom, and moving it through its states.

`dispatch_due` is run periodically by `fraudbot serve`: it turns due warnings into outbox rows
(idempotently, so a crash between two steps loses nothing), honours quiet hours and expiry, builds
weekly digests and marks warnings sent when their last row is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.core.alerts.delivery import PRIORITY_NORMAL, priority_of
from bot.storage import alerts as store
from bot.storage import audit
from bot.storage.alert_model import APPROVED, EXPIRED, SCHEDULED, SENDING, SENT, Alert

CHANNEL_CHAT = 0  # outbox rows for the public Telegram channel use this chat id
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 9  # weekly digest on Monday mornings (local time)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    zone: ZoneInfo

    def active(self, now: datetime) -> bool:
        local = now.astimezone(self.zone).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_end(self, now: datetime) -> datetime:
        local = now.astimezone(self.zone)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(timezone.utc)


def planned_start(alert: Alert, quiet: QuietHours, now: datetime | None = None) -> datetime | None:
    """When an approved warning will start going out: None for at once (the next scheduler round),
    else its send time, moved to the end of quiet hours unless it is urgent."""
    now = now or datetime.now(timezone.utc)
    start = alert.scheduled_at if alert.scheduled_at and alert.scheduled_at > now else now
    if not alert.urgent and quiet.active(start):
        start = quiet.next_end(start)
    return start if start > now else None


def clock_words(moment: datetime, zone: ZoneInfo, now: datetime | None = None, lang: str = "sv") -> str:
    """A send time as staff say it, in local time: "08:00", "i morgon 08:00", "2026-12-24 08:00"
    (English: "at 08:00", "tomorrow at 08:00", "on 2026-12-24 at 08:00")."""
    local, today = moment.astimezone(zone), (now or datetime.now(timezone.utc)).astimezone(zone).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return clock if lang == "sv" else f"at {clock}"
    if local.date() == today + timedelta(days=1):
        return f"i morgon {clock}" if lang == "sv" else f"tomorrow at {clock}"
    return f"{local.date().isoformat()} {clock}" if lang == "sv" else f"on {local.date().isoformat()} at {clock}"


def wants(alert: Alert, municipality: str, topics: tuple[str, ...]) -> bool:
    """Whether a subscriber gets this warning: their municipality is targeted (or all are), and the
    warning is urgent, about one of their chosen topics, or they chose no topics (all)."""
    if not alert.targets(municipality):
        return False
    return alert.urgent or not topics or not alert.topics or bool(set(alert.topics) & set(topics))


def dispatch_due(db: sqlite_utils.Database, quiet: QuietHours, *, channel: bool = False, now: datetime | None = None) -> list[int]:
    """Start every warning that is due; returns the ids started."""
    now = now or datetime.now(timezone.utc)
    started = []
    for alert in store.list_alerts(db, states=(APPROVED, SCHEDULED)):
        if alert.is_expired(now):
            store.set_state(db, alert.id, EXPIRED, now, expected=(APPROVED, SCHEDULED))
            audit.record(db, "system", "alert.expired", "alert", alert.id)
            continue
        if alert.scheduled_at and alert.scheduled_at > now:
            continue
        if not alert.urgent and quiet.active(now):
            continue  # waits for the morning; urgent ones go at once
        # urgent warnings go at once to weekly-digest subscribers too, as promised
        audience = store.subscribers(db, delivery=None if alert.urgent else "immediate")
        rows = [(chat, lang, chat_type) for chat, municipality, lang, topics, chat_type in audience
                if wants(alert, municipality, topics)]
        if channel:
            rows.append((CHANNEL_CHAT, "sv", "channel"))
        store.enqueue(db, alert.id, rows, priority=priority_of(alert))
        if store.set_state(db, alert.id, SENDING, now, expected=(APPROVED, SCHEDULED)):
            audit.record(db, "system", "alert.sending", "alert", alert.id, recipients=len(rows))
            started.append(alert.id)
    return started


def finish_sent(db: sqlite_utils.Database, now: datetime | None = None) -> list[int]:
    """Mark warnings whose every outbox row is done as sent."""
    now = now or datetime.now(timezone.utc)
    done = []
    for alert_id in store.sending_alert_ids(db):
        if not store.has_open_rows(db, alert_id) and store.set_state(db, alert_id, SENT, now, expected=(SENDING,), sent=True):
            c = store.counts(db, alert_id)
            audit.record(db, "system", "alert.sent", "alert", alert_id, sent=c.get("sent", 0),
                         failed=c.get("failed", 0), blocked=c.get("blocked", 0))
            done.append(alert_id)
    return done


def digest_week(now: datetime, zone: ZoneInfo) -> str | None:
    """The ISO week label to send a digest for, when it is digest time (Monday 09:00 local)."""
    local = now.astimezone(zone)
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return None
    year, week, _ = (local - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def queue_digests(db: sqlite_utils.Database, zone: ZoneInfo, now: datetime | None = None) -> int:
    """On Monday morning queue one digest per weekly subscriber with last week's warnings for them."""
    now = now or datetime.now(timezone.utc)
    week = digest_week(now, zone)
    if week is None:
        return 0
    local_monday = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = (local_monday - timedelta(days=7)).astimezone(timezone.utc), local_monday.astimezone(timezone.utc)
    alerts = store.alerts_sent_between(db, start, end)
    if not alerts:
        return 0
    queued = 0
    for chat, municipality, lang, topics, chat_type in store.subscribers(db, delivery="digest"):
        mine = [a for a in alerts if wants(a, municipality, topics)]
        if mine:
            # the row hangs on the newest warning; the text is built from the week at send time
            queued += store.enqueue(db, mine[-1].id, [(chat, lang, chat_type)], kind=f"digest:{week}",
                                    priority=PRIORITY_NORMAL)
    return queued


def digest_alerts(db: sqlite_utils.Database, week: str, zone: ZoneInfo, municipality: str | None, topics: tuple[str, ...]) -> list[Alert]:
    year, w = week.split("-W")
    monday = datetime.fromisocalendar(int(year), int(w), 1).replace(tzinfo=zone)
    start, end = monday.astimezone(timezone.utc), (monday + timedelta(days=7)).astimezone(timezone.utc)
    return [a for a in store.alerts_sent_between(db, start, end) if wants(a, municipality or "other", topics)]
