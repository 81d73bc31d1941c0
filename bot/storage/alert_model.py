"""A warning and its life: draft → awaiting approval → approved/scheduled → sending → sent.

The row as storage returns it, so it lives beside storage (which never imports the core); the
rules about it are in `bot.core.alerts.workflow`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

SEVERITIES = ("info", "warning", "urgent")
DRAFT, AWAITING, APPROVED, SCHEDULED, SENDING, SENT, CANCELLED, EXPIRED = (
    "draft", "awaiting_approval", "approved", "scheduled", "sending", "sent", "cancelled", "expired",
)
STATES = (DRAFT, AWAITING, APPROVED, SCHEDULED, SENDING, SENT, CANCELLED, EXPIRED)
ALL_MUNICIPALITIES: tuple[str, ...] = ()  # an empty target list means every municipality


@dataclass(frozen=True)
class Alert:
    id: int
    title_sv: str
    text_sv: str
    title_en: str | None
    text_en: str | None
    severity: str
    topics: tuple[str, ...]
    municipalities: tuple[str, ...]
    expires_at: datetime | None
    scheduled_at: datetime | None
    state: str
    created_by: int
    approved_by: int | None
    created_at: datetime
    sent_at: datetime | None
    correction_of: int | None
    withdrawn: bool
    withdrawal_of: int | None = None  # this row is the withdrawal notice of that warning

    @property
    def replaces(self) -> int | None:
        """The sent warning this draft corrects or withdraws, if any."""
        return self.correction_of or self.withdrawal_of

    def title(self, lang: str) -> str:
        return (self.title_en if lang == "en" and self.title_en else self.title_sv)

    def text(self, lang: str) -> str:
        return (self.text_en if lang == "en" and self.text_en else self.text_sv)

    @property
    def urgent(self) -> bool:
        return self.severity == "urgent"

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def targets(self, municipality: str | None) -> bool:
        return not self.municipalities or municipality in self.municipalities


@dataclass(frozen=True)
class DeliveryStatus:
    """Delivery to subscribers. `queued` includes `retrying` (rows waiting after a network error or
    5xx, the earliest next try at `next_try`); `starts_at` is when a warning not yet started goes out."""

    alert_id: int
    state: str
    queued: int
    sending: int
    sent: int
    failed: int
    blocked: int
    eta_seconds: float
    retrying: int = 0
    next_try: datetime | None = None
    starts_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed + self.blocked

    @property
    def started(self) -> bool:
        return self.state in (SENDING, SENT)

    @property
    def done_share(self) -> float:
        """Share of messages finished; 0 for a warning that has not started (never "0 of 0, 100 %")."""
        if not self.total:
            return 1.0 if self.state == SENT else 0.0
        return (self.sent + self.failed + self.blocked) / self.total

    @property
    def all_delivered(self) -> bool:
        return self.state == SENT and not self.failed and not self.blocked

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.alert_id, "state": self.state, "queued": self.queued, "in_flight": self.sending,
            "sent": self.sent, "failed": self.failed, "blocked": self.blocked, "total": self.total,
            "retrying": self.retrying, "next_try": _iso(self.next_try), "starts_at": _iso(self.starts_at),
            "done_share": round(self.done_share, 4), "eta_seconds": round(self.eta_seconds, 1),
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
