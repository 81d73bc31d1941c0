"""`create_app(services)`: the aiohttp application with every route and background task."""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator

from aiohttp import web

from bot.services import Services
from bot.web.api import setup_api_routes
from bot.web.keys import SERVICES

log = logging.getLogger(__name__)
KNOWLEDGE_POLL_SECONDS = 5.0


def create_app(services: Services, *, extra_contexts=()) -> web.Application:
    """Build the web app. `extra_contexts` are cleanup contexts started with it (e.g. Telegram)."""
    app = web.Application(client_max_size=64 * 1024)
    app[SERVICES] = services
    setup_api_routes(app)
    app.cleanup_ctx.append(_watch_knowledge)
    app.cleanup_ctx.extend(extra_contexts)
    return app


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
