"""Small key/value settings kept in the database (e.g. the generated pseudonymisation key)."""

from __future__ import annotations

import secrets

import sqlite_utils


def get_or_create_secret(db: sqlite_utils.Database, key: str) -> str:
    """Return the stored secret `key`, creating a random one on first use."""
    db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (key, secrets.token_hex(32)))
    return db.table("settings").get(key)["value"]
