"""Warnings, their delivery outbox and residents' reactions: all the SQL."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlite_utils

from bot.storage.alert_model import Alert
from bot.storage.inserted import inserted_id

_COLUMNS = ("id, title_sv, text_sv, title_en, text_en, severity, topics, municipalities, expires_at, scheduled_at,"
            " state, created_by, approved_by, created_at, sent_at, correction_of, withdrawn, withdrawal_of")


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds") if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _alert(row: dict | None) -> Alert | None:
    if not row:
        return None
    return Alert(**{
        **row, "topics": tuple(json.loads(row["topics"])), "municipalities": tuple(json.loads(row["municipalities"])),
        "expires_at": _dt(row["expires_at"]), "scheduled_at": _dt(row["scheduled_at"]), "created_at": _dt(row["created_at"]),
        "sent_at": _dt(row["sent_at"]), "withdrawn": bool(row["withdrawn"]),
    })


def _alerts(db: sqlite_utils.Database, where: str, params: list | tuple = ()) -> list[Alert]:
    return [alert for row in db.query(f"SELECT {_COLUMNS} FROM alerts {where}", params) if (alert := _alert(row))]


def _first(db: sqlite_utils.Database, where: str, params: list | tuple = ()) -> Alert | None:
    return next(iter(_alerts(db, where, params)), None)


def insert_alert(db: sqlite_utils.Database, *, title_sv: str, text_sv: str, title_en: str | None, text_en: str | None,
                 severity: str, topics: tuple[str, ...], municipalities: tuple[str, ...], expires_at: datetime | None,
                 scheduled_at: datetime | None, state: str, created_by: int, now: datetime,
                 correction_of: int | None = None, approved_by: int | None = None,
                 withdrawal_of: int | None = None) -> Alert:
    cur = db.execute(
        "INSERT INTO alerts (title_sv, text_sv, title_en, text_en, severity, topics, municipalities, expires_at,"
        " scheduled_at, state, created_by, approved_by, created_at, updated_at, correction_of, withdrawal_of)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (title_sv, text_sv, title_en, text_en, severity, json.dumps(list(topics)), json.dumps(list(municipalities)),
         _iso(expires_at), _iso(scheduled_at), state, created_by, approved_by, _iso(now), _iso(now), correction_of,
         withdrawal_of),
    )
    alert = get_alert(db, inserted_id(cur))
    assert alert is not None  # just inserted
    return alert


def get_alert(db: sqlite_utils.Database, alert_id: int) -> Alert | None:
    return _first(db, "WHERE id = ?", (alert_id,))


def list_alerts(db: sqlite_utils.Database, states: tuple[str, ...] | None = None, limit: int = 200) -> list[Alert]:
    where = f"WHERE state IN ({','.join('?' * len(states))})" if states else ""
    return _alerts(db, where + " ORDER BY id DESC LIMIT ?", [*(states or ()), limit])


def set_state(db: sqlite_utils.Database, alert_id: int, state: str, now: datetime, *, expected: tuple[str, ...] | None = None,
              approved_by: int | None = None, sent: bool = False, withdrawn: bool | None = None) -> bool:
    """Move a warning to `state`; with `expected`, only from one of those states (returns False otherwise)."""
    sets = ["state = ?", "updated_at = ?"]
    args: list = [state, _iso(now)]
    if approved_by is not None:
        sets.append("approved_by = ?")
        args.append(approved_by)
    if sent:
        sets.append("sent_at = ?")
        args.append(_iso(now))
    if withdrawn is not None:
        sets.append("withdrawn = ?")
        args.append(int(withdrawn))
    sql = f"UPDATE alerts SET {', '.join(sets)} WHERE id = ?"
    args.append(alert_id)
    if expected:
        sql += f" AND state IN ({','.join('?' * len(expected))})"
        args += list(expected)
    return db.execute(sql, args).rowcount > 0


def set_expiry(db: sqlite_utils.Database, alert_id: int, expires_at: datetime | None) -> None:
    db.execute("UPDATE alerts SET expires_at = ? WHERE id = ?", (_iso(expires_at), alert_id))


def open_replacement(db: sqlite_utils.Database, alert_id: int) -> Alert | None:
    """A correction or withdrawal of `alert_id` that is still a draft or awaiting approval."""
    return _first(db, "WHERE (correction_of = ? OR withdrawal_of = ?) AND state IN ('draft', 'awaiting_approval')"
                  " ORDER BY id LIMIT 1", (alert_id, alert_id))


def approved_withdrawal(db: sqlite_utils.Database, alert_id: int) -> Alert | None:
    """The approved withdrawal of `alert_id`, whose text says publicly why it was withdrawn."""
    return _first(db, "WHERE withdrawal_of = ? AND state NOT IN ('draft', 'awaiting_approval', 'cancelled')"
                  " ORDER BY id DESC LIMIT 1", (alert_id,))


def has_correction(db: sqlite_utils.Database, alert_id: int) -> bool:
    """Whether an approved correction replaced this warning (drafts and refused ones do not count)."""
    return db.execute("SELECT 1 FROM alerts WHERE correction_of = ? AND state NOT IN ('draft', 'awaiting_approval', 'cancelled')"
                      " LIMIT 1", (alert_id,)).fetchone() is not None


def public_alerts(db: sqlite_utils.Database, now: datetime, limit: int = 50) -> list[Alert]:
    """Sent (or sending) warnings that have not expired or been withdrawn, newest first.

    An approved correction is public at once, even while its messages wait for quiet hours to end:
    the text it replaced is no longer shown. Withdrawal notices are sent rows of their own.
    """
    return _alerts(db, "WHERE (state IN ('sending', 'sent') OR (state = 'approved' AND correction_of IS NOT NULL))"
                   " AND withdrawn = 0 AND (expires_at IS NULL OR expires_at > ?)"
                   " ORDER BY COALESCE(sent_at, created_at) DESC, id DESC LIMIT ?", (_iso(now), limit))


def alerts_sent_between(db: sqlite_utils.Database, start: datetime, end: datetime) -> list[Alert]:
    return _alerts(db, "WHERE sent_at >= ? AND sent_at < ? AND withdrawn = 0 AND withdrawal_of IS NULL ORDER BY sent_at",
                   (_iso(start), _iso(end)))


# --- targeting ------------------------------------------------------------------------------------

def subscribers(db: sqlite_utils.Database, *, delivery: str | None = "immediate") -> list[tuple[int, str, str, tuple[str, ...], str]]:
    """Active subscriptions as (chat_id, municipality, lang, topics, chat_type)."""
    sql = "SELECT chat_id, municipality, lang, topics, chat_type FROM subscriptions WHERE active = 1"
    args: tuple = ()
    if delivery:
        sql += " AND delivery = ?"
        args = (delivery,)
    return [(r["chat_id"], r["municipality"], r["lang"], tuple(json.loads(r["topics"])), r["chat_type"])
            for r in db.query(sql, args)]


def staff_chats(db: sqlite_utils.Database) -> list[int]:
    return [r["telegram_user_id"] for r in db.query("SELECT telegram_user_id FROM staff WHERE active = 1 AND telegram_user_id IS NOT NULL")]


# --- outbox -------------------------------------------------------------------------------------

def enqueue(db: sqlite_utils.Database, alert_id: int, rows: list[tuple[int, str, str]], kind: str = "send",
            priority: int = 2) -> int:
    """Queue (chat_id, lang, chat_type) rows; a row already there is left alone, so this is idempotent.
    `priority` orders claiming: 0 staff, 1 urgent, 2 other warnings."""
    with db.atomic():
        cur = db.conn.executemany(
            "INSERT OR IGNORE INTO outbox (alert_id, chat_id, kind, lang, chat_type, priority) VALUES (?, ?, ?, ?, ?, ?)",
            [(alert_id, chat_id, kind, lang, chat_type, priority) for chat_id, lang, chat_type in rows],
        )
    return cur.rowcount


def recover_in_flight(db: sqlite_utils.Database) -> int:
    """After a restart, rows that were being sent go back to the queue (they may repeat once)."""
    return db.execute("UPDATE outbox SET state = 'queued' WHERE state = 'sending'").rowcount


def give_back(db: sqlite_utils.Database, row_ids: list[int]) -> int:
    """Rows a stopping worker had claimed go back to the queue."""
    with db.atomic():
        return db.conn.executemany("UPDATE outbox SET state = 'queued' WHERE id = ? AND state = 'sending'",
                                   [(i,) for i in row_ids]).rowcount


_ROW = "id, alert_id, chat_id, kind, lang, chat_type, message_id, attempts, priority, parts_sent, first_error_at"


def claim(db: sqlite_utils.Database, now: datetime, limit: int) -> list[dict]:
    """Mark up to `limit` due rows as being sent, most urgent first, and return them (columns by name:
    id, alert_id, chat_id, kind, lang, chat_type, message_id, attempts, priority, parts_sent, first_error_at)."""
    with db.atomic():
        rows = list(db.query(
            f"SELECT {_ROW} FROM outbox WHERE state = 'queued' AND (not_before IS NULL OR not_before <= ?)"
            " ORDER BY priority, id LIMIT ?",
            (_iso(now), limit),
        ))
        if rows:
            db.conn.executemany("UPDATE outbox SET state = 'sending' WHERE id = ?", [(r["id"],) for r in rows])
    return [{**r, "first_error_at": _dt(r["first_error_at"])} for r in rows]


def mark_sent(db: sqlite_utils.Database, row_id: int, message_id: int | None, now: datetime) -> None:
    db.execute("UPDATE outbox SET state = 'sent', message_id = COALESCE(?, message_id), sent_at = ?, attempts = attempts + 1,"
               " last_error = NULL WHERE id = ?", (message_id, _iso(now), row_id))


def mark_part_sent(db: sqlite_utils.Database, row_id: int, parts: int, message_id: int | None) -> None:
    """A message of several (a long digest) went out: a retry starts after it."""
    db.execute("UPDATE outbox SET parts_sent = ?, message_id = COALESCE(?, message_id) WHERE id = ?", (parts, message_id, row_id))


def mark_retry(db: sqlite_utils.Database, row_id: int, error: str, not_before: datetime, count_attempt: bool = True,
               now: datetime | None = None) -> None:
    """Back to the queue until `not_before`; with `now`, the first error's time is kept for the deadline."""
    db.execute(f"UPDATE outbox SET state = 'queued', last_error = ?, not_before = ?{', attempts = attempts + 1' if count_attempt else ''},"
               " first_error_at = COALESCE(first_error_at, ?) WHERE id = ?", (error[:300], _iso(not_before), _iso(now), row_id))


