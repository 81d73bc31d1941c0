"""`create_app(services)`: the aiohttp application with every route and background task."""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator

from aiohttp import web

from bot.core.alerts.scheduler import run_scheduler
from bot.services import Services
from bot.web.api import setup_api_routes
from bot.storage.questions import purge_question_text
from bot.web.keys import SERVICES
from bot.web.public import setup_public_routes
from bot.web.staff_views import setup_staff_routes
from bot.web.sessions import setup_session_routes
from bot.web.templating import setup_templates
from bot.web.warnings import setup_warning_routes

log = logging.getLogger(__name__)
KNOWLEDGE_POLL_SECONDS = 5.0
PURGE_INTERVAL_SECONDS = 3600.0


def create_app(services: Services, *, telegram: bool | None = None) -> web.Application:
    """Build the web app; with a Telegram token the bot starts and stops with it (same event loop)."""
    app = web.Application(client_max_size=64 * 1024)
    app[SERVICES] = services
    setup_templates(app)
    setup_api_routes(app)
    setup_session_routes(app)
    setup_warning_routes(app)
    setup_public_routes(app)
    setup_staff_routes(app)
    app.cleanup_ctx.append(_watch_knowledge)
    app.cleanup_ctx.append(_purge_old_question_text)
    app.cleanup_ctx.append(_warning_scheduler)
    if services.config.telegram.enabled if telegram is None else telegram:
        from bot.telegram.runner import setup_telegram_routes, telegram_context

        setup_telegram_routes(app)
        app.cleanup_ctx.append(telegram_context)
    return app


async def _warning_scheduler(app: web.Application) -> AsyncIterator[None]:
    """Start approved warnings when due (delivery itself runs with the Telegram bot)."""
    services = app[SERVICES]
    config = services.config
    task = asyncio.create_task(
        run_scheduler(services.db, config.alerts, channel=bool(config.telegram.enabled and config.telegram.channel_id)),
        name="warning-scheduler",
    )
    yield
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


async def _purge_old_question_text(app: web.Application) -> AsyncIterator[None]:
    """Delete question text older than the retention period, at start and then every hour."""
    services = app[SERVICES]

    async def loop() -> None:
        while True:
            try:
                removed = await services.db.run(purge_question_text, services.config.privacy.retention_days)
                if removed:
                    log.info("purged the text of %d questions older than %d days", removed, services.config.privacy.retention_days)
            except Exception:
                log.exception("purging old question text failed; will try again")
            await asyncio.sleep(PURGE_INTERVAL_SECONDS)

    task = asyncio.create_task(loop(), name="purge-question-text")
    yield
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


async def _watch_knowledge(app: web.Application) -> AsyncIterator[None]:
    """Reload the knowledge base when its files change; a broken edit keeps the last good one."""
    store = app[SERVICES].store

    async def loop() -> None:
        while True:
            await asyncio.sleep(KNOWLEDGE_POLL_SECONDS)
            try:
                await asyncio.to_thread(store.reload_if_changed)
            except Exception:
                log.exception("knowledge watcher failed; will try again")

    task = asyncio.create_task(loop(), name="knowledge-watcher")
    yield
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
