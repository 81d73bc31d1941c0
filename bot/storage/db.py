"""Opening the SQLite database, applying migrations, and running storage calls off the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from bot.storage.migrations import MIGRATIONS

T = TypeVar("T")


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=30000")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> list[int]:
    """Apply every migration not yet recorded in `schema_migrations`; returns the ones applied."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT DEFAULT CURRENT_TIMESTAMP)")
    done = {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, step in MIGRATIONS:
        if version in done:
            continue
        with db.conn:  # one transaction per migration
            db.conn.execute("BEGIN")
            step(db)
            db.conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name))
        applied.append(version)
    return applied


def backup_database(source: Path | str, target: Path | str) -> int:
    """Copy the database at `source` to `target` with SQLite's online backup; returns the pages copied.

    Safe while the service runs and writes (WAL): the copy is a consistent snapshot. The target is
    written beside its final name and moved into place, so a half-written backup never replaces a
    good one.
    """
    target = Path(target)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(str(partial))
    try:
        src.backup(dst, pages=1024)
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("the copy failed its integrity check")
    finally:
        dst.close()
        src.close()
    partial.replace(target)
    return pages


class AsyncDatabase:
    """Runs blocking storage calls off the event loop, so it never waits on SQLite.

    `run` goes through one writer thread (SQLite allows one writer at a time anyway). `read` uses
    separate read-only connections in their own threads: in WAL mode a reader is never blocked by a
    writer, so answering a resident never waits behind a long write or a locked database.
    """

    READERS = 2

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._lock = threading.Lock()
        self._readers = ThreadPoolExecutor(max_workers=self.READERS, thread_name_prefix="sqlite-read")
        self._local = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self._path = _database_path(db)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call `fn(db, *args, **kwargs)` in the storage (writer) thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: self._call(fn, args, kwargs))

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a read-only `fn(db, ...)` on a reader connection; falls back to `run` for in-memory databases."""
        if self._path is None:
            return await self.run(fn, *args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, lambda: fn(self._reader(), *args, **kwargs))

    def _reader(self) -> sqlite_utils.Database:
        reader = getattr(self._local, "db", None)
        if reader is None:
            conn = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")
            self._reader_conns.append(conn)
            reader = self._local.db = sqlite_utils.Database(conn)
        return reader

    def _call(self, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
        with self._lock:
            return fn(self.db, *args, **kwargs)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        for conn in self._reader_conns:
            conn.close()
        self.db.conn.close()


def _database_path(db: sqlite_utils.Database) -> str | None:
    """The file behind `db`, or None for an in-memory database."""
    row = db.execute("PRAGMA database_list").fetchone()
    return row[2] or None if row else None
