"""The id of a row just inserted, typed: `Cursor.lastrowid` is None only before any INSERT."""

from __future__ import annotations

import sqlite3


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid SQLite gave the row this cursor's INSERT added."""
    if cursor.lastrowid is None:
        raise sqlite3.InterfaceError("no row was inserted")
    return cursor.lastrowid
