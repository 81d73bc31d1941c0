"""The loop inside `fraudbot serve` that starts due warnings, digests and marks warnings sent."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from bot.config import AlertsConfig
from bot.core.alerts.dispatch import QuietHours, dispatch_due, finish_sent, queue_digests
from bot.storage.db import AsyncDatabase

log = logging.getLogger(__name__)
TICK_SECONDS = 2.0


def quiet_hours(config: AlertsConfig) -> QuietHours:
    return QuietHours(config.quiet_start, config.quiet_end, ZoneInfo(config.timezone))


async def run_scheduler(db: AsyncDatabase, config: AlertsConfig, *, channel: bool, tick: float = TICK_SECONDS) -> None:
    """Forever: start due warnings, queue Monday digests, mark finished warnings sent."""
    quiet = quiet_hours(config)
    while True:
        try:
            started = await db.run(dispatch_due, quiet, channel=channel)
            if started:
                log.info("started sending warnings %s", started)
            await db.run(queue_digests, quiet.zone)
            await db.run(finish_sent)
        except Exception:
            log.exception("warning scheduler failed; will try again")
        await asyncio.sleep(tick)
