"""What staff do with a warning, with the rules: roles, four eyes, states, and an audit entry each.

Functions take a sqlite-utils `Database` (async callers use `AsyncDatabase.run`) and the acting
`StaffMember`; each raises `AlertError` with a message for that person when a rule forbids it.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlite_utils

from bot.core.alerts.model import (
    APPROVED, AWAITING, CANCELLED, DRAFT, SCHEDULED, SENDING, SENT, SEVERITIES, Alert, DeliveryStatus,
)
from bot.core.alerts.dispatch import QuietHours, planned_start
from bot.core.knowledge.taxonomy import TOPIC_IDS
from bot.core.residents import MUNICIPALITIES
from bot.storage import alerts as store
from bot.storage import audit
from bot.storage.staff import StaffMember

MAX_TITLE, MAX_TEXT = 120, 1500


class AlertError(Exception):
    """A warning action that the rules do not allow; the message says why."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _require(member: StaffMember, role: str) -> None:
    if not member.can(role):
        raise AlertError(f"{member.username} ({member.role}) may not do this: it needs the role {role} or higher")


def _existing(db: sqlite_utils.Database, alert_id: int) -> Alert:
    alert = store.get_alert(db, alert_id)
    if alert is None:
        raise AlertError(f"there is no warning with id {alert_id}")
    return alert


def create(db: sqlite_utils.Database, member: StaffMember, *, title: str, text: str, severity: str = "warning",
           municipalities: tuple[str, ...] = (), topics: tuple[str, ...] = (), title_en: str | None = None,
           text_en: str | None = None, expires_at: datetime | None = None, scheduled_at: datetime | None = None,
           submit: bool = True, now: datetime | None = None) -> Alert:
    """Write a warning; by default it goes straight to "awaiting approval" by another person."""
    _require(member, "editor")
    now = _now(now)
    title, text = (title or "").strip(), (text or "").strip()
    problems = []
    if not title or len(title) > MAX_TITLE:
        problems.append(f"the title needs 1–{MAX_TITLE} characters")
    if not text or len(text) > MAX_TEXT:
        problems.append(f"the text needs 1–{MAX_TEXT} characters")
    if severity not in SEVERITIES:
        problems.append(f"severity must be one of {', '.join(SEVERITIES)}")
    unknown = [m for m in municipalities if m not in MUNICIPALITIES]
    if unknown:
        problems.append(f"unknown municipality {', '.join(unknown)} (expected {', '.join(MUNICIPALITIES)})")
    bad_topics = [t for t in topics if t not in TOPIC_IDS]
    if bad_topics:
        problems.append(f"unknown topic id {', '.join(bad_topics)}")
    if expires_at and expires_at <= now:
        problems.append("the expiry time has already passed")
    if expires_at and scheduled_at and expires_at <= scheduled_at:
        problems.append("the warning would expire before it is sent")
    if bool(title_en) != bool(text_en):
        problems.append("give both the English title and text, or neither")
    if problems:
        raise AlertError("; ".join(problems))
    alert = store.insert_alert(
        db, title_sv=title, text_sv=text, title_en=title_en or None, text_en=text_en or None, severity=severity,
        topics=tuple(dict.fromkeys(topics)), municipalities=tuple(dict.fromkeys(municipalities)),
        expires_at=expires_at, scheduled_at=scheduled_at, state=AWAITING if submit else DRAFT,
        created_by=member.id, now=now,
    )
    audit.record(db, member.username, "alert.create", "alert", alert.id, title=title, severity=severity,
                 municipalities=list(municipalities) or "all", state=alert.state)
    return alert


def submit(db: sqlite_utils.Database, member: StaffMember, alert_id: int, now: datetime | None = None) -> Alert:
    _require(member, "editor")
    if not store.set_state(db, alert_id, AWAITING, _now(now), expected=(DRAFT,)):
        raise AlertError(f"warning {alert_id} is not a draft")
    audit.record(db, member.username, "alert.submit", "alert", alert_id)
    return _existing(db, alert_id)


def approve(db: sqlite_utils.Database, member: StaffMember, alert_id: int, now: datetime | None = None) -> Alert:
    """Four eyes: an approver other than the author releases the warning for sending."""
    _require(member, "approver")
    now = _now(now)
    alert = _existing(db, alert_id)
    if alert.created_by == member.id:
        raise AlertError("you wrote this warning: another approver must approve it (four-eyes rule)")
    if alert.state not in (AWAITING, DRAFT):
        raise AlertError(f"warning {alert_id} is {alert.state.replace('_', ' ')}, not awaiting approval")
    if alert.is_expired(now):
        raise AlertError(f"warning {alert_id} has already expired")
    state = SCHEDULED if alert.scheduled_at and alert.scheduled_at > now else APPROVED
    if not store.set_state(db, alert_id, state, now, expected=(AWAITING, DRAFT), approved_by=member.id):
        raise AlertError(f"warning {alert_id} changed while you approved it; look again")
    audit.record(db, member.username, "alert.approve", "alert", alert_id, state=state)
    return _existing(db, alert_id)


