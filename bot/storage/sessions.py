"""Guided sessions: live session state, anonymous results, and follow-up refreshers due to be sent.

Live rows hold per-session keyed hashes of participants only while a session runs; finishing one
drops them. Results rows hold figures only. Follow-up rows hold the one chat id needed to send a
refresher and are deleted once it is sent (or the resident asks to be forgotten).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

from bot.storage.inserted import inserted_id


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LiveChange:
    """What a state change produced: the new state, figures for the results row, and whether the
    session lets go of its chat (so a new one can start there)."""

    state: str
    results: dict[str, Any] | None = None
    release_chat: bool = False


@dataclass(frozen=True)
class StoredResult:
    id: int
    scenario_id: str
    channel: str
    held_on: str
    finished: bool
    participants: int
    answers: dict[str, list[int]]
    confidence_before: list[int]
    confidence_after: list[int]


@dataclass(frozen=True)
class DueRefresher:
    id: int
    chat_id: int
    scenario_id: str
    round: int
    attempts: int


def create_live_session(
    db: sqlite_utils.Database, code: str, scenario_id: str, channel: str, chat_ref: str | None, state: str,
    now: str | None = None,
) -> bool:
    """Open a session under `code`; False when the code is taken.

    A chat has one current session: starting another releases the older one's chat. The results
    row is made at the first reveal, so a session that never got going leaves no figures.
    """
    now = now or _now()
    with db.atomic():
        if db["live_sessions"].count_where("code = ?", [code]):
            return False
        if chat_ref is not None:
            db.execute("UPDATE live_sessions SET chat_ref = NULL WHERE chat_ref = ?", (chat_ref,))
        db.execute(
            "INSERT INTO live_sessions (code, scenario_id, channel, chat_ref, state, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, scenario_id, channel, chat_ref, state, now, now),
        )
    return True


def _state(db: sqlite_utils.Database, where: str, params: tuple) -> str | None:
    row = next(db.query(f"SELECT state FROM live_sessions WHERE {where}", params), None)
    return row["state"] if row else None


def get_live_state(db: sqlite_utils.Database, code: str) -> str | None:
    return _state(db, "code = ?", (code,))


def live_state_for_chat(db: sqlite_utils.Database, chat_ref: str) -> str | None:
    return _state(db, "chat_ref = ? ORDER BY created_at DESC LIMIT 1", (chat_ref,))


def update_live_session(db: sqlite_utils.Database, code: str, change: Callable[[str], LiveChange]) -> str | None:
    """Apply `change` to the session's state in one transaction; None when there is no such session.

    Runs in the storage thread, so no other change can slip in between reading and writing. An
    exception from `change` leaves everything as it was.
    """
    with db.atomic():
        current = get_live_state(db, code)
        if current is None:
            return None
        outcome = change(current)
        state = outcome.state
        if outcome.results is not None:
            state = _save_results(db, state, outcome.results)
        db.execute(
            "UPDATE live_sessions SET state = ?, updated_at = ?" + (", chat_ref = NULL" if outcome.release_chat else "")
            + " WHERE code = ?",
            (state, _now(), code),
        )
    return state


def _save_results(db: sqlite_utils.Database, state: str, results: dict[str, Any]) -> str:
    """Write the session's figures to its results row (made on first use); returns the state
    with the row's id in `result_id`."""
    data = json.loads(state)
    values = (results["participants"], json.dumps(results["answers"]), json.dumps(results["confidence_before"]),
              json.dumps(results["confidence_after"]), int(bool(results.get("finished"))))
    if data.get("result_id") is None:
        cur = db.execute(
            "INSERT INTO session_results (scenario_id, channel, held_on, participants, answers, confidence_before,"
            " confidence_after, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (data["scenario_id"], data["channel"], data["started_on"], *values),
        )
        data["result_id"] = cur.lastrowid
        return json.dumps(data, separators=(",", ":"))
    db.execute(
        "UPDATE session_results SET participants = ?, answers = ?, confidence_before = ?, confidence_after = ?,"
        " finished = ? WHERE id = ?",
        (*values, data["result_id"]),
    )
    return state


def purge_idle_live_sessions(db: sqlite_utils.Database, older_than: str) -> int:
    """Drop live sessions untouched since `older_than` (ISO time); their results rows stay."""
    return db.execute("DELETE FROM live_sessions WHERE updated_at < ?", (older_than,)).rowcount


