"""The warnings residents may read now, for any channel to list."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.core.residents.service import OTHER
from bot.storage import alerts as store
from bot.storage.alert_model import Alert


def current_warnings(db: sqlite_utils.Database, municipality: str | None, now: datetime) -> list[Alert]:
    """Public warnings for a resident of `municipality`, newest first; every one when it is unknown or another."""
    alerts = store.public_alerts(db, now)
    return [a for a in alerts if municipality in (None, OTHER) or a.targets(municipality)]
