"""Building SMS subscribers and a started warning in a real database."""

from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from bot.core.alerts import workflow
from bot.core.alerts.dispatch import QuietHours, dispatch_due
from bot.core.staff import accounts as staff_core
from bot.storage import sms as sms_store

NO_QUIET_HOURS = QuietHours(time(0, 0), time(0, 0), ZoneInfo("Europe/Stockholm"))


def add_sms_subscribers(db, phones, municipality: str = "Kramfors") -> None:
    now = datetime.now(timezone.utc)
    for phone in phones:
        sms_store.ask_to_subscribe(db, phone, municipality, "sv", now)
        sms_store.confirm_subscription(db, phone, now)


def start_warning(db, title: str = "Falska poliser ringer", *, dispatch: bool = True, municipalities=("Kramfors",)):
    """An approved warning (by two staff members); with `dispatch`, moved to sending as the scheduler does."""
    anna, _ = staff_core.create_staff(db, f"anna{title[:3]}", "editor")
    bo, _ = staff_core.create_staff(db, f"bo{title[:3]}", "approver")
    alert = workflow.create(db, anna, title=title, text="Lägg på. Polisen ringer aldrig och ber om koder eller pengar.",
                            severity="urgent", municipalities=municipalities)
    workflow.approve(db, bo, alert.id)
    if dispatch:
        dispatch_due(db, NO_QUIET_HOURS)
    return alert
