"""SMS subscribers, the SMS outbox and the segments sent: all the SQL of the SMS channel."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlite_utils

PENDING, ACTIVE = "pending", "active"


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds") if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- subscribers ----------------------------------------------------------------------------------

def get_subscriber(db: sqlite_utils.Database, phone: str) -> dict | None:
    rows = list(db.query("SELECT phone, municipality, lang, state, asked_at, consent_at FROM sms_subscribers WHERE phone = ?", [phone]))
    return rows[0] if rows else None


def ask_to_subscribe(db: sqlite_utils.Database, phone: str, municipality: str, lang: str, now: datetime) -> str:
    """Record a request to subscribe; returns "pending" (consent still to give) or "active" (an
    active subscriber only moved to another municipality: the consent given still covers it)."""
    existing = get_subscriber(db, phone)
    if existing and existing["state"] == ACTIVE:
        db.execute("UPDATE sms_subscribers SET municipality = ?, lang = ? WHERE phone = ?", (municipality, lang, phone))
        return ACTIVE
    db.execute("INSERT INTO sms_subscribers (phone, municipality, lang, state, asked_at) VALUES (?, ?, ?, ?, ?)"
               " ON CONFLICT (phone) DO UPDATE SET municipality = excluded.municipality, lang = excluded.lang,"
               " asked_at = excluded.asked_at", (phone, municipality, lang, PENDING, _iso(now)))
    return PENDING


def confirm_subscription(db: sqlite_utils.Database, phone: str, now: datetime) -> dict | None:
    """A pending request becomes a subscription, with the consent's date; None if none was pending."""
    if db.execute("UPDATE sms_subscribers SET state = ?, consent_at = ? WHERE phone = ? AND state = ?",
                  (ACTIVE, _iso(now), phone, PENDING)).rowcount:
        return get_subscriber(db, phone)
    return None


def stop_subscription(db: sqlite_utils.Database, phone: str) -> bool:
    """Forget the number as a subscriber: its row, its queued warnings, and the number on sent ones."""
    with db.atomic():
        removed = db.conn.execute("DELETE FROM sms_subscribers WHERE phone = ?", (phone,)).rowcount
        db.conn.execute("DELETE FROM sms_outbox WHERE phone = ? AND state IN ('queued', 'sending')", (phone,))
        db.conn.execute("UPDATE sms_outbox SET phone = NULL WHERE phone = ?", (phone,))
    return removed > 0


def erase_number(db: sqlite_utils.Database, phone: str, user_key: str) -> dict[str, int]:
    """Everything about a number: subscription, outbox rows (kept as anonymous counts) and the
    questions logged under its pseudonym."""
    counts: dict[str, int] = {}
    with db.atomic():
        counts["sms_subscribers"] = db.conn.execute("DELETE FROM sms_subscribers WHERE phone = ?", (phone,)).rowcount
        counts["sms_outbox"] = db.conn.execute("DELETE FROM sms_outbox WHERE phone = ? AND state IN ('queued', 'sending')",
                                               (phone,)).rowcount
        counts["sms_outbox"] += db.conn.execute("UPDATE sms_outbox SET phone = NULL WHERE phone = ?", (phone,)).rowcount
        for table in ("questions", "feedback", "reported_scams"):
            counts[table] = db.conn.execute(f"DELETE FROM {table} WHERE user_key = ?", (user_key,)).rowcount
    return counts


def purge_pending(db: sqlite_utils.Database, now: datetime, hours: float = 24.0) -> int:
    """Requests never confirmed are forgotten after `hours`: the number was never consented to."""
    return db.execute("DELETE FROM sms_subscribers WHERE state = ? AND asked_at < ?",
                      (PENDING, _iso(now - timedelta(hours=hours)))).rowcount


