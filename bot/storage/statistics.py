"""Read-only counts for the staff dashboard and the yearly report. Nothing here returns a person.

Times are ISO strings in UTC, so comparing them as text orders them correctly; callers may pass
times in any zone (local day, week and year boundaries) and they are converted first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone

import sqlite_utils

# Warning states after which nothing more happens; every other state is "in flight".
FINISHED_ALERT_STATES = ("sent", "cancelled", "expired")


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="seconds")


def _hour(at: datetime) -> str:
    """The UTC hour of `at` as the kept anonymous counts store it ('2026-12-01T09')."""
    return _iso(at)[:13]


def _rows(db: sqlite_utils.Database, sql: str, args: tuple = ()) -> list[dict]:
    return list(db.query(sql, args))


# --- questions ---------------------------------------------------------------------------------


def count_questions(db: sqlite_utils.Database, since: datetime, until: datetime | None = None) -> int:
    sql, args = "SELECT COUNT(*) AS n FROM questions WHERE asked_at >= ?", [_iso(since)]
    if until:
        sql += " AND asked_at < ?"
        args.append(_iso(until))
    return next(db.query(sql, args))["n"]


def status_counts(db: sqlite_utils.Database, since: datetime, until: datetime) -> dict[str, int]:
    """Questions by outcome (answer, clarify, fallback) between two times."""
    rows = db.execute("SELECT status, COUNT(*) FROM questions WHERE asked_at >= ? AND asked_at < ? GROUP BY status",
                      (_iso(since), _iso(until))).fetchall()
    return {status: n for status, n in rows}


def top_topics(db: sqlite_utils.Database, since: datetime, until: datetime, limit: int | None = 10) -> list[tuple[str, int]]:
    sql = ("SELECT topic, COUNT(*) AS n FROM questions WHERE topic IS NOT NULL AND asked_at >= ? AND asked_at < ?"
           " GROUP BY topic ORDER BY n DESC, topic")
    args: tuple = (_iso(since), _iso(until))
    if limit:
        sql += " LIMIT ?"
        args += (limit,)
    return [(t, n) for t, n in db.execute(sql, args).fetchall()]


def questions_per_municipality(db: sqlite_utils.Database, since: datetime, until: datetime) -> dict[str, int]:
    """Questions by the asker's municipality ("" when not known, e.g. on the web)."""
    rows = db.execute("SELECT COALESCE(municipality, ''), COUNT(*) FROM questions WHERE asked_at >= ? AND asked_at < ?"
                      " GROUP BY 1", (_iso(since), _iso(until))).fetchall()
    return {m: n for m, n in rows}


def questions_per_channel(db: sqlite_utils.Database, since: datetime, until: datetime) -> dict[str, int]:
    rows = db.execute("SELECT channel, COUNT(*) FROM questions WHERE asked_at >= ? AND asked_at < ? GROUP BY channel",
                      (_iso(since), _iso(until))).fetchall()
    return {c: n for c, n in rows}


def unanswered_questions(db: sqlite_utils.Database, limit: int = 500) -> list[dict]:
    """Redacted questions the bot could not answer that no one has handled yet, newest first."""
    return _rows(db, "SELECT id, asked_at, lang, text FROM questions"
                     " WHERE status = 'fallback' AND handled = 0 AND text IS NOT NULL AND text != ''"
                     " ORDER BY id DESC LIMIT ?", (limit,))


def unanswered_texts_between(db: sqlite_utils.Database, since: datetime, until: datetime) -> list[tuple[str, str | None]]:
    """(redacted text, user key) of unanswered questions whose text is still kept."""
    rows = db.execute("SELECT text, user_key FROM questions WHERE status = 'fallback' AND text IS NOT NULL"
                      " AND asked_at >= ? AND asked_at < ?", (_iso(since), _iso(until))).fetchall()
    return [(t, k) for t, k in rows]


def mark_questions_handled(db: sqlite_utils.Database, ids: list[int]) -> int:
    if not ids:
        return 0
    marks = ",".join("?" for _ in ids)
    return db.execute(f"UPDATE questions SET handled = 1 WHERE handled = 0 AND id IN ({marks})", tuple(ids)).rowcount


def question_text(db: sqlite_utils.Database, question_id: int) -> tuple[str, str] | None:
    row = next(db.query("SELECT text, lang FROM questions WHERE id = ?", (question_id,)), None)
    return (row["text"], row["lang"]) if row and row["text"] else None


# --- residents ---------------------------------------------------------------------------------


def subscribers_per_municipality(db: sqlite_utils.Database) -> dict[str, int]:
    rows = db.execute("SELECT municipality, COUNT(*) FROM subscriptions WHERE active = 1 GROUP BY municipality"
                      " ORDER BY municipality").fetchall()
    return {m: n for m, n in rows}


def reported_scams_between(db: sqlite_utils.Database, since: datetime, until: datetime | None = None) -> list[dict]:
    """Time, method and municipality of what residents passed on (no text, no user key), oldest first.

    Weeks are counted by the caller in local time: SQLite knows only UTC.
    """
    sql, args = ("SELECT at, COALESCE(method, '') AS method, COALESCE(municipality, '') AS municipality"
                 " FROM reported_scams WHERE at >= ?"), [_iso(since)]
    if until:
        sql += " AND at < ?"
        args.append(_iso(until))
    return _rows(db, sql + " ORDER BY at", tuple(args))


