"""kill -9 in the middle of correcting or withdrawing a sent warning: the database holds the old state
or the complete new one, never half (no dangling draft, no warning marked withdrawn without its edits)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from datetime import datetime, time, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.core.alerts import workflow
from bot.core.alerts.dispatch import QuietHours, dispatch_due, finish_sent
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as store
from bot.storage import residents
from bot.storage.db import open_database

ROOT = Path(__file__).resolve().parents[2]
QUIET = QuietHours(time(21, 0), time(8, 0), ZoneInfo("Europe/Stockholm"))
NOON = datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)
CHATS = (101, 102, 103)


def state(path: Path) -> dict[str, list[dict]]:
    """Every row of every table that an action on a warning touches."""
    db = sqlite_utils.Database(path)
    try:
        return {table: list(db.query(f"SELECT * FROM {table} ORDER BY rowid")) for table in ("alerts", "outbox", "audit_log")}
    finally:
        db.conn.close()


def child(path: Path, action: str, kill_at: int, mode: str = "write") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.storage.kill_child", str(path), action, str(kill_at), mode],
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def sent_warning(tmp_path_factory) -> Path:
    """A database with a warning delivered to three residents (and a correction of it, awaiting approval, beside it)."""
    folder = tmp_path_factory.mktemp("kill")
    db = open_database(folder / "sent.db")
    for chat in CHATS:
        residents.ensure_resident(db, chat, f"key{chat}", "sv")
        residents.subscribe(db, chat, municipality="Kramfors", lang="sv")
    anna, _ = staff_core.create_staff(db, "anna", "editor")
    bo, _ = staff_core.create_staff(db, "bo", "approver")
    alert = workflow.create(db, anna, title="Falska sms om vägtull", text="Klicka inte på länken.", now=NOON)
    workflow.approve(db, bo, alert.id, now=NOON)
    dispatch_due(db, QUIET, now=NOON)
    for row in store.claim(db, NOON, 10):
        store.mark_sent(db, row["id"], 500 + row["chat_id"], NOON)
    assert finish_sent(db, now=NOON) == [alert.id]
    db.conn.close()
    return folder / "sent.db"


def copy(source: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(source, target)
    return target


def with_replacement_awaiting(sent_warning: Path, tmp_path: Path, action: str = "correct") -> Path:
    """A copy where anna's correction (or withdrawal) of the sent warning awaits bo's approval."""
    path = copy(sent_warning, tmp_path, "awaiting.db")
    done = child(path, action, 0)
    assert done.returncode == 0, done.stderr
    return path


def test_the_whole_correction_is_several_writes(sent_warning, tmp_path):
    """The baseline the kills below cut into: writing a correction and approving it, uninterrupted."""
    path = copy(sent_warning, tmp_path, "whole.db")
    written = child(path, "correct", 0)
    assert written.returncode == 0, written.stderr
    assert int(written.stdout) >= 2  # the draft and its audit entry
    approved = child(path, "approve", 0)
    assert approved.returncode == 0, approved.stderr
    # draft approved, audit, old one withdrawn, an edit queued per delivered message (3), audit: 7
    assert int(approved.stdout) >= 6
    after = state(path)
    old, draft = after["alerts"]
    assert old["withdrawn"] == 1 and draft["correction_of"] == old["id"] and draft["state"] == "approved"
    assert sorted(r["chat_id"] for r in after["outbox"] if r["kind"] == "edit") == list(CHATS)


@pytest.mark.parametrize("replacement, kill_at", [("correct", 2), ("correct", 4), ("correct", 6), ("withdraw", 4)])
def test_killed_while_approving_a_correction_leaves_the_old_state(sent_warning, tmp_path, replacement, kill_at):
    path = with_replacement_awaiting(sent_warning, tmp_path, replacement)
    before = state(path)
    killed = child(path, "approve", kill_at)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr)
    assert state(path) == before
    # and the correction can still be approved afterwards: nothing was left locked or half-done
    again = child(path, "approve", 0)
    assert again.returncode == 0, again.stderr
    assert [a["withdrawn"] for a in state(path)["alerts"]] == [1, 0]
    assert len([r for r in state(path)["outbox"] if r["kind"] == "edit"]) == len(CHATS)


@pytest.mark.parametrize("action", ["correct", "withdraw"])
def test_killed_while_writing_a_correction_or_withdrawal_leaves_no_dangling_draft(sent_warning, tmp_path, action):
    path = copy(sent_warning, tmp_path, f"{action}.db")
    before = state(path)
    killed = child(path, action, 2)  # the draft is inserted, its audit entry not yet
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr)
    assert state(path) == before


def test_the_kill_would_have_left_half_without_the_transaction(sent_warning, tmp_path):
    """The same kill with every statement committed on its own (as before) leaves half an approval:
    the check above can tell."""
    path = with_replacement_awaiting(sent_warning, tmp_path)
    before = state(path)
    killed = child(path, "approve", 3, mode="autocommit")
    assert killed.returncode == -signal.SIGKILL
    after = state(path)
    assert after != before
    assert [a["state"] for a in after["alerts"]] == ["sent", "approved"]  # the draft approved …
    assert [a["withdrawn"] for a in after["alerts"]] == [0, 0]  # … the old text still public, no edits queued
    assert not [r for r in after["outbox"] if r["kind"] == "edit"]