def active_subscribers(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT phone, municipality, lang, consent_at FROM sms_subscribers WHERE state = ?", [ACTIVE]))


def subscriber_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM sms_subscribers WHERE state = ?", (ACTIVE,)).fetchone()[0]


# --- broadcasts -----------------------------------------------------------------------------------

def alerts_to_queue(db: sqlite_utils.Database, since: datetime) -> list[int]:
    """Warnings, corrections and withdrawal notices started (sending or sent) since `since` that are
    not yet queued for SMS; a warning withdrawn before it was queued is left out."""
    return [r[0] for r in db.execute(
        "SELECT id FROM alerts WHERE state IN ('sending', 'sent') AND withdrawn = 0"
        " AND updated_at >= ? AND id NOT IN (SELECT alert_id FROM sms_broadcasts) ORDER BY id",
        (_iso(since),))]


def recipients_of(db: sqlite_utils.Database, alert_id: int) -> list[tuple[str, str]]:
    """(phone, lang) of every number a warning was sent to and that still subscribes."""
    return db.execute("SELECT o.phone, o.lang FROM sms_outbox o JOIN sms_subscribers s ON s.phone = o.phone"
                      " WHERE o.alert_id = ? AND o.state = 'sent' AND s.state = 'active' ORDER BY o.id", (alert_id,)).fetchall()


def queue_broadcast(db: sqlite_utils.Database, alert_id: int, rows: list[tuple[str, str]], now: datetime) -> int:
    """Queue (phone, lang) rows for a warning and mark it queued, in one transaction: a crash leaves
    either both or neither, and a row already there is left alone."""
    with db.atomic():
        if db.conn.execute("SELECT 1 FROM sms_broadcasts WHERE alert_id = ?", (alert_id,)).fetchone():
            return 0
        db.conn.executemany("INSERT OR IGNORE INTO sms_outbox (alert_id, phone, lang) VALUES (?, ?, ?)",
                            [(alert_id, phone, lang) for phone, lang in rows])
        db.conn.execute("INSERT INTO sms_broadcasts (alert_id, queued_at, recipients) VALUES (?, ?, ?)",
                        (alert_id, _iso(now), len(rows)))
    return len(rows)


# --- outbox ---------------------------------------------------------------------------------------

_ROW = "id, alert_id, phone, lang, attempts, claimed_at, first_error_at"


def _row(r: dict) -> dict:
    return {**r, "claimed_at": _dt(r["claimed_at"]), "first_error_at": _dt(r["first_error_at"])}


def claim(db: sqlite_utils.Database, now: datetime, limit: int) -> list[dict]:
    """Mark up to `limit` due rows as being sent (with the moment, for recovery) and return them."""
    with db.atomic():
        # a warning withdrawn while its SMS were going out: the rest are not sent
        db.conn.execute("UPDATE sms_outbox SET state = 'cancelled' WHERE state = 'queued'"
                        " AND alert_id IN (SELECT id FROM alerts WHERE withdrawn = 1)")
        rows = list(db.query(f"SELECT {_ROW} FROM sms_outbox WHERE state = 'queued' AND (not_before IS NULL OR not_before <= ?)"
                             " ORDER BY id LIMIT ?", (_iso(now), limit)))
        db.conn.executemany("UPDATE sms_outbox SET state = 'sending', claimed_at = ? WHERE id = ?", [(_iso(now), r["id"]) for r in rows])
    return [{**_row(r), "claimed_at": now.replace(microsecond=0)} for r in rows]


def in_flight(db: sqlite_utils.Database) -> list[dict]:
    """Rows marked as being sent: after a crash, each may or may not have reached the gateway."""
    return [_row(r) for r in db.query(f"SELECT {_ROW} FROM sms_outbox WHERE state = 'sending' ORDER BY id")]


def requeue(db: sqlite_utils.Database, row_ids: list[int]) -> int:
    return db.conn.executemany("UPDATE sms_outbox SET state = 'queued' WHERE id = ? AND state = 'sending'",
                               [(i,) for i in row_ids]).rowcount


def mark_sent(db: sqlite_utils.Database, row_id: int, gateway_id: str, segments: int, now: datetime) -> None:
    with db.atomic():
        db.conn.execute("UPDATE sms_outbox SET state = 'sent', gateway_id = ?, segments = ?, sent_at = ?, attempts = attempts + 1,"
                        " last_error = NULL WHERE id = ?", (gateway_id, segments, _iso(now), row_id))
        db.conn.execute("INSERT INTO sms_usage (sent_at, kind, segments) VALUES (?, 'warning', ?)", (_iso(now), segments))


def mark_retry(db: sqlite_utils.Database, row_id: int, error: str, not_before: datetime, now: datetime,
               count_attempt: bool = True) -> None:
    db.execute(f"UPDATE sms_outbox SET state = 'queued', last_error = ?, not_before = ?{', attempts = attempts + 1' if count_attempt else ''},"
               " first_error_at = COALESCE(first_error_at, ?) WHERE id = ?", (error[:300], _iso(not_before), _iso(now), row_id))


def mark_final(db: sqlite_utils.Database, row_id: int, state: str, error: str) -> None:
    """`state` is 'failed' (gave up) or 'invalid' (the number cannot receive SMS)."""
    db.execute("UPDATE sms_outbox SET state = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?", (state, error[:300], row_id))


def counts(db: sqlite_utils.Database, alert_id: int) -> dict[str, int]:
    return {s: n for s, n in db.execute("SELECT state, COUNT(*) FROM sms_outbox WHERE alert_id = ? GROUP BY state", (alert_id,))}


# --- cost -----------------------------------------------------------------------------------------

def record_usage(db: sqlite_utils.Database, kind: str, segments: int, now: datetime) -> None:
    db.execute("INSERT INTO sms_usage (sent_at, kind, segments) VALUES (?, ?, ?)", (_iso(now), kind, segments))


def segments_since(db: sqlite_utils.Database, since: datetime) -> dict[str, int]:
    """Segments sent since `since`, by kind ('reply', 'warning')."""
    return {k: n for k, n in db.execute("SELECT kind, SUM(segments) FROM sms_usage WHERE sent_at >= ? GROUP BY kind", (_iso(since),))}


def monthly_cost_estimate(db: sqlite_utils.Database, price_per_segment: float, now: datetime | None = None) -> dict:
    """Segments sent in the last 30 days (replies and warnings) × the price of one, with the subscribers."""
    now = now or datetime.now(timezone.utc)
    by_kind = segments_since(db, now - timedelta(days=30))
    segments = sum(by_kind.values())
    return {"segments": segments, "replies": by_kind.get("reply", 0), "warnings": by_kind.get("warning", 0),
            "cost": round(segments * price_per_segment, 2), "price": price_per_segment, "subscribers": subscriber_count(db)}
