"""Staff web sessions on a real SQLite file."""

from datetime import datetime, timedelta, timezone

from bot.core.staff.accounts import create_staff
from bot.storage import web_sessions as ws
from bot.storage.db import open_database


def test_sessions_are_found_by_token_stored_as_hash_and_expire(tmp_path):
    db = open_database(tmp_path / "f.db")
    member, _ = create_staff(db, "anna", "viewer", actor="test")
    now = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
    ws.create_session(db, "secret-token", member.id, "csrf-1", now)
    ws.create_session(db, "other-token", member.id, "csrf-2", now - timedelta(hours=2))
    assert ws.find_session(db, "secret-token").csrf_token == "csrf-1"
    assert ws.find_session(db, "nope") is None
    assert "secret-token" not in str(db.execute("SELECT * FROM web_sessions").fetchall())
    ws.touch_session(db, "secret-token", now + timedelta(minutes=5))
    assert ws.find_session(db, "secret-token").last_seen.startswith("2026-11-01T12:05")
    assert ws.delete_idle_sessions(db, 30, now + timedelta(minutes=10)) == 1
    assert ws.find_session(db, "other-token") is None
    assert ws.delete_staff_sessions(db, member.id) == 1
    db.conn.close()
