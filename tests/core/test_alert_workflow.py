"""Warnings workflow on a real SQLite file: roles, four eyes, states, quiet hours, expiry, digests."""

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.core import staff as staff_core
from bot.core.alerts import workflow
from bot.core.alerts.dispatch import QuietHours, dispatch_due, finish_sent, queue_digests
from bot.storage import alerts as store
from bot.storage import audit
from bot.storage import residents
from bot.storage.db import open_database

STHLM = ZoneInfo("Europe/Stockholm")
QUIET = QuietHours(time(21, 0), time(8, 0), STHLM)
NOON = datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)  # 12:00 in Stockholm
NIGHT = datetime(2026, 11, 24, 22, 30, tzinfo=timezone.utc)  # 23:30 in Stockholm


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "w.db")


@pytest.fixture
def people(db):
    anna, _ = staff_core.create_staff(db, "anna", "editor")
    bo, _ = staff_core.create_staff(db, "bo", "approver")
    cia, _ = staff_core.create_staff(db, "cia", "approver")
    return anna, bo, cia


def subscribe(db, chat_id, municipality, delivery="immediate", topics=()):
    residents.ensure_resident(db, chat_id, f"key{chat_id}", "sv")
    residents.subscribe(db, chat_id, municipality=municipality, lang="sv", delivery=delivery, topics=topics)


def new(db, author, **kw):
    kw.setdefault("title", "Falska sms om vägtull")
    kw.setdefault("text", "Sms om obetald vägtull går runt. Klicka inte på länken.")
    return workflow.create(db, author, now=kw.pop("now", NOON), **kw)


def test_author_cannot_approve_own_warning_and_editor_cannot_approve(db, people):
    anna, bo, _ = people
    alert = new(db, anna)
    with pytest.raises(workflow.AlertError, match="approver"):
        workflow.approve(db, anna, alert.id, now=NOON)
    own = new(db, bo)
    with pytest.raises(workflow.AlertError, match="four-eyes"):
        workflow.approve(db, bo, own.id, now=NOON)
    assert workflow.approve(db, bo, alert.id, now=NOON).state == "approved"
    actions = [e["action"] for e in audit.entries(db, object_type="alert", object_id=alert.id)]
    assert actions == ["alert.approve", "alert.create"]


def test_bad_input_is_refused_with_reasons(db, people):
    anna, _, _ = people
    with pytest.raises(workflow.AlertError) as err:
        workflow.create(db, anna, title="", text="x" * 2000, severity="huge", municipalities=("Umeå",),
                        topics=("nope",), expires_at=NOON - timedelta(hours=1), now=NOON)
    message = str(err.value)
    for part in ("title", "text", "severity", "Umeå", "nope", "expiry"):
        assert part in message


def test_targeting_by_municipality_and_topics(db, people):
    anna, bo, _ = people
    subscribe(db, 1, "Kramfors")
    subscribe(db, 2, "Härnösand")
    subscribe(db, 3, "Kramfors", topics=("romance-scam",))
    subscribe(db, 4, "Kramfors", delivery="digest")
    subscribe(db, 5, "other")
    alert = new(db, anna, municipalities=("Kramfors",), topics=("sms-phishing",))
    workflow.approve(db, bo, alert.id, now=NOON)
    assert dispatch_due(db, QUIET, now=NOON) == [alert.id]
    assert sorted(chat for chat, *_ in store.sent_messages(db, alert.id)) == []
    queued = db.execute("SELECT chat_id FROM outbox WHERE alert_id = ? ORDER BY chat_id", (alert.id,)).fetchall()
    assert [c for (c,) in queued] == [1]  # not Härnösand, not a different topic, not digest, not other
    assert dispatch_due(db, QUIET, now=NOON) == []  # idempotent
    everyone = new(db, anna, severity="urgent", topics=("sms-phishing",))
    workflow.approve(db, bo, everyone.id, now=NOON)
    dispatch_due(db, QUIET, now=NOON)
    queued = db.execute("SELECT chat_id FROM outbox WHERE alert_id = ? ORDER BY chat_id", (everyone.id,)).fetchall()
    assert [c for (c,) in queued] == [1, 2, 3, 4, 5]  # urgent: every topic, every municipality, digest readers at once


