"""`create_app(services)`: the web app, the periodic jobs, (with a token) the Telegram bot and (with a gateway) SMS on one event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from telegram.ext import Application

from bot.host.jobs import setup_jobs
from bot.services import Services
from bot.sms.webhook import setup_sms
from bot.telegram.runner import SECRET_HEADER, receive_update, running_bot
from bot.web.app import create_web_app
from bot.web.keys import SERVICES

TELEGRAM_APP = web.AppKey("telegram_application", Application)
WEBHOOK_PATH = "/telegram/webhook"


def create_app(services: Services, *, telegram: bool | None = None) -> web.Application:
    """Build the whole service; with a Telegram token the bot starts and stops with the web app."""
    app = create_web_app(services)
    setup_jobs(app)
    setup_sms(app, services)  # the SMS webhook and sender, when sms.provider is set
    if services.config.telegram.enabled if telegram is None else telegram:
        app.router.add_post(WEBHOOK_PATH, webhook)
        app.cleanup_ctx.append(telegram_context)
    return app


async def telegram_context(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: the bot runs from the app's start to its stop."""
    async with running_bot(app[SERVICES]) as application:
        app[TELEGRAM_APP] = application
        yield


async def webhook(request: web.Request) -> web.Response:
    """Receives updates from Telegram in webhook mode."""
    secret = request.app[SERVICES].config.telegram.webhook_secret.reveal()
    status, reply = await receive_update(request.app.get(TELEGRAM_APP), secret, request.headers.get(SECRET_HEADER),
                                         await request.read())
    return web.json_response(reply, status=status)
