"""A locked database never holds a reply: the answer goes first, the statistics row once the lock is gone."""

from __future__ import annotations

import sqlite3

from tests.telegram.test_resident_journey import say


async def test_a_reply_is_sent_while_another_process_holds_the_write_lock(running, tmp_path):
    tg = running.tg
    await say(tg, "/start", chat=6161)  # the resident exists before the lock
    await running.services.assistant.flush()
    locker = sqlite3.connect(tmp_path / "fraudbot.db", timeout=1, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # like a long backup or a stuck writer in another process
    try:
        reply = await say(tg, "jag fick ett sms om ett paket med en länk", chat=6161)
        assert "sms" in reply.plain_text.lower()
        assert locker.in_transaction  # answered while the lock is still held
        count = sqlite3.connect(f"file:{tmp_path / 'fraudbot.db'}?mode=ro", uri=True).execute(
            "SELECT COUNT(*) FROM questions").fetchone()[0]
        assert count == 0  # the statistics row waits
    finally:
        locker.execute("COMMIT")
        locker.close()
    await running.services.assistant.flush()
    assert running.rows("SELECT channel, status FROM questions") == [("telegram", "answer")]
