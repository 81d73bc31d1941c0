"""Numbered schema steps. Never edit a released step: add a new one."""

from __future__ import annotations

from typing import Callable

import sqlite_utils


def _001_core(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)""")
    # Resident questions for statistics. Text is redacted before it gets here and purged after the
    # retention period; the other columns are the aggregates that stay.
    db.execute("""CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        lang TEXT NOT NULL,
        status TEXT NOT NULL,
        topic TEXT,
        score REAL NOT NULL,
        urgent INTEGER NOT NULL DEFAULT 0,
        municipality TEXT,
        user_key TEXT,
        text TEXT,
        handled INTEGER NOT NULL DEFAULT 0
    )""")
    db.execute("CREATE INDEX questions_asked_at ON questions(asked_at)")
    db.execute("CREATE INDEX questions_user_key ON questions(user_key)")
    db.execute("""CREATE TABLE residents (
        chat_id INTEGER PRIMARY KEY,
        user_key TEXT NOT NULL UNIQUE,
        lang TEXT NOT NULL DEFAULT 'sv',
        municipality TEXT,
        created_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE subscriptions (
        chat_id INTEGER PRIMARY KEY REFERENCES residents(chat_id) ON DELETE CASCADE,
        municipality TEXT NOT NULL,
        lang TEXT NOT NULL,
        topics TEXT NOT NULL DEFAULT '[]',
        delivery TEXT NOT NULL DEFAULT 'immediate',
        consented_at TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        inactive_reason TEXT,
        chat_type TEXT NOT NULL DEFAULT 'private'
    )""")
    db.execute("CREATE INDEX subscriptions_municipality ON subscriptions(municipality, active)")
    db.execute("""CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        topic TEXT,
        useful INTEGER NOT NULL
    )""")
    db.execute("""CREATE TABLE reported_scams (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        municipality TEXT,
        method TEXT,
        risk TEXT,
        text TEXT
    )""")


MIGRATIONS: list[tuple[int, str, Callable[[sqlite_utils.Database], None]]] = [
    (1, "core tables: settings, questions, residents, subscriptions, feedback, reported scams", _001_core),
]
