"""Logged resident questions: statistics, unanswered questions for staff, retention purge."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlite_utils

from bot.storage.inserted import inserted_id


def log_question(
    db: sqlite_utils.Database, *, channel: str, lang: str, status: str, topic: str | None, score: float,
    urgent: bool, municipality: str | None, user_key: str | None, text: str, at: datetime | None = None,
) -> int:
    """Store one question. `text` must already be redacted."""
    at = at or datetime.now(timezone.utc)
    cur = db.execute(
        "INSERT INTO questions (asked_at, channel, lang, status, topic, score, urgent, municipality, user_key, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (at.isoformat(timespec="seconds"), channel, lang, status, topic, round(score, 4), int(urgent), municipality, user_key, text),
    )
    return inserted_id(cur)


def purge_question_text(db: sqlite_utils.Database, retention_days: int, now: datetime | None = None) -> int:
    """Blank the text of questions older than the retention period; the aggregates stay."""
    now = now or datetime.now(timezone.utc)
    cutoff = (now - timedelta(days=retention_days)).isoformat(timespec="seconds")
    cur = db.execute("UPDATE questions SET text = NULL WHERE asked_at < ? AND text IS NOT NULL", (cutoff,))
    return cur.rowcount


def forget_questions(db: sqlite_utils.Database, user_key: str) -> int:
    """A resident's "delete my questions": their text is deleted and the link to them cut.

    The rest of each row (when, language, topic, outcome) stays as an anonymous count, like after
    the retention purge, so the figures of past weeks do not change.
    """
    return db.execute("UPDATE questions SET text = NULL, user_key = NULL WHERE user_key = ?", (user_key,)).rowcount


# Staff who may read what residents wrote (already redacted): editors and above. Viewers see the
# counts and groups of unanswered questions, not the words (bot/web/staff_knowledge.py).
TEXT_READER_ROLE = "editor"
