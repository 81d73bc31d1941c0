"""Periodic jobs that live and die with the process's aiohttp app (cleanup contexts), and the jobs themselves."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from bot.core.alerts.scheduler import scheduler_tick
from bot.services import taught_questions
from bot.storage.questions import purge_question_text
from bot.storage.taught import list_taught
from bot.tasks import cancel_and_wait
from bot.web.keys import SERVICES

log = logging.getLogger(__name__)
Step = Callable[[web.Application], Awaitable[None]]
KNOWLEDGE_POLL_SECONDS = 5.0
PURGE_INTERVAL_SECONDS = 3600.0
WARNING_TICK_SECONDS = 2.0


def setup_jobs(app: web.Application) -> None:
    """The knowledge watcher, the purge of old question text and the warning scheduler."""
    app.cleanup_ctx.append(periodic("knowledge-watcher", KNOWLEDGE_POLL_SECONDS, _reload_changed_knowledge, wait_first=True))
    app.cleanup_ctx.append(periodic("purge-question-text", PURGE_INTERVAL_SECONDS, _purge_old_question_text))
    app.cleanup_ctx.append(periodic("warning-scheduler", WARNING_TICK_SECONDS, _start_due_warnings))


def periodic(name: str, seconds: float, step: Step, *, wait_first: bool = False):
    """A cleanup context that runs `step(app)` every `seconds` until the app stops.

    A failing step is logged and tried again next time: a job never dies for good.
    """

    async def context(app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            if wait_first:
                await asyncio.sleep(seconds)
            while True:
                try:
                    await step(app)
                except Exception:
                    log.exception("%s failed; will try again", name)
                await asyncio.sleep(seconds)

        task = asyncio.create_task(loop(), name=name)
        yield
        await cancel_and_wait(task)

    context.__name__ = name.replace("-", "_")
    return context


async def _start_due_warnings(app: web.Application) -> None:
    """Start approved warnings when due (delivery itself runs with the Telegram bot)."""
    services = app[SERVICES]
    config = services.config
    await scheduler_tick(services.db, services.quiet, channel=bool(config.telegram.enabled and config.telegram.channel_id))


async def _purge_old_question_text(app: web.Application) -> None:
    """Delete question text older than the retention period."""
    services = app[SERVICES]
    days = services.config.privacy.retention_days
    removed = await services.db.write(purge_question_text, days)
    if removed:
        log.info("purged the text of %d questions older than %d days", removed, days)


async def _reload_changed_knowledge(app: web.Application) -> None:
    """Reload and retrain when the knowledge files or the taught questions change; a broken edit keeps the last good one."""
    services = app[SERVICES]
    taught = taught_questions(await services.db.read(list_taught))
    await asyncio.to_thread(services.store.reload_if_changed, taught)
