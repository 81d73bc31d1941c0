"""Anonymous tips about welfare crime: the text (already redacted), the municipality and the day."""

from __future__ import annotations

from datetime import date, datetime, timezone

import sqlite_utils

from bot.storage.inserted import inserted_id


def add_tip(db: sqlite_utils.Database, text: str, municipality: str | None, received_on: date) -> int:
    return inserted_id(db.execute("INSERT INTO welfare_tips (received_on, municipality, text) VALUES (?, ?, ?)",
                                  (received_on.isoformat(), municipality, text)))


def list_tips(db: sqlite_utils.Database, limit: int = 200) -> list[dict]:
    """Newest first: id, received_on, municipality, text, forwarded_to, forwarded_by, forwarded_at."""
    return list(db.query("SELECT id, received_on, municipality, text, forwarded_to, forwarded_by, forwarded_at"
                         " FROM welfare_tips ORDER BY id DESC LIMIT ?", [limit]))


def mark_forwarded(db: sqlite_utils.Database, tip_id: int, to: str, by: str, at: datetime | None = None) -> bool:
    at = at or datetime.now(timezone.utc)
    return db.execute("UPDATE welfare_tips SET forwarded_to = ?, forwarded_by = ?, forwarded_at = ? WHERE id = ?",
                      (to, by, at.isoformat(timespec="seconds"), tip_id)).rowcount == 1
