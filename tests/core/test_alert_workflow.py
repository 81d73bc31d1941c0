"""Warnings workflow on a real SQLite file: roles, four eyes, states, quiet hours, expiry, digests."""

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.core.alerts import workflow
from bot.core.alerts.dispatch import QuietHours, dispatch_due, finish_sent, queue_digests
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as store
from bot.storage import audit, residents
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
    store.mark_sent(db, row["id"], 555, NOON)
    assert finish_sent(db, now=NOON) == [alert.id]
    status = workflow.status(db, alert.id, 30.0)
    assert (status.state, status.sent, status.total, status.done_share) == ("sent", 1, 1, 1.0)
    other = new(db, anna)
    assert workflow.cancel(db, anna, other.id).state == "cancelled"


def _sent(db, author, approver, *chats, **kw):
    """A warning delivered to `chats` (subscribed in Kramfors) and marked sent."""
    for chat in chats:
        subscribe(db, chat, "Kramfors")
    alert = new(db, author, **kw)
    workflow.approve(db, approver, alert.id, now=NOON)
    dispatch_due(db, QUIET, now=NOON)
    for row in store.claim(db, NOON, 100):
        store.mark_sent(db, row["id"], 100 + row["chat_id"], NOON)
    finish_sent(db, now=NOON)
    return store.get_alert(db, alert.id)


def _edits(db, alert_id):
    return [c for (c,) in db.execute("SELECT chat_id FROM outbox WHERE alert_id = ? AND kind = 'edit' ORDER BY chat_id", (alert_id,))]


def test_a_correction_is_a_draft_by_its_writer_that_another_person_approves(db, people):
    anna, bo, cia = people
    alert = _sent(db, anna, bo, 1, 2)
    draft = workflow.correct(db, bo, alert.id, title="Rättat: falska sms om vägtull", text="Rätt text.", now=NOON)
    # Nothing has changed for residents yet: the old text is public, no message is edited.
    assert (draft.state, draft.correction_of, draft.created_by, draft.approved_by) == ("awaiting_approval", alert.id, bo.id, None)
    assert [a.id for a in store.public_alerts(db, NOON)] == [alert.id] and _edits(db, alert.id) == []
    assert not store.get_alert(db, alert.id).withdrawn
    # The writer cannot publish it alone, however they try.
    with pytest.raises(workflow.AlertError, match="four-eyes") as err:
        workflow.approve(db, bo, draft.id, now=NOON)
    assert err.value.code == "own_warning"
    with pytest.raises(workflow.AlertError) as err:
        workflow.correct(db, bo, alert.id, title="Igen", text="Igen.", now=NOON)
    assert err.value.code == "pending_replacement"
    assert [a.id for a in store.public_alerts(db, NOON)] == [alert.id]
    # Someone else approves: now the old text is replaced everywhere.
    fixed = workflow.approve(db, cia, draft.id, now=NOON)
    assert (fixed.state, fixed.created_by, fixed.approved_by) == ("approved", bo.id, cia.id)
    assert store.get_alert(db, alert.id).withdrawn and store.has_correction(db, alert.id)
    assert _edits(db, alert.id) == [1, 2]
    assert [a.id for a in store.public_alerts(db, NOON)] == [fixed.id]  # public at once, even before it is sent
    assert dispatch_due(db, QUIET, now=NOON) == [fixed.id]  # and the corrected text goes out
    # It cannot be repeated: the old warning is corrected now.
    with pytest.raises(workflow.AlertError) as err:
        workflow.correct(db, cia, alert.id, title="Tredje", text="Tredje.", now=NOON)
    assert err.value.code == "already_withdrawn"
    history = audit.entries(db, object_type="alert", object_id=alert.id)
    correct = next(e for e in history if e["action"] == "alert.correct")
    assert (correct["actor"], correct["details"]["written_by"], correct["details"]["approved_by"]) == ("cia", "bo", "cia")
    assert "alert.propose_correction" in [e["action"] for e in history if e["actor"] == "bo"]


