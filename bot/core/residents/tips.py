"""Anonymous tips about welfare crime, from any channel.

Only what the resident wrote (redacted like questions: personnummer, phone, card and account
numbers, e-mail, names after "jag heter", addresses, postcodes and registration numbers), the
municipality and the day (in the service's time zone) are kept. No user key, chat id or time of
day: a tip cannot be traced back to the person who sent it. Staff see tips in their inbox and
note where each was forwarded (Försäkringskassan, Skatteverket, the municipality …).
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.core.region import MUNICIPALITIES
from bot.core.residents.redact import redact_personal_data
from bot.storage import tips as store
from bot.storage.db import AsyncDatabase

MAX_TIP = 2000
MIN_TIP = 10
# Where staff may say a tip went (shown as choices in the inbox).
FORWARDED_TO = ("Försäkringskassan", "Skatteverket", "Arbetsförmedlingen", "CSN", "Pensionsmyndigheten", "a-kassan",
                "IVO", "kommunen", "polisen", "inte vidare: för lite att gå på")


class TipError(ValueError):
    """The tip cannot be kept as it is; the message says why, for the resident."""


async def submit_tip(db: AsyncDatabase, text: str, municipality: str | None, zone: ZoneInfo,
                     now: datetime | None = None) -> int:
    """Keep an anonymous tip; raises TipError ("too_short", "too_long") when it is too short to act on
    or longer than `MAX_TIP` characters (refused, never cut: the resident decides what to leave out)."""
    text = " ".join((text or "").split())
    if len(text) < MIN_TIP:
        raise TipError("too_short")
    if len(text) > MAX_TIP:
        raise TipError("too_long")
    kept = redact_personal_data(text.encode("utf-8", "replace").decode("utf-8"))
    place = municipality if municipality in MUNICIPALITIES else None
    day = (now or datetime.now(timezone.utc)).astimezone(zone).date()
    return await db.write(store.add_tip, kept, place, day)
