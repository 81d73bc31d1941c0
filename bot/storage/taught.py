"""Questions staff taught the answer model: content, kept apart from the question log."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlite_utils


def add_taught(db: sqlite_utils.Database, text: str, topic: str, added_by: str, at: datetime | None = None) -> int | None:
    """Store a taught question (already redacted and checked by staff); None if it was there already."""
    at = at or datetime.now(timezone.utc)
    cur = db.execute(
        "INSERT OR IGNORE INTO taught_questions (text, topic, added_by, added_at) VALUES (?, ?, ?, ?)",
        (text, topic, added_by, at.isoformat(timespec="seconds")),
    )
    return cur.lastrowid if cur.rowcount else None


def list_taught(db: sqlite_utils.Database) -> list[dict]:
    """Every taught question, oldest first: id, text, topic, added_by, added_at."""
    return list(db.query("SELECT id, text, topic, added_by, added_at FROM taught_questions ORDER BY id"))


def remove_taught(db: sqlite_utils.Database, taught_id: int) -> dict | None:
    """Delete one taught question; returns it (for the audit log) or None if it was gone."""
    rows = list(db.query("SELECT id, text, topic, added_by, added_at FROM taught_questions WHERE id = ?", [taught_id]))
    if not rows:
        return None
    db.execute("DELETE FROM taught_questions WHERE id = ?", (taught_id,))
    return rows[0]
