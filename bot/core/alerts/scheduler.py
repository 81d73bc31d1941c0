"""What `fraudbot serve` does every few seconds for warnings: start due ones, digests, mark sent."""

from __future__ import annotations

import logging

from bot.core.alerts.dispatch import QuietHours, dispatch_due, finish_sent, queue_digests
from bot.storage.db import AsyncDatabase

log = logging.getLogger(__name__)


async def scheduler_tick(db: AsyncDatabase, quiet: QuietHours, *, channel: bool) -> None:
    """One round: start due warnings, queue Monday digests, mark finished warnings sent."""
    started = await db.write(dispatch_due, quiet, channel=channel)
    if started:
        log.info("started sending warnings %s", started)
    await db.write(queue_digests, quiet.zone)
    await db.write(finish_sent)