def list_results(db: sqlite_utils.Database, scenario_id: str | None = None) -> list[StoredResult]:
    sql = ("SELECT id, scenario_id, channel, held_on, finished, participants, answers, confidence_before, confidence_after"
           " FROM session_results")
    rows = db.query(sql + (" WHERE scenario_id = ?" if scenario_id else "") + " ORDER BY id",
                    (scenario_id,) if scenario_id else ())
    return [StoredResult(**{**r, "finished": bool(r["finished"]), "answers": json.loads(r["answers"]),
                            "confidence_before": json.loads(r["confidence_before"]),
                            "confidence_after": json.loads(r["confidence_after"])})
            for r in rows]


# --- follow-up refreshers ------------------------------------------------------------------------

def schedule_refreshers(db: sqlite_utils.Database, chat_id: int, scenario_id: str, due: list[tuple[int, str]]) -> None:
    """One row per (chat, scenario, round); asking again resets the due times."""
    with db.atomic():
        for round_, due_at in due:
            db.execute(
                "INSERT INTO session_followups (chat_id, scenario_id, round, due_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (chat_id, scenario_id, round) DO UPDATE SET due_at = excluded.due_at, attempts = 0",
                (chat_id, scenario_id, round_, due_at),
            )


def due_refreshers(db: sqlite_utils.Database, now: str, limit: int = 100) -> list[DueRefresher]:
    rows = db.query(
        "SELECT id, chat_id, scenario_id, round, attempts FROM session_followups WHERE due_at <= ? ORDER BY due_at LIMIT ?",
        (now, limit),
    )
    return [DueRefresher(**r) for r in rows]


def refresher_sent(db: sqlite_utils.Database, refresher_id: int) -> None:
    """Sent (or given up on): the row, and with the last one the chat id, is gone."""
    db.execute("DELETE FROM session_followups WHERE id = ?", (refresher_id,))


def refresher_failed(db: sqlite_utils.Database, refresher_id: int, retry_at: str) -> None:
    db.execute("UPDATE session_followups SET attempts = attempts + 1, due_at = ? WHERE id = ?", (retry_at, refresher_id))


def record_refresher_answer(db: sqlite_utils.Database, scenario_id: str, round_: int, safe: bool, answered_on: str) -> None:
    """Counted without any identity: which scenario, which round, safe or not, which day."""
    db.execute(
        "INSERT INTO refresher_answers (scenario_id, round, safe, answered_on) VALUES (?, ?, ?, ?)",
        (scenario_id, round_, int(safe), answered_on),
    )


# --- facilitator codes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FacilitatorCode:
    id: int
    label: str
    created_by: str
    created_at: str
    expires_on: str | None
    revoked_at: str | None
    sessions_started: int
    last_used_at: str | None

    def valid_on(self, day: str) -> bool:
        return self.revoked_at is None and (self.expires_on is None or day <= self.expires_on)


_CODE_COLUMNS = "id, label, created_by, created_at, expires_on, revoked_at, sessions_started, last_used_at"


def add_facilitator_code(db: sqlite_utils.Database, code_hash: str, label: str, created_by: str,
                         expires_on: str | None) -> int:
    return inserted_id(db.execute(
        "INSERT INTO facilitator_codes (code_hash, label, created_by, created_at, expires_on) VALUES (?, ?, ?, ?, ?)",
        (code_hash, label, created_by, _now(), expires_on),
    ))


def list_facilitator_codes(db: sqlite_utils.Database) -> list[FacilitatorCode]:
    rows = db.query(f"SELECT {_CODE_COLUMNS} FROM facilitator_codes ORDER BY revoked_at IS NOT NULL, id DESC")
    return [FacilitatorCode(**row) for row in rows]


def revoke_facilitator_code(db: sqlite_utils.Database, code_id: int, revoked_by: str) -> bool:
    return db.execute("UPDATE facilitator_codes SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
                      (_now(), revoked_by, code_id)).rowcount > 0


def use_facilitator_code(db: sqlite_utils.Database, code_hash: str, today: str) -> int | None:
    """Count a session started with this code; the code's id, or None when it is unknown, revoked or expired."""
    with db.atomic():
        row = next(db.query(
            "SELECT id FROM facilitator_codes WHERE code_hash = ? AND revoked_at IS NULL AND (expires_on IS NULL OR expires_on >= ?)",
            (code_hash, today),
        ), None)
        if row is None:
            return None
        db.execute("UPDATE facilitator_codes SET sessions_started = sessions_started + 1, last_used_at = ? WHERE id = ?",
                   (_now(), row["id"]))
    return row["id"]