def mark_final(db: sqlite_utils.Database, row_id: int, state: str, error: str) -> None:
    """`state` is 'failed' or 'blocked'; the row is not tried again."""
    db.execute("UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?", (state, error[:300], row_id))


def received(db: sqlite_utils.Database, alert_id: int, chat_id: int) -> bool:
    """Whether this chat was delivered this warning (reactions count only from them)."""
    return db.execute("SELECT 1 FROM outbox WHERE alert_id = ? AND chat_id = ? AND kind = 'send' AND state = 'sent' LIMIT 1",
                      (alert_id, chat_id)).fetchone() is not None


def retrying(db: sqlite_utils.Database, alert_id: int, kind: str = "send") -> tuple[int, datetime | None]:
    """Rows waiting to be tried again after a network error or 5xx, and the earliest next try."""
    row = next(db.query(
        "SELECT COUNT(*) AS n, MIN(not_before) AS next_try FROM outbox WHERE alert_id = ? AND kind = ? AND state = 'queued'"
        " AND first_error_at IS NOT NULL", (alert_id, kind)))
    return row["n"], _dt(row["next_try"])


def counts(db: sqlite_utils.Database, alert_id: int, kind: str = "send") -> dict[str, int]:
    rows = db.execute("SELECT state, COUNT(*) FROM outbox WHERE alert_id = ? AND kind = ? GROUP BY state", (alert_id, kind)).fetchall()
    return {state: n for state, n in rows}


