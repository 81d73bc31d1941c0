"""Child process for test_kill_during_correction: does one warning action and SIGKILLs itself
just before its `kill_at`-th write statement (0: never), so the action dies halfway.

    python -m tests.storage.kill_child DB ACTION KILL_AT MODE

ACTION is "correct", "approve" or "withdraw"; MODE is "write" (through AsyncDatabase.write, as the
service does) or "autocommit" (each statement on its own, as before writes were transactions).
Prints the number of write statements made when it was not killed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from bot.core.alerts import workflow
from bot.storage import alerts as store
from bot.storage import staff as store_staff
from bot.storage.db import AsyncDatabase, open_database

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def main(path: str, action: str, kill_at: int, mode: str) -> None:
    db = open_database(path)
    writes = 0

    def before_statement(sql: str) -> None:
        nonlocal writes
        if sql.lstrip().upper().startswith(WRITES):
            writes += 1
            if writes == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    anna, bo = store_staff.find_staff(db, "anna"), store_staff.find_staff(db, "bo")
    old = next(a for a in store.list_alerts(db) if a.state == "sent" and not a.withdrawn)
    pending = store.open_replacement(db, old.id)
    calls = {
        "correct": (workflow.correct, anna, old.id), "withdraw": (workflow.withdraw, anna, old.id),
        "approve": (workflow.approve, bo, pending.id if pending else 0),
    }
    fn, member, alert_id = calls[action]
    kwargs = {"correct": {"title": "Rättad: falska sms", "text": "Rätt avsändare är Transportstyrelsen."},
              "withdraw": {"text": "Sms:et var äkta."}}.get(action, {})
    db.conn.set_trace_callback(before_statement)
    if mode == "autocommit":
        fn(db, member, alert_id, **kwargs)
    else:
        async_db = AsyncDatabase(db)
        asyncio.run(async_db.write(fn, member, alert_id, **kwargs))
    print(writes)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
