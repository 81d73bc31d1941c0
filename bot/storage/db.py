"""Opening the SQLite database, applying migrations, and running storage calls off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from bot.storage.migrations import migrate

T = TypeVar("T")


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    db = _connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    migrate(db)
    return db


def _connect(path: Path | str) -> sqlite_utils.Database:
    """A read-write connection; statements outside `atomic()`/`write_transaction` commit at once."""
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=30000")
    return db


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One transaction around a unit of work: all of its writes are kept, or none.

    It takes SQLite's write lock at its first statement (`BEGIN IMMEDIATE`): a unit that reads and
    then writes (claiming outbox rows, using a facilitator code) would otherwise fail with "database
    is locked" when another process (the CLI) wrote in between, instead of waiting its turn. Inside,
    sqlite-utils' `db.atomic()` blocks, in storage functions and in sqlite-utils' own table methods,
    become savepoints of this transaction.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        with db.atomic():
            yield db
        db.commit()
    except BaseException:
        db.rollback()  # a no-op when the error already ended the transaction
        raise


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

    `write` goes through one writer thread (SQLite allows one writer at a time anyway) and runs its
    function as one transaction, so a function that makes several writes (approving a correction
    makes six) is atomic without knowing it: a crash or an exception midway leaves nothing behind.
    `read` uses separate read-only connections in their own threads: in WAL mode a reader is never
    blocked by a writer, so answering a resident or drawing the dashboard never waits behind the
    outbox, a long write or a locked database.
    """

    READERS = 2

    def __init__(self, db: sqlite_utils.Database):
        self._writer = db
        self._own: sqlite_utils.Database | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._lock = threading.Lock()
        self._readers = ThreadPoolExecutor(max_workers=self.READERS, thread_name_prefix="sqlite-read")
        self._local = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self._path = _database_path(db)

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call `fn(db, *args, **kwargs)` in the writer thread, in one transaction, and await its result.

        If `fn` raises, none of its writes are kept and the exception reaches the caller.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: self._call(fn, args, kwargs))

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a read-only `fn(db, ...)` on a reader connection; falls back to `write` for in-memory databases."""
        if self._path is None:
            return await self.write(fn, *args, **kwargs)
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

    @property
    def db(self) -> sqlite_utils.Database:
        """A connection for synchronous callers outside the event loop (start-up, tests).

        Not the writer's: the writer thread may be inside a transaction, which statements from
        another thread on the same connection would join (and could be rolled back with). This one
        waits for the writer's lock like another process would. For an in-memory database, which
        has no second connection, it is the writer's.
        """
        if self._path is None:
            return self._writer
        if self._own is None:
            self._own = _connect(self._path)
        return self._own

    def _call(self, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
        with self._lock, write_transaction(self._writer) as db:
            return fn(db, *args, **kwargs)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        for conn in self._reader_conns:
            conn.close()
        if self._own is not None:
            self._own.conn.close()
        self._writer.conn.close()


def _database_path(db: sqlite_utils.Database) -> str | None:
    """The file behind `db`, or None for an in-memory database."""
    main = next((row for row in db.query("PRAGMA database_list") if row["name"] == "main"), None)
    return (main["file"] or None) if main else None