def test_a_correction_needs_an_approver_even_when_an_editor_writes_it(db, people):
    anna, bo, cia = people
    alert = _sent(db, bo, cia, 1)
    draft = workflow.correct(db, anna, alert.id, title="Rättat", text="Rätt.", now=NOON)
    assert draft.created_by == anna.id
    with pytest.raises(workflow.AlertError) as err:
        workflow.approve(db, anna, draft.id, now=NOON)
    assert err.value.code == "role"
    # The original author may approve a correction someone else wrote: that is two people.
    assert workflow.approve(db, bo, draft.id, now=NOON).approved_by == bo.id


def test_a_withdrawal_and_its_public_text_wait_for_a_second_person(db, people):
    anna, bo, cia = people
    alert = _sent(db, anna, bo, 1, 2)
    draft = workflow.withdraw(db, bo, alert.id, text="Sms:et kom faktiskt från Trafikverket.", now=NOON)
    assert (draft.state, draft.withdrawal_of, draft.created_by) == ("awaiting_approval", alert.id, bo.id)
    assert [a.id for a in store.public_alerts(db, NOON)] == [alert.id] and _edits(db, alert.id) == []
    with pytest.raises(workflow.AlertError, match="four-eyes"):
        workflow.approve(db, bo, draft.id, now=NOON)
    # Cancelling is how a draft is turned down; it never takes the warning away.
    workflow.cancel(db, anna, draft.id, now=NOON)
    assert [a.id for a in store.public_alerts(db, NOON)] == [alert.id] and not store.get_alert(db, alert.id).withdrawn
    draft = workflow.withdraw(db, bo, alert.id, text="Sms:et kom faktiskt från Trafikverket.", now=NOON)
    notice = workflow.approve(db, cia, draft.id, now=NOON)
    assert notice.state == "sent" and notice.expires_at == NOON + workflow.WITHDRAWAL_SHOWN
    assert store.get_alert(db, alert.id).withdrawn and not store.has_correction(db, alert.id)
    assert _edits(db, alert.id) == [1, 2]
    assert [a.id for a in store.public_alerts(db, NOON)] == [notice.id]
    assert dispatch_due(db, QUIET, now=NOON) == []  # a withdrawal is not broadcast again
    with pytest.raises(workflow.AlertError) as err:
        workflow.withdraw(db, bo, alert.id, text="x", now=NOON)
    assert err.value.code == "already_withdrawn"
    with pytest.raises(workflow.AlertError):
        workflow.withdraw(db, bo, notice.id, text="x", now=NOON)
    actions = [(e["action"], e["actor"]) for e in audit.entries(db, object_type="alert", object_id=alert.id)]
    assert ("alert.withdraw", "cia") in actions and ("alert.propose_withdrawal", "bo") in actions


def test_an_approved_correction_cannot_be_cancelled_by_one_person(db, people):
    anna, bo, cia = people
    alert = _sent(db, anna, bo, 1)
    draft = workflow.correct(db, anna, alert.id, title="Rättat", text="Rätt.", now=NOON)
    workflow.approve(db, cia, draft.id, now=NOON)
    with pytest.raises(workflow.AlertError) as err:
        workflow.cancel(db, anna, draft.id, now=NOON)
    assert err.value.code == "not_cancellable"


def test_only_sent_warnings_are_corrected_or_withdrawn(db, people):
    anna, _, _ = people
    alert = new(db, anna)
    for attempt in (lambda: workflow.correct(db, anna, alert.id, title="T", text="X", now=NOON),
                    lambda: workflow.withdraw(db, anna, alert.id, text="X", now=NOON)):
        with pytest.raises(workflow.AlertError) as err:
            attempt()
        assert err.value.code == "not_sent"


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


def test_the_reach_asked_about_before_an_urgent_warning_counts_digest_readers(db, people):
    author = people[0]
    subscribe(db, 1, "Kramfors")
    subscribe(db, 2, "Kramfors", delivery="digest")
    subscribe(db, 3, "Härnösand")
    urgent = new(db, author, severity="urgent", municipalities=["Kramfors"])
    normal = new(db, author, severity="warning", municipalities=["Kramfors"])
    assert workflow.reach(db, urgent) == 2  # urgent ones go at once to digest readers too
    assert workflow.reach(db, normal) == 1