def reported_scams_per_municipality(db: sqlite_utils.Database, since: datetime, until: datetime) -> dict[str, int]:
    rows = db.execute("SELECT COALESCE(municipality, ''), COUNT(*) FROM reported_scams WHERE at >= ? AND at < ? GROUP BY 1",
                      (_iso(since), _iso(until))).fetchall()
    return {m: n for m, n in rows}


def recent_reported_scams(db: sqlite_utils.Database, limit: int = 50) -> list[dict]:
    """The latest reports with their redacted text, for staff to read (no user key)."""
    return _rows(db, "SELECT id, at, municipality, method, risk, text FROM reported_scams ORDER BY id DESC LIMIT ?", (limit,))


def feedback_counts(db: sqlite_utils.Database, since: datetime, until: datetime) -> dict[str, int]:
    rows = db.execute("SELECT useful, COUNT(*) FROM feedback WHERE at >= ? AND at < ? GROUP BY useful",
                      (_iso(since), _iso(until))).fetchall()
    counts = {"useful": 0, "not_useful": 0}
    for useful, n in rows:
        counts["useful" if useful else "not_useful"] += n
    return counts


# --- warnings (tables owned by the warnings workflow; read only here) --------------------------


def alerts_in_flight(db: sqlite_utils.Database) -> dict[str, int]:
    """Warnings not yet finished, by state (draft, awaiting approval, approved, scheduled, sending)."""
    marks = ",".join("?" for _ in FINISHED_ALERT_STATES)
    rows = db.execute(f"SELECT state, COUNT(*) FROM alerts WHERE state NOT IN ({marks}) GROUP BY state ORDER BY state",
                      FINISHED_ALERT_STATES).fetchall()
    return {s: n for s, n in rows}


def outbox_waiting(db: sqlite_utils.Database) -> int:
    return db["outbox"].count_where("state IN ('queued', 'sending')")


def alerts_sent_per_municipality(db: sqlite_utils.Database, since: datetime, until: datetime,
                                 municipalities: Sequence[str]) -> dict[str, int]:
    """Warnings sent in the period that targeted each municipality (an empty target list means all)."""
    counts = {m: 0 for m in municipalities}
    rows = db.execute("SELECT municipalities FROM alerts WHERE sent_at >= ? AND sent_at < ? AND correction_of IS NULL"
                      " AND withdrawal_of IS NULL",
                      (_iso(since), _iso(until))).fetchall()
    for (targets,) in rows:
        chosen = json.loads(targets or "[]") or list(municipalities)
        for m in chosen:
            counts[m] = counts.get(m, 0) + 1
    return counts


def count_alerts_sent(db: sqlite_utils.Database, since: datetime, until: datetime) -> int:
    """Warnings sent in the period, corrections and withdrawal notices not counted again."""
    return db["alerts"].count_where("sent_at >= ? AND sent_at < ? AND correction_of IS NULL AND withdrawal_of IS NULL",
                                    (_iso(since), _iso(until)))


def deliveries_per_municipality(db: sqlite_utils.Database, since: datetime, until: datetime) -> dict[str, int]:
    """Warning messages delivered in the period, by the recipient's current municipality.

    A recipient who has since unsubscribed counts as "okänd" (unknown); one who asked to be
    forgotten counts under the municipality they had then (kept as a number when they were erased).
    """
    rows = db.execute(
        "SELECT municipality, SUM(n) FROM ("
        " SELECT COALESCE(s.municipality, 'okänd') AS municipality, COUNT(*) AS n FROM outbox o"
        " LEFT JOIN subscriptions s ON s.chat_id = o.chat_id"
        " WHERE o.state = 'sent' AND o.kind = 'send' AND o.sent_at >= ? AND o.sent_at < ? GROUP BY 1"
        " UNION ALL SELECT municipality, SUM(n) FROM erased_deliveries"
        " WHERE state = 'sent' AND kind = 'send' AND sent_hour >= ? AND sent_hour < ? GROUP BY 1"
        ") GROUP BY municipality ORDER BY municipality",
        (_iso(since), _iso(until), _hour(since), _hour(until)),
    ).fetchall()
    return {m: n for m, n in rows}


def reaction_totals(db: sqlite_utils.Database, since: datetime, until: datetime) -> dict[str, int]:
    """Reactions to warnings in the period, those of residents erased since included."""
    rows = db.execute(
        "SELECT reaction, SUM(n) FROM ("
        " SELECT reaction, COUNT(*) AS n FROM alert_reactions WHERE at >= ? AND at < ? GROUP BY reaction"
        " UNION ALL SELECT reaction, SUM(n) FROM erased_reactions WHERE at_hour >= ? AND at_hour < ? GROUP BY reaction"
        ") GROUP BY reaction", (_iso(since), _iso(until), _hour(since), _hour(until))).fetchall()
    return {r: n for r, n in rows}


# --- audit -------------------------------------------------------------------------------------


def audit_page(db: sqlite_utils.Database, limit: int = 100, offset: int = 0, actor: str | None = None) -> list[dict]:
    sql, args = "SELECT id, at, actor, action, object_type, object_id, details FROM audit_log", []
    if actor:
        sql += " WHERE actor = ?"
        args.append(actor)
    sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
    rows = _rows(db, sql, (*args, limit, offset))
    for row in rows:
        row["details"] = json.loads(row["details"] or "{}")
    return rows
