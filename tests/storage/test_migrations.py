"""Schema steps through sqlite-utils' Migrations: fresh, twice, a failing step, and an old-format database."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from bot.storage import migrations
from bot.storage.db import open_database
from bot.storage.migrations import STEPS, migrate, step_name

ALL_STEPS = [step_name(step) for _, _, step in STEPS]


def schema(db: sqlite_utils.Database) -> dict[str, str]:
    """Every table and index with its SQL, except the records of applied steps (old and new)."""
    return {row["name"]: row["sql"] for row in db.query(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE '%migrations%'")}


def applied(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in migrations.migrations().applied(db)]


def old_format_database(path, up_to: int) -> sqlite_utils.Database:
    """A database as the home-made migrator left it: steps 1..`up_to` recorded by number in schema_migrations."""
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT DEFAULT CURRENT_TIMESTAMP)")
    for version, name, step in STEPS:
        if version <= up_to:
            with db.atomic():
                step(db)
                db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                           (version, name, f"2026-{version:02d}-01 10:00:00"))
    return db


def test_a_fresh_database_gets_every_step_and_the_whole_schema(tmp_path):
    db = open_database(tmp_path / "f.db")
    assert applied(db) == ALL_STEPS
    assert {"settings", "questions", "residents", "subscriptions", "staff", "audit_log", "alerts", "outbox",
            "web_sessions", "live_sessions", "facilitator_codes", "erased_deliveries", "taught_questions",
            "welfare_tips"} <= set(db.table_names())
    assert {"priority", "first_error_at", "parts_sent"} <= set(db["outbox"].columns_dict)  # step 5's columns
    assert "withdrawal_of" in db["alerts"].columns_dict  # step 7's
    assert "schema_migrations" not in db.table_names()


def test_migrating_twice_changes_nothing(tmp_path):
    db = open_database(tmp_path / "f.db")
    before, record = schema(db), list(db.query("SELECT * FROM _sqlite_migrations"))
    assert migrate(db) == []
    db.conn.close()
    again = open_database(tmp_path / "f.db")  # a restart
    assert schema(again) == before
    assert list(again.query("SELECT * FROM _sqlite_migrations")) == record


def test_a_failing_step_leaves_the_old_schema_and_stays_pending(tmp_path):
    db = open_database(tmp_path / "f.db")
    db.execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')")
    before = schema(db)

    def _099_half_done(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        db.execute("ALTER TABLE alerts ADD COLUMN half_done INTEGER")
        raise RuntimeError("the step fails after two changes")

    with pytest.raises(RuntimeError, match="after two changes"):
        migrate(db, [*STEPS, (99, "a step that fails midway", _099_half_done)])
    assert schema(db) == before
    assert "099_half_done" not in applied(db)
    assert list(db.query("SELECT value FROM settings WHERE key = 'kept'")) == [{"value": "yes"}]

    def _099_done(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")

    _099_done.__name__ = "_099_half_done"  # the same step, fixed in the next release
    assert migrate(db, [*STEPS, (99, "the step, fixed", _099_done)]) == ["099_half_done"]
    assert "half_done" in db.table_names()


def test_an_old_format_database_upgrades_without_running_a_step_twice_or_losing_data(tmp_path):
    path = tmp_path / "old.db"
    old = old_format_database(path, up_to=9)
    old.execute("INSERT INTO residents (chat_id, user_key, lang, created_at) VALUES (7, 'k7', 'sv', '2026-01-01')")
    old.execute("INSERT INTO welfare_tips (received_on, text) VALUES ('2026-11-30', 'bidragsfusk')")
    shape = schema(old)
    old.conn.close()

    db = open_database(path)  # would fail with "table settings already exists" if a step ran again
    upgraded = schema(db)
    assert {name: sql for name, sql in upgraded.items() if name in shape} == shape  # steps 1–9 untouched
    assert upgraded == schema(open_database(tmp_path / "fresh.db"))  # and the later steps applied once
    assert applied(db) == ALL_STEPS
    times = [row["applied_at"] for row in db.query("SELECT applied_at FROM _sqlite_migrations ORDER BY id")]
    assert times[0] == "2026-01-01 10:00:00"  # the old record's times are kept
    assert "schema_migrations" not in db.table_names()
    assert list(db.query("SELECT chat_id, user_key FROM residents")) == [{"chat_id": 7, "user_key": "k7"}]
    assert list(db.query("SELECT text FROM welfare_tips")) == [{"text": "bidragsfusk"}]


def test_an_old_database_halfway_up_gets_only_the_steps_it_lacks(tmp_path):
    path = tmp_path / "old.db"
    old = old_format_database(path, up_to=6)
    old.execute("INSERT INTO staff (username, display_name, role, created_at) VALUES ('anna', 'Anna', 'editor', '2026-01-01')")
    old.conn.close()

    db = open_database(path)
    assert applied(db) == ALL_STEPS
    assert "withdrawal_of" in db["alerts"].columns_dict and "welfare_tips" in db.table_names()
    assert [row["username"] for row in db.query("SELECT username FROM staff")] == ["anna"]


def test_an_old_format_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "old.db"
    old = old_format_database(path, up_to=9)
    old.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')")
    old.conn.close()
    with pytest.raises(RuntimeError, match="newer fraudbot"):
        open_database(path)


def test_a_database_a_newer_version_migrated_is_refused(tmp_path):
    db = open_database(tmp_path / "f.db")
    db["_sqlite_migrations"].insert({"migration_set": "fraudbot", "name": "042_from_the_future", "applied_at": "2027"})
    db.conn.close()
    with pytest.raises(RuntimeError, match="042_from_the_future.*newer fraudbot"):
        open_database(tmp_path / "f.db")
