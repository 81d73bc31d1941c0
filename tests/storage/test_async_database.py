"""AsyncDatabase: each write is one transaction on the one writer; reads have connections of their own."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.storage.db import AsyncDatabase, open_database


@pytest.fixture
def adb(tmp_path):
    db = AsyncDatabase(open_database(tmp_path / "f.db"))
    yield db
    db.close()


def put(db, key: str, value: str) -> None:
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))


def value(db, key: str) -> str | None:
    row = next(db.query("SELECT value FROM settings WHERE key = ?", (key,)), None)
    return row["value"] if row else None


async def test_a_write_that_fails_midway_keeps_none_of_its_writes(adb):
    def two_writes_then_a_failure(db):
        put(db, "first", "1")
        put(db, "second", "2")
        raise ValueError("a rule said no after two writes")

    with pytest.raises(ValueError, match="after two writes"):
        await adb.write(two_writes_then_a_failure)
    assert await adb.read(value, "first") is None and await adb.read(value, "second") is None
    await adb.write(put, "after", "3")  # the transaction was closed: the next write works
    assert await adb.read(value, "after") == "3"


async def test_nested_atomic_blocks_in_storage_roll_back_with_the_write(adb):
    def inner_block_then_failure(db):
        with db.atomic():  # as storage functions do (erase_resident, claim …)
            put(db, "inner", "1")
        raise RuntimeError("after the inner block")

    with pytest.raises(RuntimeError):
        await adb.write(inner_block_then_failure)
    assert await adb.read(value, "inner") is None


async def test_reads_do_not_wait_behind_a_long_write(adb):
    await adb.write(put, "k", "old")
    writing, release = threading.Event(), threading.Event()

    def slow_write(db):
        db.execute("UPDATE settings SET value = 'new' WHERE key = 'k'")
        writing.set()
        release.wait(10)

    write = asyncio.create_task(adb.write(slow_write))
    await asyncio.to_thread(writing.wait, 10)
    started = time.monotonic()
    assert await adb.read(value, "k") == "old"  # the committed state, at once
    assert time.monotonic() - started < 1.0
    release.set()
    await write
    assert await adb.read(value, "k") == "new"


async def test_synchronous_callers_get_a_connection_of_their_own(adb):
    """Statements on the writer's connection from another thread would join its open transaction."""
    assert adb.db.conn is not adb._writer.conn
    put(adb.db, "from_a_test", "1")
    assert await adb.read(value, "from_a_test") == "1"
