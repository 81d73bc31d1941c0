"""Residents who talk to the bot, their subscriptions, feedback and reported scams, and erasure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlite_utils

from bot.storage.inserted import inserted_id

DELIVERY_MODES = ("immediate", "digest")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Resident:
    chat_id: int
    user_key: str
    lang: str
    municipality: str | None


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    municipality: str
    lang: str
    topics: tuple[str, ...]
    delivery: str
    consented_at: str
    active: bool
    chat_type: str = "private"


def ensure_resident(db: sqlite_utils.Database, chat_id: int, user_key: str, lang: str) -> Resident:
    """The resident for `chat_id`, created on first contact (no personal data beyond the chat id)."""
    db.execute(
        "INSERT OR IGNORE INTO residents (chat_id, user_key, lang, created_at) VALUES (?, ?, ?, ?)",
        (chat_id, user_key, lang, _now()),
    )
    resident = get_resident(db, chat_id)
    assert resident is not None  # inserted or already there
    return resident


def get_resident(db: sqlite_utils.Database, chat_id: int) -> Resident | None:
    row = next(db.query("SELECT chat_id, user_key, lang, municipality FROM residents WHERE chat_id = ?", (chat_id,)), None)
    return Resident(**row) if row else None


def set_municipality(db: sqlite_utils.Database, chat_id: int, municipality: str) -> None:
    db.execute("UPDATE residents SET municipality = ? WHERE chat_id = ?", (municipality, chat_id))
    db.execute("UPDATE subscriptions SET municipality = ? WHERE chat_id = ?", (municipality, chat_id))


def set_language(db: sqlite_utils.Database, chat_id: int, lang: str) -> None:
    db.execute("UPDATE residents SET lang = ? WHERE chat_id = ?", (lang, chat_id))
    db.execute("UPDATE subscriptions SET lang = ? WHERE chat_id = ?", (lang, chat_id))


def subscribe(
    db: sqlite_utils.Database, chat_id: int, *, municipality: str, lang: str, delivery: str = "immediate",
    topics: tuple[str, ...] = (), chat_type: str = "private",
) -> Subscription:
    """Record explicit consent to receive warnings; re-subscribing renews the consent time."""
    if delivery not in DELIVERY_MODES:
        raise ValueError(f"delivery must be one of {DELIVERY_MODES}")
    db.execute(
        "INSERT INTO subscriptions (chat_id, municipality, lang, topics, delivery, consented_at, active, chat_type)"
        " VALUES (?, ?, ?, ?, ?, ?, 1, ?)"
        " ON CONFLICT(chat_id) DO UPDATE SET municipality = excluded.municipality, lang = excluded.lang,"
        " topics = excluded.topics, delivery = excluded.delivery, consented_at = excluded.consented_at,"
        " active = 1, inactive_reason = NULL, chat_type = excluded.chat_type",
        (chat_id, municipality, lang, json.dumps(list(topics)), delivery, _now(), chat_type),
    )
    subscription = get_subscription(db, chat_id)
    assert subscription is not None  # just upserted
    return subscription


def get_subscription(db: sqlite_utils.Database, chat_id: int) -> Subscription | None:
    row = next(db.query(
        "SELECT chat_id, municipality, lang, topics, delivery, consented_at, active, chat_type FROM subscriptions WHERE chat_id = ?",
        (chat_id,),
    ), None)
    if not row:
        return None
    return Subscription(**{**row, "topics": tuple(json.loads(row["topics"])), "active": bool(row["active"])})


def update_subscription(db: sqlite_utils.Database, chat_id: int, *, delivery: str | None = None, topics: tuple[str, ...] | None = None) -> None:
    if delivery is not None:
        if delivery not in DELIVERY_MODES:
            raise ValueError(f"delivery must be one of {DELIVERY_MODES}")
        db.execute("UPDATE subscriptions SET delivery = ? WHERE chat_id = ?", (delivery, chat_id))
    if topics is not None:
        db.execute("UPDATE subscriptions SET topics = ? WHERE chat_id = ?", (json.dumps(list(topics)), chat_id))


def unsubscribe(db: sqlite_utils.Database, chat_id: int) -> bool:
    """Withdraw consent: the subscription row is deleted, not just paused."""
    return db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)).rowcount > 0


def mark_inactive(db: sqlite_utils.Database, chat_id: int, reason: str) -> None:
    """The resident blocked the bot or the chat is gone: stop sending, keep nothing new."""
    db.execute("UPDATE subscriptions SET active = 0, inactive_reason = ? WHERE chat_id = ?", (reason, chat_id))


def record_feedback(db: sqlite_utils.Database, user_key: str, topic: str | None, useful: bool) -> None:
    db.execute("INSERT INTO feedback (at, user_key, topic, useful) VALUES (?, ?, ?, ?)", (_now(), user_key, topic, int(useful)))


def record_reported_scam(
    db: sqlite_utils.Database, *, user_key: str, municipality: str | None, method: str | None, risk: str | None, text: str
) -> int:
    """Store what a resident passed on ("this is going around"). `text` must already be redacted."""
    cur = db.execute(
        "INSERT INTO reported_scams (at, user_key, municipality, method, risk, text) VALUES (?, ?, ?, ?, ?, ?)",
        (_now(), user_key, municipality, method, risk, text),
    )
    return inserted_id(cur)


def erase_resident(db: sqlite_utils.Database, chat_id: int, user_key: str) -> dict[str, int]:
    """Delete everything tied to this resident: subscription, settings, feedback, questions, reports,
    and any guided-session refreshers still to come.

    What their warning deliveries and reactions counted is kept first as anonymous numbers (warning,
    outcome, municipality, hour), so the figures of past warnings do not change afterwards.
    """
    counts = {}
    with db.atomic():
        _keep_anonymous_counts(db, chat_id, user_key)
        for table in ("subscriptions", "residents", "outbox", "session_followups"):
            counts[table] = db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,)).rowcount
        for table in ("feedback", "questions", "reported_scams", "alert_reactions"):
            counts[table] = db.execute(f"DELETE FROM {table} WHERE user_key = ?", (user_key,)).rowcount
    return counts


def _keep_anonymous_counts(db: sqlite_utils.Database, chat_id: int, user_key: str) -> None:
    row = next(db.query("SELECT COALESCE(s.municipality, r.municipality) AS municipality FROM residents r"
                        " LEFT JOIN subscriptions s ON s.chat_id = r.chat_id WHERE r.chat_id = ?", (chat_id,)), None)
    municipality = (row["municipality"] if row else None) or "okänd"
    db.execute(
        "INSERT INTO erased_deliveries (alert_id, kind, state, municipality, sent_hour, n)"
        " SELECT alert_id, kind, state, ?, COALESCE(substr(sent_at, 1, 13), ''), COUNT(*) FROM outbox"
        " WHERE chat_id = ? AND kind = 'send' AND state IN ('sent', 'failed', 'blocked')"
        " GROUP BY alert_id, kind, state, 5"
        " ON CONFLICT (alert_id, kind, state, municipality, sent_hour) DO UPDATE SET n = n + excluded.n",
        (municipality, chat_id))
    db.execute(
        "INSERT INTO erased_reactions (alert_id, reaction, at_hour, n)"
        " SELECT alert_id, reaction, substr(at, 1, 13), COUNT(*) FROM alert_reactions WHERE user_key = ?"
        " GROUP BY alert_id, reaction, 3"
        " ON CONFLICT (alert_id, reaction, at_hour) DO UPDATE SET n = n + excluded.n",
        (user_key,))
