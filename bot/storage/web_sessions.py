"""Staff sessions for the web dashboard.

Only a hash of the session token is stored, so a copy of the database cannot be used to log in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils


@dataclass(frozen=True)
class WebSession:
    staff_id: int
    csrf_token: str
    created_at: str
    last_seen: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def create_session(db: sqlite_utils.Database, token: str, staff_id: int, csrf_token: str, now: datetime) -> None:
    db.execute(
        "INSERT INTO web_sessions (token_hash, staff_id, csrf_token, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
        (_hash(token), staff_id, csrf_token, _iso(now), _iso(now)),
    )


def find_session(db: sqlite_utils.Database, token: str) -> WebSession | None:
    row = next(db.query("SELECT staff_id, csrf_token, created_at, last_seen FROM web_sessions WHERE token_hash = ?",
                        (_hash(token),)), None)
    return WebSession(**row) if row else None


def touch_session(db: sqlite_utils.Database, token: str, now: datetime) -> None:
    db.execute("UPDATE web_sessions SET last_seen = ? WHERE token_hash = ?", (_iso(now), _hash(token)))


def delete_session(db: sqlite_utils.Database, token: str) -> None:
    db.execute("DELETE FROM web_sessions WHERE token_hash = ?", (_hash(token),))


def delete_staff_sessions(db: sqlite_utils.Database, staff_id: int) -> int:
    """End every session of one staff member (disabled account, new password)."""
    return db.execute("DELETE FROM web_sessions WHERE staff_id = ?", (staff_id,)).rowcount


def delete_other_sessions(db: sqlite_utils.Database, staff_id: int, keep_token: str) -> int:
    """End every session of one staff member except this one (after they change their password)."""
    return db.execute("DELETE FROM web_sessions WHERE staff_id = ? AND token_hash != ?", (staff_id, _hash(keep_token))).rowcount


def delete_idle_sessions(db: sqlite_utils.Database, idle_minutes: int, now: datetime) -> int:
    cutoff = _iso(now - timedelta(minutes=idle_minutes))
    return db.execute("DELETE FROM web_sessions WHERE last_seen < ?", (cutoff,)).rowcount
