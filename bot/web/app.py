"""`create_app(services)`: the aiohttp application with every route and background task."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.core.alerts.scheduler import quiet_hours, scheduler_tick
from bot.services import Services, taught_questions
from bot.storage.questions import purge_question_text
from bot.storage.taught import list_taught
from bot.web.api import setup_api_routes
from bot.web.background import periodic
from bot.web.headers import setup_headers
from bot.web.keys import SERVICES
from bot.web.public import setup_public_routes
from bot.web.sessions import setup_session_routes
from bot.web.staff_views import setup_staff_routes
from bot.web.staff_warnings import setup_staff_warning_routes
from bot.web.templating import setup_templates
from bot.web.tips import setup_tip_routes
from bot.web.warnings import setup_warning_routes

log = logging.getLogger(__name__)
KNOWLEDGE_POLL_SECONDS = 5.0
PURGE_INTERVAL_SECONDS = 3600.0
WARNING_TICK_SECONDS = 2.0


def create_app(services: Services, *, telegram: bool | None = None) -> web.Application:
    """Build the web app; with a Telegram token the bot starts and stops with it (same event loop)."""
    app = web.Application(client_max_size=64 * 1024)
    app[SERVICES] = services
    setup_templates(app)
    setup_headers(app)
    setup_api_routes(app)
    setup_session_routes(app)
    setup_warning_routes(app)
    setup_public_routes(app)
    setup_tip_routes(app)
    setup_staff_routes(app)
    setup_staff_warning_routes(app)
    app.cleanup_ctx.append(periodic("knowledge-watcher", KNOWLEDGE_POLL_SECONDS, _reload_changed_knowledge, wait_first=True))
    app.cleanup_ctx.append(periodic("purge-question-text", PURGE_INTERVAL_SECONDS, _purge_old_question_text))
    app.cleanup_ctx.append(periodic("warning-scheduler", WARNING_TICK_SECONDS, _start_due_warnings))
    if services.config.telegram.enabled if telegram is None else telegram:
        from bot.telegram.runner import setup_telegram_routes, telegram_context

        setup_telegram_routes(app)
        app.cleanup_ctx.append(telegram_context)
    return app


async def _start_due_warnings(app: web.Application) -> None:
    """Start approved warnings when due (delivery itself runs with the Telegram bot)."""
    services = app[SERVICES]
    config = services.config
    await scheduler_tick(services.db, quiet_hours(config.alerts), channel=bool(config.telegram.enabled and config.telegram.channel_id))


async def _purge_old_question_text(app: web.Application) -> None:
    """Delete question text older than the retention period."""
    services = app[SERVICES]
    days = services.config.privacy.retention_days
    removed = await services.db.run(purge_question_text, days)
    if removed:
        log.info("purged the text of %d questions older than %d days", removed, days)


async def _reload_changed_knowledge(app: web.Application) -> None:
    """Reload and retrain when the knowledge files or the taught questions change; a broken edit keeps the last good one."""
    services = app[SERVICES]
    taught = taught_questions(await services.db.read(list_taught))
    await asyncio.to_thread(services.store.reload_if_changed, taught)