def sent_messages(db: sqlite_utils.Database, alert_id: int) -> list[tuple[int, int, str, str]]:
    """(chat_id, message_id, lang, chat_type) of every delivered copy of a warning."""
    return [(r["chat_id"], r["message_id"], r["lang"], r["chat_type"]) for r in db.query(
        "SELECT chat_id, message_id, lang, chat_type FROM outbox WHERE alert_id = ? AND kind = 'send'"
        " AND state = 'sent' AND message_id IS NOT NULL", (alert_id,))]


def has_open_rows(db: sqlite_utils.Database, alert_id: int) -> bool:
    return db.execute("SELECT 1 FROM outbox WHERE alert_id = ? AND state IN ('queued', 'sending') LIMIT 1", (alert_id,)).fetchone() is not None


def sending_alert_ids(db: sqlite_utils.Database) -> list[int]:
    return [r["id"] for r in db.query("SELECT id FROM alerts WHERE state = 'sending'")]


# --- reactions ----------------------------------------------------------------------------------

def add_reaction(db: sqlite_utils.Database, alert_id: int, user_key: str, reaction: str, now: datetime) -> bool:
    cur = db.execute("INSERT OR IGNORE INTO alert_reactions (alert_id, user_key, reaction, at) VALUES (?, ?, ?, ?)",
                     (alert_id, user_key, reaction, _iso(now)))
    return cur.rowcount > 0


def reaction_counts(db: sqlite_utils.Database, alert_id: int) -> dict[str, int]:
    return {r: n for r, n in db.execute("SELECT reaction, COUNT(*) FROM alert_reactions WHERE alert_id = ? GROUP BY reaction", (alert_id,))}


# --- counts kept when a resident is erased ------------------------------------------------------

def erased_delivery_counts(db: sqlite_utils.Database, alert_id: int, kind: str = "send") -> dict[str, int]:
    """Finished deliveries (sent, failed, blocked) to residents erased since, by state."""
    rows = db.execute("SELECT state, SUM(n) FROM erased_deliveries WHERE alert_id = ? AND kind = ? GROUP BY state",
                      (alert_id, kind)).fetchall()
    return {state: n for state, n in rows}


def erased_reaction_counts(db: sqlite_utils.Database, alert_id: int) -> dict[str, int]:
    """Reactions by residents erased since, by reaction."""
    rows = db.execute("SELECT reaction, SUM(n) FROM erased_reactions WHERE alert_id = ? GROUP BY reaction", (alert_id,)).fetchall()
    return {r: n for r, n in rows}
