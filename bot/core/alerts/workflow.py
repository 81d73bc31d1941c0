"""What staff do with a warning, with the rules: roles, four eyes, states, and an audit entry each.

Functions take a sqlite-utils `Database` and the acting `StaffMember`; each raises `AlertError` with a
message for that person when a rule forbids it. Async callers run each through `AsyncDatabase.write`,
so an action (approving a correction makes six writes) is one transaction: all or nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import sqlite_utils

from bot.core.alerts.dispatch import QuietHours, planned_start, wants
from bot.core.knowledge.taxonomy import TOPIC_IDS
from bot.core.region import MUNICIPALITIES
from bot.storage import alerts as store
from bot.storage import audit
from bot.storage import staff as store_staff
from bot.storage.alert_model import (
    APPROVED,
    AWAITING,
    CANCELLED,
    DRAFT,
    SCHEDULED,
    SENDING,
    SENT,
    SEVERITIES,
    Alert,
    DeliveryStatus,
)
from bot.storage.staff import StaffMember

MAX_TITLE, MAX_TEXT = 120, 1500
WITHDRAWAL_SHOWN = timedelta(days=14)  # how long a withdrawal notice stays on the public page


class AlertError(Exception):
    """A warning action that the rules do not allow; the message says why.

    `code` names the rule (a fixed key the web turns into Swedish without putting the message in a
    URL); `problems` lists (code, details) for every problem found in a form.
    """

    def __init__(self, message: str, code: str = "", problems: list[tuple[str, dict[str, Any]]] | None = None):
        super().__init__(message)
        self.code = code
        self.problems = problems or ([(code, {})] if code else [])


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _require(member: StaffMember, role: str) -> None:
    if not member.can(role):
        raise AlertError(f"{member.username} ({member.role}) may not do this: it needs the role {role} or higher", "role")


def _existing(db: sqlite_utils.Database, alert_id: int) -> Alert:
    alert = store.get_alert(db, alert_id)
    if alert is None:
        raise AlertError(f"there is no warning with id {alert_id}", "not_found")
    return alert


def create(db: sqlite_utils.Database, member: StaffMember, *, title: str, text: str, severity: str = "warning",
           municipalities: tuple[str, ...] = (), topics: tuple[str, ...] = (), title_en: str | None = None,
           text_en: str | None = None, expires_at: datetime | None = None, scheduled_at: datetime | None = None,
           submit: bool = True, now: datetime | None = None) -> Alert:
    """Write a warning; by default it goes straight to "awaiting approval" by another person."""
    _require(member, "editor")
    now = _now(now)
    fields = check_fields(title=title, text=text, severity=severity, municipalities=municipalities, topics=topics,
                          title_en=title_en, text_en=text_en, expires_at=expires_at, scheduled_at=scheduled_at, now=now)
    alert = store.insert_alert(db, **fields, state=AWAITING if submit else DRAFT, created_by=member.id, now=now)
    audit.record(db, member.username, "alert.create", "alert", alert.id, title=alert.title_sv, severity=severity,
                 municipalities=list(municipalities) or "all", state=alert.state)
    return alert


def check_fields(*, title: str, text: str, severity: str, municipalities: tuple[str, ...], topics: tuple[str, ...],
                 title_en: str | None, text_en: str | None, expires_at: datetime | None,
                 scheduled_at: datetime | None, now: datetime) -> dict[str, Any]:
    """The fields of a warning as they would be stored; raises AlertError listing every problem.

    Also used for a preview, so staff see the same refusals before anything is saved.
    """
    title, text = (title or "").strip(), (text or "").strip()
    title_en, text_en = (title_en or "").strip() or None, (text_en or "").strip() or None
    problems: list[tuple[str, dict[str, Any]]] = []
    messages: list[str] = []

    def problem(code: str, message: str, **details: Any) -> None:
        problems.append((code, details))
        messages.append(message)

    if not title or len(title) > MAX_TITLE:
        problem("title_length", f"the title needs 1–{MAX_TITLE} characters", max=MAX_TITLE)
    if not text or len(text) > MAX_TEXT:
        problem("text_length", f"the text needs 1–{MAX_TEXT} characters", max=MAX_TEXT)
    if (title_en and len(title_en) > MAX_TITLE) or (text_en and len(text_en) > MAX_TEXT):
        problem("english_length", f"the English title and text need at most {MAX_TITLE} and {MAX_TEXT} characters")
    if severity not in SEVERITIES:
        problem("severity", f"severity must be one of {', '.join(SEVERITIES)}")
    unknown = [m for m in municipalities if m not in MUNICIPALITIES]
    if unknown:
        problem("municipality", f"unknown municipality {', '.join(unknown)} (expected {', '.join(MUNICIPALITIES)})",
                names=unknown)
    bad_topics = [t for t in topics if t not in TOPIC_IDS]
    if bad_topics:
        problem("topic", f"unknown topic id {', '.join(bad_topics)}", ids=bad_topics)
    if expires_at and expires_at <= now:
        problem("expiry_passed", "the expiry time has already passed")
    if expires_at and scheduled_at and expires_at <= scheduled_at:
        problem("expires_before_send", "the warning would expire before it is sent")
    if bool(title_en) != bool(text_en):
        problem("english_pair", "give both the English title and text, or neither")
    if problems:
        raise AlertError("; ".join(messages), "invalid", problems)
    return dict(title_sv=title, text_sv=text, title_en=title_en, text_en=text_en, severity=severity,
                topics=tuple(dict.fromkeys(topics)), municipalities=tuple(dict.fromkeys(municipalities)),
                expires_at=expires_at, scheduled_at=scheduled_at)


def submit(db: sqlite_utils.Database, member: StaffMember, alert_id: int, now: datetime | None = None) -> Alert:
    _require(member, "editor")
    if not store.set_state(db, alert_id, AWAITING, _now(now), expected=(DRAFT,)):
        raise AlertError(f"warning {alert_id} is not a draft", "not_draft")
    audit.record(db, member.username, "alert.submit", "alert", alert_id)
    return _existing(db, alert_id)


def approve(db: sqlite_utils.Database, member: StaffMember, alert_id: int, now: datetime | None = None) -> Alert:
    """Four eyes: an approver other than the author releases the warning for sending.

    For a correction or a withdrawal this is the moment it replaces the sent warning: the old one
    is taken off the public page and feeds, and its delivered messages are edited.
    """
    _require(member, "approver")
    now = _now(now)
    alert = _existing(db, alert_id)
    if alert.created_by == member.id:
        raise AlertError("you wrote this warning: another approver must approve it (four-eyes rule)", "own_warning")
    if alert.state not in (AWAITING, DRAFT):
        raise AlertError(f"warning {alert_id} is {alert.state.replace('_', ' ')}, not awaiting approval", "not_awaiting")
    if alert.is_expired(now):
        raise AlertError(f"warning {alert_id} has already expired", "expired")
    old = _existing(db, alert.replaces) if alert.replaces else None
    if old is not None and old.withdrawn:
        raise AlertError(f"warning {old.id} has already been corrected or withdrawn; this draft is no longer needed",
                         "replaced_already")
    if alert.withdrawal_of:
        state = SENT  # a withdrawal notice is published, not broadcast: the delivered messages are edited
    else:
        state = SCHEDULED if alert.scheduled_at and alert.scheduled_at > now else APPROVED
    if not store.set_state(db, alert_id, state, now, expected=(AWAITING, DRAFT), approved_by=member.id,
                           sent=state == SENT):
        raise AlertError(f"warning {alert_id} changed while you approved it; look again", "changed")
    if alert.withdrawal_of:
        store.set_expiry(db, alert_id, now + WITHDRAWAL_SHOWN)
    audit.record(db, member.username, "alert.approve", "alert", alert_id, state=state)
    if old is not None:
        store.set_state(db, old.id, old.state, now, withdrawn=True)
        _queue_edits(db, old.id)
        action = "alert.correct" if alert.correction_of else "alert.withdraw"
        author = store_staff.get_staff(db, alert.created_by)
        audit.record(db, member.username, action, "alert", old.id, draft=alert.id,
                     written_by=author.username if author else alert.created_by, approved_by=member.username)
    return _existing(db, alert_id)


def cancel(db: sqlite_utils.Database, member: StaffMember, alert_id: int, now: datetime | None = None) -> Alert:
    """Stop a warning before it is sent; a correction or withdrawal awaiting approval is refused this way."""
    _require(member, "editor")
    alert = _existing(db, alert_id)
    # An approved correction has already replaced the old text: cancelling it would take a public
    # warning away without a second person. Correct or withdraw it instead, like any sent warning.
    cancellable = (DRAFT, AWAITING) if alert.replaces else (DRAFT, AWAITING, APPROVED, SCHEDULED)
    if not store.set_state(db, alert_id, CANCELLED, _now(now), expected=cancellable):
        raise AlertError(f"warning {alert_id} is {alert.state.replace('_', ' ')} and can no longer be cancelled;"
                         " withdraw or correct it instead", "not_cancellable")
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


def _replaceable(db: sqlite_utils.Database, alert_id: int, what: str) -> Alert:
    old = _existing(db, alert_id)
    if old.withdrawal_of:
        raise AlertError(f"warning {alert_id} is a withdrawal notice; it cannot be {what}", "not_sent")
    if old.state not in (SENDING, SENT):
        raise AlertError(f"warning {alert_id} has not been sent; cancel it instead", "not_sent")
    if old.withdrawn:
        raise AlertError(f"warning {alert_id} is already withdrawn or corrected", "already_withdrawn")
    pending = store.open_replacement(db, alert_id)
    if pending is not None:
        raise AlertError(f"warning {pending.id} already awaits approval to replace warning {alert_id}", "pending_replacement")
    return old


def withdraw(db: sqlite_utils.Database, member: StaffMember, alert_id: int, *, text: str, text_en: str | None = None,
             now: datetime | None = None) -> Alert:
    """Write a withdrawal of a sent warning, with the public text that says why; it awaits approval.

    Nothing changes for residents until another approver approves it (`approve`): then delivered
    messages are edited to say the warning is withdrawn and the text is published in its place.
    """
    _require(member, "editor")
    now = _now(now)
    old = _replaceable(db, alert_id, "withdrawn")
    fields = check_fields(title=old.title_sv, text=text, severity="info", municipalities=old.municipalities,
                          topics=old.topics, title_en=(old.title_en or old.title_sv) if text_en else None, text_en=text_en,
                          expires_at=None, scheduled_at=None, now=now)
    draft = store.insert_alert(db, **fields, state=AWAITING, created_by=member.id, now=now, withdrawal_of=old.id)
    audit.record(db, member.username, "alert.propose_withdrawal", "alert", old.id, draft=draft.id)
    return draft


def correct(db: sqlite_utils.Database, member: StaffMember, alert_id: int, *, title: str, text: str,
            title_en: str | None = None, text_en: str | None = None, now: datetime | None = None) -> Alert:
    """Write a correction of a sent warning: a new draft by this person, awaiting another's approval.

    On approval (`approve`) the old messages are marked corrected, the old text leaves the public
    page and feeds, and the corrected text goes out to the same people.
    """
    _require(member, "editor")
    now = _now(now)
    old = _replaceable(db, alert_id, "corrected")
    fields = check_fields(title=title, text=text, severity=old.severity, municipalities=old.municipalities,
                          topics=old.topics, title_en=title_en, text_en=text_en, expires_at=old.expires_at,
                          scheduled_at=None, now=now)
    draft = store.insert_alert(db, **fields, state=AWAITING, created_by=member.id, now=now, correction_of=old.id)
    audit.record(db, member.username, "alert.propose_correction", "alert", old.id, draft=draft.id, title=draft.title_sv)
    return draft


def _queue_edits(db: sqlite_utils.Database, alert_id: int) -> None:
    store.enqueue(db, alert_id, [(chat, lang, chat_type) for chat, _, lang, chat_type in store.sent_messages(db, alert_id)], kind="edit")


def status(db: sqlite_utils.Database, alert_id: int, rate_per_second: float, now: datetime | None = None,
           quiet: QuietHours | None = None) -> DeliveryStatus:
    """Progress of delivery to subscribers, with an estimate of the time left at the configured rate;
    with `quiet` (QuietHours), also when a warning not yet started will go out.

    Deliveries to residents who have since asked to be forgotten still count (kept as numbers only).
    """
    alert = _existing(db, alert_id)
    c = store.counts(db, alert_id)
    for state, n in store.erased_delivery_counts(db, alert_id).items():
        c[state] = c.get(state, 0) + n
    left = c.get("queued", 0) + c.get("sending", 0)
    retrying, next_try = store.retrying(db, alert_id)
    starts_at = None
    if quiet is not None and alert.state in (APPROVED, SCHEDULED):
        starts_at = planned_start(alert, quiet, now) or _now(now)
    return DeliveryStatus(alert_id, alert.state, c.get("queued", 0), c.get("sending", 0), c.get("sent", 0),
                          c.get("failed", 0), c.get("blocked", 0), left / rate_per_second if rate_per_second else 0.0,
                          retrying, next_try, starts_at)


def reactions(db: sqlite_utils.Database, alert_id: int) -> dict[str, int]:
    """Residents' reactions to a warning, including those of residents erased since."""
    counts = store.reaction_counts(db, alert_id)
    for reaction, n in store.erased_reaction_counts(db, alert_id).items():
        counts[reaction] = counts.get(reaction, 0) + n
    return counts


def reach(db: sqlite_utils.Database, alert: Alert) -> int:
    """How many subscribers a warning would go to if it were sent now (as `dispatch_due` chooses them)."""
    audience = store.subscribers(db, delivery=None if alert.urgent else "immediate")  # urgent ones reach digest readers too
    return sum(1 for _, municipality, _, topics, _ in audience if wants(alert, municipality, topics))