def cancel(db: sqlite_utils.Database, member: StaffMember, alert_id: int, now: datetime | None = None) -> Alert:
    _require(member, "editor")
    alert = _existing(db, alert_id)
    if not store.set_state(db, alert_id, CANCELLED, _now(now), expected=(DRAFT, AWAITING, APPROVED, SCHEDULED)):
        raise AlertError(f"warning {alert_id} is {alert.state.replace('_', ' ')} and can no longer be cancelled;"
                         " withdraw or correct it instead")
    audit.record(db, member.username, "alert.cancel", "alert", alert_id, previous_state=alert.state)
    return _existing(db, alert_id)


def send_test(db: sqlite_utils.Database, member: StaffMember, alert_id: int) -> int:
    """Queue a copy marked TEST to every staff member with a linked Telegram account; returns how many."""
    _require(member, "editor")
    _existing(db, alert_id)
    chats = store.staff_chats(db)
    # a new kind per test, so a second test send after an edit is not swallowed by the unique key
    kind = f"test:{datetime.now(timezone.utc).strftime('%Y%m%d%H%M%S%f')}"
    store.enqueue(db, alert_id, [(c, "sv", "private") for c in chats], kind=kind, priority=0)  # staff wait for it
    audit.record(db, member.username, "alert.send_test", "alert", alert_id, recipients=len(chats))
    return len(chats)


def withdraw(db: sqlite_utils.Database, member: StaffMember, alert_id: int, now: datetime | None = None) -> Alert:
    """Take back a sent warning: the messages already delivered are edited to say it is withdrawn."""
    _require(member, "approver")
    alert = _existing(db, alert_id)
    if alert.state not in (SENDING, SENT):
        raise AlertError(f"warning {alert_id} has not been sent; cancel it instead")
    if alert.withdrawn:
        raise AlertError(f"warning {alert_id} is already withdrawn")
    now = _now(now)
    store.set_state(db, alert_id, alert.state, now, withdrawn=True)
    _queue_edits(db, alert_id)
    audit.record(db, member.username, "alert.withdraw", "alert", alert_id)
    return _existing(db, alert_id)


def correct(db: sqlite_utils.Database, member: StaffMember, alert_id: int, *, title: str, text: str,
            title_en: str | None = None, text_en: str | None = None, now: datetime | None = None) -> Alert:
    """Replace a sent warning: old messages are marked corrected and the new text goes out.

    The correction is approved by the approver making it, who must not be the original author.
    """
    _require(member, "approver")
    old = _existing(db, alert_id)
    if old.state not in (SENDING, SENT):
        raise AlertError(f"warning {alert_id} has not been sent; cancel it and write a new one instead")
    if old.withdrawn:
        raise AlertError(f"warning {alert_id} is withdrawn or already corrected")
    if old.created_by == member.id:
        raise AlertError("you wrote this warning: another approver must make the correction (four-eyes rule)")
    now = _now(now)
    new = create(db, member, title=title, text=text, severity=old.severity, municipalities=old.municipalities,
                 topics=old.topics, title_en=title_en, text_en=text_en, expires_at=old.expires_at, submit=False, now=now)
    store.mark_correction(db, new.id, old.id, old.created_by)
    store.set_state(db, new.id, APPROVED, now, approved_by=member.id)
    store.set_state(db, old.id, old.state, now, withdrawn=True)
    _queue_edits(db, old.id)
    audit.record(db, member.username, "alert.correct", "alert", old.id, correction=new.id)
    return _existing(db, new.id)


def _queue_edits(db: sqlite_utils.Database, alert_id: int) -> None:
    store.enqueue(db, alert_id, [(chat, lang, chat_type) for chat, _, lang, chat_type in store.sent_messages(db, alert_id)], kind="edit")


def status(db: sqlite_utils.Database, alert_id: int, rate_per_second: float, now: datetime | None = None,
           quiet: QuietHours | None = None) -> DeliveryStatus:
    """Progress of delivery to subscribers, with an estimate of the time left at the configured rate;
    with `quiet` (QuietHours), also when a warning not yet started will go out."""
    alert = _existing(db, alert_id)
    c = store.counts(db, alert_id)
    left = c.get("queued", 0) + c.get("sending", 0)
    retrying, next_try = store.retrying(db, alert_id)
    starts_at = None
    if quiet is not None and alert.state in (APPROVED, SCHEDULED):
        starts_at = planned_start(alert, quiet, now) or _now(now)
    return DeliveryStatus(alert_id, alert.state, c.get("queued", 0), c.get("sending", 0), c.get("sent", 0),
                          c.get("failed", 0), c.get("blocked", 0), left / rate_per_second if rate_per_second else 0.0,
                          retrying, next_try, starts_at)
