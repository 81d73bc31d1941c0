"""The audit log: who did what, when, to which object. Rows are only ever added."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlite_utils


def record(db: sqlite_utils.Database, actor: str, action: str, object_type: str | None = None,
           object_id: int | None = None, **details) -> None:
    db.execute(
        "INSERT INTO audit_log (at, actor, action, object_type, object_id, details) VALUES (?, ?, ?, ?, ?, ?)",
        (datetime.now(timezone.utc).isoformat(timespec="seconds"), actor, action, object_type, object_id,
         json.dumps(details, ensure_ascii=False, default=str)),
    )


def entries(db: sqlite_utils.Database, *, object_type: str | None = None, object_id: int | None = None,
            limit: int = 200) -> list[dict]:
    sql = "SELECT at, actor, action, object_type, object_id, details FROM audit_log"
    args: list = []
    if object_type:
        sql += " WHERE object_type = ?" + (" AND object_id = ?" if object_id is not None else "")
        args += [object_type] + ([object_id] if object_id is not None else [])
    sql += " ORDER BY id DESC LIMIT ?"
    args.append(limit)
    return [{**row, "details": json.loads(row["details"])} for row in db.query(sql, args)]