def test_quiet_hours_hold_non_urgent_until_morning_but_not_urgent(db, people):
    anna, bo, _ = people
    subscribe(db, 1, "Sollefteå")
    normal = new(db, anna, severity="warning", now=NIGHT)
    urgent = new(db, anna, severity="urgent", now=NIGHT)
    workflow.approve(db, bo, normal.id, now=NIGHT)
    workflow.approve(db, bo, urgent.id, now=NIGHT)
    assert dispatch_due(db, QUIET, now=NIGHT) == [urgent.id]
    morning = datetime(2026, 11, 25, 7, 5, tzinfo=timezone.utc)  # 08:05 in Stockholm
    assert dispatch_due(db, QUIET, now=morning - timedelta(hours=1)) == []
    assert dispatch_due(db, QUIET, now=morning) == [normal.id]


def test_expired_warning_is_never_sent(db, people):
    anna, bo, _ = people
    subscribe(db, 1, "Kramfors")
    alert = new(db, anna, expires_at=NOON + timedelta(hours=1))
    workflow.approve(db, bo, alert.id, now=NOON)
    later = NOON + timedelta(hours=2)
    assert dispatch_due(db, QUIET, now=later) == []
    assert store.get_alert(db, alert.id).state == "expired"
    assert store.counts(db, alert.id) == {}


def test_scheduled_warning_waits_for_its_time(db, people):
    anna, bo, _ = people
    alert = new(db, anna, scheduled_at=NOON + timedelta(hours=3))
    assert workflow.approve(db, bo, alert.id, now=NOON).state == "scheduled"
    assert dispatch_due(db, QUIET, now=NOON + timedelta(hours=1)) == []
    assert dispatch_due(db, QUIET, now=NOON + timedelta(hours=3)) == [alert.id]


def test_cancel_before_sending_only_and_finish_marks_sent(db, people):
    anna, bo, _ = people
    subscribe(db, 1, "Kramfors")
    alert = new(db, anna)
    workflow.approve(db, bo, alert.id, now=NOON)
    dispatch_due(db, QUIET, now=NOON)
    with pytest.raises(workflow.AlertError, match="withdraw or correct"):
        workflow.cancel(db, anna, alert.id)
    (row,) = store.claim(db, NOON, 10)
    store.mark_sent(db, row[0], 555, NOON)
    assert finish_sent(db, now=NOON) == [alert.id]
    status = workflow.status(db, alert.id, 30.0)
    assert (status.state, status.sent, status.total, status.done_share) == ("sent", 1, 1, 1.0)
    other = new(db, anna)
    assert workflow.cancel(db, anna, other.id).state == "cancelled"


def test_correct_and_withdraw_queue_edits_of_delivered_messages(db, people):
    anna, bo, cia = people
    subscribe(db, 1, "Kramfors")
    subscribe(db, 2, "Kramfors")
    alert = new(db, anna)
    workflow.approve(db, bo, alert.id, now=NOON)
    dispatch_due(db, QUIET, now=NOON)
    for row in store.claim(db, NOON, 10):
        store.mark_sent(db, row[0], 100 + row[2], NOON)
    finish_sent(db, now=NOON)
    fixed = workflow.correct(db, bo, alert.id, title="Rättat: falska sms om vägtull", text="Rätt text.", now=NOON)
    assert fixed.correction_of == alert.id and fixed.state == "approved" and fixed.created_by == anna.id
    edits = db.execute("SELECT chat_id FROM outbox WHERE alert_id = ? AND kind = 'edit' ORDER BY chat_id", (alert.id,)).fetchall()
    assert [c for (c,) in edits] == [1, 2]
    assert store.get_alert(db, alert.id).withdrawn
    assert [a.id for a in store.public_alerts(db, NOON)] == []  # the corrected one is not public until sent
    with pytest.raises(workflow.AlertError, match="already"):
        workflow.withdraw(db, cia, alert.id)


def test_weekly_digest_collects_last_weeks_warnings(db, people):
    anna, bo, _ = people
    subscribe(db, 7, "Härnösand", delivery="digest")
    alert = new(db, anna, municipalities=("Härnösand",))
    workflow.approve(db, bo, alert.id, now=NOON)
    dispatch_due(db, QUIET, now=NOON)
    finish_sent(db, now=NOON)
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # 10:00 Monday in Stockholm
    assert queue_digests(db, STHLM, now=monday - timedelta(days=1)) == 0  # Sunday: not yet
    assert queue_digests(db, STHLM, now=monday) == 1
    assert queue_digests(db, STHLM, now=monday + timedelta(hours=1)) == 0  # once per week
    (kind,) = db.execute("SELECT kind FROM outbox WHERE chat_id = 7").fetchone()
    assert kind == "digest:2026-W48"
